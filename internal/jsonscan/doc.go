// Package jsonscan walks JSON text without building values: the one JSON grammar of
// planstore, shared by the plan decoder (aggregates/plan), the search validator
// (queries/search), the plan walk that turns a plan into documents, the engine's bulk
// action lines and document sources, the check of a _bulk answer, and the _org of a
// stored plan (tenancy, with SkipTrusted over the members it does not need).
//
// It validates what it passes over as strictly as encoding/json (json.Valid accepts
// exactly what a Scanner accepts, within its depth bound) while recording where values
// are instead of decoding them, so its callers can keep values as slices of their
// input and allocate nothing per field. A failed string or number read leaves a Fault
// (what was wrong, at which byte) for a caller that words syntax errors itself, as the
// plan decoder does at JSON paths; the others report what they do not handle as not ok
// and fall back to encoding/json, which then words the error. The callers keep what is
// specific to them (depth and member limits, duplicate keys, which keys they know, how
// a string span becomes a value); the grammar lives here once, and so does the one
// way a string is written back (AppendString). It imports only the
// standard library, so any layer may use it.
package jsonscan
