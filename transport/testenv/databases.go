package testenv

// Redis databases by test package. `go test ./...` runs packages in parallel and each
// flushes its database, so no two packages may share one.
//
//	 9 webhooks                      (subscription states)
//	10 cmd/planstore                 (separate role processes)
//	11 projections/replay
//	12 transport/messaging/audit
//	13 events/redisstore
//	14 transport/messaging/outbox
//	15 cmd/planstore/app             (serve on Redis + RabbitMQ)
