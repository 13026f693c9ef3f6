package amqp

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-amqp/v2/pkg/amqp"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/planstore/planstore/transport/messaging"
)

// A quorum queue's redelivery carries x-delivery-count as an integer; watermill-amqp's
// own marshaler refuses it, which nacked the message back to the queue forever.
func TestMarshalerAcceptsTheHeadersRabbitMQAdds(t *testing.T) {
	headers := amqp091.Table{
		amqp.DefaultMessageUUIDHeaderKey: "id-1",
		messaging.MetadataEventType:      "plan.created",
		"x-delivery-count":               int64(3),
		"x-death":                        []any{amqp091.Table{"count": int64(1), "reason": "delivery_limit"}},
	}
	msg, err := newMarshaler().Unmarshal(amqp091.Delivery{Headers: headers, Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	if msg.UUID != "id-1" || msg.Metadata.Get(messaging.MetadataEventType) != "plan.created" || msg.Metadata.Get("x-delivery-count") != "3" {
		t.Errorf("message %s, metadata %v", msg.UUID, msg.Metadata)
	}
	if msg.Metadata.Get("x-death") == "" {
		t.Errorf("x-death lost: %v", msg.Metadata)
	}
	if _, ok := headers["x-delivery-count"].(int64); !ok {
		t.Error("the delivery's headers were changed in place")
	}
}

func TestParseBrokerNodesKeepsTheFirstURLAndEveryAddress(t *testing.T) {
	nodes, err := parseBrokerNodes(" amqp://u:p@h1:5701/v , amqp://u:p@h2/v,amqp://u:p@h3:5703/v")
	if err != nil {
		t.Fatal(err)
	}
	if nodes.uri != "amqp://u:p@h1:5701/v" || nodes.String() != "h1:5701,h2:5672,h3:5703" {
		t.Errorf("uri %s, nodes %s", nodes.uri, nodes)
	}
}

// The dialer skips a node that refuses and starts the next dial after the node it
// reached, so a reconnect after that node went tries another one first.
func TestBrokerNodesDialerSkipsAnUnreachableNode(t *testing.T) {
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	goneAddr := gone.Addr().String()
	gone.Close()
	nodes, err := parseBrokerNodes("amqp://u:p@" + goneAddr + "/,amqp://u:p@" + up.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	dial := nodes.dialer(time.Second)
	for range 3 {
		conn, err := dial("tcp", "ignored:1")
		if err != nil {
			t.Fatal(err)
		}
		if conn.RemoteAddr().String() != up.Addr().String() {
			t.Errorf("dialled %s, want %s", conn.RemoteAddr(), up.Addr())
		}
		conn.Close()
	}
	up.Close()
	if _, err := dial("tcp", "ignored:1"); err == nil || !strings.Contains(err.Error(), "no RabbitMQ node reachable") {
		t.Errorf("dial with no node up: %v", err)
	}
}
