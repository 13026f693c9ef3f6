package esengine

import (
	"net/http"
)

// engineVersion is the Elasticsearch version the engine reports. Clients use it to pick
// request formats; the REST subset implemented is common to 7.17 and 8.x.
const engineVersion = "8.15.0"

func handleInfo(e *Engine, r *request) (reply, error) {
	if r.method == http.MethodHead {
		return reply{status: http.StatusOK}, nil
	}
	return ok(orderedObject{
		{"name", "esengine"},
		{"cluster_name", e.opts.clusterName},
		{"cluster_uuid", e.clusterUUID},
		{"version", orderedObject{
			{"number", engineVersion},
			{"build_flavor", "default"},
			{"build_type", "embedded"},
			{"build_hash", "planstore-esengine"},
			{"build_date", "2024-08-05T10:05:34.233336849Z"},
			{"build_snapshot", false},
			{"lucene_version", "9.11.1"},
			{"minimum_wire_compatibility_version", "7.17.0"},
			{"minimum_index_compatibility_version", "7.0.0"},
		}},
		{"tagline", "You Know, for Search"},
	}), nil
}

// handleHealth always reports green: a single in-process node holds every shard, and
// the replicas an index asks for have nowhere else to go (a real single-node cluster
// would say yellow for those).
func handleHealth(e *Engine, r *request) (reply, error) {
	var targets []*index
	if expr, scoped := r.vars["index"]; scoped {
		ixs, err := e.resolveSearchTargets(expr)
		if err != nil {
			return reply{}, err
		}
		targets = ixs
	} else {
		e.mu.RLock()
		targets = e.allIndicesLocked()
		e.mu.RUnlock()
	}
	return ok(orderedObject{
		{"cluster_name", e.opts.clusterName},
		{"status", "green"},
		{"timed_out", false},
		{"number_of_nodes", 1},
		{"number_of_data_nodes", 1},
		{"active_primary_shards", len(targets)},
		{"active_shards", len(targets)},
		{"relocating_shards", 0},
		{"initializing_shards", 0},
		{"unassigned_shards", 0},
		{"delayed_unassigned_shards", 0},
		{"number_of_pending_tasks", 0},
		{"number_of_in_flight_fetch", 0},
		{"task_max_waiting_in_queue_millis", 0},
		{"active_shards_percent_as_number", double(100)},
	}), nil
}
