package app

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version describes the build from runtime/debug: the module version (a tag, or
// "(devel)" for a local build) and, when the binary was built from a VCS checkout, the
// commit, its time and whether the tree had changes.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" %.12s%s", rev, dirty)
		if at != "" {
			v += " " + at
		}
	}
	return strings.TrimSpace(v + " " + info.GoVersion)
}
