package replication

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Replicator applies the feed to PostgreSQL.
type Replicator struct {
	DB     *pgxpool.Pool
	Source Source
	// Name keys this replicator's stored position (several may share a database).
	Name string
	// Batch is how many events one page (and one transaction) holds. Default 500.
	Batch int
	// Poll is how long to wait once caught up. Default 1s.
	Poll   time.Duration
	Logger *slog.Logger
}

// Stats counts what a run applied.
type Stats struct {
	Events int64
	Pages  int64
}

// Migrate creates the tables when missing.
func (r *Replicator) Migrate(ctx context.Context) error {
	if _, err := r.DB.Exec(ctx, schema); err != nil {
		return fmt.Errorf("replication: create tables: %w", err)
	}
	return nil
}

// Position is the stored feed position ("" = nothing applied yet).
func (r *Replicator) Position(ctx context.Context) (string, error) {
	var pos string
	err := r.DB.QueryRow(ctx, `SELECT position FROM replication_position WHERE name = $1`, r.name()).Scan(&pos)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("replication: read position: %w", err)
	}
	return pos, nil
}

func (r *Replicator) name() string {
	if r.Name == "" {
		return "default"
	}
	return r.Name
}

// Run applies the feed from the stored position until ctx ends, or with once until it
// has caught up.
func (r *Replicator) Run(ctx context.Context, once bool) (Stats, error) {
	var stats Stats
	batch, poll := r.Batch, r.Poll
	if batch <= 0 {
		batch = 500
	}
	if poll <= 0 {
		poll = time.Second
	}
	pos, err := r.Position(ctx)
	if err != nil {
		return stats, err
	}
	for {
		page, err := r.Source.Read(ctx, pos, batch)
		if err != nil {
			return stats, err
		}
		if page.Next != pos {
			if err := r.apply(ctx, page); err != nil {
				return stats, err
			}
			stats.Events += int64(len(page.Events))
			stats.Pages++
			pos = page.Next
		}
		if page.More {
			continue
		}
		if once {
			return stats, nil
		}
		select {
		case <-ctx.Done():
			return stats, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// apply writes a page's events and the position after it in one transaction.
func (r *Replicator) apply(ctx context.Context, page Page) error {
	return pgx.BeginFunc(ctx, r.DB, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, it := range page.Events {
			e := it.Event
			raw, err := json.Marshal(e)
			if err != nil {
				return err
			}
			b.Queue(`INSERT INTO plan_events (plan_id, version, event_id, type, occurred_at, actor, correlation_id, position, event)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
				e.AggregateID, e.Version, e.ID, string(e.Type), e.OccurredAt, e.Actor, e.CorrelationID, it.Position, raw)
			deleted := isNull(e.Data.After)
			var doc any
			if !deleted {
				doc = string(e.Data.After)
			}
			// Idempotent by version: a row at this version or later stays as it is.
			b.Queue(`INSERT INTO plans (id, version, document, deleted, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5)
				ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, document = EXCLUDED.document,
					deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at
				WHERE plans.version < EXCLUDED.version`,
				e.AggregateID, e.Version, doc, deleted, e.OccurredAt)
		}
		b.Queue(`INSERT INTO replication_position (name, position) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`, r.name(), page.Next)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("replication: apply %d events: %w", len(page.Events), err)
		}
		return nil
	})
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
