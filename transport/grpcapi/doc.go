// Package grpcapi is the gRPC transport of planstore: PlanService (api/planstore/v1)
// over the same command and query handlers as the HTTP API, with the caller's
// principal, the same bearer tokens and scopes (in metadata), and errors translated
// from the one HTTP mapping (httpapi.ProblemFor) into status codes with google.rpc
// details. It is served on the HTTP port (h2c, see Handler) or on --grpc-addr.
package grpcapi
