package index

import (
	"encoding/binary"
	"errors"

	"github.com/planstore/planstore/projections/esengine/internal/statefile"
)

var errBadValues = errors.New("malformed encoded values")

// storedSourceOf is storedSource for data not known to be well formed.
func storedSourceOf(data string) (string, bool) {
	x, n := statefile.Uvarint(data, 0)
	if n <= 0 || x>>1 > uint64(len(data)-n) {
		return "", false
	}
	return data[n : n+int(x>>1)], true
}

// translate checks that data is a document's well-formed stored bytes (the readers of
// stored_values.go trust it and would panic on a bad offset) and returns it with its
// field numbers mapped to this process's: data itself when the numbering is unchanged.
func (r FieldRemap) translate(data string, hasRouting bool) (string, error) {
	c := valueChecker{data: data, remap: r}
	if !r.identity {
		c.out = make([]byte, 0, len(data)+8)
	}
	x := c.uvarint()
	srcLen := int(x >> 1)
	if c.bad || srcLen > len(data)-c.i {
		return "", errBadValues
	}
	c.i += srcLen
	var counts [sectionCount]int
	for s := range counts {
		counts[s] = int(min(c.uvarint(), uint64(len(data))))
	}
	for section, n := range counts {
		for range n {
			if c.bad {
				return "", errBadValues
			}
			c.field()
			switch section {
			case sectionTerms:
				c.ref(srcLen, hasRouting)
			case sectionNumbers:
				if c.uvarint()&1 == 1 {
					c.skip(8)
				}
			case sectionTokens:
				c.ref(srcLen, hasRouting)
				c.uvarint()
			case sectionLengths:
				c.uvarint()
			}
		}
	}
	if c.bad || c.i != len(data) {
		return "", errBadValues
	}
	if c.out == nil {
		return data, nil
	}
	return string(append(c.out, data[c.copied:]...)), nil
}

// valueChecker walks encoded values with every read bounds-checked; out, when not nil,
// receives the values with their field numbers remapped.
type valueChecker struct {
	data   string
	i      int
	bad    bool
	remap  FieldRemap
	out    []byte
	copied int // data[:copied] is in out already
}

func (c *valueChecker) uvarint() uint64 {
	if c.bad {
		return 0
	}
	x, n := statefile.Uvarint(c.data, c.i)
	if n <= 0 {
		c.bad = true
		return 0
	}
	c.i += n
	return x
}

func (c *valueChecker) skip(n int) {
	if c.bad || n > len(c.data)-c.i {
		c.bad = true
		return
	}
	c.i += n
}

func (c *valueChecker) field() {
	start := c.i
	f := c.uvarint()
	if c.bad || f >= uint64(len(c.remap.ids)) {
		c.bad = true
		return
	}
	if c.out != nil {
		c.out = append(c.out, c.data[c.copied:start]...)
		c.out = binary.AppendUvarint(c.out, uint64(c.remap.ids[f]))
		c.copied = c.i
	}
}

// ref checks a value reference (stored_values.go): into the stored source (which
// starts after the header varint, so its bounds are checked against srcLen), inline,
// or the document's id or routing.
func (c *valueChecker) ref(srcLen int, hasRouting bool) {
	x := c.uvarint()
	switch x & 3 {
	case refSource:
		n := c.uvarint()
		if x>>2 > uint64(srcLen) || n > uint64(srcLen)-x>>2 {
			c.bad = true
		}
	case refInline:
		if x>>2 > uint64(len(c.data)) {
			c.bad = true
			return
		}
		c.skip(int(x >> 2))
	case refRouting:
		c.bad = c.bad || !hasRouting
	}
}
