// Package presence is the system view: every role instance announces itself, the
// consumers it runs and what they see (lag, queue depth) with a heartbeat, and any role
// lists every instance, marking one down once its heartbeat is older than DownAfter.
//
// Heartbeats go to Redis when the deployment has one (every role of a multi-process
// deployment does), else to an in-process store (`planstore serve` embedded). A Redis
// hash, not keys with a TTL, holds them: an instance killed with -9 must stay listed, as
// down, rather than vanish, so that the console and planstore_instances show the death.
package presence
