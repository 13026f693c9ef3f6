package messaging

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// retryNotice is the Logger of one message's Retry middleware. Watermill's Retry logs
// through it at error level exactly when a failed attempt will be retried (its backoff
// notification), and never otherwise; that becomes one warning with the event's fields.
// A retried attempt is expected to recover, and the final failure is logged as an error
// where it is settled.
type retryNotice struct {
	logger *slog.Logger
	msg    *message.Message
}

func (n retryNotice) Error(_ string, err error, fields watermill.LogFields) {
	n.logger.Warn("event handling failed; retrying", append(EventAttrs(n.msg),
		"retry", fields["retry_no"],
		"max_retries", fields["max_retries"],
		"retry_in", fields["wait_time"],
		"error", err,
	)...)
}

func (retryNotice) Info(string, watermill.LogFields)  {}
func (retryNotice) Debug(string, watermill.LogFields) {}
func (retryNotice) Trace(string, watermill.LogFields) {}

func (n retryNotice) With(watermill.LogFields) watermill.LoggerAdapter { return n }
