package deployments

import (
	"os"
	"regexp"
	"testing"
)

// localESVersion is the Elasticsearch version deployments/local-es runs by default (and
// CI tests against): the default of ES_VERSION in common.sh, which must also be the
// version whose checksums it pins.
func localESVersion(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("local-es/common.sh")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`(?m)^ES_VERSION="\$\{PLANSTORE_ES_VERSION:-([0-9.]+)\}"$`).FindSubmatch(raw)
	pinned := regexp.MustCompile(`(?m)^PINNED_VERSION="([0-9.]+)"$`).FindSubmatch(raw)
	if def == nil || pinned == nil {
		t.Fatal("local-es/common.sh: no ES_VERSION default or PINNED_VERSION found")
	}
	if string(def[1]) != string(pinned[1]) {
		t.Fatalf("local-es/common.sh: default version %s, pinned checksums for %s", def[1], pinned[1])
	}
	return string(def[1])
}

func TestLocalESVersionIsPinned(t *testing.T) {
	if v := localESVersion(t); v == "" {
		t.Fatal("no version")
	}
}
