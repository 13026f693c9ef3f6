// Package mapping is an index's mapping: parsing and validating a mapping body, merging
// an update into it, rendering it back, and the analyzer of text fields. It knows
// nothing of plans: the read model's mapping is data it is given.
package mapping
