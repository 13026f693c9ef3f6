package app

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// build is what the binary says of its origin (runtime/debug): the module version (a
// tag, or "(devel)" for a local build) and, when it was built from a VCS checkout, the
// commit, its time and whether the tree had changes.
type build struct {
	version   string
	revision  string
	at        string
	dirty     bool
	goVersion string
}

func readBuild() (build, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return build{}, false
	}
	b := build{version: info.Main.Version, goVersion: info.GoVersion}
	if b.version == "" {
		b.version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.at = s.Value
		case "vcs.modified":
			b.dirty = s.Value == "true"
		}
	}
	return b, true
}

// named: the build carries a module version, or the commit of a clean tree, so its
// Version tells it from any build of other code.
func (b build) named() bool {
	return b.version != "(devel)" || (b.revision != "" && !b.dirty)
}

// Version describes the build: its module version and, from a VCS checkout, the commit,
// its time and "+dirty" for a tree with changes.
func Version() string {
	b, ok := readBuild()
	if !ok {
		return "unknown"
	}
	v := b.version
	if b.revision != "" {
		dirty := ""
		if b.dirty {
			dirty = "+dirty"
		}
		v += fmt.Sprintf(" %.12s%s", b.revision, dirty)
		if b.at != "" {
			v += " " + b.at
		}
	}
	return strings.TrimSpace(v + " " + b.goVersion)
}
