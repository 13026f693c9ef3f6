package messaging

import (
	"fmt"
	"regexp"

	"github.com/planstore/planstore/events"
)

// The broker topology. These names are part of the public contract (README): external
// consumers bind their own queues to ExchangeName, so none of them may change.
const (
	// ExchangeName is the durable topic exchange every event is published to.
	ExchangeName = "planstore.events"
	// BindingKey is what a planstore consumer's queue binds with: every plan event.
	BindingKey = "plan.#"

	queuePrefix      = "planstore."
	deadLetterSuffix = ".dlq"
)

// QueueName is the durable queue a consumer reads: planstore.<consumer>.
func QueueName(consumer string) string { return queuePrefix + consumer }

// DeadLetterQueueName is where a consumer's poison messages go: planstore.<consumer>.dlq.
func DeadLetterQueueName(consumer string) string { return QueueName(consumer) + deadLetterSuffix }

// RoutingKey is the key an event is published with: its stable type name, e.g.
// plan.created, so consumers can bind to a subset such as plan.deleted.
func RoutingKey(t events.Type) string { return string(t) }

// consumerNamePattern keeps consumer names free of dots, so planstore.<consumer> and
// planstore.<consumer>.dlq can never collide across consumers.
var consumerNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ValidateConsumerName reports whether name can name a consumer (and thus its queues).
func ValidateConsumerName(name string) error {
	if !consumerNamePattern.MatchString(name) {
		return fmt.Errorf("messaging: consumer name %q must match %s", name, consumerNamePattern)
	}
	return nil
}
