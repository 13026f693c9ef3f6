package app

import (
	"context"
	"errors"
	"io"

	"github.com/planstore/planstore/projections/replay"
)

// Tools opens the backends for one-off commands (replay, snapshot checks) with the same
// code and the same start-up errors as the roles.
type Tools struct{ m *Main }

// OpenTools opens the event store, and the read model when the command needs it. It
// starts as the replay role that runs none of the parts, so its settings are checked as
// any role's are.
func OpenTools(ctx context.Context, cfg Config, logOutput io.Writer) (*Tools, error) {
	m, err := New(cfg, RoleReplay, logOutput)
	if err != nil {
		return nil, err
	}
	return &Tools{m: m}, nil
}

// Replayer opens the event log and the cluster and returns a rebuilder of the read
// model. Only a real cluster makes sense here: the embedded engine lives inside the
// server process, so replaying it means asking that server.
func (t *Tools) Replayer(ctx context.Context) (*replay.Replayer, error) {
	if len(t.m.cfg.ESURLs) == 0 {
		return nil, errors.New("a direct replay needs --es-url; with the embedded engine, ask the running server (planstore replay --server URL)")
	}
	store, err := t.m.openEventStore(ctx)
	if err != nil {
		return nil, err
	}
	client, err := t.m.openSearch(ctx)
	if err != nil {
		return nil, err
	}
	if err := ensureReadModel(ctx, client); err != nil {
		return nil, err
	}
	return t.m.newReplayer(client, store)
}

// SnapshotStore opens the event store for snapshot checks and rebuilds.
func (t *Tools) SnapshotStore(ctx context.Context) (replay.SnapshotRebuildStore, error) {
	return t.m.openEventStore(ctx)
}

// Close releases whatever was opened.
func (t *Tools) Close() error { return t.m.Close() }
