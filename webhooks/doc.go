// Package webhooks delivers the global event feed to subscribers' HTTP endpoints,
// signed as the Standard Webhooks specification describes
// (https://www.standardwebhooks.com): one POST per event, in feed order per
// subscription (so in version order per plan), retried with exponential backoff and
// jitter, then kept in the subscription's dead-letter list for an operator to inspect,
// redeliver or discard. Later events of a plan with a dead letter join it in the list
// rather than overtake it, so a subscriber never sees a plan's versions out of order.
//
// A subscription's state (its definition, its place in the feed, its dead letters) is
// one record in the event store's backend (a bbolt file beside the embedded store, or
// a Redis key), updated atomically, so a crash of planstore resumes where delivery
// stood: at least once, and the webhook-id (the event id) lets a subscriber drop the
// one event a crash can repeat.
package webhooks
