package statefile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// magic opens every state file; Version is bumped whenever the layout of any section
// changes, and a file of another version is refused (and rebuilt by the caller).
const (
	magic   = "PSENGINE"
	Version = 3
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Encoder writes a state file section by section. Values are appended to the current
// section's payload in memory, so a section is bounded by what its writer puts in it
// (the index package cuts documents into chunks).
type Encoder struct {
	w       *bufio.Writer
	kind    byte
	payload []byte
	err     error
}

// NewEncoder writes the file header to w and returns the encoder of its sections.
func NewEncoder(w io.Writer) *Encoder {
	e := &Encoder{w: bufio.NewWriterSize(w, 1<<20)}
	var head [len(magic) + 4]byte
	copy(head[:], magic)
	binary.LittleEndian.PutUint32(head[len(magic):], Version)
	_, e.err = e.w.Write(head[:])
	return e
}

// Begin starts a section of the given kind.
func (e *Encoder) Begin(kind byte) {
	e.kind = kind
	e.payload = e.payload[:0]
}

// Size is the length of the current section's payload so far.
func (e *Encoder) Size() int { return len(e.payload) }

// End writes the current section with its checksum.
func (e *Encoder) End() error {
	if e.err != nil {
		return e.err
	}
	if len(e.payload) > math.MaxUint32 {
		e.err = fmt.Errorf("statefile: section of %d bytes is too large", len(e.payload))
		return e.err
	}
	var head [5]byte
	head[0] = e.kind
	binary.LittleEndian.PutUint32(head[1:], uint32(len(e.payload)))
	crc := crc32.Update(crc32.Update(0, castagnoli, head[:]), castagnoli, e.payload)
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc)
	for _, b := range [][]byte{head[:], e.payload, tail[:]} {
		if _, err := e.w.Write(b); err != nil {
			e.err = fmt.Errorf("statefile: write: %w", err)
			return e.err
		}
	}
	return nil
}

// Flush writes out what is buffered; the caller then syncs and closes the file.
func (e *Encoder) Flush() error {
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("statefile: write: %w", err)
	}
	return nil
}

func (e *Encoder) Uvarint(x uint64) { e.payload = binary.AppendUvarint(e.payload, x) }

func (e *Encoder) Varint(x int64) { e.payload = binary.AppendVarint(e.payload, x) }

func (e *Encoder) Bool(b bool) {
	if b {
		e.payload = append(e.payload, 1)
	} else {
		e.payload = append(e.payload, 0)
	}
}

// String writes a length-prefixed string.
func (e *Encoder) String(s string) {
	e.Uvarint(uint64(len(s)))
	e.payload = append(e.payload, s...)
}
