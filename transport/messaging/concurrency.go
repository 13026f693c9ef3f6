package messaging

import "fmt"

// MaxConcurrency bounds Consumer.Concurrency: how many messages a consumer process has
// in its handlers at once, each a goroutine (on RabbitMQ all on one channel).
const MaxConcurrency = 256

func ValidateConcurrency(consumer string, n int) error {
	if n < 1 || n > MaxConcurrency {
		return fmt.Errorf("messaging: consumer %s: concurrency %d outside 1..%d", consumer, n, MaxConcurrency)
	}
	return nil
}
