// Package messaging is the Watermill plumbing every planstore role shares: the relay that
// moves committed events from the outbox to the bus, and the consumers (the projector,
// and any added later) that read them.
//
// This package is the port: Bus, the router (NewRouter) and its consumers, names and
// message metadata. The adapters live in packages of their own: RabbitMQ in
// messaging/amqp (a durable topic exchange with one durable queue and one dead-letter
// queue per consumer) and, for the embedded single-process mode, Watermill's GoChannel
// in messaging/inproc. Both pass the acceptance suite of messaging/bustest. Routers
// carry the same middleware stack on both, so a consumer is written once and runs
// anywhere.
//
// Delivery is at least once. Every consumer must therefore be idempotent: projections
// guard writes by the aggregate version, and the router drops duplicates it has already
// handled (see Deduplicator) as a cheap first line.
// A consumer handles one event at a time on RabbitMQ, in per-plan order, unless its
// Concurrency says otherwise (only for order-safe handlers).
//
// Every relayed and every handled event is logged at debug level, and every failure once
// at warning or error level, with the event's correlation id and identity (EventAttrs);
// handlers find the correlation id in their context (CorrelationIDFrom).
package messaging
