package statefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strings"
	"unsafe"
)

// ErrCorrupt is wrapped by every error about the content of a state file (as opposed
// to failing to read it).
var ErrCorrupt = errors.New("statefile: corrupt state file")

// Corrupt is an error about a state file's content, wrapping ErrCorrupt; the readers
// of the sections' values (the engine's and its indexes') word theirs with it too.
func Corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// File reads the sections of a state file: one held in memory (Open), or one read
// from disk a section at a time (OpenReader), so that loading a large state does not
// hold the whole file beside the engine it becomes (1.5 GB at a million plans).
type File struct {
	data string // the file, when held in memory
	at   int    // bytes read so far, header included
	size int    // the file's length

	r   io.Reader // the file, when read a section at a time
	buf []byte    // the section last read from r, reused for the next
}

// Open checks the header of data and returns the reader of its sections.
func Open(data string) (*File, error) {
	if err := checkHeader(data); err != nil {
		return nil, err
	}
	return &File{data: data, at: headerSize, size: len(data)}, nil
}

// OpenReader checks the header of the size bytes r holds and returns the reader of
// their sections, which reads one section at a time. A section's strings are then valid
// only until the next section is read: a caller copies what it keeps (Decoder.String).
func OpenReader(r io.Reader, size int64) (*File, error) {
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, headError(err)
	}
	if err := checkHeader(string(head)); err != nil {
		return nil, err
	}
	return &File{r: r, at: headerSize, size: int(min(size, math.MaxInt))}, nil
}

const headerSize = len(magic) + 4

func checkHeader(data string) error {
	if len(data) < headerSize || data[:len(magic)] != magic {
		return Corrupt("not an engine state file")
	}
	if v := binary.LittleEndian.Uint32([]byte(data[len(magic):headerSize])); v != Version {
		return Corrupt("format version %d, this build reads %d", v, Version)
	}
	return nil
}

// Remaining is how many bytes of the file are not read yet: an upper bound on what a
// count read from the file can number, before anything is allocated for it.
func (f *File) Remaining() int { return f.size - f.at }

// Next returns the next section after checking its checksum; io.EOF after the last.
func (f *File) Next() (byte, *Decoder, error) {
	if f.r != nil {
		return f.read()
	}
	rest := f.data[f.at:]
	if rest == "" {
		return 0, nil, io.EOF
	}
	if len(rest) < 9 {
		return 0, nil, Corrupt("truncated section header at byte %d", f.at)
	}
	n := int(binary.LittleEndian.Uint32([]byte(rest[1:5])))
	if n > len(rest)-9 {
		return 0, nil, Corrupt("section at byte %d runs past the end of the file", f.at)
	}
	return f.section(rest[:9+n])
}

// read reads the next section from r into buf.
func (f *File) read() (byte, *Decoder, error) {
	var head [5]byte
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
	f.buf = f.buf[:9+n]
	copy(f.buf, head[:])
	if _, err := io.ReadFull(f.r, f.buf[5:]); err != nil {
		return 0, nil, f.readError(err, "section at byte %d runs past the end of the file")
	}
	return f.section(unsafe.String(unsafe.SliceData(f.buf), len(f.buf)))
}

func (f *File) readError(err error, corrupt string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return Corrupt(corrupt, f.at)
	}
	return fmt.Errorf("statefile: read: %w", err)
}

// section checks the checksum of sec, a whole section (kind, length, body, checksum),
// and returns its decoder.
func (f *File) section(sec string) (byte, *Decoder, error) {
	n := len(sec) - 9
	body := sec[:5+n]
	want := binary.LittleEndian.Uint32([]byte(sec[5+n:]))
	if got := crc32.Checksum(readOnlyBytes(body), castagnoli); got != want {
		return 0, nil, Corrupt("checksum mismatch in the section at byte %d", f.at)
	}
	f.at += len(sec)
	return sec[0], &Decoder{data: body[5:]}, nil
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

// Decoder reads the values of one section. Every read is bounds-checked: past the end
// or on a malformed value it records an error, returns zero values from then on, and
// Err reports the first problem, so callers check once per record rather than per value.
type Decoder struct {
	data string
	i    int
	err  error
}

// Err is the first problem met, if any.
func (d *Decoder) Err() error { return d.err }

// Fail records a problem the caller found in the values it read.
func (d *Decoder) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = Corrupt(format, args...)
	}
}

// Done reports an error unless the section was read exactly to its end.
func (d *Decoder) Done() error {
	if d.err == nil && d.i != len(d.data) {
		d.Fail("%d unread bytes at the end of a section", len(d.data)-d.i)
	}
	return d.err
}

// Remaining is how many bytes are left; a count read from the file can be checked
// against it before anything is allocated for it.
func (d *Decoder) Remaining() int { return len(d.data) - d.i }

func (d *Decoder) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := Uvarint(d.data, d.i)
	if n <= 0 {
		d.Fail("bad varint at byte %d of a section", d.i)
		return 0
	}
	d.i += n
	return x
}

// Varint reads a zig-zag encoded signed number, as binary.AppendVarint writes it.
func (d *Decoder) Varint() int64 {
	u := d.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Uvarint decodes the unsigned varint at s[i:] like binary.Uvarint, without copying
// the string: n is the bytes read, or <= 0 when s ends first or the value overflows.
func Uvarint(s string, i int) (x uint64, n int) {
	var shift uint
	for j := i; j < len(s); j++ {
		c := s[j]
		if j-i == binary.MaxVarintLen64-1 && c > 1 {
			return 0, -1
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x, j - i + 1
		}
		shift += 7
		if j-i == binary.MaxVarintLen64-1 {
			return 0, -1
		}
	}
	return 0, 0
}

// Count reads a number of records that follow, each at least one byte long.
func (d *Decoder) Count() int {
	n := d.Uvarint()
	if n > uint64(d.Remaining()) {
		d.Fail("count %d exceeds the %d bytes left", n, d.Remaining())
		return 0
	}
	return int(n)
}

// Int reads a non-negative int written with Uvarint.
func (d *Decoder) Int() int {
	n := d.Uvarint()
	if n > 1<<62 {
		d.Fail("number %d out of range", n)
		return 0
	}
	return int(n)
}

func (d *Decoder) Bool() bool {
	if d.err != nil {
		return false
	}
	if d.i >= len(d.data) || d.data[d.i] > 1 {
		d.Fail("bad boolean at byte %d of a section", d.i)
		return false
	}
	d.i++
	return d.data[d.i-1] == 1
}

// String reads a length-prefixed string, a copy: a string that shared the file's bytes
// would keep the whole file in memory for as long as it lives.
func (d *Decoder) String() string { return strings.Clone(d.Shared()) }

// Shared reads a length-prefixed string that shares the file's bytes, for a caller
// that copies what it keeps: from a file read a section at a time (OpenReader), the
// string changes once the next section is read.
func (d *Decoder) Shared() string {
	n := d.Uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(d.Remaining()) {
		d.Fail("string of %d bytes exceeds the %d bytes left", n, d.Remaining())
		return ""
	}
	s := d.data[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// ReadHead reads the header and the first section of a state file from r, and nothing
// more: what a caller needs to decide whether to read the whole file.
func ReadHead(r io.Reader) (byte, *Decoder, error) {
	head := make([]byte, len(magic)+4+5)
	if _, err := io.ReadFull(r, head); err != nil {
		return 0, nil, headError(err)
	}
	n := binary.LittleEndian.Uint32(head[len(magic)+5:])
	if n > maxHeadSection {
		return 0, nil, Corrupt("a first section of %d bytes", n)
	}
	rest := make([]byte, int(n)+4)
	if _, err := io.ReadFull(r, rest); err != nil {
		return 0, nil, headError(err)
	}
	f, err := Open(string(append(head, rest...)))
	if err != nil {
		return 0, nil, err
	}
	return f.Next()
}

// maxHeadSection bounds the first section ReadHead reads: the engine's holds names and
// aliases, not documents.
const maxHeadSection = 64 << 20

func headError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return Corrupt("the file ends in its first section")
	}
	return fmt.Errorf("statefile: read: %w", err)
}

// readOnlyBytes views s as bytes without copying it, for a reader that only reads them
// (the checksum): []byte(s) would copy every section, 1.5 GB for the state of a million
// plans, whose documents keep the file's bytes as strings.
func readOnlyBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
