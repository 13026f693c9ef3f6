package projections

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// MaxIDBytes is Elasticsearch's limit on a document _id; an objectId longer than this
// could never be indexed, so Documents refuses it up front with a clear path.
const MaxIDBytes = 512

// Doc is one object of a plan as the read model stores it.
type Doc struct {
	// ID is the object's objectId, used as the document _id: objectIds are unique
	// across plans, so the read model can key every object by it.
	ID string
	// Routing is the objectId of the plan the object belongs to, the same for every
	// document of a plan: a join field needs parent and children on one shard.
	Routing string
	// Source holds the object's own scalar fields (its nested objects are documents of
	// their own) and the join field.
	Source json.RawMessage
}

// Documents turns a plan into one document per object: the plan itself, its
// planCostShares, each linkedPlanServices element, and each element's linkedService and
// planserviceCostShares. It reads the plan as generic JSON, by position rather than by
// objectType, so it neither depends on the aggregate's Go types nor second-guesses
// validation that the write side already did.
func Documents(planJSON []byte) ([]Doc, error) {
	if docs, ok := documentsFast(planJSON); ok {
		return docs, nil
	}
	return documentsSlow(planJSON)
}

// documentsSlow decodes the plan with encoding/json; it is the reference behaviour, and
// the path that words every error.
func documentsSlow(planJSON []byte) ([]Doc, error) {
	root, err := decodeObject(planJSON, "plan")
	if err != nil {
		return nil, err
	}
	b := docBuilder{seen: make(map[string]string, 8)}
	planID, err := b.add(root, "", RelationPlan, "")
	if err != nil {
		return nil, err
	}
	if raw, ok := present(root["planCostShares"]); ok {
		if err := b.addChild(raw, "planCostShares", RelationPlanCostShare, planID); err != nil {
			return nil, err
		}
	}
	raw, ok := present(root["linkedPlanServices"])
	if !ok {
		return b.docs, nil
	}
	var services []json.RawMessage
	if err := json.Unmarshal(raw, &services); err != nil {
		return nil, fmt.Errorf("projections: linkedPlanServices: not an array: %w", err)
	}
	for i, s := range services {
		path := fmt.Sprintf("linkedPlanServices[%d]", i)
		if err := b.addPlanService(s, path, planID); err != nil {
			return nil, err
		}
	}
	return b.docs, nil
}

// docBuilder accumulates the documents of one plan.
type docBuilder struct {
	routing string
	docs    []Doc
	seen    map[string]string // objectId -> path where it first appeared
}

func (b *docBuilder) addPlanService(raw json.RawMessage, path, planID string) error {
	obj, err := decodeObject(raw, path)
	if err != nil {
		return err
	}
	serviceID, err := b.add(obj, path, RelationLinkedPlanService, planID)
	if err != nil {
		return err
	}
	if raw, ok := present(obj["linkedService"]); ok {
		if err := b.addChild(raw, path+".linkedService", RelationLinkedService, serviceID); err != nil {
			return err
		}
	}
	if raw, ok := present(obj["planserviceCostShares"]); ok {
		if err := b.addChild(raw, path+".planserviceCostShares", RelationPlanserviceCostShare, serviceID); err != nil {
			return err
		}
	}
	return nil
}

func (b *docBuilder) addChild(raw json.RawMessage, path, relation, parentID string) error {
	obj, err := decodeObject(raw, path)
	if err != nil {
		return err
	}
	_, err = b.add(obj, path, relation, parentID)
	return err
}

// add appends the document of one object and returns its objectId. The plan (parentID
// "") fixes the routing of every later document.
func (b *docBuilder) add(obj map[string]json.RawMessage, path, relation, parentID string) (string, error) {
	idPath := joinPath(path, "objectId")
	var id string
	if err := json.Unmarshal(obj["objectId"], &id); err != nil || id == "" {
		return "", fmt.Errorf("projections: %s: missing or not a non-empty string", idPath)
	}
	if len(id) > MaxIDBytes {
		return "", fmt.Errorf("projections: %s: longer than %d bytes", idPath, MaxIDBytes)
	}
	if first, dup := b.seen[id]; dup {
		return "", fmt.Errorf("projections: %s: objectId %q already used at %s", idPath, id, orRoot(first))
	}
	b.seen[id] = idPath
	if parentID == "" {
		b.routing = id
	}
	src, err := source(obj, relation, parentID)
	if err != nil {
		return "", fmt.Errorf("projections: %s: %w", orRoot(path), err)
	}
	b.docs = append(b.docs, Doc{ID: id, Routing: b.routing, Source: src})
	return id, nil
}

// source encodes the object's scalar fields, sorted by name so the same object always
// gives the same bytes, plus the join field. A plan_join the object may carry itself is
// dropped: the position in the plan decides the relation, not the payload.
func source(obj map[string]json.RawMessage, relation, parentID string) (json.RawMessage, error) {
	keys := make([]string, 0, len(obj))
	for k, v := range obj {
		if k != JoinField && isScalar(v) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Grow(64 * (len(keys) + 1))
	buf.WriteByte('{')
	for _, k := range keys {
		if err := writeString(&buf, k); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		buf.Write(obj[k])
		buf.WriteByte(',')
	}
	if err := writeString(&buf, JoinField); err != nil {
		return nil, err
	}
	buf.WriteByte(':')
	if err := writeJoin(&buf, relation, parentID); err != nil {
		return nil, err
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// writeJoin writes the join value: the bare relation name for the plan, the relation
// and its parent's id for every child.
func writeJoin(buf *bytes.Buffer, relation, parentID string) error {
	if parentID == "" {
		return writeString(buf, relation)
	}
	buf.WriteString(`{"name":`)
	if err := writeString(buf, relation); err != nil {
		return err
	}
	buf.WriteString(`,"parent":`)
	if err := writeString(buf, parentID); err != nil {
		return err
	}
	buf.WriteByte('}')
	return nil
}

func writeString(buf *bytes.Buffer, s string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode %q: %w", s, err)
	}
	buf.Write(b)
	return nil
}

// decodeObject parses one JSON object; what names it in errors is its path in the plan.
func decodeObject(raw []byte, path string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("projections: %s: not a JSON object: %w", path, err)
	}
	if obj == nil {
		return nil, fmt.Errorf("projections: %s: not a JSON object: null", path)
	}
	return obj, nil
}

// present reports whether a member exists and is not JSON null: an absent optional
// object and an explicit null mean the same thing to the read model.
func present(raw json.RawMessage) (json.RawMessage, bool) {
	if len(raw) == 0 || isNull(raw) {
		return nil, false
	}
	return raw, true
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// isScalar tells a string, number, boolean or null from an object or array. Values come
// from encoding/json, so they are valid JSON without surrounding space.
func isScalar(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] != '{' && raw[0] != '['
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func orRoot(path string) string {
	if path == "" {
		return "plan"
	}
	return path
}
