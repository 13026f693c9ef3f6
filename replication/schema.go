package replication

// schema creates the tables on first use. plans.version only ever grows (the upsert's
// WHERE), plan_events is keyed by plan and version, and replication_position holds
// each replicator's place in the feed, written in the same transaction as the rows.
const schema = `
CREATE TABLE IF NOT EXISTS plans (
	id         text PRIMARY KEY,
	version    bigint NOT NULL,
	document   jsonb,
	deleted    boolean NOT NULL DEFAULT false,
	updated_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_events (
	plan_id        text NOT NULL,
	version        bigint NOT NULL,
	event_id       text NOT NULL UNIQUE,
	type           text NOT NULL,
	occurred_at    timestamptz NOT NULL,
	actor          text NOT NULL,
	correlation_id text NOT NULL,
	position       text NOT NULL,
	event          jsonb NOT NULL,
	PRIMARY KEY (plan_id, version)
);
CREATE TABLE IF NOT EXISTS replication_position (
	name     text PRIMARY KEY,
	position text NOT NULL
);`
