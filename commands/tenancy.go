package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// target is the plan a command acts on: its key in the store (the objectId qualified by
// its organisation's namespace) and that organisation.
type target struct {
	key string
	org string
}

// targetOfNew is where a new plan of org goes. A caller outside org is refused before
// anything is read, so the answer says nothing about what org holds.
func targetOfNew(access tenancy.Access, org, planID string) (target, error) {
	if !access.Allows(org) {
		return target{}, &tenancy.OrgError{Path: "_org", Org: org, Kind: tenancy.ErrForbiddenOrg,
			Reason: "is not one of your organisations"}
	}
	return target{key: access.Key(org, planID), org: org}, nil
}

// findTarget looks planID up in the namespaces of the caller's organisations, in order,
// and returns the first that holds a live plan of that organisation, with its snapshot.
// When none does it returns the first namespace and a snapshot that does not exist: to
// the caller a plan of another organisation is exactly a plan that does not exist.
func findTarget(ctx context.Context, store EventStore, access tenancy.Access, planID string) (target, events.Snapshot, bool, error) {
	candidates := access.Candidates()
	if len(candidates) == 0 {
		return target{}, events.Snapshot{}, false, nil
	}
	for _, org := range candidates {
		t := target{key: access.Key(org, planID), org: org}
		snap, err := store.Load(ctx, t.key)
		if errors.Is(err, events.ErrNotFound) {
			continue
		}
		if err != nil {
			return target{}, events.Snapshot{}, false, fmt.Errorf("load plan %s: %w", planID, err)
		}
		if snap.Deleted {
			continue
		}
		// The default namespace holds the plans written before tenancy, whatever their
		// _org; only those of the organisation asked about are its plans.
		if owner, err := tenancy.OrgOf(snap.Document); !access.All() && (err != nil || owner != org) {
			continue
		}
		return t, snap, true, nil
	}
	return target{key: access.Key(candidates[0], planID), org: candidates[0]}, events.Snapshot{}, false, nil
}

// qualify puts objectIds into a plan's namespace: ownership is per organisation.
func qualify(prefix string, ids []string) []string {
	if prefix == "" || len(ids) == 0 {
		return ids
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = prefix + id
	}
	return out
}
