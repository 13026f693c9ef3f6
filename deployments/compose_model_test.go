package deployments

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The parts of the Compose specification the tests look at. Compose accepts several
// spellings for most fields (a string or a list, a map or a list of KEY=VALUE); the types
// below accept all of them, so the tests check meaning rather than one spelling.
type composeFile struct {
	Name     string             `yaml:"name"`
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image       string            `yaml:"image"`
	Build       *build            `yaml:"build"`
	Command     stringList        `yaml:"command"`
	Environment env               `yaml:"environment"`
	DependsOn   dependsOn         `yaml:"depends_on"`
	Healthcheck *healthcheck      `yaml:"healthcheck"`
	Volumes     []volume          `yaml:"volumes"`
	Ports       []port            `yaml:"ports"`
	Ulimits     map[string]ulimit `yaml:"ulimits"`
}

type build struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
}

// UnmarshalYAML accepts `build: path` as well as the long form.
func (b *build) UnmarshalYAML(n *yaml.Node) error {
	type plain build
	return shortOrLong(n, (*plain)(b), func(short *yaml.Node) error {
		b.Context = short.Value
		return nil
	})
}

// shortOrLong decodes a field Compose lets one write two ways: a scalar (the short form,
// read by short) or anything else (the long form, decoded into long: the field's type
// seen without its UnmarshalYAML, so decoding does not come back here).
func shortOrLong(n *yaml.Node, long any, short func(*yaml.Node) error) error {
	if n.Kind == yaml.ScalarNode {
		return short(n)
	}
	return n.Decode(long)
}

type healthcheck struct {
	Test    stringList `yaml:"test"`
	Disable bool       `yaml:"disable"`
}

// stringList is a command or healthcheck test: a list, or one string.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	return shortOrLong(n, (*[]string)(l), func(short *yaml.Node) error {
		*l = stringList{short.Value}
		return nil
	})
}

// joined is the list as one string, for "does it mention X" checks.
func (l stringList) joined() string { return strings.Join(l, " ") }

// env is the environment after Compose's variable interpolation, evaluated as if no
// variable were set on the host, so defaults such as ${X:-info} count.
type env map[string]string

func (e *env) UnmarshalYAML(n *yaml.Node) error {
	out := env{}
	switch n.Kind {
	case yaml.SequenceNode: // - KEY=VALUE
		var items []string
		if err := n.Decode(&items); err != nil {
			return err
		}
		for _, it := range items {
			k, v, _ := strings.Cut(it, "=")
			out[k] = interpolate(v)
		}
	default:
		var m map[string]*string // a key with no value passes the host's value through
		if err := n.Decode(&m); err != nil {
			return err
		}
		for k, v := range m {
			if v != nil {
				out[k] = interpolate(*v)
			} else {
				out[k] = ""
			}
		}
	}
	*e = out
	return nil
}

// dependsOn maps a dependency to its condition; the short list form means
// service_started.
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	out := dependsOn{}
	if n.Kind == yaml.SequenceNode {
		var names []string
		if err := n.Decode(&names); err != nil {
			return err
		}
		for _, name := range names {
			out[name] = "service_started"
		}
	} else {
		var m map[string]struct {
			Condition string `yaml:"condition"`
		}
		if err := n.Decode(&m); err != nil {
			return err
		}
		for name, dep := range m {
			out[name] = dep.Condition
			if out[name] == "" {
				out[name] = "service_started"
			}
		}
	}
	*d = out
	return nil
}

// volume is one mount: "source:target[:mode]" or the long form.
type volume struct {
	Source string `yaml:"source"`
	Target string `yaml:"target"`
}

func (v *volume) UnmarshalYAML(n *yaml.Node) error {
	type plain volume
	return shortOrLong(n, (*plain)(v), func(short *yaml.Node) error {
		parts := strings.Split(short.Value, ":")
		if len(parts) == 1 { // an anonymous volume: target only
			v.Target = parts[0]
			return nil
		}
		v.Source, v.Target = parts[0], parts[1]
		return nil
	})
}

// port is one published port; HostIP is empty when it binds every interface.
type port struct {
	HostIP    string `yaml:"host_ip"`
	Published string `yaml:"published"`
	Target    string `yaml:"target"`
}

func (p *port) UnmarshalYAML(n *yaml.Node) error {
	type plain port
	return shortOrLong(n, (*plain)(p), func(short *yaml.Node) error {
		// [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL] (IPv4 hosts only here).
		spec, _, _ := strings.Cut(short.Value, "/")
		parts := strings.Split(spec, ":")
		switch len(parts) {
		case 1:
			p.Target = parts[0]
		case 2:
			p.Published, p.Target = parts[0], parts[1]
		case 3:
			p.HostIP, p.Published, p.Target = parts[0], parts[1], parts[2]
		default:
			return fmt.Errorf("port %q: cannot parse", short.Value)
		}
		return nil
	})
}

// ulimit is a number, or soft and hard limits.
type ulimit struct {
	Soft int `yaml:"soft"`
	Hard int `yaml:"hard"`
}

func (u *ulimit) UnmarshalYAML(n *yaml.Node) error {
	type plain ulimit
	return shortOrLong(n, (*plain)(u), func(short *yaml.Node) error {
		var v int
		if err := short.Decode(&v); err != nil {
			return err
		}
		u.Soft, u.Hard = v, v
		return nil
	})
}

// interpolation matches ${VAR}, ${VAR:-default} and ${VAR-default}.
var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}`)

// interpolate evaluates Compose variables as if the host set none: a default applies,
// a bare ${VAR} becomes empty. "$$" is Compose's escape for a literal "$".
func interpolate(s string) string {
	const escaped = "\x00"
	s = strings.ReplaceAll(s, "$$", escaped)
	s = interpolation.ReplaceAllString(s, "$3")
	return strings.ReplaceAll(s, escaped, "$")
}

// loadCompose parses compose.yaml, merge keys (<<: *anchor) included.
func loadCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if len(f.Services) == 0 {
		t.Fatal("compose.yaml: no services")
	}
	return f
}

// mustService returns a service or stops the test naming the missing one.
func (f composeFile) mustService(t *testing.T, name string) service {
	t.Helper()
	s, ok := f.Services[name]
	if !ok {
		t.Fatalf("compose.yaml: no service %q", name)
	}
	return s
}

// mountAt returns the volume mounted at target, if any.
func (s service) mountAt(target string) (volume, bool) {
	for _, v := range s.Volumes {
		if v.Target == target {
			return v, true
		}
	}
	return volume{}, false
}
