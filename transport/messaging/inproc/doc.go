// Package inproc is the in-process adapter of the messaging.Bus port, for a single
// process with nothing installed: Publish returns once every consumer acknowledged, so
// the outbox keeps whatever a consumer could not take.
package inproc
