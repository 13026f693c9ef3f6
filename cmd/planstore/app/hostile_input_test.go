package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Issue 22, through the running server: input a careless or hostile client sends, and
// the clear answer it gets.
func TestHostileInputIsRefusedClearly(t *testing.T) {
	c := servedClient(t)
	for name, tc := range map[string]struct {
		body string
		path string
	}{
		"plan objectId .":             {edited(t, planWithIDs(t, "a"), `"12xvxc345ssdsds-508-a"`, `"."`), "objectId"},
		"plan objectId ..":            {edited(t, planWithIDs(t, "b"), `"12xvxc345ssdsds-508-b"`, `".."`), "objectId"},
		"child objectId ..":           {edited(t, planWithIDs(t, "c"), `"27283xvx9sdf-507-c"`, `".."`), "linkedPlanServices[1].objectId"},
		"objectId with a slash":       {edited(t, planWithIDs(t, "d"), `"12xvxc345ssdsds-508-d"`, `"a/b"`), "objectId"},
		"_org only NUL":               {edited(t, planWithIDs(t, "e"), `"_org":"example.com","creationDate"`, `"_org":"\u0000","creationDate"`), "_org"},
		"_org only zero-width space":  {edited(t, planWithIDs(t, "f"), `"_org":"example.com","creationDate"`, `"_org":"\u200b","creationDate"`), "_org"},
		"planType only control chars": {edited(t, planWithIDs(t, "g"), `"planType":"inNetwork"`, `"planType":"\u0001\u001b"`), "planType"},
		"name lone surrogate":         {edited(t, planWithIDs(t, "h"), `"name":"Yearly physical"`, `"name":"Yearly \ud800physical"`), "linkedPlanServices[0].linkedService.name"},
	} {
		t.Run(name, func(t *testing.T) {
			p := expectProblem(t, c.do(http.MethodPost, "/v1/plans", []byte(tc.body)), http.StatusBadRequest)
			errs, _ := p["errors"].([]any)
			for _, e := range errs {
				if e.(map[string]any)["path"] == tc.path {
					return
				}
			}
			t.Fatalf("no error at path %q: %v", tc.path, p)
		})
	}
	t.Run("dot ids in the URL are not plans", func(t *testing.T) {
		for _, path := range []string{"/v1/plans/.", "/v1/plans/..", "/v1/plans/%2e%2e"} {
			r := c.do(http.MethodDelete, path, nil)
			if r.status < 300 || r.status >= 500 {
				t.Errorf("DELETE %s: %d %s", path, r.status, r.body)
			}
		}
	})
	for name, body := range map[string]string{
		"search with invalid UTF-8":    "{\"query\":{\"term\":{\"_org\":\"\xff\"}}}",
		"search with a lone surrogate": `{"query":{"term":{"_org":"\udc00"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			expectProblem(t, c.do(http.MethodPost, "/v1/search", []byte(body)), http.StatusBadRequest)
		})
	}
	t.Run("charset=Utf-8", func(t *testing.T) {
		expectStatus(t, c.do(http.MethodPost, "/v1/plans", planWithIDs(t, "utf"), "Content-Type", "application/json; charset=Utf-8"), http.StatusCreated)
	})
}

// Issue 22: 20 PATCHes without If-Match on one plan at once all apply.
func TestConcurrentUnconditionalPatchesOverHTTP(t *testing.T) {
	c := servedClient(t)
	doc := planWithIDs(t, "race")
	expectStatus(t, c.do(http.MethodPost, "/v1/plans", doc), http.StatusCreated)
	id := objectID(t, doc)
	const writers = 20
	statuses := make([]int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			statuses[i] = c.doQuiet(http.MethodPatch, "/v1/plans/"+id, fmt.Appendf(nil, `{"planType":"w%d"}`, i))
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("writer %d: %d", i, s)
		}
	}
	r := c.do(http.MethodGet, "/v1/plans/"+id, nil)
	if etag := r.header.Get("ETag"); etag != fmt.Sprintf(`"%d"`, writers+1) {
		t.Errorf("ETag %s after %d patches, want \"%d\"", etag, writers, writers+1)
	}
}

// edited replaces old with replacement in doc, failing the test when old is not there.
func edited(t *testing.T, doc []byte, old, replacement string) string {
	t.Helper()
	if !strings.Contains(string(doc), old) {
		t.Fatalf("%s is not in the document", old)
	}
	return strings.Replace(string(doc), old, replacement, 1)
}
