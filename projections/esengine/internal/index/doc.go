// Package index is one index of the engine: its settings and mapping, the documents it
// stores (parsed against the mapping into terms, tokens and numbers), versioning and
// tombstones, writes, partial updates, and the pinned views searches read unlocked.
package index
