package events

// DecodeCarefully is the codec's encoding/json path on its own: the reference the fast
// path is fuzzed against.
func (c *Codec) DecodeCarefully(b []byte) (Envelope, error) { return c.decodeOther(b) }
