package main

import (
	"net/http"
	"testing"
)

func TestResolveAdoptsWhatTheStoreHolds(t *testing.T) {
	acked := planState{ID: "p", Version: 3, Doc: []byte(`{}`), Acked: true}
	cases := []struct {
		name        string
		pending     opKind
		res         response
		wantVersion int
		wantDeleted bool
		wantLost    bool
	}{
		{"patch applied", opPatch, response{Status: http.StatusOK, ETag: `"4"`, Body: []byte(`{"a":1}`)}, 4, false, false},
		{"patch not applied", opPatch, response{Status: http.StatusOK, ETag: `"3"`, Body: []byte(`{}`)}, 3, false, false},
		{"acknowledged version lost", opPatch, response{Status: http.StatusOK, ETag: `"2"`, Body: []byte(`{}`)}, 2, false, true},
		{"delete applied", opDelete, response{Status: http.StatusNotFound}, 3, true, false},
		{"delete not applied", opDelete, response{Status: http.StatusOK, ETag: `"3"`, Body: []byte(`{}`)}, 3, false, false},
		{"acknowledged plan gone", opPatch, response{Status: http.StatusNotFound}, 3, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := acked
			s.Uncertain, s.Pending = true, c.pending
			got := resolve(s, c.res)
			if got.Uncertain || got.Pending != "" {
				t.Errorf("still uncertain: %+v", got)
			}
			if got.Version != c.wantVersion || got.Deleted != c.wantDeleted || (got.LostAck != "") != c.wantLost {
				t.Errorf("got version %d deleted %v lost %q; want %d %v lost=%v", got.Version, got.Deleted, got.LostAck, c.wantVersion, c.wantDeleted, c.wantLost)
			}
		})
	}
}

func TestResolveUnacknowledgedCreate(t *testing.T) {
	s := planState{ID: "p", Doc: []byte(`{}`), Uncertain: true, Pending: opCreate}
	if got := resolve(s, response{Status: http.StatusNotFound}); !got.Deleted || got.LostAck != "" {
		t.Errorf("absent unacknowledged create: %+v", got)
	}
	if got := resolve(s, response{Status: http.StatusOK, ETag: `"1"`, Body: []byte(`{}`)}); got.Deleted || got.Version != 1 || got.LostAck != "" {
		t.Errorf("present unacknowledged create: %+v", got)
	}
}
