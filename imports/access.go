package imports

import (
	"encoding/json"

	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
)

// storedAccess is a caller's tenancy.Access as the job store keeps it (Access has no
// exported fields): the workers write every line confined to what the caller could
// write when it uploaded, ?org= narrowing included.
type storedAccess struct {
	Orgs       []string `json:"orgs,omitempty"`
	All        bool     `json:"all,omitempty"`
	DefaultOrg string   `json:"default_org,omitempty"`
}

func storeAccess(a tenancy.Access) storedAccess {
	return storedAccess{Orgs: a.Orgs(), All: a.All(), DefaultOrg: a.DefaultOrg()}
}

func (s storedAccess) access() tenancy.Access {
	if s.All {
		return tenancy.Operator(s.DefaultOrg)
	}
	return tenancy.ForOrgs(s.DefaultOrg, s.Orgs...)
}

// storedCaller is the job's caller as stored: the principal and its access.
type storedCaller struct {
	Principal auth.Principal `json:"principal"`
	Access    storedAccess   `json:"access"`
}

func encodeCaller(p auth.Principal, a tenancy.Access) ([]byte, error) {
	return json.Marshal(storedCaller{Principal: p, Access: storeAccess(a)})
}

func decodeCaller(b []byte) (auth.Principal, tenancy.Access, error) {
	var c storedCaller
	if err := json.Unmarshal(b, &c); err != nil {
		return auth.Principal{}, tenancy.Access{}, err
	}
	a := c.Access.access()
	c.Principal.Access = a
	return c.Principal, a, nil
}
