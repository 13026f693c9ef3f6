package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// fault is one thing the harness breaks and then repairs.
type fault struct {
	Name string
	// Affected lists the operations that may answer 503 + Retry-After while it lasts;
	// any other failure of any operation is a failure.
	Affected []opKind
	// inject breaks something and says what (e.g. which port it killed).
	inject func(ctx context.Context) (string, error)
	// repair brings it back and returns once the cluster answers again.
	repair func(ctx context.Context) error
}

func (f *fault) affects(k opKind) bool {
	if f == nil {
		return false
	}
	for _, a := range f.Affected {
		if a == k {
			return true
		}
	}
	return false
}

// redisMasterKill kills -9 the first current master of the Redis cluster and, on
// repair, restarts it (it comes back as a replica of the promoted one).
func redisMasterKill(b *backend) *fault {
	var port string
	return &fault{
		Name:     "redis: kill -9 a master",
		Affected: []opKind{opCreate, opPatch, opDelete, opRead},
		inject: func(ctx context.Context) (string, error) {
			out, err := b.node(ctx, "masters")
			if err != nil {
				return "", err
			}
			port = strings.Fields(out + " ")[0]
			if _, err := strconv.Atoi(port); err != nil {
				return "", fmt.Errorf("redis masters: %q is not a port", out)
			}
			_, err = b.node(ctx, "kill", port)
			return "killed master :" + port, err
		},
		repair: func(ctx context.Context) error {
			if _, err := b.node(ctx, "restart", port); err != nil {
				return err
			}
			_, err := b.node(ctx, "wait-ok")
			return err
		},
	}
}

// rabbitNodeStop stops one RabbitMQ node cleanly and starts it again. Writes do not
// touch RabbitMQ, so nothing may fail; the relays and projectors reconnect.
func rabbitNodeStop(b *backend, node int) *fault {
	return nodeFault(b, node, "rabbitmq: stop", "stop-node", "stopped", "start-node")
}

// esNodeKill kills -9 one Elasticsearch node and starts it again. Searches must keep
// answering from the other two (the goal: no failure at all).
func esNodeKill(b *backend, node int) *fault {
	return nodeFault(b, node, "elasticsearch: kill -9", "kill", "killed", "start")
}

// nodeFault breaks one node of b's cluster with the script command breakCmd (which
// did) and repairs it with repairCmd. It affects no operation: the cluster's other
// nodes must answer.
func nodeFault(b *backend, node int, name, breakCmd, did, repairCmd string) *fault {
	n := strconv.Itoa(node)
	return &fault{
		Name: name + " node " + n,
		inject: func(ctx context.Context) (string, error) {
			_, err := b.node(ctx, breakCmd, n)
			return did + " node " + n, err
		},
		repair: func(ctx context.Context) error {
			_, err := b.node(ctx, repairCmd, n)
			return err
		},
	}
}
