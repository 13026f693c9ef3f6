package esengine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/planstore/planstore/internal/atomicfile"
	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/statefile"
)

// ErrCorruptState is wrapped by LoadState's and ReadState's error when the state is
// damaged, truncated or of another format version, as opposed to unreadable: the
// caller then rebuilds the engine from its own source of truth.
var ErrCorruptState = statefile.ErrCorrupt

// SaveState writes the engine's whole catalog (indices with their settings, mappings
// and documents, and aliases) to path, together with label, an opaque mark of the
// caller's (what the state reflects: a log position, say). It writes a temporary file
// beside path, syncs it and renames it over path, so path always holds a complete
// state or none. Searches go on meanwhile; writes to an index wait while it is written.
func (e *Engine) SaveState(path string, label string) error {
	stateFailed := false // WriteState's errors say what they are already
	err := atomicfile.Write(path, func(w io.Writer) error {
		err := e.WriteState(w, label)
		stateFailed = err != nil
		return err
	})
	if err != nil && !stateFailed {
		return fmt.Errorf("esengine: save state: %w", err)
	}
	return err
}

// WriteState writes the engine's state to w (see SaveState).
func (e *Engine) WriteState(w io.Writer, label string) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	indices := e.allIndicesLocked()
	// Every index is locked before the field numbering is written, so no write can
	// number a field the state's documents use after it was written.
	for _, ix := range indices {
		ix.Mu.RLock()
		defer ix.Mu.RUnlock()
	}
	enc := statefile.NewEncoder(w)
	enc.Begin(statefile.KindEngine)
	enc.String(label)
	enc.String(e.nodeID)
	enc.String(e.clusterUUID)
	index.WriteFieldNames(enc)
	e.writeAliasesLocked(enc)
	enc.Uvarint(uint64(len(indices)))
	if err := enc.End(); err != nil {
		return fmt.Errorf("esengine: save state: %w", err)
	}
	for _, ix := range indices {
		if err := ix.WriteState(enc); err != nil {
			return fmt.Errorf("esengine: save state: %w", err)
		}
	}
	enc.Begin(statefile.KindEnd)
	if err := enc.End(); err != nil {
		return fmt.Errorf("esengine: save state: %w", err)
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("esengine: save state: %w", err)
	}
	return nil
}

// Alias write-index flags as saved.
const (
	writeIndexUnset = iota
	writeIndexFalse
	writeIndexTrue
)

func (e *Engine) writeAliasesLocked(enc *statefile.Encoder) {
	enc.Uvarint(uint64(len(e.aliases)))
	for _, alias := range mapping.SortedKeys(e.aliases) {
		targets := e.aliases[alias]
		enc.String(alias)
		enc.Uvarint(uint64(len(targets)))
		for _, name := range mapping.SortedKeys(targets) {
			enc.String(name)
			switch w := targets[name].isWriteIndex; {
			case w == nil:
				enc.Uvarint(writeIndexUnset)
			case *w:
				enc.Uvarint(writeIndexTrue)
			default:
				enc.Uvarint(writeIndexFalse)
			}
		}
	}
}

// LoadState reads a state SaveState wrote into a new engine configured by opts, and
// returns it with the label it was saved with. A damaged file is an error wrapping
// ErrCorruptState, never a different engine. The file is read a section at a time:
// the engine copies what it keeps, so it never holds the whole file beside itself.
func LoadState(path string, opts ...Option) (*Engine, string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("esengine: load state: %w", err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("esengine: load state: %w", err)
	}
	return readState(bufio.NewReaderSize(file, 64<<10), info.Size(), opts)
}

// StateLabel reads the label of the state at path without reading the rest of it, so
// a caller can refuse a state saved at another mark before loading it all. The rest of
// the file is checked only by LoadState.
func StateLabel(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("esengine: read state label: %w", err)
	}
	defer f.Close()
	kind, dec, err := statefile.ReadHead(bufio.NewReader(f))
	if err == nil && kind != statefile.KindEngine {
		err = statefile.Corrupt("the state does not begin with the engine section")
	}
	if err != nil {
		return "", fmt.Errorf("esengine: read state label: %w", err)
	}
	label := dec.String()
	if err := dec.Err(); err != nil {
		return "", fmt.Errorf("esengine: read state label: %w", err)
	}
	return label, nil
}

// ReadState is LoadState from bytes, read the same way.
func ReadState(data []byte, opts ...Option) (*Engine, string, error) {
	return readState(bytes.NewReader(data), int64(len(data)), opts)
}

// readState reads the size bytes of a state from r.
func readState(r io.Reader, size int64, opts []Option) (*Engine, string, error) {
	f, err := statefile.OpenReader(r, size)
	if err != nil {
		return nil, "", fmt.Errorf("esengine: load state: %w", err)
	}
	e, label, err := readSections(f, opts)
	if err != nil {
		return nil, "", fmt.Errorf("esengine: load state: %w", err)
	}
	return e, label, nil
}

func readSections(f *statefile.File, opts []Option) (*Engine, string, error) {
	dec, err := f.Expect(statefile.KindEngine)
	if err != nil {
		return nil, "", err
	}
	e := New(opts...)
	label := dec.String()
	e.nodeID, e.clusterUUID = dec.String(), dec.String()
	fields := index.ReadFieldNames(dec)
	aliases := readAliases(dec)
	count := dec.Int() // the indices follow in sections of their own, so Count's bound does not apply
	if err := dec.Done(); err != nil {
		return nil, "", err
	}
	for range count {
		head, err := f.Expect(statefile.KindIndex)
		if err != nil {
			return nil, "", err
		}
		ix, err := index.ReadState(f, head, fields, e.opts.now)
		if err != nil {
			return nil, "", err
		}
		if e.indices[ix.Name] != nil {
			return nil, "", statefile.Corrupt("index %s saved twice", ix.Name)
		}
		e.indices[ix.Name] = ix
	}
	if _, err := f.Expect(statefile.KindEnd); err != nil {
		return nil, "", err
	}
	if _, _, err := f.Next(); !errors.Is(err, io.EOF) {
		return nil, "", statefile.Corrupt("data after the end of the state")
	}
	for alias, targets := range aliases {
		for name := range targets {
			if e.indices[name] == nil {
				return nil, "", statefile.Corrupt("alias %s names the missing index %s", alias, name)
			}
		}
	}
	e.aliases = aliases
	return e, label, nil
}

func readAliases(dec *statefile.Decoder) map[string]map[string]aliasProps {
	out := map[string]map[string]aliasProps{}
	for range dec.Count() {
		alias := dec.String()
		targets := map[string]aliasProps{}
		for range dec.Count() {
			name := dec.String()
			var props aliasProps
			switch dec.Uvarint() {
			case writeIndexUnset:
			case writeIndexFalse:
				props.isWriteIndex = new(bool)
			case writeIndexTrue:
				props.isWriteIndex = new(bool)
				*props.isWriteIndex = true
			default:
				dec.Fail("bad write-index flag of alias %s", alias)
			}
			targets[name] = props
		}
		out[alias] = targets
	}
	return out
}
