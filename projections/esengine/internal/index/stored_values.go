package index

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// A stored document keeps every value it put into the indexes (to take them out again
// on update or delete, to sort and to score) encoded in one string of bytes: field names
// as numbers (fieldID), values that are substrings of the source as an offset and a
// length, the document's own id and routing as a one-byte reference, whole numbers as
// varints. Slices of {field, value} string pairs cost 32 bytes a value plus the slice
// headers, and the garbage collector had to scan every one of them; the encoded form
// takes a few bytes a value and holds no pointer.
//
// Layout: five uvarint counts (terms, numbers, tokens, lengths, ignored fields), then
// the sections in that order:
//
//	term:    field, ref
//	number:  field, n: n&1 == 0: the integer unzigzag(n>>1); else 8 bytes of float64 bits follow
//	token:   field, ref, frequency
//	length:  field, length
//	ignored: field
//
// A ref is a uvarint x: x&3 is its kind (below), x>>2 the offset into the source (then
// a uvarint length follows) or the length of the inline bytes that follow.
const (
	refSource = iota
	refInline
	refID
	refRouting
)

const (
	sectionTerms = iota
	sectionNumbers
	sectionTokens
	sectionLengths
	sectionIgnored
	sectionCount
)

// encodeValues builds d's stored bytes: the header, the source with its keys
// abbreviated, and the parser's collected values.
func (p *docParser) encodeValues(d *StoredDoc) string {
	p.idAt = -1
	stored, shifts, abbreviated := compressSource(p.keys, p.src, p.stored[:0], p.shifts[:0])
	p.stored, p.shifts = stored, shifts
	abbreviated = abbreviated && len(shifts) > 0
	b := p.encoded[:0]
	if abbreviated {
		b = binary.AppendUvarint(b, uint64(len(stored))<<1|1)
		b = append(b, stored...)
	} else {
		shifts = nil
		b = binary.AppendUvarint(b, uint64(len(p.src))<<1)
		b = append(b, p.src...)
	}
	for _, n := range []int{len(p.terms), len(p.numbers), len(p.tokens), len(p.lengths), len(p.ignored)} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	for _, t := range p.terms {
		b = appendField(b, t.Field)
		b = p.appendRef(b, shifts, t.Value)
	}
	for _, n := range p.numbers {
		b = appendField(b, n.Field)
		b = appendNumber(b, n.Value)
	}
	for _, t := range p.tokens {
		b = appendField(b, t.Field)
		b = p.appendRef(b, shifts, t.Token)
		b = binary.AppendUvarint(b, uint64(t.Freq))
	}
	for _, l := range p.lengths {
		b = appendField(b, l.Field)
		b = binary.AppendUvarint(b, uint64(l.Length))
	}
	for _, f := range p.ignored {
		b = appendField(b, f)
	}
	p.encoded = b
	data := string(b)
	if p.idAt >= 0 {
		// The id is also a value of the source (an objectId field, typically): the
		// document's id then shares the stored bytes instead of a string of its own.
		src, _, _ := (&StoredDoc{data: data}).storedSource()
		d.Id = src[p.idAt : p.idAt+len(d.Id)]
	}
	if j := d.Join; p.placeholder && j != nil && j.Parent != nil {
		// The parent's id was read from the source being parsed, which the document
		// does not keep: point it at the stored copy.
		if off, ok := substringAt(p.src, j.Parent.Id); ok {
			src, _, _ := (&StoredDoc{data: data}).storedSource()
			at := shifted(shifts, off)
			j.Parent.Id = src[at : at+len(j.Parent.Id)]
		}
	}
	return data
}

func appendField(b []byte, name string) []byte {
	return binary.AppendUvarint(b, uint64(fieldID(name)))
}

// maxExactInteger bounds the integers a float64 holds exactly; beyond, a number is
// stored as its bits.
const maxExactInteger = 1 << 53

func appendNumber(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) <= maxExactInteger && !(v == 0 && math.Signbit(v)) {
		i := int64(v)
		return binary.AppendUvarint(b, uint64((i<<1)^(i>>63))<<1)
	}
	b = binary.AppendUvarint(b, 1)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// appendRef encodes a value: a reference to the document's id or routing, a position
// in the stored source (shifts map the parsed source's positions to it), or the bytes.
func (p *docParser) appendRef(b []byte, shifts []keyShift, v string) []byte {
	d := p.doc
	switch {
	case v == "":
	case v == d.Id:
		if off, ok := substringAt(p.src, v); ok && p.idAt < 0 {
			p.idAt = shifted(shifts, off)
		}
		return binary.AppendUvarint(b, refID)
	case d.Routing != nil && v == *d.Routing:
		return binary.AppendUvarint(b, refRouting)
	default:
		if off, ok := substringAt(p.src, v); ok {
			b = binary.AppendUvarint(b, uint64(shifted(shifts, off))<<2) // kind refSource, 0
			return binary.AppendUvarint(b, uint64(len(v)))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(v))<<2|refInline)
	return append(b, v...)
}

// substringAt reports where v lies inside s when v shares s's bytes, as the values the
// fast parser takes from a source do.
func substringAt(s, v string) (int, bool) {
	if len(s) == 0 || len(v) == 0 {
		return 0, false
	}
	base, at := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(v)))
	if at < base || at+uintptr(len(v)) > base+uintptr(len(s)) {
		return 0, false
	}
	return int(at - base), true
}

// valueVisitor receives a document's values, by section; a nil function skips its
// section, and the walk stops after the last section asked for. field receives, once
// each, the fields with a term, a number or a length: what exists matches (every field
// with a value has one of those), so the writers keep Exists in the same pass.
type valueVisitor struct {
	term    func(field uint32, value string)
	number  func(field uint32, value float64)
	token   func(field uint32, token string, freq int32)
	length  func(field uint32, length int32)
	ignored func(field uint32)
	field   func(field uint32)
}

// valueReader decodes a document's stored bytes.
type valueReader struct {
	d    *StoredDoc
	data string
	src  string // the stored source, which refs point into
	i    int
}

// reader returns a reader positioned at d's encoded values.
func (d *StoredDoc) reader() valueReader {
	src, _, values := d.storedSource()
	return valueReader{d: d, data: d.data, src: src, i: values}
}

func (r *valueReader) uvarint() uint64 {
	s := r.data
	var x uint64
	for shift := uint(0); ; shift += 7 {
		c := s[r.i]
		r.i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
}

func (r *valueReader) field() uint32 { return uint32(r.uvarint()) }

func (r *valueReader) ref() string {
	x := r.uvarint()
	switch x & 3 {
	case refSource:
		off := int(x >> 2)
		return r.src[off : off+int(r.uvarint())]
	case refInline:
		n := int(x >> 2)
		v := r.data[r.i : r.i+n]
		r.i += n
		return v
	case refID:
		return r.d.Id
	}
	return *r.d.Routing
}

func (r *valueReader) number() float64 {
	x := r.uvarint()
	if x&1 == 0 {
		u := x >> 1
		return float64(int64(u>>1) ^ -int64(u&1))
	}
	s := r.data[r.i : r.i+8]
	r.i += 8
	var bits uint64
	for k := 7; k >= 0; k-- {
		bits = bits<<8 | uint64(s[k])
	}
	return math.Float64frombits(bits)
}

// open returns a reader positioned at d's first value, and the count of each section.
func (d *StoredDoc) open() (valueReader, [sectionCount]int) {
	r := d.reader()
	var counts [sectionCount]int
	for s := range counts {
		counts[s] = int(r.uvarint())
	}
	return r, counts
}

// fieldNumber is the number of a field name, if any document was given one.
func fieldNumber(name string) (uint32, bool) {
	id, ok := fieldNames.ids.Load(name)
	if !ok {
		return 0, false
	}
	return id.(uint32), true
}

// AppendTerms appends d's keyword-like values of field to dst: sort keys read them
// for every matching document, so no callback is involved.
func (d *StoredDoc) AppendTerms(field string, dst []string) []string {
	want, ok := fieldNumber(field)
	if !ok {
		return dst
	}
	r, counts := d.open()
	for range counts[sectionTerms] {
		f, v := r.field(), r.ref()
		if f == want {
			dst = append(dst, v)
		}
	}
	return dst
}

// AppendNumbers appends d's numeric values of field to dst.
func (d *StoredDoc) AppendNumbers(field string, dst []float64) []float64 {
	want, ok := fieldNumber(field)
	if !ok {
		return dst
	}
	r, counts := d.open()
	for range counts[sectionTerms] {
		r.field()
		r.ref()
	}
	for range counts[sectionNumbers] {
		f, v := r.field(), r.number()
		if f == want {
			dst = append(dst, v)
		}
	}
	return dst
}

// walk decodes d's values into v.
func (d *StoredDoc) walk(v valueVisitor) {
	last := -1
	for s, f := range []bool{v.term != nil, v.number != nil, v.token != nil, v.length != nil || v.field != nil, v.ignored != nil} {
		if f {
			last = s
		}
	}
	var fields fieldSet
	r, counts := d.open()
	for section := 0; section <= last; section++ {
		for range counts[section] {
			f := r.field()
			switch section {
			case sectionTerms:
				value := r.ref()
				if v.term != nil {
					v.term(f, value)
				}
				if v.field != nil && fields.first(f) {
					v.field(f)
				}
			case sectionNumbers:
				n := r.number()
				if v.number != nil {
					v.number(f, n)
				}
				if v.field != nil && fields.first(f) {
					v.field(f)
				}
			case sectionTokens:
				tok := r.ref()
				freq := int32(r.uvarint())
				if v.token != nil {
					v.token(f, tok, freq)
				}
			case sectionLengths:
				n := int32(r.uvarint())
				if v.length != nil {
					v.length(f, n)
				}
				if v.field != nil && fields.first(f) {
					v.field(f)
				}
			case sectionIgnored:
				v.ignored(f)
			}
		}
	}
}

// eachTerm calls fn with every keyword-like value: keyword, boolean, join, _routing.
func (d *StoredDoc) eachTerm(fn func(field, value string)) {
	d.walk(valueVisitor{term: func(f uint32, v string) { fn(fieldName(f), v) }})
}

// eachNumber calls fn with every numeric (and boolean) value.
func (d *StoredDoc) eachNumber(fn func(field string, value float64)) {
	d.walk(valueVisitor{number: func(f uint32, v float64) { fn(fieldName(f), v) }})
}

// eachToken calls fn with every analysed token and its frequency in its field.
func (d *StoredDoc) eachToken(fn func(field, token string, freq int32)) {
	d.walk(valueVisitor{token: func(f uint32, t string, freq int32) { fn(fieldName(f), t, freq) }})
}

// eachLength calls fn with every text field's token count (BM25 length normalisation).
func (d *StoredDoc) eachLength(fn func(field string, length int32)) {
	d.walk(valueVisitor{length: func(f uint32, n int32) { fn(fieldName(f), n) }})
}

// Ignored lists the fields whose values were left out (ignore_above): hits' _ignored.
func (d *StoredDoc) Ignored() []string {
	r := d.reader()
	for range sectionIgnored {
		r.uvarint()
	}
	if r.uvarint() == 0 {
		return nil // the common case, answered from the header
	}
	var out []string
	d.walk(valueVisitor{ignored: func(f uint32) { out = append(out, fieldName(f)) }})
	return out
}

// Terms, Numbers, Tokens and Lengths decode the values into slices, for tests and
// diagnostics; the engine walks them without building slices.
func (d *StoredDoc) Terms() []IndexedTerm {
	var out []IndexedTerm
	d.eachTerm(func(f, v string) { out = append(out, IndexedTerm{f, v}) })
	return out
}

func (d *StoredDoc) Numbers() []IndexedNumber {
	var out []IndexedNumber
	d.eachNumber(func(f string, v float64) { out = append(out, IndexedNumber{f, v}) })
	return out
}

func (d *StoredDoc) Tokens() []IndexedToken {
	var out []IndexedToken
	d.eachToken(func(f, t string, freq int32) { out = append(out, IndexedToken{f, t, freq}) })
	return out
}

func (d *StoredDoc) Lengths() []FieldLength {
	var out []FieldLength
	d.eachLength(func(f string, n int32) { out = append(out, FieldLength{f, n}) })
	return out
}

// EachField calls fn once for every field with at least one indexed value, which is
// what exists matches.
func (d *StoredDoc) EachField(fn func(field string)) {
	d.walk(valueVisitor{field: func(f uint32) { fn(fieldName(f)) }})
}

// fieldSetScan is how many distinct fields a fieldSet tracks in an array before it
// switches to a map.
const fieldSetScan = 32

// fieldSet tells which field numbers of one document were seen already; the zero value
// is empty. A document has a few fields, which an array scan finds fastest.
type fieldSet struct {
	buf [fieldSetScan]uint32
	n   int
	set map[uint32]bool
}

// first reports whether f is seen for the first time, and records it.
func (s *fieldSet) first(f uint32) bool {
	if s.set == nil {
		for _, seen := range s.buf[:s.n] {
			if seen == f {
				return false
			}
		}
		if s.n < fieldSetScan {
			s.buf[s.n] = f
			s.n++
			return true
		}
		s.set = make(map[uint32]bool, 2*fieldSetScan)
		for _, seen := range s.buf {
			s.set[seen] = true
		}
	}
	if s.set[f] {
		return false
	}
	s.set[f] = true
	return true
}

// TokenStats returns the document's frequency of token in field and the field's length,
// what BM25 needs of one document.
func (d *StoredDoc) TokenStats(field, token string) (freq, length int32) {
	want, known := fieldNumber(field)
	if !known {
		return 0, 0
	}
	d.walk(valueVisitor{
		token: func(f uint32, t string, n int32) {
			if f == want && t == token && freq == 0 {
				freq = n
			}
		},
		length: func(f uint32, n int32) {
			if f == want {
				length = n
			}
		},
	})
	return freq, length
}
