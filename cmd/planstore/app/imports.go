package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/internal/defaults"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/transport/httpapi"
)

// startImports opens what bulk imports need: the job store where the event store lives
// (Redis, or imports.db beside the embedded store), the work queue (RabbitMQ with
// --amqp-url, else in process), the upload route and this process's worker.
func (m *Main) startImports(ctx context.Context, store eventStore, httpCfg *httpapi.Config) error {
	if !m.parts.imports && !m.parts.importWorker {
		return nil
	}
	jobs, err := m.openImportStore(ctx)
	if err != nil {
		return err
	}
	queue, err := m.openImportQueue(ctx)
	if err != nil {
		return err
	}
	metrics, err := imports.NewMetrics(m.registry)
	if err != nil {
		return err
	}
	if m.parts.imports {
		ingester, err := imports.NewIngester(imports.IngesterConfig{
			Store: jobs, Queue: queue, Metrics: metrics, MaxBytes: m.cfg.ImportMaxBytes, MaxLineBytes: int(m.cfg.MaxBodyBytes),
			UploadLease: m.cfg.ImportUploadLease, Logger: m.log,
		})
		if err != nil {
			return err
		}
		httpCfg.Imports = ingester
	}
	m.sweepInterruptedUploads(ctx, jobs, queue)
	if !m.parts.importWorker {
		return nil
	}
	create, err1 := commands.NewCreatePlanHandler(store)
	upsert, err2 := commands.NewUpsertPlanHandler(store)
	plans, err3 := queries.NewPlans(store)
	if err := cmp.Or(err1, err2, err3); err != nil {
		return fmt.Errorf("import worker: %w", err)
	}
	worker, err := imports.NewWorker(imports.WorkerConfig{
		Store: jobs, Queue: queue, Create: create, Upsert: upsert, History: plans,
		Logger: m.log, Metrics: metrics, Prefetch: m.cfg.ImportWorkers,
	})
	if err != nil {
		return err
	}
	if _, inProcess := queue.(*imports.MemoryQueue); inProcess {
		// The in-process queue forgot its chunks with the last process; the job store
		// did not: queue again what is not done.
		n, err := worker.Resume(ctx)
		if err != nil {
			return fmt.Errorf("import worker: resume: %w", err)
		}
		if n > 0 {
			m.log.Info("import chunks resumed", slog.Int("chunks", n))
		}
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- worker.Run(runCtx) }()
	// Registered after the HTTP server's closer would be: closers run in reverse, so the
	// worker stops before the store it writes to closes.
	m.onClose("import worker", func(context.Context) error { stop(); return <-done })
	return nil
}

func (m *Main) openImportStore(ctx context.Context) (imports.Store, error) {
	return openStateStore[imports.Store](ctx, m, "import jobs", imports.BoltFileName, imports.NewRedisStore, imports.OpenBoltStore)
}

func (m *Main) openImportQueue(ctx context.Context) (imports.Queue, error) {
	if m.cfg.AMQPURL == "" {
		return imports.NewMemoryQueue(), nil
	}
	queueType := m.cfg.AMQPQueueType
	if queueType == "" {
		queueType = "classic"
		if strings.Contains(m.cfg.AMQPURL, ",") {
			queueType = "quorum" // as the event queues: a cluster's queues are replicated
		}
	}
	q, err := imports.NewAMQPQueue(ctx, m.cfg.AMQPURL, queueType, m.log)
	if err != nil {
		return nil, fmt.Errorf("import queue: rabbitmq at %s: %w", redactURLList(m.cfg.AMQPURL), err)
	}
	m.onClose("import queue", func(context.Context) error { return q.Close() })
	return q, nil
}

// sweepInterruptedUploads ends, now and periodically, the jobs whose upload lost its
// process (kill -9 of a command API mid-upload): whichever process sees the lapsed
// lease first seals the job failed, and its chunks received before are still counted.
func (m *Main) sweepInterruptedUploads(ctx context.Context, jobs imports.Store, queue imports.Queue) {
	lease := defaults.Positive(m.cfg.ImportUploadLease, imports.DefaultUploadLease)
	sweeper := &imports.UploadSweeper{Store: jobs, Queue: queue, Logger: m.log, Interval: lease / 2}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { defer close(done); sweeper.Run(runCtx) }()
	m.onClose("import upload sweeper", func(context.Context) error { stop(); <-done; return nil })
}
