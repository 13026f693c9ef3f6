package httpapi

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadAllReadsWhatIoReadAllReads: whatever size a request announced, readAll
// returns every byte the reader gives, and its errors.
func TestReadAllReadsWhatIoReadAllReads(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100)
	for _, announced := range []int64{-1, 0, 1, 999, 1000, 1001, 5000, maxPreallocatedBody + 1} {
		for name, r := range map[string]func() io.Reader{
			"whole":         func() io.Reader { return bytes.NewReader(body) },
			"a byte a read": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body)) },
			"data with EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(body)) },
		} {
			got, err := readAll(r(), announced)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("announced %d, %s: %d bytes, %v", announced, name, len(got), err)
			}
		}
		broken := errors.New("broken")
		if _, err := readAll(io.MultiReader(bytes.NewReader(body), iotest.ErrReader(broken)), announced); !errors.Is(err, broken) {
			t.Errorf("announced %d: error %v, want %v", announced, err, broken)
		}
	}
}

// TestReadAllSetsAsideNoMoreThanItsBoundForALyingContentLength: a request that
// announces the body limit but sends little does not get a buffer of the limit.
func TestReadAllSetsAsideNoMoreThanItsBoundForALyingContentLength(t *testing.T) {
	body := []byte(`{"objectId":"p1"}`)
	got, err := readAll(bytes.NewReader(body), DefaultMaxBodyBytes)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("%q, %v; want %q", got, err, body)
	}
	if cap(got) > maxPreallocatedBody+1 {
		t.Errorf("buffer of %d bytes for a %d-byte body; want at most %d", cap(got), len(body), maxPreallocatedBody+1)
	}
}
