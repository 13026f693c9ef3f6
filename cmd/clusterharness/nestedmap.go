package main

// nestedMap holds one counter record per pair of keys (phase and kind, role and second),
// made on first use.
type nestedMap[K1, K2 comparable, V any] map[K1]map[K2]*V

// at returns the record of k1 and k2, making it (and its inner map) when it is new.
func (n nestedMap[K1, K2, V]) at(k1 K1, k2 K2) *V {
	inner := n[k1]
	if inner == nil {
		inner = map[K2]*V{}
		n[k1] = inner
	}
	v := inner[k2]
	if v == nil {
		v = new(V)
		inner[k2] = v
	}
	return v
}

// copyOf returns a copy of the record of k1 and k2, or the zero record when there is none.
func (n nestedMap[K1, K2, V]) copyOf(k1 K1, k2 K2) V {
	if v := n[k1][k2]; v != nil {
		return *v
	}
	var zero V
	return zero
}
