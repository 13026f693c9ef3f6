// Package atomicfile replaces a file so that, after a crash at any moment, it holds
// either its old content or the whole new one, never a part: the data dir's record of
// its store files and the embedded engine's saved state are written this way.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes path through write: into a temporary file beside it (named by
// TempPattern), synced, renamed over path, and the directory synced so that the rename
// survives a power loss too. When anything fails the temporary file is removed and path
// is left as it was; a temporary file a kill leaves behind is never read, and may be
// removed by whoever finds it.
func Write(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// TempPattern is the filepath.Glob pattern of the temporary files Write makes for path.
func TempPattern(path string) string {
	return path + ".tmp-*"
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
