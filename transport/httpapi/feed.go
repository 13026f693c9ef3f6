package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/queries"
)

// eventFeed is the global feed's query handler (queries.Feed).
type eventFeed interface {
	Read(ctx context.Context, req queries.FeedRequest) (queries.FeedPage, error)
	Follow(ctx context.Context, req queries.FeedRequest, each func(feed.Item) error, heartbeat func(cursor string) error) error
}

// sseWriteWindow is how long one write of the event stream may take; the server's
// WriteTimeout would otherwise end every stream after a minute.
const sseWriteWindow = 30 * time.Second

// events answers GET /v1/events: a page of the global feed as JSON, or with
// Accept: text/event-stream the live stream from the same place (Last-Event-ID, sent by
// a reconnecting EventSource, wins over ?after).
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	req, err := feedRequest(r.URL.Query())
	if err != nil {
		return err
	}
	if wantsEventStream(r) {
		if id := r.Header.Get("Last-Event-ID"); id != "" {
			req.After = id
		}
		return s.streamEvents(w, r, req)
	}
	page, err := s.feed.Read(r.Context(), req)
	if err != nil {
		return feedError(err)
	}
	out := feed.WirePage{Events: make([]feed.WireItem, len(page.Items)), Next: page.Next, More: page.More}
	for i, it := range page.Items {
		out.Events[i] = feed.WireItem{Position: it.Cursor.String(), Event: it.Event}
	}
	if page.More {
		next := r.URL.Query()
		next.Set("after", page.Next)
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	return writeJSON(w, http.StatusOK, out)
}

func feedRequest(q url.Values) (queries.FeedRequest, error) {
	req := queries.FeedRequest{After: q.Get("after"), Plan: q.Get("plan")}
	limit, _, err := intParam(q, "limit", 1, queries.MaxFeedPage)
	if err != nil {
		return req, err
	}
	req.Limit = int(limit)
	for _, t := range q["type"] {
		for _, one := range strings.Split(t, ",") {
			if one = strings.TrimSpace(one); one != "" {
				req.Types = append(req.Types, events.Type(one))
			}
		}
	}
	return req, nil
}

// feedError turns the query's parameter errors into the transport's.
func feedError(err error) error {
	var bad *queries.FeedRequestError
	if errors.As(err, &bad) {
		return &paramError{name: bad.Param, message: bad.Reason}
	}
	return err
}

func wantsEventStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		media, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(media), "text/event-stream") {
			return true
		}
	}
	return false
}

// streamEvents follows the feed as Server-Sent Events: each event's id is its cursor,
// so a reconnecting client's Last-Event-ID resumes right after the last event it got.
// A comment line whenever the stream has caught up keeps proxies from closing it.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, req queries.FeedRequest) error {
	// Check the request before the 200 goes out, so a bad cursor is a 400.
	if _, err := s.feed.Read(r.Context(), queries.FeedRequest{After: req.After, Limit: 1, Types: req.Types, Plan: req.Plan}); err != nil {
		return feedError(err)
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(chunk string) error {
		_ = rc.SetWriteDeadline(time.Now().Add(sseWriteWindow))
		if _, err := fmt.Fprint(w, chunk); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := write(": planstore event stream\n\n"); err != nil {
		return nil //nolint:nilerr // the client went away; the 200 is sent, nothing is left to answer
	}
	err := s.feed.Follow(r.Context(), req, func(it feed.Item) error {
		data, err := json.Marshal(it.Event)
		if err != nil {
			return err
		}
		return write("id: " + it.Cursor.String() + "\nevent: " + string(it.Event.Type) + "\ndata: " + string(data) + "\n\n")
	}, func(cursor string) error {
		return write(": caught up at " + strconv.Quote(cursor) + "\n\n")
	})
	if err != nil && r.Context().Err() == nil {
		// The status is sent; all that is left is to end the stream and log why.
		s.log.WarnContext(r.Context(), "event stream ended", "error", err)
	}
	return nil
}
