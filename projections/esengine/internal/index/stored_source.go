package index

import (
	"sort"
	"strings"
)

// Sources are stored with their keys abbreviated: every document of an index repeats
// the same few keys ("objectId":, "plan_join":, ...), which make up about half of a
// small document's bytes. Each of the first maxKeyCodes distinct keys a store sees gets
// a one-byte code below 0x20. Compact JSON never holds such a byte (control characters
// in strings must be escaped, and there is no whitespace between tokens), so a code
// cannot be mistaken for text; a source that holds one anyway is stored as it is. Values
// stay verbatim, so the values a document indexes still point into its stored bytes.
// Hits and GETs expand the source back, byte for byte.

// maxKeyCodes is how many keys a store abbreviates: the codes are the bytes 1..31.
const maxKeyCodes = 31

// keyDict is a store's abbreviated keys. Codes are added under the index write lock and
// never change; store copies share the dictionary, and readers only look up codes that
// documents they can see already use.
type keyDict struct {
	codes map[string]byte         // `"name":` -> code; read and written by writers only
	keys  [maxKeyCodes + 1]string // by code; 0 unused
	n     int                     // codes handed out
}

func newKeyDict() *keyDict { return &keyDict{codes: map[string]byte{}} }

// code returns the code of a key token (`"name":`), handing out a new one while codes
// remain; 0 when the key is not abbreviated.
func (k *keyDict) code(token string) byte {
	if k == nil {
		return 0
	}
	if c, ok := k.codes[token]; ok {
		return c
	}
	if k.n == maxKeyCodes {
		return 0
	}
	k.n++
	c := byte(k.n)
	k.keys[c] = strings.Clone(token)
	k.codes[k.keys[c]] = c
	return c
}

// keyShift records that from position at of the original source on, positions in the
// stored source are shrink bytes smaller.
type keyShift struct{ at, shrink int }

// compressSource appends src with its keys abbreviated to dst, and the shifts that map
// positions of src to positions of the result. ok is false when src holds a byte the
// codes use, or is not the compact JSON it should be: it is then stored as it is.
func compressSource(k *keyDict, src string, dst []byte, shifts []keyShift) ([]byte, []keyShift, bool) {
	start := len(dst)
	shrunk := 0
	for i := 0; i < len(src); {
		c := src[i]
		if c < 0x20 {
			return dst[:start], shifts[:0], false
		}
		if c != '"' {
			dst = append(dst, c)
			i++
			continue
		}
		end, plain := stringEnd(src, i)
		if end < 0 {
			return dst[:start], shifts[:0], false
		}
		if plain && end < len(src) && src[end] == ':' {
			if code := k.code(src[i : end+1]); code != 0 {
				dst = append(dst, code)
				shrunk += end - i
				shifts = append(shifts, keyShift{at: end + 1, shrink: shrunk})
				i = end + 1
				continue
			}
		}
		for _, b := range []byte(src[i:end]) {
			if b < 0x20 {
				return dst[:start], shifts[:0], false
			}
		}
		dst = append(dst, src[i:end]...)
		i = end
	}
	return dst, shifts, true
}

// stringEnd returns the position just after the string starting at src[i] ('"'), and
// whether it holds no escape; -1 when it is not closed.
func stringEnd(src string, i int) (int, bool) {
	plain := true
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			plain = false
			j++
		case '"':
			return j + 1, plain
		}
	}
	return -1, false
}

// shifted maps a position of the original source to the stored one.
func shifted(shifts []keyShift, pos int) int {
	i := sort.Search(len(shifts), func(i int) bool { return shifts[i].at > pos })
	if i == 0 {
		return pos
	}
	return pos - shifts[i-1].shrink
}

// expandSource returns the source as it was given; a source without codes is returned
// as it is stored, without a copy.
func expandSource(k *keyDict, stored string, abbreviated bool) string {
	if !abbreviated || k == nil {
		return stored
	}
	n := 0
	for i := 0; i < len(stored); i++ {
		if c := stored[i]; c < 0x20 {
			n += len(k.keys[c])
		} else {
			n++
		}
	}
	if n == len(stored) {
		return stored
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(stored); i++ {
		if c := stored[i]; c < 0x20 {
			b.WriteString(k.keys[c])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// sameSource reports whether the stored source expands to exactly src, without
// expanding it.
func sameSource(k *keyDict, stored string, abbreviated bool, src []byte) bool {
	if !abbreviated || k == nil {
		return stored == string(src)
	}
	j := 0
	for i := 0; i < len(stored); i++ {
		c := stored[i]
		if c >= 0x20 {
			if j >= len(src) || src[j] != c {
				return false
			}
			j++
			continue
		}
		key := k.keys[c]
		if len(src)-j < len(key) || string(src[j:j+len(key)]) != key {
			return false
		}
		j += len(key)
	}
	return j == len(src)
}
