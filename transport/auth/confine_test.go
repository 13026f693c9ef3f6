package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

type recorder struct {
	calls int
	err   error
}

func (r *recorder) RecordOperatorAccess(context.Context, string, string, string) error {
	r.calls++
	return r.err
}

// Every transport confines through auth.Confinement: a named organisation must be one of
// the caller's, and an operator's request runs only once it is recorded.
func TestConfinement(t *testing.T) {
	ctx := context.Background()
	alice := auth.Principal{Subject: "alice", Access: tenancy.ForOrgs("example.com", "a.org", "b.org")}
	operator := auth.Principal{Subject: "ops", Access: tenancy.Operator("example.com")}

	rec := &recorder{}
	c := auth.Confinement{Recorder: rec}
	got, err := c.Apply(ctx, alice, auth.Request{Org: "b.org", OrgNamed: true, OrgField: "org"})
	if err != nil || !tenancy.FromContext(got).Allows("b.org") || tenancy.FromContext(got).Allows("a.org") {
		t.Fatalf("naming b.org: %v, access %+v", err, tenancy.FromContext(got).Orgs())
	}
	var orgErr *tenancy.OrgError
	if _, err := c.Apply(ctx, alice, auth.Request{Org: "c.org", OrgNamed: true, OrgField: "org"}); !errors.As(err, &orgErr) ||
		!errors.Is(err, tenancy.ErrForbiddenOrg) || orgErr.Path != "org" {
		t.Fatalf("naming another organisation: %v", err)
	}
	if rec.calls != 0 {
		t.Fatalf("a caller without the operator scope was recorded %d times", rec.calls)
	}
	if _, err := c.Apply(ctx, operator, auth.Request{Detail: "GET /v1/plans/x"}); err != nil || rec.calls != 1 {
		t.Fatalf("operator: %v, recorded %d times", err, rec.calls)
	}
	rec.err = errors.New("audit log down")
	if _, err := c.Apply(ctx, operator, auth.Request{Detail: "GET /v1/plans/x"}); !errors.Is(err, auth.ErrOperatorAudit) {
		t.Fatalf("operator whose record failed: %v, want ErrOperatorAudit", err)
	}
}
