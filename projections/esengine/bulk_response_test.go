package esengine

import (
	"net/http"
	"testing"
)

// The printed _bulk items must be byte for byte what the orderedObject tree prints.
func TestAppendBulkItemMatchesTree(t *testing.T) {
	ix := &index{name: "plans-<1>", settings: indexSettings{replicas: 2}}
	for _, r := range []writeResult{
		{index: ix, id: "p1", version: 3, seqNo: 7, result: "created", status: http.StatusCreated},
		{index: ix, id: "p\"1\u2028é", version: 1, seqNo: 0, result: "updated", status: http.StatusOK, forced: true},
		{index: ix, id: "x", version: 9, seqNo: 12, result: "noop", status: http.StatusOK},
		{index: ix, id: "d", version: 2, seqNo: 3, result: "not_found", status: http.StatusNotFound, forced: true},
	} {
		for _, action := range []string{"index", "create", "update", "delete"} {
			want, err := appendJSON(nil, orderedObject{{action, append(r.body(), orderedField{"status", r.status})}})
			if err != nil {
				t.Fatal(err)
			}
			if got := appendBulkItem(nil, action, r); string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		}
	}
	want, _ := appendJSON(nil, orderedObject{{"took", int64(12)}, {"errors", true}, {"items", []orderedObject{}}})
	if got := bulkAnswer(12, true, nil); string(got) != string(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
