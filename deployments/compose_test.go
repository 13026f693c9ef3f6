package deployments

import (
	"slices"
	"strings"
	"testing"

	"github.com/planstore/planstore/internal/commalist"
)

// esNodes are the Elasticsearch nodes docs/contract.md 7 names.
var esNodes = []string{"es01", "es02", "es03"}

func TestElasticsearchNodesFormOneCluster(t *testing.T) {
	f := loadCompose(t)
	var clusterName string
	dataVolumes := map[string]string{}
	for _, name := range esNodes {
		s := f.mustService(t, name)
		e := s.Environment
		if want := "docker.elastic.co/elasticsearch/elasticsearch:" + localESVersion(t); s.Image != want {
			t.Errorf("%s: image %q, want %q: the version deployments/local-es pins, which CI tests", name, s.Image, want)
		}
		if e["cluster.name"] == "" {
			t.Errorf("%s: no cluster.name", name)
		}
		if clusterName == "" {
			clusterName = e["cluster.name"]
		} else if e["cluster.name"] != clusterName {
			t.Errorf("%s: cluster.name %q, others use %q: the nodes would form separate clusters", name, e["cluster.name"], clusterName)
		}
		if e["node.name"] != name {
			t.Errorf("%s: node.name %q, want the service name", name, e["node.name"])
		}
		others := slices.DeleteFunc(slices.Clone(esNodes), func(n string) bool { return n == name })
		if got := sorted(commalist.Split(e["discovery.seed_hosts"])); !slices.Equal(got, others) {
			t.Errorf("%s: discovery.seed_hosts %v, want the other nodes %v", name, got, others)
		}
		if got := sorted(commalist.Split(e["cluster.initial_master_nodes"])); !slices.Equal(got, esNodes) {
			t.Errorf("%s: cluster.initial_master_nodes %v, want all of %v", name, got, esNodes)
		}
		checkHeap(t, name, e["ES_JAVA_OPTS"])
		if e["bootstrap.memory_lock"] != "true" {
			t.Errorf("%s: bootstrap.memory_lock %q, want true", name, e["bootstrap.memory_lock"])
		}
		if m := s.Ulimits["memlock"]; m.Soft != -1 || m.Hard != -1 {
			t.Errorf("%s: memory_lock needs ulimits memlock soft and hard -1, got %+v", name, m)
		}
		// planstore talks plain HTTP without credentials to the local cluster; the
		// setting must be explicit (7.17 warns without it, 8.x turns security on).
		if e["xpack.security.enabled"] != "false" {
			t.Errorf("%s: xpack.security.enabled %q, want \"false\" for the local stack (http:// URLs, no credentials)", name, e["xpack.security.enabled"])
		}
		if s.Healthcheck == nil || !strings.Contains(s.Healthcheck.Test.joined(), "_cluster/health") {
			t.Errorf("%s: healthcheck must query _cluster/health", name)
		}
		v, ok := s.mountAt("/usr/share/elasticsearch/data")
		if !ok || v.Source == "" {
			t.Errorf("%s: no named volume at /usr/share/elasticsearch/data", name)
			continue
		}
		if other, dup := dataVolumes[v.Source]; dup {
			t.Errorf("%s and %s share the data volume %q", other, name, v.Source)
		}
		dataVolumes[v.Source] = name
	}
}

// checkHeap wants a fixed heap: -Xms equal to -Xmx, so the JVM never resizes it.
func checkHeap(t *testing.T, node, opts string) {
	t.Helper()
	var xms, xmx string
	for _, o := range strings.Fields(opts) {
		if v, ok := strings.CutPrefix(o, "-Xms"); ok {
			xms = v
		}
		if v, ok := strings.CutPrefix(o, "-Xmx"); ok {
			xmx = v
		}
	}
	if xms == "" || xmx == "" || xms != xmx {
		t.Errorf("%s: ES_JAVA_OPTS %q, want equal -Xms and -Xmx", node, opts)
	}
}

func TestRabbitMQHasManagement(t *testing.T) {
	s := loadCompose(t).mustService(t, "rabbitmq")
	if !strings.HasPrefix(s.Image, "rabbitmq:") || !strings.Contains(s.Image, "management") {
		t.Errorf("image %q, want a rabbitmq:*-management image", s.Image)
	}
	published := map[string]bool{}
	for _, p := range s.Ports {
		published[p.Target] = true
	}
	for _, want := range []string{"5672", "15672"} {
		if !published[want] {
			t.Errorf("port %s is not published", want)
		}
	}
	if s.Healthcheck == nil || !strings.Contains(s.Healthcheck.Test.joined(), "rabbitmq-diagnostics") {
		t.Error("healthcheck must use rabbitmq-diagnostics")
	}
	if _, ok := s.mountAt("/var/lib/rabbitmq"); !ok {
		t.Error("no volume at /var/lib/rabbitmq: queues would not survive re-creation")
	}
}

// Redis holds the event store, the truth: it must be durable.
func TestRedisIsDurable(t *testing.T) {
	s := loadCompose(t).mustService(t, "redis")
	if !strings.HasPrefix(s.Image, "redis:") {
		t.Errorf("image %q, want redis", s.Image)
	}
	args := s.Command
	if i := slices.Index(args, "--appendonly"); i < 0 || i+1 >= len(args) || args[i+1] != "yes" {
		t.Errorf("command %v, want --appendonly yes", args)
	}
	if i := slices.Index(args, "--appendfsync"); i < 0 || i+1 >= len(args) || (args[i+1] != "everysec" && args[i+1] != "always") {
		t.Errorf("command %v, want --appendfsync everysec or always", args)
	}
	if _, ok := s.mountAt("/data"); !ok {
		t.Error("no volume at /data: the append-only file would die with the container")
	}
	if s.Healthcheck == nil || !strings.Contains(s.Healthcheck.Test.joined(), "redis-cli") {
		t.Error("healthcheck must use redis-cli ping")
	}
}

// A depends_on condition service_healthy on a service without a healthcheck makes
// `docker compose up` fail.
func TestHealthyDependenciesHaveHealthchecks(t *testing.T) {
	f := loadCompose(t)
	for name, s := range f.Services {
		for dep, cond := range s.DependsOn {
			target, ok := f.Services[dep]
			switch {
			case !ok:
				t.Errorf("%s depends on unknown service %q", name, dep)
			case cond == "service_healthy" && (target.Healthcheck == nil || target.Healthcheck.Disable):
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			}
		}
	}
}

// Security is off in this local stack (Elasticsearch without auth, RabbitMQ guest), so
// nothing may listen on the host's public interfaces.
func TestPublishedPortsAreLoopbackOnly(t *testing.T) {
	for name, s := range loadCompose(t).Services {
		for _, p := range s.Ports {
			if p.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s on %q, want 127.0.0.1", name, p.Target, p.HostIP)
			}
		}
	}
}

func TestNamedVolumesAreDeclared(t *testing.T) {
	f := loadCompose(t)
	for name, s := range f.Services {
		for _, v := range s.Volumes {
			named := v.Source != "" && !strings.ContainsAny(v.Source, "/.~")
			if _, declared := f.Volumes[v.Source]; named && !declared {
				t.Errorf("%s mounts volume %q, which is not declared under volumes:", name, v.Source)
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
