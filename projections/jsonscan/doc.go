// Package jsonscan walks JSON text without building values, for the hot paths of
// indexing and replay: the plan walk that turns a plan into documents, the engine's
// bulk action lines and document sources, and the check of a _bulk answer.
//
// It validates what it passes over as strictly as encoding/json (json.Valid accepts
// exactly what a Scanner accepts, within its depth bound) while recording where values
// are instead of decoding them, so its callers can keep values as slices of their
// input and allocate nothing per field. Every caller reports what it does not handle as
// not ok and falls back to encoding/json, which keeps the exact errors on one code
// path. The callers keep what is specific to them (depth and member limits, which keys
// they know, how a string span becomes a value); the grammar lives here once.
package jsonscan
