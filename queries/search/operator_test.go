package search

import (
	"context"

	"github.com/planstore/planstore/tenancy"
)

// asOperator is a context of the cross-tenant operator: tests of the searcher itself
// see the engine's answer as it is (confine_test.go covers the confinement).
func asOperator() context.Context {
	return tenancy.WithAccess(context.Background(), tenancy.Operator("example.com"))
}
