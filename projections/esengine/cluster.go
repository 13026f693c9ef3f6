package esengine

import (
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// engineVersion is the Elasticsearch version the engine reports. Clients use it to pick
// request formats; the REST subset implemented is common to 7.17 and 8.x.
const engineVersion = "8.15.0"

func handleInfo(e *Engine, r *request) (reply, error) {
	if r.method == http.MethodHead {
		return reply{status: http.StatusOK}, nil
	}
	return ok(wire.OrderedObject{
		{Key: "name", Value: "esengine"},
		{Key: "cluster_name", Value: e.opts.clusterName},
		{Key: "cluster_uuid", Value: e.clusterUUID},
		{Key: "version", Value: wire.OrderedObject{
			{Key: "number", Value: engineVersion},
			{Key: "build_flavor", Value: "default"},
			{Key: "build_type", Value: "embedded"},
			{Key: "build_hash", Value: "planstore-esengine"},
			{Key: "build_date", Value: "2024-08-05T10:05:34.233336849Z"},
			{Key: "build_snapshot", Value: false},
			{Key: "lucene_version", Value: "9.11.1"},
			{Key: "minimum_wire_compatibility_version", Value: "7.17.0"},
			{Key: "minimum_index_compatibility_version", Value: "7.0.0"},
		}},
		{Key: "tagline", Value: "You Know, for Search"},
	}), nil
}

// handleHealth always reports green: a single in-process node holds every shard, and
// the replicas an index asks for have nowhere else to go (a real single-node cluster
// would say yellow for those).
func handleHealth(e *Engine, r *request) (reply, error) {
	targets, err := e.scopedIndices(r)
	if err != nil {
		return reply{}, err
	}
	return ok(wire.OrderedObject{
		{Key: "cluster_name", Value: e.opts.clusterName},
		{Key: "status", Value: "green"},
		{Key: "timed_out", Value: false},
		{Key: "number_of_nodes", Value: 1},
		{Key: "number_of_data_nodes", Value: 1},
		{Key: "active_primary_shards", Value: len(targets)},
		{Key: "active_shards", Value: len(targets)},
		{Key: "relocating_shards", Value: 0},
		{Key: "initializing_shards", Value: 0},
		{Key: "unassigned_shards", Value: 0},
		{Key: "delayed_unassigned_shards", Value: 0},
		{Key: "number_of_pending_tasks", Value: 0},
		{Key: "number_of_in_flight_fetch", Value: 0},
		{Key: "task_max_waiting_in_queue_millis", Value: 0},
		{Key: "active_shards_percent_as_number", Value: wire.Double(100)},
	}), nil
}
