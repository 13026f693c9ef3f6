package commands

// Metadata travels with every command into the events it produces.
type Metadata struct {
	Actor         string // the token's subject
	CorrelationID string // follows the request through the bus into every projection
	// CausationID, when set, names what caused the command beyond the request (a bulk
	// import's job and line). It is stored in the event, atomically with the commit, so
	// a retried import line can tell from the log whether its write already happened.
	CausationID string
}
