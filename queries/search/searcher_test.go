package search

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
)

// canned answers every request with one status and body, and remembers the request.
type canned struct {
	status int
	body   string
	got    *http.Request
	sent   string
}

func (c *canned) RoundTrip(req *http.Request) (*http.Response, error) {
	c.got = req
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		c.sent = string(b)
	}
	h := http.Header{"Content-Type": {"application/json"}, "X-Elastic-Product": {"Elasticsearch"}}
	return &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(strings.NewReader(c.body))}, nil
}

func newTestSearcher(t *testing.T, rt http.RoundTripper, opts ...SearcherOption) *Searcher {
	t.Helper()
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{"http://es:9200"}, Transport: rt, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSearcher(client, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchRunsOnTheAliasAndReturnsTheAnswerAsIs(t *testing.T) {
	answer := `{"took":1,"timed_out":false,"hits":{"total":{"value":1,"relation":"eq"},"max_score":1,"hits":[{"_index":"plans-000001","_id":"a","_score":1,"_routing":"a","_source":{"objectId":"a"}}]}}`
	rt := &canned{status: 200, body: answer}
	s := newTestSearcher(t, rt)
	req, err := ParseRequest([]byte(`{"query":{"term":{"_id":"a"}},"size":1}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Search(asOperator(), req)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != answer {
		t.Errorf("answer changed:\n%s", got)
	}
	if rt.got.URL.Path != "/plans/_search" {
		t.Errorf("path %s", rt.got.URL.Path)
	}
	if rt.sent != `{"query":{"term":{"_id":"a"}},"from":0,"size":1}` {
		t.Errorf("sent %s", rt.sent)
	}
}

func TestSearchMapsBadRequestsToInvalidQuery(t *testing.T) {
	es400 := `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query: For input string: \"abc\"","index":"plans-000001"}],
		"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,
		"failed_shards":[{"shard":0,"index":"plans-000001","reason":{"type":"query_shard_exception","reason":"failed to create query: For input string: \"abc\"",
		"caused_by":{"type":"number_format_exception","reason":"For input string: \"abc\""}}}]},"status":400}`
	s := newTestSearcher(t, &canned{status: 400, body: es400})
	_, err := s.Search(asOperator(), Request{})
	var iq *InvalidQueryError
	if !errors.As(err, &iq) || !errors.Is(err, ErrRejected) {
		t.Fatalf("got %v, want an *InvalidQueryError of kind ErrRejected", err)
	}
	want := `query_shard_exception: failed to create query: For input string: "abc"`
	if iq.Reason != want || iq.Path != "" {
		t.Errorf("got %q, want %q", iq.Reason, want)
	}
}

func TestSearchWrapsOtherFailures(t *testing.T) {
	s := newTestSearcher(t, &canned{status: 404, body: `{"error":{"type":"index_not_found_exception","reason":"no such index [plans]"},"status":404}`})
	_, err := s.Search(asOperator(), Request{})
	var iq *InvalidQueryError
	if err == nil || errors.As(err, &iq) {
		t.Fatalf("got %v, want a plain wrapped error", err)
	}
}

func TestRejectionReasonFallsBack(t *testing.T) {
	for body, want := range map[string]string{
		`not json`: "the search engine refused the request",
		`{"error":{"type":"parsing_exception","reason":"unknown query [x]"},"status":400}`:                          "parsing_exception: unknown query [x]",
		`{"error":{"type":"x_content_parse_exception","reason":"[1:10] bad","caused_by":{"reason":"deeper"}}}`:      "x_content_parse_exception: [1:10] bad: deeper",
		`{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"Text fields are not optimised"}]}}`: "illegal_argument_exception: Text fields are not optimised",
	} {
		if got := rejectionReason([]byte(body)); got != want {
			t.Errorf("%s:\n got %q\nwant %q", body, got, want)
		}
	}
}

func TestNewSearcherRefusesNil(t *testing.T) {
	if _, err := NewSearcher(nil); err == nil {
		t.Fatal("accepted a nil client")
	}
}

func TestSearchMapsEngineTroubleToUnavailable(t *testing.T) {
	es503 := `{"error":{"root_cause":[],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[]},"status":503}`
	for _, status := range []int{429, 500, 503} {
		s := newTestSearcher(t, &canned{status: status, body: es503})
		_, err := s.Search(asOperator(), Request{})
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("status %d: got %v, want ErrUnavailable", status, err)
		}
	}
}
