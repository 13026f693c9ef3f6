// Package exampleplan holds the contract's example plan (docs/contract.md), the document
// the tests of every package start from: one copy, embedded, so that no test reads it by
// a path relative to its own package nor keeps a copy of its own.
package exampleplan

import (
	"bytes"
	_ "embed"
)

//go:embed plan.json
var document []byte

// JSON returns the example plan document, a copy the caller may change.
func JSON() []byte { return bytes.Clone(document) }
