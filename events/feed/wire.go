package feed

import "github.com/planstore/planstore/events"

// WirePage is a page of the feed as GET /v1/events answers it in JSON: the server writes
// it and a replicating planstore reads it, so both use this one definition.
type WirePage struct {
	Events []WireItem `json:"events"`
	Next   string     `json:"next"`
	More   bool       `json:"more"`
}

// WireItem is one event of a WirePage and the position (cursor) that resumes after it.
type WireItem struct {
	Position string          `json:"position"`
	Event    events.Envelope `json:"event"`
}
