//go:build !linux

package boltstore

// dontNeed does nothing outside Linux: there the mapped pages simply stay counted.
func dontNeed(uintptr, int64) error { return nil }
