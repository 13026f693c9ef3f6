package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/google/uuid"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/tenancy"
)

// An unconditional command (no If-Match) that loses a race re-decides on the new state:
// that is what "apply to the current version" means. Re-deciding at once makes every
// loser collide again with the others (under 20 concurrent writers most gave up after a
// few quick attempts), so each retry waits a jittered, exponentially growing pause that
// spreads the writers out, for at most conflictRetryBudget in all. A caller that sent
// If-Match gets 412 at once instead, because its expectation is what failed.
//
// The schedule is cenkalti/backoff's: its jitter, growth cap, elapsed-time budget and
// context handling are tested code where a hand-written loop would re-derive them.
const (
	conflictFirstPause  = 2 * time.Millisecond
	conflictMaxPause    = 250 * time.Millisecond
	conflictRetryBudget = 15 * time.Second
)

func conflictBackOff() *backoff.ExponentialBackOff {
	return &backoff.ExponentialBackOff{
		InitialInterval:     conflictFirstPause,
		RandomizationFactor: 0.5, // each pause is 50% to 150% of the current interval
		Multiplier:          2,
		MaxInterval:         conflictMaxPause,
	}
}

// decision is the aggregate behaviour one command invokes.
type decision func(a *plan.Aggregate) (plan.Change, error)

// executor runs the load-check-decide-commit cycle every command shares.
type executor struct {
	store EventStore
	now   func() time.Time
}

func newExecutor(store EventStore) (executor, error) {
	if store == nil {
		return executor{}, errors.New("commands: nil event store")
	}
	return executor{store: store, now: time.Now}, nil
}

type invocation struct {
	planID       string
	newOrg       string // create: the new plan's organisation (its _org)
	precondition Precondition
	mustExist    bool // replace, patch and delete need a plan; create does not
	// assumeNew decides the first attempt on a plan that does not exist, without
	// loading it: a create's plan almost never does, and the append's version check
	// (expected version 0) refuses the commit if it does. Only then is the plan loaded
	// and the command decided again, at once, on what is stored (409, or a re-create
	// after a delete). On Redis this saves a round trip (an HGETALL) per create.
	assumeNew bool
	meta      Metadata
	decide    decision
}

func (x executor) execute(ctx context.Context, inv invocation) (Result, error) {
	attempts := 0
	result, err := backoff.Retry(ctx, func() (Result, error) {
		attempts++
		result, err := x.attempt(ctx, inv, inv.assumeNew && attempts == 1)
		if inv.assumeNew && attempts == 1 && errors.Is(err, events.ErrVersionConflict) {
			// The plan exists after all: no race lost, so no pause before deciding on it.
			result, err = x.attempt(ctx, inv, false)
		}
		switch {
		case err == nil:
			return result, nil
		case !errors.Is(err, events.ErrVersionConflict):
			return Result{}, backoff.Permanent(err)
		case inv.precondition.Conditional():
			return Result{}, backoff.Permanent(fmt.Errorf("%w: %w", ErrPreconditionFailed, err))
		default:
			return Result{}, err // lost a race: re-decide after a pause
		}
	}, backoff.WithBackOff(conflictBackOff()), backoff.WithMaxElapsedTime(conflictRetryBudget))
	if errors.Is(err, events.ErrVersionConflict) && !errors.Is(err, ErrPreconditionFailed) {
		return Result{}, fmt.Errorf("plan %s: gave up after %d attempts in %s of concurrent writes: %w",
			inv.planID, attempts, conflictRetryBudget, err)
	}
	return result, err
}

// attempt runs one load-check-decide-commit cycle; assumeNew skips the load (see
// invocation.assumeNew).
func (x executor) attempt(ctx context.Context, inv invocation, assumeNew bool) (Result, error) {
	access := tenancy.FromContext(ctx)
	tgt, agg, err := x.locate(ctx, access, inv, assumeNew)
	if err != nil {
		return Result{}, err
	}
	// RFC 9110 13.2.1: preconditions are ignored when the request would fail anyway, so a
	// missing plan answers 404 even with If-Match, and If-Match is checked before the
	// request content is looked at.
	if inv.mustExist && !agg.Exists() {
		return Result{}, plan.ErrNotFound
	}
	if !inv.precondition.holds(agg.Exists(), agg.Version()) {
		return Result{}, ErrPreconditionFailed
	}
	change, err := inv.decide(agg)
	if err != nil {
		return Result{}, err
	}
	if err := checkOrgs(access, tgt.org, change); err != nil {
		return Result{}, err
	}
	commit, err := x.commitFor(tgt.key, agg.Version(), change, inv.meta)
	if err != nil {
		return Result{}, err
	}
	if err := x.store.Append(ctx, commit); err != nil {
		return Result{}, fmt.Errorf("commit %s of plan %s: %w", change.Type, inv.planID, err)
	}
	agg.Apply(change)
	return Result{PlanID: inv.planID, Version: change.Version, Document: change.After}, nil
}

// checkOrgs applies tenancy's rules to the plan a change would store, from the typed
// plan when the aggregate kept it (a create or a replace), else from its JSON.
func checkOrgs(access tenancy.Access, currentOrg string, change plan.Change) error {
	if p := change.AfterPlan(); p != nil {
		return tenancy.CheckDecodedPlan(access, currentOrg, p)
	}
	if change.After != nil {
		return tenancy.CheckPlan(access, currentOrg, change.After)
	}
	return nil
}

// locate finds the plan the command is about, within the caller's organisations: a new
// plan's namespace is its _org's; an existing plan is looked up in each of the
// caller's namespaces.
func (x executor) locate(ctx context.Context, access tenancy.Access, inv invocation, assumeNew bool) (target, *plan.Aggregate, error) {
	if !inv.mustExist {
		tgt, err := targetOfNew(access, inv.newOrg, inv.planID)
		if err != nil {
			return target{}, nil, err
		}
		if assumeNew {
			return tgt, plan.New(inv.planID), nil
		}
		agg, err := x.load(ctx, tgt.key, inv.planID)
		return tgt, agg, err
	}
	tgt, snap, found, err := findTarget(ctx, x.store, access, inv.planID)
	if err != nil || !found {
		return tgt, plan.New(inv.planID), err
	}
	agg, err := plan.Rehydrate(inv.planID, snap.Version, snap.Document, snap.Deleted)
	if err != nil {
		return target{}, nil, fmt.Errorf("rehydrate plan %s at version %d: %w", inv.planID, snap.Version, err)
	}
	return tgt, agg, nil
}

func (x executor) load(ctx context.Context, key, planID string) (*plan.Aggregate, error) {
	snap, err := x.store.Load(ctx, key)
	if errors.Is(err, events.ErrNotFound) {
		return plan.New(planID), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load plan %s: %w", planID, err)
	}
	agg, err := plan.Rehydrate(planID, snap.Version, snap.Document, snap.Deleted)
	if err != nil {
		return nil, fmt.Errorf("rehydrate plan %s at version %d: %w", planID, snap.Version, err)
	}
	return agg, nil
}

// commitFor builds the commit of a change to the plan stored under key: the events, the
// snapshot and the objectIds it claims and releases all live in key's namespace.
func (x executor) commitFor(key string, expected int64, c plan.Change, meta Metadata) (events.Commit, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return events.Commit{}, fmt.Errorf("event id: %w", err)
	}
	env := events.Envelope{
		ID:            id.String(),
		Type:          events.Type(c.Type),
		SchemaVersion: events.CurrentSchemaVersion,
		AggregateType: events.AggregateTypePlan,
		AggregateID:   key,
		Version:       c.Version,
		OccurredAt:    x.now().UTC(),
		Actor:         meta.Actor,
		CorrelationID: meta.CorrelationID,
		CausationID:   meta.CausationID,
		Data:          events.Data{Before: c.Before, After: c.After, Patch: c.Patch},
	}
	return events.Commit{
		AggregateID:      key,
		ExpectedVersion:  expected,
		Events:           []events.Envelope{env},
		Snapshot:         c.After,
		ClaimObjectIDs:   qualify(tenancy.Prefix(key), c.ObjectIDsAdded),
		ReleaseObjectIDs: qualify(tenancy.Prefix(key), c.ObjectIDsRemoved),
	}, nil
}
