package jsonscan

import "encoding/json"

// AppendString appends s as a JSON string exactly as encoding/json encodes it (HTML
// characters escaped, invalid UTF-8 replaced). The writers that build JSON by appending
// (the engine's answers, bulk lines, plan documents, search bodies) share it: the
// common case, plain ASCII with nothing to escape, is copied without Marshal's
// allocation, and everything else goes to encoding/json, so the two cannot disagree.
func AppendString[T ~string | ~[]byte](buf []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(s)) // never fails for a string
			return append(buf, q...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
