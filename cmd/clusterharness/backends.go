package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// backend is one of the three clusters: started (or reused), faulted, stopped.
type backend struct {
	name string
	// url is what planstore gets (comma-separated for clusters).
	url string
	// control runs the cluster's script: start, stop, and the node commands.
	control script
	// nodeScript runs node commands when they live in another script (Elasticsearch's
	// node.sh); zero means control.
	nodeScript script
	// stopScript stops the cluster when stopping is another script (stop.sh).
	stopScript script
	// started is true when the harness started it and so must stop it.
	started bool
}

// start starts the cluster unless a URL to reuse was given, and returns planstore's URL.
func (b *backend) start(ctx context.Context, args ...string) error {
	if b.url != "" {
		return nil
	}
	if err := b.control.exists(); err != nil {
		return fmt.Errorf("%s: %w (give --%s-url to use a running one)", b.name, err, strings.SplitN(b.name, "-", 2)[0])
	}
	last, err := b.control.run(ctx, args...)
	b.started = true // even a failed start may have left nodes behind
	if err != nil {
		return fmt.Errorf("start %s: %w", b.name, err)
	}
	if !strings.Contains(last, "://") {
		return fmt.Errorf("start %s: last line %q is not a URL list", b.name, last)
	}
	b.url = last
	return nil
}

func (b *backend) stop(ctx context.Context) error {
	if !b.started {
		return nil
	}
	s := b.control
	args := []string{"stop"}
	if b.stopScript.path != "" {
		s, args = b.stopScript, nil
	}
	_, err := s.run(ctx, args...)
	return err
}

func (b *backend) node(ctx context.Context, args ...string) (string, error) {
	s := b.control
	if b.nodeScript.path != "" {
		s = b.nodeScript
	}
	if err := s.exists(); err != nil {
		return "", fmt.Errorf("%s node control: %w", b.name, err)
	}
	return s.run(ctx, args...)
}

// newRedisCluster drives deployments/local-cluster/redis-cluster.sh.
func newRedisCluster(o *options, logs *logDir) *backend {
	env := []string{"PLANSTORE_REDIS_CLUSTER_DIR=" + filepath.Join(o.workDir, "redis"), "PLANSTORE_REDIS_CLUSTER_PORT=" + strconv.Itoa(o.redisPort)}
	return &backend{name: "redis-cluster", url: o.redisURL, control: script{path: o.redisScript, env: env, log: logs.backends}}
}

// newRabbitCluster drives deployments/local-cluster/rabbitmq-cluster.sh.
func newRabbitCluster(o *options, logs *logDir) *backend {
	env := []string{"PLANSTORE_RMQ_CLUSTER_DIR=" + filepath.Join(o.workDir, "rabbitmq"), "PLANSTORE_RMQ_CLUSTER_PORT=" + strconv.Itoa(o.rabbitPort), "PLANSTORE_RMQ_CLUSTER_NODES=3"}
	return &backend{name: "rabbitmq-cluster", url: o.amqpURL, control: script{path: o.rabbitScript, env: env, log: logs.backends}}
}

// newESCluster drives deployments/local-es (start.sh, node.sh, stop.sh).
func newESCluster(o *options, logs *logDir) *backend {
	// A cluster name of its own, wiped at each start: the harness's indexes neither mix
	// with a developer's cluster in the same cache nor pile up run after run.
	env := []string{"PLANSTORE_ES_NODES=3", "PLANSTORE_ES_PORT=" + strconv.Itoa(o.esPort), "PLANSTORE_ES_HEAP=" + o.esHeap,
		"PLANSTORE_ES_CLUSTER_NAME=planstore-harness"}
	if o.esCache != "" {
		env = append(env, "PLANSTORE_ES_CACHE="+o.esCache)
	}
	at := func(name string) script {
		return script{path: filepath.Join(o.esDir, name), env: env, log: logs.backends}
	}
	start := at("start.sh")
	start.env = append(append([]string(nil), env...), "PLANSTORE_ES_RESET=1") // start.sh only: node.sh start must keep the node's data
	return &backend{name: "es-cluster", url: o.esURL, control: start, nodeScript: at("node.sh"), stopScript: at("stop.sh")}
}
