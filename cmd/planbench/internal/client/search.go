package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// ErrSearchUnavailable means the server does not route /v1/search (404), e.g. a build
// without the query side.
var ErrSearchUnavailable = errors.New("the server does not serve /v1/search (404)")

// SearchResult is the part of an Elasticsearch-shaped answer planbench reads.
type SearchResult struct {
	Total int64
	IDs   []string
}

type searchAnswer struct {
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			ID string `json:"_id"`
		} `json:"hits"`
	} `json:"hits"`
}

// Search runs one query and decodes the total and the ids of the hits.
func (c *Client) Search(ctx context.Context, query []byte) (SearchResult, error) {
	res, err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/v1/search", Body: query,
		ContentType: "application/json", KeepBody: true})
	if err != nil {
		return SearchResult{}, err
	}
	if res.Status == http.StatusNotFound {
		return SearchResult{}, ErrSearchUnavailable
	}
	if res.Status != http.StatusOK {
		return SearchResult{}, fmt.Errorf("search answered %d: %s", res.Status, res.Body)
	}
	var a searchAnswer
	if err := json.Unmarshal(res.Body, &a); err != nil {
		return SearchResult{}, fmt.Errorf("decode search answer: %w", err)
	}
	out := SearchResult{Total: a.Hits.Total.Value, IDs: make([]string, len(a.Hits.Hits))}
	for i, h := range a.Hits.Hits {
		out.IDs[i] = h.ID
	}
	return out, nil
}

// CheckSearch tells whether the server answers searches at all.
func (c *Client) CheckSearch(ctx context.Context) error {
	_, err := c.Search(ctx, []byte(`{"size":0,"query":{"match_all":{}}}`))
	return err
}

// The join queries of the search load: the three ways a client walks the plan join.

// HasChildCopayQuery finds plans having a planCostShare with copay >= minCopay.
func HasChildCopayQuery(minCopay int) []byte {
	return []byte(`{"query":{"has_child":{"type":"planCostShare","query":{"range":{"copay":{"gte":` +
		strconv.Itoa(minCopay) + `}}}}}}`)
}

// HasParentQuery finds the direct children of one plan.
func HasParentQuery(planID string) []byte {
	return []byte(`{"query":{"has_parent":{"parent_type":"plan","query":{"term":{"_id":` + quote(planID) + `}}}}}`)
}

// ParentIDQuery finds the linkedPlanServices of one plan.
func ParentIDQuery(planID string) []byte {
	return []byte(`{"query":{"parent_id":{"type":"linkedPlanService","id":` + quote(planID) + `}}}`)
}

// IDsQuery finds which of ids are searchable; it asks for no _source, only ids.
func IDsQuery(ids []string) []byte {
	body, _ := json.Marshal(map[string]any{ // cannot fail: strings only
		"size": len(ids), "_source": false,
		"query": map[string]any{"ids": map[string]any{"values": ids}},
	})
	return body
}

// CountPlansQuery counts the searchable plans of one _org exactly.
func CountPlansQuery(org string) []byte {
	return []byte(`{"size":0,"track_total_hits":true,"query":{"bool":{"filter":[{"term":{"_org":` +
		quote(org) + `}},{"term":{"objectType":"plan"}}]}}}`)
}

func quote(s string) string {
	b, _ := json.Marshal(s) // cannot fail for a string
	return string(b)
}
