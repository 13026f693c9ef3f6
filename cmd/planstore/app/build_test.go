package app

import (
	"os"
	"strings"
	"testing"
)

// A test binary carries neither a module version nor a commit, as a local `go build`
// with -buildvcs=false does not: its engine states must be told apart by the executable.
func TestAnUnnamedBuildIsMarkedByItsExecutable(t *testing.T) {
	b, ok := readBuild()
	if !ok {
		t.Skip("no build information in this binary")
	}
	if b.named() {
		t.Fatalf("a test binary counts as named: %+v", b)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(exe)
	if err != nil {
		t.Fatal(err)
	}
	mark := buildMark()
	if !strings.HasPrefix(mark, Version()+"; executable ") || !strings.Contains(mark, info.ModTime().UTC().Format("2006-01-02T15:04:05")) {
		t.Fatalf("buildMark() = %q, want the version and the executable's size and time", mark)
	}
}

func TestANamedBuildIsMarkedByItsVersionAlone(t *testing.T) {
	for _, b := range []build{
		{version: "v1.4.0"},
		{version: "(devel)", revision: "0123456789abcdef"},
	} {
		if !b.named() {
			t.Errorf("%+v is not named, want named", b)
		}
	}
	for _, b := range []build{
		{version: "(devel)"},
		{version: "(devel)", revision: "0123456789abcdef", dirty: true},
	} {
		if b.named() {
			t.Errorf("%+v is named, want unnamed", b)
		}
	}
}
