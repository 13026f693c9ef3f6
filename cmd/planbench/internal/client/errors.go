package client

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// Transport error categories, as reported per operation.
const (
	CauseTimeout  = "timeout"
	CauseRefused  = "connection refused"
	CauseReset    = "connection reset"
	CauseEOF      = "unexpected EOF"
	CauseCanceled = "canceled"
	CauseOther    = "other transport error"
)

// Cause sorts a transport error into a category, so a report can say "37 timeouts"
// instead of listing 37 different messages.
func Cause(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return CauseCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return CauseTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return CauseRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return CauseReset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return CauseEOF
	default:
		return CauseOther
	}
}
