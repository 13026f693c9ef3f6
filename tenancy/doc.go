// Package tenancy confines every operation to the caller's organisations.
//
// An Access (who may see which organisations) travels in the request's context, put
// there by the transport when it authenticates the caller (transport/auth does it for
// every interface that calls auth.WithPrincipal). The command and query layers read it
// with FromContext and confine what they do to it; a context without one allows
// nothing, so an interface that forgets to authenticate fails closed.
//
// Each organisation has its own objectId namespace: the same objectId can be a plan of
// a.org and, independently, a plan of b.org, so an objectId taken by another tenant
// answers exactly like a free one. The namespace qualifies every key a plan has (event
// store keys, objectId ownership, read-model _ids and routing): Key(org, id) is
// "<namespace>/<id>", where '/' is outside the objectId alphabet, and the default org's
// namespace is the bare objectId, which is exactly the layout written before tenancy.
// docs/tenancy.md has the whole design.
package tenancy
