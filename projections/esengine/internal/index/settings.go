package index

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// IndexSettings are the index settings the engine honours. Others that only matter to a
// cluster (refresh_interval, routing allocation...) are accepted and echoed.
type IndexSettings struct {
	shards          int
	Replicas        int
	autoExpand      string // auto_expand_replicas as given ("0-1", "0-all", "false"); "" when not set
	MaxResultWindow int
	gcDeletes       time.Duration // 0 keeps tombstones forever
	gcDeletesText   string
	windowSet       bool              // max_result_window was given, so GET _settings shows it
	echoed          map[string]string // other accepted settings, "index."-less keys
}

func DefaultSettings(tombstoneTTL time.Duration) IndexSettings {
	return IndexSettings{shards: 1, Replicas: 1, MaxResultWindow: 10000, gcDeletes: tombstoneTTL, echoed: map[string]string{}}
}

// acceptedSettings are settings that do not change the engine's behaviour.
var acceptedSettings = map[string]bool{
	"refresh_interval": true, "codec": true, "max_inner_result_window": true,
	"mapping.total_fields.limit": true, "mapping.depth.limit": true, "max_terms_count": true,
	"routing.allocation.include._tier_preference": true,
}

// ParseSettings reads a create-index "settings" object, nested ({"index":{...}}) or flat
// ("index.number_of_shards"), the way Elasticsearch normalises both.
func ParseSettings(raw any, base IndexSettings) (IndexSettings, *wire.EsError) {
	flat := map[string]string{}
	if raw != nil {
		obj, ok := raw.(map[string]any)
		if !ok {
			return base, wire.ErrIllegalArgument("settings must be an object")
		}
		flattenSettings("", obj, flat)
	}
	s := base
	s.echoed = map[string]string{}
	for _, key := range mapping.SortedKeys(flat) {
		value := flat[key]
		name := strings.TrimPrefix(key, "index.")
		var err *wire.EsError
		switch name {
		case "number_of_shards":
			s.shards, err = positiveSetting(key, value, 1)
		case "number_of_replicas":
			s.Replicas, err = positiveSetting(key, value, 0)
		case "auto_expand_replicas":
			s.autoExpand = value
			err = checkAutoExpandReplicas(value)
		case "max_result_window":
			s.MaxResultWindow, err = positiveSetting(key, value, 1)
			s.windowSet = true
		case "gc_deletes":
			d, perr := ParseTimeValue(value)
			if perr != nil {
				err = wire.ErrIllegalArgument("failed to parse setting [index.gc_deletes] with value [%s] as a time value: %v", value, perr)
			}
			s.gcDeletes, s.gcDeletesText = d, value
			if d < 0 {
				// Elasticsearch treats a negative value as "prune at once".
				s.gcDeletes = time.Nanosecond
			}
		default:
			if !acceptedSettings[name] {
				err = wire.ErrIllegalArgument("unknown setting [index.%s] please check that any required plugins are installed, or check the breaking changes documentation for removed settings", name)
			}
			s.echoed[name] = value
		}
		if err != nil {
			return base, err
		}
	}
	if lowest, expands := autoExpandMin(s.autoExpand); expands {
		// The engine is one node: Elasticsearch expands to as many replicas as there are
		// other data nodes, within the range, which here is the range's minimum.
		s.Replicas = lowest
	}
	return s, nil
}

// checkAutoExpandReplicas validates index.auto_expand_replicas like Elasticsearch 7.17:
// "false", or "min-max" where max is a number or "all", and min <= max.
func checkAutoExpandReplicas(value string) *wire.EsError {
	if value == "false" {
		return nil
	}
	const key = "index.auto_expand_replicas"
	dash := strings.IndexByte(value, '-')
	if dash < 0 {
		return wire.ErrIllegalArgument("failed to parse [%s] from value: [%s] at index %d", key, value, dash)
	}
	minText, maxText := value[:dash], value[dash+1:]
	minimum, ok := javaInt(minText)
	if !ok {
		return errAutoExpandNumber(value, dash, minText)
	}
	if maxText == "all" {
		return nil
	}
	maximum, ok := javaInt(maxText)
	if !ok {
		return errAutoExpandNumber(value, dash, maxText)
	}
	if minimum > maximum {
		return wire.ErrIllegalArgument("[%s] minReplicas must be =< maxReplicas but wasn't %d > %d", key, minimum, maximum)
	}
	return nil
}

// errAutoExpandNumber is Elasticsearch's answer when a bound of auto_expand_replicas is
// not a number: the index it reports is the dash's, whichever bound failed.
func errAutoExpandNumber(value string, dash int, bound string) *wire.EsError {
	return wire.ErrIllegalArgument("failed to parse [index.auto_expand_replicas] from value: [%s] at index %d", value, dash).
		Because(wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", bound))
}

// javaInt parses s as Java's Integer.parseInt does (optional sign, 32 bits).
func javaInt(s string) (int, bool) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err == nil
}

// autoExpandMin reports the lower bound of a valid auto_expand_replicas value, and
// whether the setting expands at all.
func autoExpandMin(value string) (int, bool) {
	minText, _, found := strings.Cut(value, "-")
	if !found {
		return 0, false
	}
	n, _ := javaInt(minText)
	return n, true
}

func flattenSettings(prefix string, obj map[string]any, out map[string]string) {
	for k, v := range obj {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			flattenSettings(key, x, out)
		case json.Number:
			out[key] = x.String()
		case string:
			out[key] = x
		case bool:
			out[key] = strconv.FormatBool(x)
		case nil:
		default:
			out[key] = fmt.Sprint(x)
		}
	}
}

func positiveSetting(key, value string, min int) (int, *wire.EsError) {
	n, err := strconv.Atoi(value)
	if err != nil {
		return 0, wire.ErrIllegalArgument("Failed to parse value [%s] for setting [%s]", value, key)
	}
	if n < min {
		return 0, wire.ErrIllegalArgument("Failed to parse value [%s] for setting [%s] must be >= %d", value, key, min)
	}
	return n, nil
}

// ParseTimeValue reads Elasticsearch time values: "60s", "1m", "500ms", "2h", "1d", "-1".
func ParseTimeValue(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "-1" {
		return -1, nil
	}
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"nanos", time.Nanosecond}, {"micros", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("parsing %q: %w", v, err)
			}
			return time.Duration(f * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("missing unit in %q", v)
}

// Render produces the settings as GET /{index}/_settings shows them.
func (s IndexSettings) Render(ix *Index) wire.OrderedObject {
	o := wire.OrderedObject{{Key: "number_of_shards", Value: strconv.Itoa(s.shards)}}
	if s.autoExpand != "" {
		o = append(o, wire.OrderedField{Key: "auto_expand_replicas", Value: s.autoExpand})
	}
	o = append(o, wire.OrderedObject{
		{Key: "provided_name", Value: ix.Name},
		{Key: "creation_date", Value: strconv.FormatInt(ix.created.UnixMilli(), 10)},
		{Key: "number_of_replicas", Value: strconv.Itoa(s.Replicas)},
		{Key: "uuid", Value: ix.Uuid},
		{Key: "version", Value: wire.OrderedObject{{Key: "created", Value: "8150099"}}},
	}...)
	if s.windowSet {
		o = append(o, wire.OrderedField{Key: "max_result_window", Value: strconv.Itoa(s.MaxResultWindow)})
	}
	if s.gcDeletesText != "" {
		o = append(o, wire.OrderedField{Key: "gc_deletes", Value: s.gcDeletesText})
	}
	for _, k := range mapping.SortedKeys(s.echoed) {
		o = append(o, wire.OrderedField{Key: k, Value: s.echoed[k]})
	}
	return wire.OrderedObject{{Key: "index", Value: o}}
}
