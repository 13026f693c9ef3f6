// Package projections turns plan events into the search read model: one document per
// object of a plan, joined to its parent through the `plan_join` join field.
package projections

// Alias is the only name the query side ever searches; replay builds a new index
// behind it and moves it atomically.
const Alias = "plans"

// JoinField is the name of the join field that links every object to its parent.
const JoinField = "plan_join"

// Join relation names, one per position an object can take inside a plan.
const (
	RelationPlan                 = "plan"
	RelationPlanCostShare        = "planCostShare"
	RelationLinkedPlanService    = "linkedPlanService"
	RelationLinkedService        = "linkedService"
	RelationPlanserviceCostShare = "planserviceCostShare"
)

// IndexBody is the settings and mapping of every index behind the alias. One shard keeps
// parent and child on the same shard trivially and is plenty for this data size; the
// join field still needs routing by plan id so a later reshard stays correct. The shard
// gets a replica wherever there is a second node (auto_expand_replicas "0-1"), so the
// read model survives losing a node of the three-node cluster, while a single node
// stays green with none. Deletes keep their version for a day (gc_deletes, 60 s by
// default), so an event older than a delete, redelivered hours later (a dead letter
// moved back after a fix), is refused instead of resurrecting what was deleted.
// Numbers are doubles because money may carry cents.
const IndexBody = `{
  "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1", "gc_deletes": "1d"},
  "mappings": {
    "dynamic": "strict",
    "properties": {
      "objectId":     {"type": "keyword"},
      "objectType":   {"type": "keyword"},
      "_org":         {"type": "keyword"},
      "planType":     {"type": "keyword"},
      "creationDate": {"type": "keyword"},
      "copay":        {"type": "double"},
      "deductible":   {"type": "double"},
      "name":         {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
      "plan_join": {
        "type": "join",
        "eager_global_ordinals": true,
        "relations": {
          "plan": ["planCostShare", "linkedPlanService"],
          "linkedPlanService": ["linkedService", "planserviceCostShare"]
        }
      }
    }
  }
}`
