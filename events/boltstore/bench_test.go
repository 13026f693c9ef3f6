package boltstore_test

import (
	"testing"

	"github.com/planstore/planstore/events/storetest"
)

func openForBench(b *testing.B) storetest.Store {
	s := (&dirs{byTB: map[testing.TB]string{}}).open(b)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkAppend is BenchmarkCreate on the embedded store: POSTs from 16 goroutines,
// each a distinct plan, with fsync on.
func BenchmarkAppend(b *testing.B) { storetest.BenchmarkCreate(b, openForBench(b)) }

func BenchmarkReplace(b *testing.B) { storetest.BenchmarkReplace(b, openForBench(b)) }
