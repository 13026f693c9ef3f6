// Package bustest is the acceptance suite every messaging.Bus adapter passes (Run), and
// the helpers the adapters' own tests share: events of a plan, a router with quick
// retries, a consumer that records what it handled, and metric readers.
//
// It is to the bus what events/storetest is to the event store: a behaviour that holds
// on RabbitMQ but not in process (or the reverse) is a bug in an adapter, and a test
// written once here runs against both.
package bustest
