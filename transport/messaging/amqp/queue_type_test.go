package amqp

import (
	"strings"
	"testing"
)

func TestQueueTypeForAClusterIsQuorumAndNeverClassic(t *testing.T) {
	for _, c := range []struct {
		requested string
		nodes     int
		want      QueueType
		refused   bool
	}{
		{"", 1, QueueClassic, false},
		{"", 3, QueueQuorum, false},
		{"classic", 1, QueueClassic, false},
		{"quorum", 1, QueueQuorum, false},
		{"quorum", 3, QueueQuorum, false},
		{"classic", 2, "", true},
		{"stream", 1, "", true},
	} {
		got, err := queueTypeFor(c.requested, c.nodes)
		if c.refused {
			if err == nil {
				t.Errorf("%q on %d nodes: accepted as %s", c.requested, c.nodes, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q on %d nodes: %s, %v; want %s", c.requested, c.nodes, got, err, c.want)
		}
	}
	_, err := queueTypeFor("classic", 3)
	if err == nil || !strings.Contains(err.Error(), "--amqp-queue-type quorum") {
		t.Errorf("the refusal does not say what to do: %v", err)
	}
}
