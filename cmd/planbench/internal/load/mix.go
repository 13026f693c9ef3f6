// Package load drives a planstore with concurrent clients: it preloads plans, runs a
// weighted mix of operations for a warmup and a measured window, and measures how long
// created plans take to become searchable.
package load

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Operations a mix can weigh.
const (
	OpCreate = "create"
	OpRead   = "read"
	OpPatch  = "patch"
	OpSearch = "search"
	// OpRefresh is the GET a client sends after a 412 to learn the current ETag; it is
	// not part of a mix but is reported, since it is load the server really serves.
	OpRefresh = "refresh"
)

var mixOps = []string{OpCreate, OpRead, OpPatch, OpSearch}

// Mix is the relative weight of each operation.
type Mix struct {
	weights map[string]int
	total   int
}

// ParseMix reads "create=40,patch=20,read=30,search=10". Weights are relative, so they
// need not sum to 100; omitted operations get 0.
func ParseMix(s string) (Mix, error) {
	m := Mix{weights: map[string]int{}}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || !isMixOp(name) {
			return Mix{}, fmt.Errorf("--mix %q: %q is not op=weight with op one of %s", s, part, strings.Join(mixOps, ", "))
		}
		w, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || w < 0 {
			return Mix{}, fmt.Errorf("--mix %q: weight of %s must be a non-negative integer", s, name)
		}
		if _, dup := m.weights[name]; dup {
			return Mix{}, fmt.Errorf("--mix %q: %s given twice", s, name)
		}
		m.weights[name] = w
		m.total += w
	}
	if m.total == 0 {
		return Mix{}, fmt.Errorf("--mix %q: at least one operation needs a positive weight", s)
	}
	return m, nil
}

// Only returns a mix of one operation.
func Only(op string) Mix { return Mix{weights: map[string]int{op: 1}, total: 1} }

func isMixOp(name string) bool {
	for _, op := range mixOps {
		if op == name {
			return true
		}
	}
	return false
}

// Weight is the weight of op.
func (m Mix) Weight(op string) int { return m.weights[op] }

// Pick draws an operation with probability proportional to its weight.
func (m Mix) Pick(r *rand.Rand) string {
	n := r.IntN(m.total)
	for _, op := range mixOps {
		if n < m.weights[op] {
			return op
		}
		n -= m.weights[op]
	}
	return OpCreate // unreachable: the weights sum to total
}

// String writes the mix back in --mix syntax, operations in a fixed order.
func (m Mix) String() string {
	var parts []string
	for _, op := range mixOps {
		if w := m.weights[op]; w > 0 {
			parts = append(parts, op+"="+strconv.Itoa(w))
		}
	}
	return strings.Join(parts, ",")
}
