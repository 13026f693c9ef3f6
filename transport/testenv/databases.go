package testenv

// Redis databases by test package. `go test ./...` runs packages in parallel and each
// flushes its database, so no two packages may share one.
//
//	 0 the default of tools run by hand (and deployments' first-run test)
//	 1 webhooks                      (subscription states)
//	 2 cmd/planstore                 (the console's browser test)
//	 3 cmd/planstore                 (roles as microservices)
//	 4 queries                       (and cmd/importbench's default, by hand)
//	 5 cmd/planstore                 (imports through worker processes)
//	 6 imports
//	 7 idempotency
//	 8 transport/presence
//	 9 commands                      (contention)
//	10 cmd/planstore                 (separate role processes)
//	11 projections/replay
//	12 transport/messaging/audit
//	13 events/redisstore
//	14 transport/messaging/outbox
//	15 cmd/planstore/app             (serve on Redis + RabbitMQ)
//
// The tests of one package run one after another, so cmd/planstore's several databases
// only keep its tests from flushing each other's leftovers.
