package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/transport/auth"
)

// importFlags are the flags of `planstore import`.
type importFlags struct {
	server, token, keyFile, dataDir string
	mode, errorsFile                string
	noGzip, asJSON                  bool
	poll                            time.Duration
}

// runImport uploads an NDJSON file (or stdin, "-") to POST /v1/imports and follows the
// job to its end, with a progress line on stderr: counts, rate and ETA.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	var f importFlags
	fs.StringVar(&f.server, "server", envOr("PLANSTORE_SERVER", "http://"+envOr("PLANSTORE_ADDR", "127.0.0.1:8080")), "URL of serve or a command-api with --amqp-url [PLANSTORE_SERVER]")
	fs.StringVar(&f.token, "token", os.Getenv("PLANSTORE_TOKEN"), "bearer token with plans:write (default: a dev token signed with --signing-key-file or the data dir's key) [PLANSTORE_TOKEN]")
	fs.StringVar(&f.keyFile, "signing-key-file", os.Getenv("PLANSTORE_SIGNING_KEY_FILE"), "dev signing key to mint a token with [PLANSTORE_SIGNING_KEY_FILE]")
	fs.StringVar(&f.dataDir, "data-dir", envOr("PLANSTORE_DATA_DIR", "./data"), "data dir whose dev key mints the token when no key file is given [PLANSTORE_DATA_DIR]")
	fs.StringVar(&f.mode, "mode", "create", "create (an existing plan is a conflict) or upsert (it is replaced)")
	fs.StringVar(&f.errorsFile, "errors", "", "write the failed lines (NDJSON: line, outcome, errors) to this file at the end")
	fs.BoolVar(&f.noGzip, "no-gzip", false, "send the file as it is (default: gzip it on the way; a .gz file is sent as it is)")
	fs.BoolVar(&f.asJSON, "json", false, "print the final status as JSON on stdout")
	fs.DurationVar(&f.poll, "poll", 500*time.Millisecond, "how often to ask for the job's progress")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: planstore import [flags] FILE|-\n\nimports NDJSON plans (one per line) through a running server and follows the job\n\n"+
			"exit status: 0 every line imported; 3 the job ran to its end but some lines failed (invalid or conflict);\n"+
			"1 the job failed or was cancelled, or the import could not run; 2 bad usage\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errFlags, err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give one FILE, or - for stdin", errUsage)
	}
	if _, err := imports.ParseMode(f.mode); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	token, err := importToken(f)
	if err != nil {
		return err
	}
	in, name, err := openInput(fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	imp := &importer{base: strings.TrimRight(f.server, "/"), token: token, client: &http.Client{}, progress: newImportProgress(stderr)}
	status, location, err := imp.upload(ctx, in, f.mode, !f.noGzip && !strings.HasSuffix(name, ".gz"), strings.HasSuffix(name, ".gz"))
	if err != nil {
		return err
	}
	imp.progress.accepted(status, imp.base+location)
	for !status.State.Final() {
		imp.progress.show(status)
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped following import %s (it goes on in the server: %s%s; DELETE it to cancel): %w", status.ID, imp.base, location, ctx.Err())
		case <-time.After(f.poll):
		}
		if status, err = jobStatus[imports.Status](ctx, imp.client, imp.base+location, imp.token, "import"); err != nil {
			return err
		}
	}
	imp.progress.show(status)
	imp.progress.finish(status)
	if f.errorsFile != "" {
		if err := imp.saveErrors(ctx, location, f.errorsFile); err != nil {
			return err
		}
	}
	if f.asJSON {
		if err := json.NewEncoder(stdout).Encode(status); err != nil {
			return err
		}
	}
	if status.State != imports.StateSucceeded {
		return fmt.Errorf("import %s %s %s", status.ID, status.State, status.Error)
	}
	if failed := status.Counts[string(imports.OutcomeInvalid)] + status.Counts[string(imports.OutcomeConflict)]; failed > 0 {
		return fmt.Errorf("%w: import %s: %d line(s) failed (invalid %d, conflict %d)%s", errLinesFailed, status.ID, failed,
			status.Counts[string(imports.OutcomeInvalid)], status.Counts[string(imports.OutcomeConflict)], errorsHint(f.errorsFile, location))
	}
	return nil
}

// errLinesFailed ends `planstore import` with exit code 3: the job ran to its end but
// some lines were invalid or in conflict, so a script can tell "all imported" (0) from
// "imported except the failed lines" (3) and from "the job failed or was cancelled, or
// the import could not run" (1).
var errLinesFailed = errors.New("some lines failed")

func errorsHint(file, location string) string {
	if file != "" {
		return "; they are in " + file
	}
	return "; GET " + location + "/errors lists them (or pass --errors FILE)"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func importToken(f importFlags) (string, error) {
	if f.token != "" {
		return f.token, nil
	}
	key := f.keyFile
	if key == "" {
		key = auth.DevKeyPath(f.dataDir)
	}
	token, err := auth.MintDevTokenWithKeyFile(key, "planstore-import", []string{auth.ScopeWrite}, 24*time.Hour)
	if err != nil {
		return "", fmt.Errorf("%w; pass the server's --signing-key-file or --data-dir, or --token with a plans:write token", err)
	}
	return token, nil
}

func openInput(arg string) (io.ReadCloser, string, error) {
	if arg == "-" {
		return io.NopCloser(os.Stdin), "-", nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", err
	}
	return f, arg, nil
}

type importer struct {
	base, token string
	client      *http.Client
	progress    *importProgress
}

// upload streams the file (gzipped on the fly) and returns the job as accepted.
func (imp *importer) upload(ctx context.Context, in io.Reader, mode string, compress, isGzip bool) (imports.Status, string, error) {
	counted := &countingReader{r: in}
	body := io.Reader(counted)
	if compress {
		pr, pw := io.Pipe()
		go func() {
			zw := gzip.NewWriter(pw)
			_, err := io.Copy(zw, counted)
			pw.CloseWithError(errors.Join(err, zw.Close()))
		}()
		body = pr
	}
	stop := imp.progress.uploading(&counted.n)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, imp.base+"/v1/imports?mode="+url.QueryEscape(mode), body)
	if err != nil {
		return imports.Status{}, "", err
	}
	req.Header.Set("Authorization", "Bearer "+imp.token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	if compress || isGzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := imp.client.Do(req)
	if err != nil {
		return imports.Status{}, "", fmt.Errorf("POST %s/v1/imports: %w (is the server running? --server)", imp.base, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	a := answer{status: resp.StatusCode, header: resp.Header, body: b}
	if a.status != http.StatusAccepted {
		return imports.Status{}, "", problemError(a)
	}
	return acceptedJob(a, "import", "/v1/imports/", func(s imports.Status) string { return s.ID })
}

func (imp *importer) saveErrors(ctx context.Context, location, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, imp.base+location+"/errors", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+imp.token)
	resp, err := imp.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return problemError(answer{status: resp.StatusCode, header: resp.Header, body: b})
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		return errors.Join(err, out.Close())
	}
	return out.Close()
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
