// Package query is the Query DSL over an index: parsing each query of the supported
// subset, evaluating it to a scored document set (joins through the index's join
// graph), sorting, top-k selection, and the stop checks that bound a search's time.
package query
