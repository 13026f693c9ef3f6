package imports

import "context"

// Queue carries chunk references from the upload to the workers. Delivery is at least
// once: a chunk whose handler fails, or whose worker dies, is handed out again, and the
// store's idempotent CompleteChunk makes the repeat harmless.
type Queue interface {
	Publish(ctx context.Context, ref ChunkRef) error
	// Consume hands chunks to handle, up to prefetch at once, until ctx ends. A chunk
	// whose handle returns an error is handed out again later.
	Consume(ctx context.Context, prefetch int, handle func(context.Context, ChunkRef) error) error
	Close() error
}
