// Package esengine is an in-process search engine that speaks the subset of
// Elasticsearch's REST API planstore uses. It is an http.RoundTripper: plugged in as the
// Transport of the official go-elasticsearch/v8 client, it answers every request in
// memory with Elasticsearch's status codes, headers (X-Elastic-Product: Elasticsearch)
// and JSON shapes, errors included, so read-model code cannot tell it from a cluster.
//
//	engine := esengine.New()
//	client, err := esengine.NewClient(engine) // or elasticsearch.Config{Transport: engine}
//
// It keeps nothing on disk: planstore rebuilds it from the event log at start-up.
//
// # REST subset
//
// GET|HEAD /, GET /_cluster/health; PUT|HEAD|GET|DELETE /{index}, GET|PUT
// /{index}/_mapping, GET /{index}/_settings; POST /_aliases (add, remove, remove_index,
// atomic), PUT|DELETE /{index}/_alias/{name}, GET|HEAD /_alias/{name}, GET
// /{index}/_alias; PUT|POST|GET|HEAD|DELETE /{index}/_doc/{id}, POST /{index}/_doc,
// PUT /{index}/_create/{id}, GET /{index}/_source/{id}, POST /{index}/_update/{id}
// (partial documents, no scripts); POST /_bulk and /{index}/_bulk (index, create,
// delete, update); GET|POST /{index}/_search, /_search, /{index}/_count, /_count;
// POST /{index}/_refresh, /_refresh. Index expressions take comma lists, wildcards,
// _all and aliases. Writes honour routing, version with version_type
// external/external_gte, if_seq_no/if_primary_term, op_type and refresh; mappings
// honour keyword (ignore_above, null_value), text with multi-fields, the numeric types,
// boolean, object, join (relations) and dynamic true/false/strict; settings honour
// number_of_replicas, max_result_window and gc_deletes.
//
// # Query DSL subset
//
// match_all, match (operator, minimum_should_match, zero_terms_query), term, terms, ids,
// range (gt/gte/lt/lte, from/to), exists, bool (must, filter, should, must_not,
// minimum_should_match with Elasticsearch's defaults and spec syntax), has_child
// (score_mode, min_children, max_children), has_parent (score), parent_id; each on any
// field, including _id, _routing, the join field and its "join#parent" fields; short and
// long forms; boost and _name everywhere. Search bodies take query, from, size, sort
// (fields, _score, _doc, _index, _seq_no, _version, string and object forms, missing,
// mode, unmapped_type; _routing and _source refused as there),
// _source (bool, patterns, includes/excludes), track_total_hits, track_scores, version,
// seq_no_primary_term and min_score. Other queries are refused with a 400
// parsing_exception "unknown query [x]"; script queries with the shard failure a cluster
// without a script engine gives; other body features (aggs, highlight, search_after...)
// with a parsing_exception naming them.
//
// Joins never scan: each index keeps inverted indexes (keyword value, text token and
// numeric value to a roaring bitmap of documents, values sorted lazily for ranges, the
// unions of ranges open above kept between writes) and a join graph (child document to
// parent document as a flat array, parent id to children bitmap). has_child evaluates
// its query over the children and maps them to parents in one pass over the matches;
// has_parent does the reverse.
//
// # Inside
//
// This package is the REST surface: the router (RoundTrip), one file per API, the
// catalog of indices and aliases, and search and count across indices. Its parts are
// under internal/, where nothing outside the engine can import them, each depending
// only on those listed before it: internal/wire (errors as Elasticsearch renders them,
// ordered JSON output, JSON values), internal/mapping (mapping parse, merge and render,
// the analyzer), internal/postings (posting lists), internal/statefile (the checksummed
// sections of a saved state), internal/index (stored documents, versions and
// tombstones, writes, the views searches read unlocked, and an index's saved state) and
// internal/query (the Query DSL: parsing, evaluation, sorting, top-k). SaveState and
// LoadState (state.go) write the whole catalog to a file and read it back. The engine knows
// nothing of plans: its tests bring their own index (dsltest.IndexBody), the mapping of
// the DSL conformance suite it shares with a real Elasticsearch, projections/dsltest.
//
// # Differences from Elasticsearch
//
//   - Writes are searchable as soon as they are acknowledged; refresh is accepted and is
//     a no-op. Code that forgets to refresh works here and not on a cluster.
//   - An index is one shard whatever number_of_shards says. Routing is stored and
//     returned (_routing) but does not partition; a GET with another routing still finds
//     the document.
//   - Scores follow BM25 as Lucene 8 computes it (within float32 rounding), but may
//     differ from a cluster's, which counts deleted documents in its statistics until
//     segments merge. Scoring joins ignore boosts as Lucene's do (boost_immune.go).
//     Ids, totals and sorted orders agree; documents with equal scores come in write
//     order, which is not necessarily a cluster's segment order, so page through ties
//     with a sort.
//   - Hits carry _type (_doc), _ignored and matched_queries as 7.17's do; matched_queries
//     come in the order of Elasticsearch's HashMap of names (named_queries.go).
//   - Delete tombstones are kept for index.gc_deletes (60s by default) as in
//     Elasticsearch; WithTombstoneRetention(0) keeps them forever, so a redelivered old
//     event can never resurrect a deleted object, however late.
//   - The analyzer is the standard one: Unicode word boundaries (UAX #29, from
//     rivo/uniseg) with what Lucene's StandardTokenizer adds (emoji tokens, complex-context
//     scripts kept whole, 255-unit tokens) and lowercasing, checked against a cluster's
//     _analyze (analyzer_test.go). Field lengths go through Lucene's one-byte norm, as
//     BM25 reads them. There is no date type and no date detection. Long values are
//     held as float64 (exact up to 2^53).
//   - Aliases with filters or routing are refused. An alias over several indices is
//     searched as one (results merged in sort order), like Elasticsearch; writes through
//     it need a write index.
//   - Where 7.17 and 8.x answer differently the engine follows 7.17, the cluster the
//     conformance suite is checked against (mapper_parsing_exception wrapping, negative
//     from/size meaning the default), while GET / reports version 8.15.0. Error reasons
//     carry no line/column positions; filter_path is accepted and ignored; sources are
//     returned compacted, and filtered or updated ones with their keys sorted. Cluster
//     health is always green.
//
// Limits: query nesting depth 20 (indices.query.bool.max_nested_depth), request bodies
// of 100mb (WithMaxContentLength), index.max_result_window 10,000.
package esengine
