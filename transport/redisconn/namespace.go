package redisconn

import (
	"cmp"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts every planstore key unless a deployment names another prefix.
const DefaultPrefix = "planstore:"

// Namespace is a Redis client together with the prefix every key of one store starts
// with, so several deployments (or tests) can share a Redis without seeing each other's
// keys. The Redis-backed stores embed it.
type Namespace struct {
	Client redis.UniversalClient
	Prefix string
}

// NewNamespace keeps keys under prefix, or under fallback when prefix is "".
func NewNamespace(client redis.UniversalClient, prefix, fallback string) Namespace {
	return Namespace{Client: client, Prefix: cmp.Or(prefix, fallback)}
}
