package messaging

import "fmt"

// MaxConcurrency bounds Consumer.Concurrency. Each subscription is an AMQP channel and a
// goroutine; beyond a few dozen the handler's backend, not the bus, is the limit.
const MaxConcurrency = 256

func ValidateConcurrency(consumer string, n int) error {
	if n < 1 || n > MaxConcurrency {
		return fmt.Errorf("messaging: consumer %s: concurrency %d outside 1..%d", consumer, n, MaxConcurrency)
	}
	return nil
}
