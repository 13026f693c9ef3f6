package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// logDir is where every process's output ends up; the harness names it at the start
// and at the end, and leaves it behind.
type logDir struct {
	path     string
	backends *os.File // output of the cluster scripts
	events   *os.File // what the harness did and when
}

func openLogDir(path string) (*logDir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	b, err := os.Create(filepath.Join(path, "backends.log"))
	if err != nil {
		return nil, err
	}
	e, err := os.Create(filepath.Join(path, "harness.log"))
	if err != nil {
		return nil, err
	}
	return &logDir{path: path, backends: b, events: e}, nil
}

// logf notes an event in harness.log and on stderr.
func (l *logDir) logf(format string, args ...any) {
	line := time.Now().UTC().Format("15:04:05.000") + " " + fmt.Sprintf(format, args...) + "\n"
	_, _ = l.events.WriteString(line)
	_, _ = os.Stderr.WriteString(line)
}

func (l *logDir) file(name string) (*os.File, error) {
	return os.Create(filepath.Join(l.path, name))
}

func (l *logDir) close() {
	_ = l.backends.Close()
	_ = l.events.Close()
}
