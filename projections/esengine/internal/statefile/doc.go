// Package statefile is the container of the engine's saved state: a magic and a
// format version, then sections that each carry their own CRC-32C, so that a damaged
// or truncated file is refused as a whole instead of loading as a different engine. It
// knows nothing of what the sections hold; the index package and the engine write and
// read their parts through its Encoder and Decoder.
//
// Layout:
//
//	magic (8 bytes) | format version (uint32, little endian)
//	section*: kind (1 byte) | payload length (uint32 LE) | payload | CRC-32C of kind, length and payload (uint32 LE)
//
// The writer of a file ends it with a section of its own choosing (the engine's end
// section): a file cut at a section boundary then still fails to load.
package statefile

// Section kinds. The engine writes one KindEngine section, then for every index one
// KindIndex section followed by the KindDocs sections of its documents, then KindEnd.
const (
	KindEngine byte = iota + 1
	KindIndex
	KindDocs
	KindEnd
)
