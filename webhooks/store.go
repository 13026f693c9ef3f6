package webhooks

import "context"

// Store keeps subscriptions' states, each one record updated atomically.
type Store interface {
	// Create stores a new state; an existing id is an error.
	Create(ctx context.Context, st State) error
	// Update applies fn to the stored state and stores the result, atomically
	// (retrying fn when another writer got in between); ErrNotFound when absent.
	Update(ctx context.Context, id string, fn func(*State) error) (State, error)
	Get(ctx context.Context, id string) (State, error)
	// List returns every state, ordered by creation.
	List(ctx context.Context) ([]State, error)
	// Delete removes a state; ErrNotFound when absent.
	Delete(ctx context.Context, id string) error
}
