package replication

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/planstore/planstore/events/feed"
)

// Item is one event of the feed and the position after it.
type Item = feed.WireItem

// Page is one page of the feed.
type Page = feed.WirePage

// Source reads the feed.
type Source interface {
	Read(ctx context.Context, after string, limit int) (Page, error)
}

// HTTPSource reads GET /v1/events of a running planstore with a bearer token.
type HTTPSource struct {
	Base   string // e.g. http://127.0.0.1:8080
	Token  string
	Client *http.Client
}

func (s *HTTPSource) Read(ctx context.Context, after string, limit int) (Page, error) {
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if after != "" {
		q.Set("after", after)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(s.Base, "/")+"/v1/events?"+q.Encode(), nil)
	if err != nil {
		return Page{}, err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Page{}, fmt.Errorf("read the feed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return Page{}, fmt.Errorf("read the feed: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Page{}, fmt.Errorf("read the feed: %s answered %d: %.300s", req.URL.Redacted(), resp.StatusCode, body)
	}
	var page Page
	if err := json.Unmarshal(body, &page); err != nil {
		return Page{}, fmt.Errorf("read the feed: %w", err)
	}
	return page, nil
}
