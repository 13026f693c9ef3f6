package redisstore

import (
	"testing"

	"github.com/planstore/planstore/events/storetest"
)

// benchStore opens a store on a redis-server of the benchmark's own, so other users of
// the shared Redis neither disturb the numbers nor see the data.
func benchStore(b *testing.B) *Store {
	s := opener{url: startRedisServer(b)}.open(b)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkAppend measures POSTs: 16 goroutines each creating distinct plans, a ~1.3 KB
// event and snapshot and eight new objectIds each (the ownership transaction).
func BenchmarkAppend(b *testing.B) { storetest.BenchmarkCreate(b, benchStore(b)) }

// BenchmarkReplace measures PUTs keeping their objectIds (one script per append).
func BenchmarkReplace(b *testing.B) { storetest.BenchmarkReplace(b, benchStore(b)) }
