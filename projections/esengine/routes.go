package esengine

import (
	"slices"
	"strings"
)

// route is one REST endpoint: a path pattern whose {placeholders} match one segment,
// the handler per method, and the query parameters the endpoint accepts.
type route struct {
	pattern []string
	methods map[string]handler
	params  []string
}

// commonParams are accepted by every endpoint. filter_path is accepted but not applied:
// the engine always answers the full response, which is a superset of the filtered one.
var commonParams = []string{"pretty", "human", "error_trace", "filter_path", "format"}

var routes = buildRoutes()

func buildRoutes() []route {
	docWrite := []string{"routing", "version", "version_type", "if_seq_no", "if_primary_term", "op_type", "refresh", "timeout", "wait_for_active_shards", "require_alias"}
	docRead := []string{"routing", "realtime", "refresh", "_source", "_source_includes", "_source_excludes", "stored_fields", "preference", "version", "version_type"}
	search := []string{"from", "size", "sort", "_source", "_source_includes", "_source_excludes", "track_total_hits", "track_scores", "routing", "preference", "timeout", "request_cache", "allow_no_indices", "ignore_unavailable", "expand_wildcards", "rest_total_hits_as_int", "typed_keys", "seq_no_primary_term", "version", "search_type", "batched_reduce_size", "ccs_minimize_roundtrips", "allow_partial_search_results", "max_concurrent_shard_requests", "pre_filter_shard_size"}
	count := []string{"routing", "preference", "allow_no_indices", "ignore_unavailable", "expand_wildcards"}
	bulk := []string{"routing", "refresh", "timeout", "wait_for_active_shards", "require_alias", "pipeline", "_source", "_source_includes", "_source_excludes"}
	indicesOpts := []string{"allow_no_indices", "ignore_unavailable", "expand_wildcards", "local", "master_timeout", "timeout", "wait_for_active_shards", "include_defaults", "flat_settings"}
	r := func(pattern string, params []string, methods map[string]handler) route {
		return route{pattern: strings.Split(strings.Trim(pattern, "/"), "/"), methods: methods, params: params}
	}
	return []route{
		r("/", nil, map[string]handler{"GET": handleInfo, "HEAD": handleInfo}),
		r("/_cluster/health", []string{"level", "local", "master_timeout", "timeout", "wait_for_active_shards", "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards", "wait_for_status"}, map[string]handler{"GET": handleHealth}),
		r("/_cluster/health/{index}", []string{"level", "local", "master_timeout", "timeout", "wait_for_active_shards", "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards", "wait_for_status"}, map[string]handler{"GET": handleHealth}),
		r("/_aliases", []string{"master_timeout", "timeout"}, map[string]handler{"POST": handleAliasActions, "GET": handleGetAliases}),
		r("/_alias", indicesOpts, map[string]handler{"GET": handleGetAliases}),
		r("/_alias/{name}", indicesOpts, map[string]handler{"GET": handleGetAliases, "HEAD": handleGetAliases}),
		r("/_bulk", bulk, map[string]handler{"POST": handleBulk, "PUT": handleBulk}),
		r("/_refresh", indicesOpts, map[string]handler{"POST": handleRefresh, "GET": handleRefresh}),
		r("/_search", search, map[string]handler{"POST": handleSearch, "GET": handleSearch}),
		r("/_count", count, map[string]handler{"POST": handleCount, "GET": handleCount}),
		r("/_mapping", indicesOpts, map[string]handler{"GET": handleGetMapping}),
		r("/{index}/_alias", indicesOpts, map[string]handler{"GET": handleGetAliases}),
		r("/{index}/_aliases", indicesOpts, map[string]handler{"GET": handleGetAliases}),
		r("/{index}/_alias/{name}", indicesOpts, map[string]handler{"PUT": handlePutAlias, "POST": handlePutAlias, "DELETE": handleDeleteAlias, "GET": handleGetAliases, "HEAD": handleGetAliases}),
		r("/{index}/_aliases/{name}", indicesOpts, map[string]handler{"PUT": handlePutAlias, "POST": handlePutAlias, "DELETE": handleDeleteAlias}),
		r("/{index}/_mapping", append(slices.Clone(indicesOpts), "write_index_only"), map[string]handler{"GET": handleGetMapping, "PUT": handlePutMapping, "POST": handlePutMapping}),
		r("/{index}/_settings", indicesOpts, map[string]handler{"GET": handleGetSettings}),
		r("/{index}/_doc", docWrite, map[string]handler{"POST": handleIndexAutoID}),
		r("/{index}/_doc/{id}", append(slices.Clone(docWrite), docRead...), map[string]handler{"PUT": handleIndexDoc, "POST": handleIndexDoc, "GET": handleGetDoc, "HEAD": handleGetDoc, "DELETE": handleDeleteDoc}),
		r("/{index}/_create/{id}", docWrite, map[string]handler{"PUT": handleCreateDoc, "POST": handleCreateDoc}),
		r("/{index}/_source/{id}", docRead, map[string]handler{"GET": handleGetSource, "HEAD": handleGetSource}),
		r("/{index}/_update/{id}", []string{"routing", "refresh", "timeout", "wait_for_active_shards", "require_alias", "retry_on_conflict", "if_seq_no", "if_primary_term", "_source", "_source_includes", "_source_excludes", "lang"}, map[string]handler{"POST": handleUpdateDoc}),
		r("/{index}/_bulk", bulk, map[string]handler{"POST": handleBulk, "PUT": handleBulk}),
		r("/{index}/_search", search, map[string]handler{"POST": handleSearch, "GET": handleSearch}),
		r("/{index}/_count", count, map[string]handler{"POST": handleCount, "GET": handleCount}),
		r("/{index}/_refresh", indicesOpts, map[string]handler{"POST": handleRefresh, "GET": handleRefresh}),
		r("/{index}", append(slices.Clone(indicesOpts), "include_type_name"), map[string]handler{"PUT": handleCreateIndex, "HEAD": handleIndexExists, "GET": handleGetIndex, "DELETE": handleDeleteIndex}),
	}
}

// match reports whether segs fit the pattern, binding its placeholders.
func (rt route) match(segs []string) (map[string]string, bool) {
	if len(rt.pattern) == 1 && rt.pattern[0] == "" {
		return nil, len(segs) == 0
	}
	if len(segs) != len(rt.pattern) {
		return nil, false
	}
	vars := map[string]string{}
	for i, p := range rt.pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			vars[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vars, true
}

type handler func(e *Engine, r *request) (reply, error)
