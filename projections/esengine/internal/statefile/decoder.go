package statefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// ErrCorrupt is wrapped by every error about the content of a state file (as opposed
// to failing to read it).
var ErrCorrupt = errors.New("statefile: corrupt state file")

// Corrupt is an error about a state file's content, wrapping ErrCorrupt; the readers
// of the sections' values (the engine's and its indexes') word theirs with it too.
func Corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
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
