package httpapi

import (
	"strconv"
	"strings"

	"github.com/planstore/planstore/commands"
)

// etagFor makes the strong ETag of a plan at an aggregate version. Versions only grow
// (a plan re-created after a delete continues its stream), so a version names exactly one
// representation of a plan and the ETag changes on every change.
func etagFor(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// entityTag is one parsed element of an If-Match / If-None-Match list.
type entityTag struct {
	weak    bool
	version int64
	valid   bool // false for tags this server never issued: they match nothing
}

// parseETagList parses an RFC 9110 entity-tag list. It never fails: a malformed element
// simply matches nothing, which answers If-Match with 412 and If-None-Match with 200.
func parseETagList(header string) (tags []entityTag, any bool) {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if part == "*" {
			any = true
			continue
		}
		var t entityTag
		if strings.HasPrefix(part, "W/") {
			t.weak = true
			part = part[2:]
		}
		if len(part) >= 2 && part[0] == '"' && part[len(part)-1] == '"' {
			if v, err := strconv.ParseInt(part[1:len(part)-1], 10, 64); err == nil && v > 0 {
				t.version, t.valid = v, true
			}
		}
		tags = append(tags, t)
	}
	return tags, any
}

// ifMatchPrecondition turns If-Match into the command-side precondition. If-Match uses
// the strong comparison, so weak tags never match.
func ifMatchPrecondition(header string) commands.Precondition {
	if strings.TrimSpace(header) == "" {
		return commands.Unconditional()
	}
	tags, any := parseETagList(header)
	if any {
		return commands.IfExists()
	}
	versions := make([]int64, 0, len(tags))
	for _, t := range tags {
		if t.valid && !t.weak {
			versions = append(versions, t.version)
		}
	}
	return commands.IfVersionIn(versions...)
}

// noneMatch reports whether If-None-Match matches the current version (weak comparison),
// in which case a GET answers 304.
func noneMatch(header string, version int64) bool {
	if strings.TrimSpace(header) == "" {
		return false
	}
	tags, any := parseETagList(header)
	if any {
		return true
	}
	for _, t := range tags {
		if t.valid && t.version == version {
			return true
		}
	}
	return false
}
