package index

import (
	"strings"
	"unsafe"
)

// A load copies every document's stored bytes out of the state file into blocks of
// their own: a document that shared the file's bytes kept the whole file in memory,
// including the ids, versions and section framing between the documents (9 % of the
// file at 100,000 plans), for as long as any document of it lived. A block is freed
// once every document in it has left.

// arenaBlock is the size of a block: small enough that the documents that outlive
// updates do not keep much else, large enough that a block's unused tail is small.
const arenaBlock = 64 << 10

// byteArena hands out copies of strings packed into blocks.
type byteArena struct {
	block []byte
}

// clone returns a copy of s, in the current block when it fits, else in a new block (or
// on its own, when s is larger than a quarter of a block).
func (a *byteArena) clone(s string) string {
	if len(s) > arenaBlock/4 {
		return strings.Clone(s)
	}
	if cap(a.block)-len(a.block) < len(s) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, s...)
	return unsafe.String(unsafe.SliceData(a.block[start:]), len(s))
}
