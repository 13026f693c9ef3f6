package esengine

import (
	"strconv"
	"sync"

	"github.com/planstore/planstore/internal/jsonscan"
	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// The _bulk answer is printed item by item straight into a buffer: built as a tree of
// orderedObjects it cost an allocation per field of every item, more than indexing a
// small document. The bytes are the same as the tree's (bulk_response_test.go).

// itemBufPool recycles the buffer items are printed into before the answer is assembled.
var itemBufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// maxPooledItemBuf keeps a huge answer's buffer out of the pool.
const maxPooledItemBuf = 1 << 20

// bulkAnswer assembles {"took":..,"errors":..,"items":[..]} around the printed items;
// took comes first but is only known once every item ran, hence the separate buffer.
func bulkAnswer(took int64, failed bool, items []byte) wire.PreEncoded {
	out := make([]byte, 0, len(items)+48)
	out = append(out, `{"took":`...)
	out = strconv.AppendInt(out, took, 10)
	out = append(out, `,"errors":`...)
	out = strconv.AppendBool(out, failed)
	out = append(out, `,"items":[`...)
	out = append(out, items...)
	return append(out, "]}"...)
}

// appendBulkItem prints a successful item: {action: writeResult.body() + status}.
func appendBulkItem(buf []byte, action string, r index.WriteResult) []byte {
	buf = append(buf, `{"`...)
	buf = append(buf, action...)
	buf = append(buf, `":{"_index":`...)
	buf = jsonscan.AppendString(buf, r.Index.Name)
	buf = append(buf, `,"_id":`...)
	buf = jsonscan.AppendString(buf, r.Id)
	buf = append(buf, `,"_version":`...)
	buf = strconv.AppendInt(buf, r.Version, 10)
	buf = append(buf, `,"result":`...)
	buf = jsonscan.AppendString(buf, r.Result)
	if r.Forced {
		buf = append(buf, `,"forced_refresh":true`...)
	}
	if r.Result == "noop" {
		buf = append(buf, `,"_shards":{"total":0,"successful":0,"failed":0}`...)
	} else {
		buf = append(buf, `,"_shards":{"total":`...)
		buf = strconv.AppendInt(buf, int64(1+r.Index.Settings.Replicas), 10)
		buf = append(buf, `,"successful":1,"failed":0}`...)
	}
	buf = append(buf, `,"_seq_no":`...)
	buf = strconv.AppendInt(buf, r.SeqNo, 10)
	buf = append(buf, `,"_primary_term":`...)
	buf = strconv.AppendInt(buf, index.PrimaryTerm, 10)
	buf = append(buf, `,"status":`...)
	buf = strconv.AppendInt(buf, int64(r.Status), 10)
	return append(buf, "}}"...)
}
