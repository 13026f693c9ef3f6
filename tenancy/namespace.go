package tenancy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Separator joins a namespace and an objectId. objectIds never contain it (their
// alphabet is RFC 3986's unreserved characters and ':'), so a qualified key can never
// equal a bare objectId of the default namespace, and the objectId is what follows the
// last separator.
const Separator = "/"

// maxVerbatimNamespace keeps a qualified key inside Elasticsearch's 512-byte _id limit
// (objectIds are at most 128 bytes): longer organisation names, or names holding the
// separator, are namespaced by their hash instead.
const maxVerbatimNamespace = 128

// Namespace is org's namespace: "" for the default organisation (bare objectIds, the
// layout before tenancy), the organisation's name when it is short and free of the
// separator, else "sha256-" and the first 128 bits of its SHA-256 in hex.
func Namespace(defaultOrg, org string) string {
	switch {
	case org == defaultOrg:
		return ""
	case len(org) <= maxVerbatimNamespace && !strings.Contains(org, Separator) && org != "":
		return org
	default:
		sum := sha256.Sum256([]byte(org))
		return "sha256-" + hex.EncodeToString(sum[:16])
	}
}

// Key is the key of objectId id in org's namespace: id itself for the default
// organisation, "<namespace>/<id>" for every other.
func Key(defaultOrg, org, id string) string {
	ns := Namespace(defaultOrg, org)
	if ns == "" {
		return id
	}
	return ns + Separator + id
}

// Prefix is what Key puts before an objectId of the same namespace as key: "" for a
// bare key, "<namespace>/" otherwise. The projector qualifies every document of a plan
// with its aggregate id's prefix, so no configuration is needed there.
func Prefix(key string) string {
	if i := strings.LastIndex(key, Separator); i >= 0 {
		return key[:i+1]
	}
	return ""
}

// Bare is the objectId of a key, without its namespace.
func Bare(key string) string { return key[len(Prefix(key)):] }
