package statefile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// twoSections is a state file of two sections, "first" and "second".
func twoSections(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for kind, s := range []string{"first", "second"} {
		enc.Begin(byte(kind + 1))
		enc.String(s)
		if err := enc.End(); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFileReadsItsSections: the sections come back in order, each string a copy that
// outlives the buffer the next section is read into, and io.EOF after the last.
func TestFileReadsItsSections(t *testing.T) {
	data := twoSections(t)
	f, err := OpenReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.Expect(1)
	if err != nil {
		t.Fatal(err)
	}
	kept := first.String()
	second, err := f.Expect(2)
	if err != nil || second.String() != "second" || kept != "first" {
		t.Fatalf("sections %q and %v (%v), want first and second", kept, second, err)
	}
	if _, _, err := f.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last section: %v, want io.EOF", err)
	}
}

// TestFileRefusesBadInput sends every kind of bad file and checks the error names it.
func TestFileRefusesBadInput(t *testing.T) {
	data := twoSections(t)
	flipped := bytes.Clone(data)
	flipped[len(flipped)-6] ^= 1 // in the second section's payload
	oldVersion := bytes.Clone(data)
	oldVersion[len(magic)]--
	for _, tc := range []struct {
		name string
		data []byte
		size int // the size the reader is told; 0: len(data)
		want string
	}{
		{"empty", nil, 0, "shorter than its header"},
		{"another file", []byte("not a state file at all"), 0, "not an engine state file"},
		{"another format version", oldVersion, 0, "format version 2, this build reads 3"},
		{"a flipped bit", flipped, 0, "checksum mismatch in the section at byte"},
		{"cut inside a section header", data[:headerSize+3], 0, "truncated section header at byte 12"},
		{"cut inside a section", data[:len(data)-2], 0, "runs past the end of the file"},
		{"a section longer than the file", data, len(data) - 1, "section at byte 27 runs past the end of the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size := int64(len(tc.data))
			if tc.size > 0 {
				size = int64(tc.size)
			}
			err := readAll(bytes.NewReader(tc.data), size)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a corrupt-state error saying %q", err, tc.want)
			}
		})
	}
}

// TestFileReportsReadErrors: a reader that fails gives its own error, not ErrCorrupt, so
// a caller tells a damaged file from a failing disk.
func TestFileReportsReadErrors(t *testing.T) {
	data := twoSections(t)
	broken := errors.New("disk on fire")
	for _, at := range []int{0, headerSize, headerSize + 2, len(data) - 3} {
		r := io.MultiReader(bytes.NewReader(data[:at]), iotest.ErrReader(broken))
		err := readAll(r, int64(len(data)))
		if !errors.Is(err, broken) || errors.Is(err, ErrCorrupt) {
			t.Fatalf("failing after %d bytes: %v, want the reader's error", at, err)
		}
	}
}

// TestReadHeadBoundsTheFirstSection: a first section claiming more than a head can hold
// is refused before anything of that size is allocated.
func TestReadHeadBoundsTheFirstSection(t *testing.T) {
	data := twoSections(t)
	huge := bytes.Clone(data[:headerSize+5])
	huge[headerSize+1], huge[headerSize+2], huge[headerSize+3], huge[headerSize+4] = 0xff, 0xff, 0xff, 0x7f
	if _, _, err := ReadHead(bytes.NewReader(huge)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "runs past the end") {
		t.Fatalf("a 2 GB first section: %v, want refused", err)
	}
	if _, _, err := ReadHead(bytes.NewReader(data[:headerSize])); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "ends after its header") {
		t.Fatalf("a header alone: %v, want refused", err)
	}
	kind, dec, err := ReadHead(bytes.NewReader(data))
	if err != nil || kind != 1 || dec.String() != "first" {
		t.Fatalf("ReadHead: %d %v %v", kind, dec, err)
	}
}

// readAll reads every section of the size bytes r holds.
func readAll(r io.Reader, size int64) error {
	f, err := OpenReader(r, size)
	if err != nil {
		return err
	}
	for {
		_, dec, err := f.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		_ = dec.String()
		if err := dec.Done(); err != nil {
			return err
		}
	}
}
