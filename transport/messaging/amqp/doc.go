// Package amqp is the RabbitMQ adapter of the messaging.Bus port: a durable topic
// exchange, one durable queue per consumer with its dead-letter queue, publisher
// confirms, and every connection dialled through the node list of a cluster.
package amqp
