package amqp

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	amqp091 "github.com/rabbitmq/amqp091-go"
)

// brokerNodes are the nodes of one RabbitMQ cluster, from a comma-separated list of AMQP
// URLs that differ only in host and port. Every connection of the bus dials through
// dialer, which ignores the address amqp091 derives from the URL and tries the nodes in
// turn, starting after the node that failed last: a connection whose node went away
// (watermill-amqp's reconnect, a replaced publisher, the queue monitor) comes back on
// another node instead of waiting for the lost one.
type brokerNodes struct {
	// uri is the first URL: amqp091 takes the credentials, vhost and parameters from it.
	uri   string
	addrs []string // host:port of each node, in the order given

	mu   sync.Mutex
	next int // index of the node the next dial tries first
}

// parseBrokerNodes parses a comma-separated list of AMQP URLs. The nodes of a cluster
// share users and vhosts, so the URLs must agree on everything but host and port; a list
// that does not is refused rather than half used.
func parseBrokerNodes(list string) (*brokerNodes, error) {
	var urls []string
	for u := range strings.SplitSeq(list, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil, errors.New("messaging: AMQP URL is empty")
	}
	nodes := &brokerNodes{uri: urls[0]}
	var first amqp091.URI
	seen := map[string]bool{}
	for i, raw := range urls {
		u, err := amqp091.ParseURI(raw)
		if err != nil {
			return nil, fmt.Errorf("messaging: AMQP URL %d of %d (%s): %w", i+1, len(urls), redactAMQPURL(raw), err)
		}
		addr := net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
		if seen[addr] {
			return nil, fmt.Errorf("messaging: AMQP URL list names node %s twice", addr)
		}
		seen[addr] = true
		nodes.addrs = append(nodes.addrs, addr)
		if i == 0 {
			first = u
			continue
		}
		if diff := differsBeyondAddress(first, u); diff != "" {
			return nil, fmt.Errorf("messaging: AMQP URL %d of %d (%s) differs from the first in its %s: the URLs of a "+
				"RabbitMQ cluster name its nodes and must share scheme, user, password, vhost and parameters",
				i+1, len(urls), redactAMQPURL(raw), diff)
		}
	}
	if len(urls) > 1 && first.Scheme == "amqps" {
		// amqp091 verifies a TLS certificate against the host of the URL it was given,
		// which would be the first node's name for every node dialled here.
		return nil, errors.New("messaging: a list of amqps URLs is not supported (each node's certificate would be " +
			"checked against the first node's name); give one amqps URL of a TLS load balancer in front of the cluster")
	}
	return nodes, nil
}

// differsBeyondAddress names the first part other than host and port in which a and b
// differ, or returns "".
func differsBeyondAddress(a, b amqp091.URI) string {
	switch {
	case a.Scheme != b.Scheme:
		return "scheme"
	case a.Username != b.Username:
		return "user"
	case a.Password != b.Password:
		return "password"
	case a.Vhost != b.Vhost:
		return "vhost"
	case a.CertFile != b.CertFile || a.CACertFile != b.CACertFile || a.KeyFile != b.KeyFile || a.ServerName != b.ServerName:
		return "TLS parameters"
	case strings.Join(a.AuthMechanism, ",") != strings.Join(b.AuthMechanism, ","):
		return "auth_mechanism"
	case a.Heartbeat != b.Heartbeat || a.ConnectionTimeout != b.ConnectionTimeout || a.ChannelMax != b.ChannelMax:
		return "parameters"
	}
	return ""
}

// dialer returns an amqp091 Config.Dial that connects to the first reachable node,
// trying each once per call, and remembers where to start next time.
func (n *brokerNodes) dialer(timeout time.Duration) func(network, addr string) (net.Conn, error) {
	dial := amqp091.DefaultDial(timeout)
	return func(network, _ string) (net.Conn, error) {
		n.mu.Lock()
		start := n.next
		n.mu.Unlock()
		var errs []error
		for k := range n.addrs {
			i := (start + k) % len(n.addrs)
			conn, err := dial(network, n.addrs[i])
			if err == nil {
				n.mu.Lock()
				// The next connection (a reconnect after this node went) tries the
				// following node first; a reachable one is found within one round.
				n.next = (i + 1) % len(n.addrs)
				n.mu.Unlock()
				return conn, nil
			}
			errs = append(errs, fmt.Errorf("%s: %w", n.addrs[i], err))
		}
		return nil, fmt.Errorf("no RabbitMQ node reachable: %w", errors.Join(errs...))
	}
}

// String lists the nodes, for logs and errors (no credentials).
func (n *brokerNodes) String() string { return strings.Join(n.addrs, ",") }

// redactAMQPURL hides the password of one AMQP URL.
func redactAMQPURL(raw string) string {
	u, err := amqp091.ParseURI(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	if u.Password != "" {
		u.Password = "xxxxx"
	}
	return u.String()
}
