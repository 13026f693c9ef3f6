// Package replication keeps a PostgreSQL database in step with planstore from the
// events alone: a plans table (id, version, document as jsonb, deleted) that equals
// planstore's current plans, and a plan_events table with every event. It follows the
// global feed (GET /v1/events, through the query API and the caller's token, so what
// the caller may see is what is copied) and applies each page in one transaction
// together with the feed position it reached, so a replicator killed at any moment
// resumes exactly where its last commit left off. Every write is idempotent by plan
// version: an event already applied changes nothing.
package replication
