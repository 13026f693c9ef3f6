package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/planstore/planstore/cmd/planstore/app"
	"github.com/planstore/planstore/events/boltfile"
	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/transport/messaging/audit"
)

// checkLockTimeout: a data dir in use is reported at once rather than waited for.
const checkLockTimeout = time.Second

// runCheck verifies the bbolt files of a data dir offline, with the same checks the
// embedded store and audit log run before they open (events/boltfile): one line per
// file on stdout, exit 1 when any file is damaged, lost or in use.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", stderr)
	dataDir := fs.String("data-dir", "./data", "data dir to verify (the server must not be running on it)")
	if err := app.ParseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
	}
	if info, err := os.Stat(*dataDir); err != nil || !info.IsDir() {
		return fmt.Errorf("no data dir at %s", *dataDir)
	}
	problems := 0
	for _, f := range []struct {
		name string
		opts boltfile.Options
		// legacy: a file an earlier version kept (the audit log's audit.db, moved into
		// events.db at the next start); no line when it is absent and was never there.
		legacy bool
	}{
		{boltstore.FileName, boltfile.Options{SiblingsAreEvidence: true, LockTimeout: checkLockTimeout}, false},
		{audit.BoltFileName, boltfile.Options{LockTimeout: checkLockTimeout}, true},
	} {
		rep, err := boltfile.Verify(*dataDir, f.name, f.opts)
		if f.legacy && err == nil && rep.New {
			continue
		}
		if err != nil {
			problems++
			fmt.Fprintf(stdout, "FAIL %v\n", err)
			continue
		}
		fmt.Fprintf(stdout, "ok   %s\n", rep)
	}
	if problems > 0 {
		return fmt.Errorf("data dir %s: %d file(s) failed the check", *dataDir, problems)
	}
	return nil
}
