package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// readBody reads a request body of one of the accepted media types, enforcing the size
// limit without buffering more than limit+1 bytes.
func (s *Server) readBody(r *http.Request, accepted ...string) ([]byte, error) {
	if err := checkMediaType(r.Header.Get("Content-Type"), accepted); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.maxBodyBytes+1))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, errBodyTooLarge
		}
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > s.maxBodyBytes {
		return nil, errBodyTooLarge
	}
	if len(body) == 0 {
		return nil, errEmptyBody
	}
	return body, nil
}

func checkMediaType(contentType string, accepted []string) error {
	if contentType == "" {
		return fmt.Errorf("%w: Content-Type is missing; send %s", errUnsupportedMediaType, accepted[0])
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("%w: Content-Type %q cannot be parsed", errUnsupportedMediaType, contentType)
	}
	if cs, ok := params["charset"]; ok && cs != "utf-8" && cs != "UTF-8" {
		return fmt.Errorf("%w: only utf-8 is accepted, not %q", errUnsupportedMediaType, cs)
	}
	for _, a := range accepted {
		if mediaType == a {
			return nil
		}
	}
	return fmt.Errorf("%w: %q is not accepted here; send %s", errUnsupportedMediaType, mediaType, accepted[0])
}
