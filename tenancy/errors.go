package tenancy

import (
	"errors"
	"fmt"
)

// ErrForbiddenOrg: the request names an organisation the caller does not hold.
var ErrForbiddenOrg = errors.New("organisation not among the caller's")

// ErrOrgMismatch: a plan's objects must all carry the plan's own _org, and a plan
// cannot move to another organisation.
var ErrOrgMismatch = errors.New("organisation mismatch")

// ErrDeploymentWide: the action touches every organisation at once (a replay rebuilds
// the whole read model, and its progress counts every organisation's events), so only
// an operator, who may see them all, may take it.
var ErrDeploymentWide = errors.New("a deployment-wide action: it needs the plans:operator scope")

// OrgError says which _org of a document is refused and why; it wraps ErrForbiddenOrg
// (403) or ErrOrgMismatch (422).
type OrgError struct {
	Path   string // e.g. "_org" or "linkedPlanServices[0]._org"
	Org    string // the organisation named there
	Kind   error
	Reason string
}

func (e *OrgError) Error() string {
	return fmt.Sprintf("%s: %q: %s", e.Path, e.Org, e.Reason)
}

func (e *OrgError) Unwrap() error { return e.Kind }
