package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// options are the harness's flags. The defaults are sized for CI on a 2-core machine:
// the whole run, cluster start included, within about ten minutes.
type options struct {
	repo, workDir, goTool, planstoreBin string

	redisScript, rabbitScript, esDir string
	redisURL, amqpURL, esURL         string
	redisPort, rabbitPort, esPort    int
	esHeap, esCache                  string
	rabbitNode, esNode               int

	faults   []string
	portBase int
	roleArgs []string

	warmup, hold, settle, tail time.Duration
	readyTimeout, converge     time.Duration
	rate                       float64
	workers                    int
	keep, holdOpen             bool
}

var allFaults = []string{"redis", "rabbitmq", "es"}

func parseOptions(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("clusterharness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.repo, "repo", ".", "planstore checkout to build the binary from and to find deployments/ in")
	fs.StringVar(&o.workDir, "work-dir", "", "where cluster data, the binary and the logs go (default: a new directory under $TMPDIR)")
	fs.StringVar(&o.goTool, "go", "go", "go command used to build planstore")
	fs.StringVar(&o.planstoreBin, "planstore-bin", "", "use this planstore binary instead of building one")
	fs.StringVar(&o.redisScript, "redis-script", "deployments/local-cluster/redis-cluster.sh", "Redis Cluster control script (relative to --repo)")
	fs.StringVar(&o.rabbitScript, "rabbitmq-script", "deployments/local-cluster/rabbitmq-cluster.sh", "RabbitMQ cluster control script (relative to --repo)")
	fs.StringVar(&o.esDir, "es-dir", "deployments/local-es", "directory of Elasticsearch's start.sh, node.sh, stop.sh (relative to --repo)")
	fs.StringVar(&o.redisURL, "redis-url", "", "use this running Redis (cluster) instead of starting one; faults still go through --redis-script")
	fs.StringVar(&o.amqpURL, "amqp-url", "", "use this running RabbitMQ instead of starting one")
	fs.StringVar(&o.esURL, "es-url", "", "use this running Elasticsearch instead of starting one")
	fs.IntVar(&o.redisPort, "redis-port", 7001, "first port of the Redis Cluster (6 nodes)")
	fs.IntVar(&o.rabbitPort, "rabbitmq-port", 5701, "first AMQP port of the RabbitMQ cluster (3 nodes)")
	fs.IntVar(&o.esPort, "es-port", 9211, "first HTTP port of the Elasticsearch cluster (3 nodes)")
	fs.StringVar(&o.esHeap, "es-heap", "256m", "heap of each Elasticsearch node")
	fs.StringVar(&o.esCache, "es-cache", os.Getenv("PLANSTORE_ES_CACHE"), "PLANSTORE_ES_CACHE for deployments/local-es (downloads)")
	fs.IntVar(&o.rabbitNode, "rabbitmq-node", 1, "which RabbitMQ node to stop")
	fs.IntVar(&o.esNode, "es-node", 2, "which Elasticsearch node to kill")
	faults := fs.String("faults", strings.Join(allFaults, ","), "faults to inject, in order: redis, rabbitmq, es (empty: none)")
	fs.IntVar(&o.portBase, "port-base", 18000, "the roles listen on port-base+1 .. port-base+8")
	extra := fs.String("role-args", "", "extra flags for every role, space-separated (e.g. --log-level debug)")
	fs.DurationVar(&o.warmup, "warmup", 20*time.Second, "load before the first fault")
	fs.DurationVar(&o.hold, "fault-hold", 20*time.Second, "how long each broken node stays down")
	fs.DurationVar(&o.settle, "settle", 20*time.Second, "load after each repair before the next fault")
	fs.DurationVar(&o.tail, "tail", 5*time.Second, "load after the last fault's settle time")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 3*time.Minute, "how long the roles may take to be ready")
	fs.DurationVar(&o.converge, "converge-timeout", 2*time.Minute, "how long the read model may take to catch up after the load")
	fs.Float64Var(&o.rate, "rate", 40, "requests per second of the whole load")
	fs.IntVar(&o.workers, "clients", 4, "concurrent clients of the load")
	fs.BoolVar(&o.keep, "keep", false, "leave the clusters and roles running at the end (to look around); default: tear everything down")
	fs.BoolVar(&o.holdOpen, "hold-open", false, "after verifying, keep everything up until SIGINT/SIGTERM (to point planbench at it), then tear down")
	quick := fs.Bool("quick", false, "short phases (warmup 8s, hold 12s, settle 10s, rate 25): a smoke run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *quick {
		o.warmup, o.hold, o.settle, o.tail, o.rate = 8*time.Second, 12*time.Second, 10*time.Second, 3*time.Second, 25
	}
	for _, f := range strings.Split(*faults, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !contains(allFaults, f) {
			return nil, fmt.Errorf("--faults: unknown fault %q (want %s)", f, strings.Join(allFaults, ", "))
		}
		o.faults = append(o.faults, f)
	}
	o.roleArgs = strings.Fields(*extra)
	if o.rate <= 0 || o.workers <= 0 {
		return nil, errors.New("--rate and --clients must be positive")
	}
	var err error
	if o.repo, err = filepath.Abs(o.repo); err != nil {
		return nil, err
	}
	for _, p := range []*string{&o.redisScript, &o.rabbitScript, &o.esDir} {
		if !filepath.IsAbs(*p) {
			*p = filepath.Join(o.repo, *p)
		}
	}
	if o.workDir == "" {
		if o.workDir, err = os.MkdirTemp("", "clusterharness-"+time.Now().UTC().Format("20060102-150405")+"-"); err != nil {
			return nil, err
		}
	}
	o.workDir, err = filepath.Abs(o.workDir)
	return o, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
