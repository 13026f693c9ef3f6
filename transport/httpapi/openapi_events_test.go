package httpapi

import (
	"context"

	"github.com/planstore/planstore/events/feed"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/webhooks"
)

// Doubles of the feed and the subscriptions service for the document tests: every
// call answers errDouble (a 404).
type failingFeed struct{}

func (failingFeed) Read(context.Context, queries.FeedRequest) (queries.FeedPage, error) {
	return queries.FeedPage{}, errDouble
}

func (failingFeed) Follow(context.Context, queries.FeedRequest, func(feed.Item) error, func(string) error) error {
	return errDouble
}

type failingSubscriptions struct{}

func (failingSubscriptions) Create(context.Context, webhooks.CreateRequest) (webhooks.State, error) {
	return webhooks.State{}, errDouble
}
func (failingSubscriptions) List(context.Context) ([]webhooks.State, error) { return nil, errDouble }
func (failingSubscriptions) Get(context.Context, string) (webhooks.State, error) {
	return webhooks.State{}, errDouble
}
func (failingSubscriptions) SetPaused(context.Context, string, bool) (webhooks.State, error) {
	return webhooks.State{}, errDouble
}
func (failingSubscriptions) Delete(context.Context, string) error { return errDouble }
func (failingSubscriptions) Redeliver(context.Context, string) (webhooks.State, error) {
	return webhooks.State{}, errDouble
}
func (failingSubscriptions) Discard(context.Context, string, string) (webhooks.State, error) {
	return webhooks.State{}, errDouble
}
