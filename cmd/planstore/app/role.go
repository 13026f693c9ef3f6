package app

import (
	"errors"
	"fmt"
)

// Role names one deployable part of planstore.
type Role string

// The roles of docs/contract.md 1.
const (
	RoleServe      Role = "serve"
	RoleCommandAPI Role = "command-api"
	RoleQueryAPI   Role = "query-api"
	RoleRelay      Role = "relay"
	RoleProjector  Role = "projector"
	RoleWorker     Role = "worker" // bulk import chunks (package imports)
)

// parts says which components a role runs.
type parts struct {
	commandAPI bool
	queryAPI   bool
	relay      bool
	projector  bool
	// importWorker processes import chunks; imports routes POST /v1/imports, which needs
	// a queue a worker reads: RabbitMQ, or the in-process one when a worker runs here.
	importWorker bool
	imports      bool
}

func (r Role) parts(c *Config) (parts, error) {
	embeddedSearch := len(c.ESURLs) == 0
	switch r {
	case RoleServe:
		return parts{commandAPI: true, queryAPI: true, relay: true, projector: true, imports: true,
			importWorker: c.ImportWorkers > 0}, nil
	case RoleCommandAPI:
		// Imports need RabbitMQ here: the workers are other processes.
		return parts{commandAPI: true, imports: c.AMQPURL != ""}, r.needs(c.RedisURL != "", "--redis-url")
	case RoleWorker:
		return parts{importWorker: true}, errors.Join(r.needs(c.RedisURL != "", "--redis-url"), r.needs(c.AMQPURL != "", "--amqp-url"))
	case RoleQueryAPI:
		if err := r.needs(c.RedisURL != "", "--redis-url"); err != nil {
			return parts{}, err
		}
		// The embedded engine lives inside one process: whoever searches it must also
		// feed it, so a query API on the embedded engine runs the projector too.
		if embeddedSearch {
			return parts{queryAPI: true, projector: true}, r.needs(c.AMQPURL != "", "--amqp-url (or --es-url)")
		}
		return parts{queryAPI: true}, nil
	case RoleRelay:
		return parts{relay: true}, errors.Join(r.needs(c.RedisURL != "", "--redis-url"), r.needs(c.AMQPURL != "", "--amqp-url"))
	case RoleProjector:
		if embeddedSearch {
			return parts{}, fmt.Errorf("role %s: the embedded search engine is only visible inside its own process; give --es-url, or run query-api (which projects into its embedded engine)", r)
		}
		return parts{projector: true}, errors.Join(r.needs(c.RedisURL != "", "--redis-url"), r.needs(c.AMQPURL != "", "--amqp-url"))
	case RoleReplay:
		return parts{}, nil // a one-off command: Tools opens what it needs
	default:
		return parts{}, fmt.Errorf("unknown role %q", r)
	}
}

// needs explains why a separate process cannot use an embedded backend: the embedded
// store is a file one process locks, and the embedded bus lives in one process's memory.
func (r Role) needs(ok bool, flag string) error {
	if ok {
		return nil
	}
	return fmt.Errorf("role %s runs as its own process and needs %s: embedded backends are private to one process (use `planstore serve` for a single process)", r, flag)
}
