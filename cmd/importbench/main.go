// Command importbench measures a bulk import against the single-request create rate of
// the same running server: it makes an NDJSON file with 1 % invalid lines and 1 %
// conflicts, creates the conflicts' seed plans (and more, up to --single) one POST at a
// time from --clients clients, imports the file through POST /v1/imports, checks the
// job's counts and error list exactly, and prints both rates. `make bench-import` runs
// it against a fresh embedded `planstore serve`; docs/performance.md has the numbers.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/imports/importtest"
	"github.com/planstore/planstore/transport/auth"
)

type options struct {
	server, token, keyFile string
	lines, single, clients int
	prefix                 string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.server, "server", "http://127.0.0.1:8080", "planstore serve (or command-api) URL")
	flag.StringVar(&o.token, "token", os.Getenv("PLANSTORE_TOKEN"), "plans:write token (default: minted with --signing-key-file)")
	flag.StringVar(&o.keyFile, "signing-key-file", "", "the server's dev signing key, to mint a token")
	flag.IntVar(&o.lines, "lines", 100_000, "lines in the import")
	flag.IntVar(&o.single, "single", 5_000, "plans created by single POSTs for the comparison (at least the 1 % conflict seeds)")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients of the single POSTs")
	flag.StringVar(&o.prefix, "prefix", fmt.Sprintf("bench%d", time.Now().Unix()), "objectId prefix (unique per run)")
	flag.Parse()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "importbench:", err)
		os.Exit(1)
	}
}

type report struct {
	Lines            int     `json:"lines"`
	SinglePOSTs      int     `json:"single_posts"`
	SingleRate       float64 `json:"single_creates_per_s"`
	UploadSeconds    float64 `json:"upload_s"`
	ImportSeconds    float64 `json:"import_s"`
	ImportRate       float64 `json:"import_lines_per_s"`
	Counts           map[string]int64
	ErrorLines       int  `json:"error_lines"`
	CountsExact      bool `json:"counts_exact"`
	ErrorsListExacts bool `json:"errors_list_exact"`
}

func run(ctx context.Context, o options) error {
	if o.token == "" {
		t, err := auth.MintDevTokenWithKeyFile(o.keyFile, "importbench", []string{auth.ScopeWrite}, 2*time.Hour)
		if err != nil {
			return err
		}
		o.token = t
	}
	var ndjson bytes.Buffer
	exp, err := importtest.Write(&ndjson, importtest.Mix{Prefix: o.prefix, Lines: o.lines, InvalidEvery: 100, ConflictEvery: 100})
	if err != nil {
		return err
	}
	singles := append([]string(nil), exp.Seeds...)
	for i := len(singles); i < o.single; i++ {
		id := fmt.Sprintf("%s-single-%d", o.prefix, i)
		singles = append(singles, importtest.Plan(id, id, 0))
	}
	var rep report
	rep.Lines, rep.SinglePOSTs = o.lines, len(singles)
	fmt.Fprintf(os.Stderr, "single POSTs: %d plans from %d clients\n", len(singles), o.clients)
	took, err := postAll(ctx, o, singles)
	if err != nil {
		return err
	}
	rep.SingleRate = float64(len(singles)) / took.Seconds()
	fmt.Fprintf(os.Stderr, "single POSTs: %.0f creates/s\n", rep.SingleRate)

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(ndjson.Bytes())
	_ = zw.Close()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, o.server+"/v1/imports", &gz)
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("POST /v1/imports: %d %s", resp.StatusCode, body)
	}
	rep.UploadSeconds = time.Since(start).Seconds()
	location := resp.Header.Get("Location")
	var st imports.Status
	for !st.State.Final() {
		time.Sleep(500 * time.Millisecond)
		if err := getJSON(ctx, o, location, &st); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "\r%s: %d/%d, %.0f lines/s   ", st.State, st.Processed, st.Lines, st.Rate)
	}
	fmt.Fprintln(os.Stderr)
	rep.ImportSeconds = st.FinishedAt.Sub(st.StartedAt).Seconds()
	rep.ImportRate = float64(st.Processed) / rep.ImportSeconds
	rep.Counts = st.Counts
	rep.CountsExact = st.State == imports.StateSucceeded && st.Counts["created"] == int64(exp.Created) &&
		st.Counts["invalid"] == int64(exp.Invalid) && st.Counts["conflict"] == int64(exp.Conflict)
	errLines, err := getErrors(ctx, o, location+"/errors")
	if err != nil {
		return err
	}
	rep.ErrorLines = len(errLines)
	rep.ErrorsListExacts = len(errLines) == exp.Invalid+exp.Conflict
	out, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Println(string(out))
	if !rep.CountsExact || !rep.ErrorsListExacts {
		return errors.New("counts or error list differ from what the file holds")
	}
	return nil
}

func postAll(ctx context.Context, o options, docs []string) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.clients}}
	start := time.Now()
	for range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, o.server+"/v1/plans", strings.NewReader(docs[i]))
				req.Header.Set("Authorization", "Bearer "+o.token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					firstErr.CompareAndSwap(nil, fmt.Errorf("POST /v1/plans: %d", resp.StatusCode))
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return 0, err
	}
	return time.Since(start), ctx.Err()
}

func getJSON(ctx context.Context, o options, path string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, o.server+path, nil)
	req.Header.Set("Authorization", "Bearer "+o.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func getErrors(ctx context.Context, o options, path string) ([]string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, o.server+path, nil)
	req.Header.Set("Authorization", "Bearer "+o.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}
