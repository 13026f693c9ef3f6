package statefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"unsafe"
)

// File reads the sections of a state file one at a time into a buffer it reuses, so
// that loading a large state never holds the whole file beside the engine it becomes
// (1.5 GB at a million plans). A section's strings are valid only until the next
// section is read: a caller copies what it keeps (Decoder.String).
type File struct {
	r    io.Reader
	at   int    // bytes read so far, header included
	size int    // the file's length: no section may claim more than what is left
	buf  []byte // the section last read
}

const headerSize = len(magic) + 4

// OpenReader checks the header of the size bytes r holds and returns the reader of
// their sections.
func OpenReader(r io.Reader, size int64) (*File, error) {
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(r, head); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, Corrupt("not an engine state file: shorter than its header")
		}
		return nil, fmt.Errorf("statefile: read: %w", err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, Corrupt("not an engine state file")
	}
	if v := binary.LittleEndian.Uint32(head[len(magic):]); v != Version {
		return nil, Corrupt("format version %d, this build reads %d", v, Version)
	}
	return &File{r: r, at: headerSize, size: int(min(size, math.MaxInt))}, nil
}

// Remaining is how many bytes of the file are not read yet: an upper bound on what a
// count read from the file can number, before anything is allocated for it.
func (f *File) Remaining() int { return f.size - f.at }

// Next returns the next section after checking its checksum; io.EOF after the last.
func (f *File) Next() (byte, *Decoder, error) {
	var head [5]byte // kind, payload length
	if _, err := io.ReadFull(f.r, head[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, f.readError(err, "truncated section header at byte %d")
	}
	n := int(binary.LittleEndian.Uint32(head[1:]))
	if n > f.Remaining()-9 {
		return 0, nil, Corrupt("section at byte %d runs past the end of the file", f.at)
	}
	if cap(f.buf) < 9+n {
		f.buf = make([]byte, 9+n)
	}
	sec := f.buf[:9+n]
	copy(sec, head[:])
	if _, err := io.ReadFull(f.r, sec[5:]); err != nil {
		return 0, nil, f.readError(err, "section at byte %d runs past the end of the file")
	}
	want := binary.LittleEndian.Uint32(sec[5+n:])
	if got := crc32.Checksum(sec[:5+n], castagnoli); got != want {
		return 0, nil, Corrupt("checksum mismatch in the section at byte %d", f.at)
	}
	f.at += len(sec)
	payload := sec[5 : 5+n]
	return sec[0], &Decoder{data: unsafe.String(unsafe.SliceData(payload), n)}, nil
}

// readError words a failed read: a file that ends early is corrupt, anything else is
// the reader's own error.
func (f *File) readError(err error, corrupt string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return Corrupt(corrupt, f.at)
	}
	return fmt.Errorf("statefile: read: %w", err)
}

// Expect returns the next section, which must be of kind want: a file that ends
// before it, or has another section there, is corrupt.
func (f *File) Expect(want byte) (*Decoder, error) {
	kind, dec, err := f.Next()
	if errors.Is(err, io.EOF) {
		return nil, Corrupt("the state ends early")
	}
	if err != nil {
		return nil, err
	}
	if kind != want {
		return nil, Corrupt("expected a section of kind %d, found %d", want, kind)
	}
	return dec, nil
}

// ReadHead reads the header and the first section of a state file from r, and nothing
// more: what a caller needs to decide whether to read the whole file.
func ReadHead(r io.Reader) (byte, *Decoder, error) {
	f, err := OpenReader(r, int64(headerSize+9+maxHeadSection))
	if err != nil {
		return 0, nil, err
	}
	kind, dec, err := f.Next()
	if errors.Is(err, io.EOF) {
		return 0, nil, Corrupt("the state ends after its header")
	}
	return kind, dec, err
}

// maxHeadSection bounds the first section ReadHead reads: the engine's holds names and
// aliases, not documents.
const maxHeadSection = 64 << 20
