package amqp

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// The watermill-amqp configurations of the topology. Watermill maps its "topic" to
// exchange, queue and routing key through generator functions; these pin them to the
// planstore names whatever topic a caller uses, except where the topic is the point:
// the routing key of an event (its type) and the queue name of a consumer.

// eventsConfig is the events exchange: durable topic exchange, persistent messages,
// routing key = topic (the event type, see routeByEventType), publisher confirms, and for
// subscribers a durable queue named by the topic (QueueName(consumer)) bound with
// BindingKey. Subscribers made WithConnection ignore conn.
func eventsConfig(conn amqp.ConnectionConfig, channels, prefetch int) amqp.Config {
	return amqp.Config{
		Connection: conn,
		Marshaler:  newMarshaler(),
		Exchange: amqp.ExchangeConfig{
			GenerateName: func(string) string { return messaging.ExchangeName },
			Type:         "topic",
			Durable:      true,
		},
		Queue: amqp.QueueConfig{
			GenerateName: amqp.GenerateQueueNameTopicName,
			Durable:      true,
		},
		QueueBind: amqp.QueueBindConfig{
			// Watermill passes the queue name here, not the topic; every consumer
			// queue binds to every plan event.
			GenerateRoutingKey: func(string) string { return messaging.BindingKey },
		},
		Publish: amqp.PublishConfig{
			GenerateRoutingKey: func(topic string) string { return topic },
			ChannelPoolSize:    channels,
			ConfirmDelivery:    true,
		},
		Consume: amqp.ConsumeConfig{
			Qos: amqp.QosConfig{PrefetchCount: prefetch},
		},
		TopologyBuilder: &amqp.DefaultTopologyBuilder{},
	}
}

// deadLetterConfig is a consumer's dead-letter queue: a durable queue reached through
// the default exchange (routing key = queue name), so poison messages never travel
// through the events exchange and no other consumer sees them.
func deadLetterConfig(conn amqp.ConnectionConfig, channels int) amqp.Config {
	return amqp.Config{
		Connection: conn,
		Marshaler:  newMarshaler(),
		Exchange: amqp.ExchangeConfig{
			GenerateName: func(string) string { return "" },
		},
		Queue: amqp.QueueConfig{
			GenerateName: amqp.GenerateQueueNameTopicName,
			Durable:      true,
		},
		QueueBind: amqp.QueueBindConfig{GenerateRoutingKey: func(string) string { return "" }},
		Publish: amqp.PublishConfig{
			GenerateRoutingKey: func(topic string) string { return topic },
			ChannelPoolSize:    channels,
			ConfirmDelivery:    true,
		},
		TopologyBuilder: &amqp.DefaultTopologyBuilder{},
	}
}

// dialTimeout bounds one TCP connect to one node.
const dialTimeout = 10 * time.Second

// connectionSettings are the AMQP settings of every connection planstore opens: name is
// what the management UI shows, dial picks the node.
func connectionSettings(name string, dial func(network, addr string) (net.Conn, error)) *amqp091.Config {
	return &amqp091.Config{
		Heartbeat:  10 * time.Second,
		Locale:     "en_US",
		Properties: amqp091.Table{"connection_name": name},
		Dial:       dial,
	}
}

// subscriberConnection is the shared connection of a process's consumers. It relies on
// watermill-amqp's reconnect, with a short maximum backoff so that consumers reattach
// within seconds of the broker coming back; every (re)dial goes to the next reachable
// node of the cluster (brokerNodes.dialer).
func subscriberConnection(nodes *brokerNodes, name string) amqp.ConnectionConfig {
	return amqp.ConnectionConfig{
		AmqpURI:    nodes.uri,
		AmqpConfig: connectionSettings(name, nodes.dialer(dialTimeout)),
		Reconnect: &amqp.ReconnectConfig{
			BackoffInitialInterval:     200 * time.Millisecond,
			BackoffRandomizationFactor: 0.5,
			BackoffMultiplier:          1.5,
			BackoffMaxInterval:         5 * time.Second,
		},
	}
}

// singleDialConnection is the connection of one publisher generation: it dials once and
// refuses watermill-amqp's redials, because replacingPublisher replaces the whole
// publisher (connection and channel pool) instead. See replacingPublisher for why. The
// one dial goes to the next reachable node, so the next generation after a node was lost
// is on another node.
func singleDialConnection(nodes *brokerNodes, name string) amqp.ConnectionConfig {
	dial := nodes.dialer(dialTimeout)
	var dialled atomic.Bool
	return amqp.ConnectionConfig{
		AmqpURI: nodes.uri,
		AmqpConfig: connectionSettings(name, func(network, addr string) (net.Conn, error) {
			if dialled.Swap(true) {
				return nil, errNoRedial
			}
			return dial(network, addr)
		}),
		// One quick refused redial, then a long pause: the publisher is retired long before.
		Reconnect: &amqp.ReconnectConfig{
			BackoffInitialInterval: time.Hour,
			BackoffMultiplier:      1,
			BackoffMaxInterval:     time.Hour,
		},
	}
}

// standardProperties fills the AMQP message properties from the metadata headers, so
// the management UI, shovels and non-Watermill consumers see the id, type, correlation
// and time of every message without reading headers.
func standardProperties(p amqp091.Publishing) amqp091.Publishing {
	header := func(key string) string {
		v, _ := p.Headers[key].(string)
		return v
	}
	p.ContentType = "application/json"
	p.AppId = "planstore"
	p.MessageId = header(amqp.DefaultMessageUUIDHeaderKey)
	p.Type = header(messaging.MetadataEventType)
	p.CorrelationId = header(messaging.MetadataCorrelationID)
	if at, err := time.Parse(time.RFC3339Nano, header(messaging.MetadataOccurredAt)); err == nil {
		p.Timestamp = at
	}
	return p
}
