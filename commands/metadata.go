package commands

// Metadata travels with every command into the events it produces.
type Metadata struct {
	Actor         string // the token's subject
	CorrelationID string // follows the request through the bus into every projection
}
