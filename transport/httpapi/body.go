package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"
)

// readBody reads a request body of one of the accepted media types, enforcing the size
// limit without buffering more than limit+1 bytes.
//
// A declared Content-Length over the limit is refused before the first read: net/http
// sends "100 Continue" to a client that asked for it (Expect: 100-continue) only when
// the handler starts reading, so such a client is told 413 without sending anything.
func (s *Server) readBody(r *http.Request, accepted ...string) ([]byte, error) {
	if _, err := acceptedMediaType(r.Header.Get("Content-Type"), accepted); err != nil {
		return nil, err
	}
	if r.ContentLength > s.maxBodyBytes {
		return nil, errBodyTooLarge
	}
	body, err := readAll(io.LimitReader(r.Body, s.maxBodyBytes+1), r.ContentLength)
	if err != nil {
		return nil, bodyReadError(err)
	}
	if int64(len(body)) > s.maxBodyBytes {
		return nil, errBodyTooLarge
	}
	if len(body) == 0 {
		return nil, errEmptyBody
	}
	return body, nil
}

// acceptedMediaType returns the media type of a Content-Type header, lower-cased and
// without parameters, if it is one of accepted (in utf-8, if it names a charset).
func acceptedMediaType(contentType string, accepted []string) (string, error) {
	if contentType == "" {
		return "", fmt.Errorf("%w: Content-Type is missing; send %s", errUnsupportedMediaType, accepted[0])
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("%w: Content-Type %q cannot be parsed", errUnsupportedMediaType, contentType)
	}
	// Media type parameter values such as the charset are case-insensitive (RFC 9110
	// 8.3.2); ParseMediaType lower-cases the type and the parameter names only.
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return "", fmt.Errorf("%w: only utf-8 is accepted, not %q", errUnsupportedMediaType, cs)
	}
	if !slices.Contains(accepted, mediaType) {
		return "", fmt.Errorf("%w: %q is not accepted here; send %s", errUnsupportedMediaType, mediaType, accepted[0])
	}
	return mediaType, nil
}

// bodyReadError classifies a failed body read. Every cause is the client's or its
// network's, never the server's: a body slower than the server's read timeout is 408,
// anything else (a malformed chunk, a connection closed mid-body, fewer bytes than
// Content-Length) is 400. A client that is gone never sees the answer, but the request
// is still logged once, at info, with its correlation id, and never as a 500.
func bodyReadError(err error) error {
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return errBodyTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: %w", errBodyTimeout, err)
	default:
		return fmt.Errorf("%w: %w", errBodyUnreadable, err)
	}
}

// maxPreallocatedBody bounds what readAll sets aside before a byte arrived: a client
// that announces the body limit and sends nothing would otherwise hold that much memory
// per connection until the read timeout. A plan is 1.3 KB; a bigger body grows from
// here as io.ReadAll grows.
const maxPreallocatedBody = 64 << 10

// readAll is io.ReadAll into a buffer of the size the request announced (when it did,
// within the limit checked before, and up to maxPreallocatedBody): a plan then takes
// one allocation where io.ReadAll grows from 512 bytes by copying, about three times
// its size in all.
func readAll(r io.Reader, announced int64) ([]byte, error) {
	if announced <= 0 {
		return io.ReadAll(r)
	}
	// one byte more: the end is seen without growing
	b := make([]byte, 0, min(announced, maxPreallocatedBody)+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		switch {
		case errors.Is(err, io.EOF):
			return b, nil
		case err != nil:
			return b, err
		case len(b) == cap(b):
			b = append(b, 0)[:len(b)] // more than announced or set aside: grow as io.ReadAll does
		}
	}
}
