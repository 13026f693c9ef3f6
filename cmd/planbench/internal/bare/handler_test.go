package bare

import (
	"context"
	"io"
	"net/http"
	"testing"
)

func TestServesBytesWithETagAndRevalidation(t *testing.T) {
	body := []byte(`{"objectId":"p1"}`)
	s, err := Start(Handler(map[string]Entry{"p1": {Body: body, ETag: `"3"`}}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())

	res, err := http.Get(s.URL + "/v1/plans/p1")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(got) != string(body) || res.Header.Get("ETag") != `"3"` {
		t.Fatalf("GET: %d %q etag %q", res.StatusCode, got, res.Header.Get("ETag"))
	}

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/plans/p1", nil)
	req.Header.Set("If-None-Match", `"3"`)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d, want 304", res.StatusCode)
	}

	res, err = http.Get(s.URL + "/v1/plans/nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown plan: %d, want 404", res.StatusCode)
	}
}

func TestEntriesRoundTripThroughAFile(t *testing.T) {
	path := t.TempDir() + "/plans.json"
	in := map[string]Entry{"p1": {Body: []byte(`{"a":1}`), ETag: `"1"`}}
	if err := WriteEntries(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadEntries(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(out["p1"].Body) != `{"a":1}` || out["p1"].ETag != `"1"` {
		t.Fatalf("round trip: %+v", out)
	}
}
