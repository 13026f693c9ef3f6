package esengine

import (
	"net/http"
	"testing"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// The printed _bulk items must be byte for byte what the orderedObject tree prints.
func TestAppendBulkItemMatchesTree(t *testing.T) {
	ix := &index.Index{Name: "plans-<1>", Settings: index.IndexSettings{Replicas: 2}}
	for _, r := range []index.WriteResult{
		{Index: ix, Id: "p1", Version: 3, SeqNo: 7, Result: "created", Status: http.StatusCreated},
		{Index: ix, Id: "p\"1\u2028é", Version: 1, SeqNo: 0, Result: "updated", Status: http.StatusOK, Forced: true},
		{Index: ix, Id: "x", Version: 9, SeqNo: 12, Result: "noop", Status: http.StatusOK},
		{Index: ix, Id: "d", Version: 2, SeqNo: 3, Result: "not_found", Status: http.StatusNotFound, Forced: true},
	} {
		for _, action := range []string{"index", "create", "update", "delete"} {
			want, err := wire.AppendJSON(nil, wire.OrderedObject{{Key: action, Value: append(r.Body(), wire.OrderedField{Key: "status", Value: r.Status})}})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendBulkItem(nil, action, r); string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		}
	}
	want, _ := wire.AppendJSON(nil, wire.OrderedObject{{Key: "took", Value: int64(12)}, {Key: "errors", Value: true}, {Key: "items", Value: []wire.OrderedObject{}}})
	if got := bulkAnswer(12, true, nil); string(got) != string(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
