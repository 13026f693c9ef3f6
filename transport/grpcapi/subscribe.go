package grpcapi

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/queries"

	planstorev1 "github.com/planstore/planstore/api/planstore/v1"
)

// subscribeBatch is how many events one read of the log hands a subscriber: what the
// server holds for a subscriber at most while the client is slow.
const subscribeBatch = 256

// Subscribe follows the global feed (queries.Feed, the same feed and cursors as GET
// /v1/events) from req.After or from now, sending each event with the position after
// it. Flow control is the log itself: events are read from the durable log at the pace
// the client takes them (Send blocks while the client's HTTP/2 window is full), so a
// slow client holds at most one batch in planstore, never slows a commit, and loses
// nothing: it falls behind and catches up.
func (s *Server) Subscribe(req *planstorev1.SubscribeRequest, stream planstorev1.PlanService_SubscribeServer) error {
	const method = planstorev1.PlanService_Subscribe_FullMethodName
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	go func() {
		select {
		case <-s.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	if s.feed == nil || s.tail == nil {
		return status.Error(codes.Unimplemented, "this planstore role serves no event stream")
	}
	after := req.GetAfter()
	if req.GetFromNow() {
		if after != "" {
			return badRequest(ctx, "ambiguous start", "from_now", "give either after or from_now, not both")
		}
		end, err := s.tail.End(ctx)
		if err != nil {
			return s.status(ctx, method, "", err)
		}
		after = end
	}
	// The start is fixed: the headers tell the client so (a from_now stream sees every
	// commit after this), and where the stream starts.
	if err := stream.SendHeader(metadata.Pairs("x-planstore-start", after)); err != nil {
		return status.FromContextError(err).Err()
	}
	fr := queries.FeedRequest{After: after, Limit: subscribeBatch, Plan: req.GetPlanId()}
	for _, t := range req.GetTypes() {
		fr.Types = append(fr.Types, events.Type(t))
	}
	last := after
	err := s.feed.Follow(ctx, fr, func(it feed.Item) error {
		ev, err := eventMessage(&it.Event)
		if err != nil {
			return err
		}
		last = it.Cursor.String()
		return stream.Send(&planstorev1.SubscribeResponse{Event: ev, Position: last})
	}, func(cursor string) error {
		// Caught up: a checkpoint when the filters skipped events since the last
		// message, so a resume does not read them again.
		if cursor == last {
			return nil
		}
		last = cursor
		return stream.Send(&planstorev1.SubscribeResponse{Position: cursor})
	})
	select {
	case <-s.stopping:
		return status.Error(codes.Unavailable, "planstore is shutting down; subscribe again with after = the last position received")
	default:
	}
	if ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	return s.status(ctx, method, req.GetPlanId(), err)
}
