package deployments

import (
	"os"
	"strings"
	"testing"
)

// dockerfileStage is one FROM ... stage: its base image and its instructions, with line
// continuations joined.
type dockerfileStage struct {
	from  string
	lines []string
}

func loadDockerfile(t *testing.T) []dockerfileStage {
	t.Helper()
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var (
		stages  []dockerfileStage
		pending string
	)
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			pending += cont + " "
			continue
		}
		line, pending = pending+line, ""
		if rest, ok := strings.CutPrefix(line, "FROM "); ok {
			stages = append(stages, dockerfileStage{from: strings.Fields(rest)[0]})
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %q before the first FROM", line)
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stage(s), want a builder and a runtime stage", len(stages))
	}
	return stages
}

func (s dockerfileStage) has(substr string) bool {
	for _, l := range s.lines {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

func TestDockerfileBuildsAStaticBinary(t *testing.T) {
	build := loadDockerfile(t)[0]
	if !strings.HasPrefix(build.from, "golang:1.26") {
		t.Errorf("builder FROM %s, want golang:1.26 (go.mod's Go)", build.from)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w"`, "--mount=type=cache,target=/go/pkg/mod", "./cmd/planstore"} {
		if !build.has(want) {
			t.Errorf("builder stage lacks %s", want)
		}
	}
}

func TestDockerfileRuntimeStage(t *testing.T) {
	stages := loadDockerfile(t)
	final := stages[len(stages)-1]
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") {
		t.Errorf("runtime FROM %s, want distroless/static", final.from)
	}
	for _, want := range []string{
		`ENTRYPOINT ["/planstore"]`, `CMD ["serve"]`, "EXPOSE 8080", "PLANSTORE_ADDR=0.0.0.0:8080",
		// The compose healthcheck runs /planstore and the data volume is seeded from /data.
		"COPY --from=build /out/planstore /planstore", "--chown=65532:65532 /out/data /data",
	} {
		if !final.has(want) {
			t.Errorf("runtime stage lacks %s", want)
		}
	}
	var user string
	for _, l := range final.lines {
		if u, ok := strings.CutPrefix(l, "USER "); ok {
			user = strings.TrimSpace(u)
		}
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q, want a non-root user", user)
	}
}
