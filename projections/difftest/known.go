package difftest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Class names one known divergence class of issue 14, which the fidelity work is fixing
// in the engine. While a class is tolerated (in Known) the generator leaves out what
// triggers it and the comparison ignores what shows it, so a fixed-seed run stays green;
// once the engine matches Elasticsearch, the class leaves DefaultKnown.
type Class string

// The classes, one per item of the list.
const (
	// A range with two bounds on one side (gte and gt): Elasticsearch takes the last.
	KnownRangeTwoBounds Class = "range-two-bounds"
	// UAX #29 tokenization: lab_test, O'Neil's, 1,000, 2.0.1, CJK, emoji in text.
	KnownTokenization Class = "tokenization"
	// ignore_above counts UTF-16 code units: astral characters in long names.
	KnownIgnoreAboveUTF16 Class = "ignore-above-utf16"
	// minimum_should_match on a single-term match, and percentages.
	KnownMatchMinimumShouldMatch Class = "match-msm"
	// track_total_hits: 0 returns no total in Elasticsearch.
	KnownTrackTotalHitsZero Class = "track-total-hits-0"
	// term on _index naming the alias.
	KnownIndexAliasTerm Class = "index-alias-term"
	// sort with unmapped_type, on _index and _seq_no, on _routing.
	KnownSortSpecialFields Class = "sort-special"
	// hits carry matched_queries (_name), _ignored and _type.
	KnownHitFields Class = "hit-fields"
	// a bool with only must_not scores 0.
	KnownMustNotOnlyScore Class = "must-not-only-score"
	// boost dropped by a scoring join.
	KnownJoinBoost Class = "join-boost"
	// refusals: negative boosts, Infinity on a number field, exists on _source, sort
	// mode avg on _id, a non-numeric missing on a number sort, an invalid time_zone.
	KnownRefusals Class = "refusals"
	// BM25 statistics (field lengths from the same tokenization).
	KnownBM25 Class = "bm25"

	// Classes the differential tester found beyond the list.

	// Elasticsearch rewrites a query before building it: a must or filter clause that
	// rewrites to match_none (an empty terms or ids, a term or range on an unmapped
	// field...) makes the whole bool match nothing, so an invalid sibling clause is
	// never refused (200) where the engine refuses it (400), or an error
	// of another part (a sort on a text field) is reported instead of the query's.
	KnownRewriteToNone Class = "rewrite-to-none"
	// An error raised while parsing a clause nested in a bool (max_children below
	// min_children, say) is wrapped by Elasticsearch's bool parser, so its type and root
	// cause are x_content_parse_exception; the engine reports the inner error.
	KnownNestedParseError Class = "nested-parse-error"
)

// AllClasses lists every class, in the order.
var AllClasses = []Class{
	KnownRangeTwoBounds, KnownTokenization, KnownIgnoreAboveUTF16, KnownMatchMinimumShouldMatch,
	KnownTrackTotalHitsZero, KnownIndexAliasTerm, KnownSortSpecialFields, KnownHitFields,
	KnownMustNotOnlyScore, KnownJoinBoost, KnownRefusals, KnownBM25,
	KnownRewriteToNone, KnownNestedParseError,
}

// DefaultKnown is what CI tolerates today: every class of the issue not yet fixed on
// main. Remove a class here when the engine matches Elasticsearch for it. Every class
// of the list is fixed (dsltest pins each on both engines); what is left is a
// query that rewrites to match_none, which Elasticsearch answers before building the
// rest (and with track_total_hits: 0, as a total of 0 "gte").
var DefaultKnown = []Class{KnownRewriteToNone}

// Known is a set of tolerated classes.
type Known map[Class]bool

// Has reports whether c is tolerated.
func (k Known) Has(c Class) bool { return k[c] }

// String lists the classes, sorted, or "none".
func (k Known) String() string {
	var names []string
	for c, on := range k {
		if on {
			names = append(names, string(c))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// KnownOf builds a set from classes.
func KnownOf(classes ...Class) Known {
	k := Known{}
	for _, c := range classes {
		k[c] = true
	}
	return k
}

// ParseKnown reads a flag value: "default", "all", "none", or a comma-separated list of
// class names; a name prefixed with "-" is removed from the default set.
func ParseKnown(s string) (Known, error) {
	switch s {
	case "", "default":
		return KnownOf(DefaultKnown...), nil
	case "all":
		return KnownOf(AllClasses...), nil
	case "none":
		return Known{}, nil
	}
	k := Known{}
	if strings.HasPrefix(s, "-") {
		k = KnownOf(DefaultKnown...)
	}
	for _, name := range strings.Split(s, ",") {
		remove := strings.HasPrefix(name, "-")
		c := Class(strings.TrimPrefix(name, "-"))
		if !slices.Contains(AllClasses, c) {
			return nil, fmt.Errorf("difftest: unknown divergence class %q; known: %v", name, AllClasses)
		}
		k[c] = !remove
	}
	return k, nil
}
