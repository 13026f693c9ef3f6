package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/plangen"
	"github.com/planstore/planstore/imports"
)

// populateCommand makes a data set: many plans through the bulk import API, which costs
// the server a fraction of single POSTs (no HTTP request per plan) yet goes through the
// same validation and event log, so the data set is what clients would have made.
const populateCommand = "populate"

type populateOptions struct {
	url      string
	token    string
	org      string
	plans    int
	jobLines int
	seed     uint64
	poll     time.Duration
}

func parsePopulateOptions(args []string, stderr io.Writer) (*populateOptions, error) {
	o := &populateOptions{}
	fs := flag.NewFlagSet("planbench "+populateCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tokenFile string
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the planstore to fill (a serve or command-api that takes imports)")
	fs.StringVar(&o.token, "token", "", "bearer token with plans:write (default: --token-file, else $"+tokenEnv+")")
	fs.StringVar(&tokenFile, "token-file", "", "file holding the bearer token")
	fs.StringVar(&o.org, "org", "", "organisation of the plans (default: the first of the token's org claim, else example.com)")
	fs.IntVar(&o.plans, "plans", 100000, "plans to create")
	fs.IntVar(&o.jobLines, "job-lines", 100000, "plans per import job (each job is one upload, gzipped on the way)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the plans' contents; ids stay unique per run")
	fs.DurationVar(&o.poll, "poll", time.Second, "how often to ask a job for its progress")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.token, err = resolveToken(o.token, tokenFile); err != nil {
		return nil, err
	}
	if o.plans < 1 || o.jobLines < 1 || o.poll <= 0 {
		return nil, errors.New("--plans, --job-lines and --poll must be positive")
	}
	return o, nil
}

// runPopulate imports o.plans generated plans, one job of o.jobLines after the other,
// and fails unless every line was created.
func runPopulate(ctx context.Context, o *populateOptions, stdout, stderr io.Writer) error {
	gen, err := plangen.New(plangen.NewRunID())
	if err != nil {
		return err
	}
	org := runOrg(&options{org: o.org, token: o.token})
	gen.InOrg(org)
	r := rand.New(rand.NewPCG(o.seed, o.seed^0x9e3779b97f4a7c15))
	start := time.Now()
	for done := 0; done < o.plans; {
		n := min(o.jobLines, o.plans-done)
		st, err := importJob(ctx, o, gen, r, n, stderr)
		if err != nil {
			return err
		}
		if st.State != imports.StateSucceeded || st.Counts["created"] != int64(n) {
			return fmt.Errorf("import job ended %s with counts %v (want %d created): %s", st.State, st.Counts, n, st.Error)
		}
		done += n
		fmt.Fprintf(stderr, "populate: %d/%d plans, %.0f plans/s overall\n", done, o.plans, float64(done)/time.Since(start).Seconds())
	}
	took := time.Since(start)
	// Every job created all its lines (checked above), so o.plans were created.
	fmt.Fprintf(stdout, "populate: %d plans created in %s (%.0f plans/s), run %s, org %s\n",
		o.plans, took.Round(time.Millisecond), float64(o.plans)/took.Seconds(), gen.RunID(), org)
	return nil
}

// importJob uploads n plans as one gzipped NDJSON stream, generated while it is sent,
// and follows the job to its end.
func importJob(ctx context.Context, o *populateOptions, gen *plangen.Generator, r *rand.Rand, n int, stderr io.Writer) (imports.Status, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writePlans(pw, gen, r, n)) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.url, "/")+"/v1/imports?mode=create", pr)
	if err != nil {
		return imports.Status{}, err
	}
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Content-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return imports.Status{}, fmt.Errorf("POST /v1/imports: %w", err)
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, errorBodyLimit))
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return imports.Status{}, fmt.Errorf("POST /v1/imports: %d %s", res.StatusCode, body)
	}
	location := res.Header.Get("Location")
	var st imports.Status
	for !st.State.Final() {
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(o.poll):
		}
		if st, err = jobStatus(ctx, o, location); err != nil {
			return st, err
		}
		fmt.Fprintf(stderr, "populate: job %s %s: %d/%d lines, %.0f lines/s\n", location, st.State, st.Processed, st.Lines, st.Rate)
	}
	return st, nil
}

// errorBodyLimit keeps enough of an error answer for its problem detail.
const errorBodyLimit = 4 << 10

func writePlans(w io.Writer, gen *plangen.Generator, r *rand.Rand, n int) error {
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriterSize(zw, 64<<10)
	for range n {
		p, err := gen.Plan(r)
		if err != nil {
			return err
		}
		if _, err := bw.Write(p.Body); err != nil {
			return err // the upload ended: the POST reports why
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func jobStatus(ctx context.Context, o *populateOptions, location string) (imports.Status, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(o.url, "/")+location, nil)
	if err != nil {
		return imports.Status{}, err
	}
	req.Header.Set("Authorization", "Bearer "+o.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return imports.Status{}, fmt.Errorf("GET %s: %w", location, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, errorBodyLimit))
		return imports.Status{}, fmt.Errorf("GET %s: %d %s", location, res.StatusCode, body)
	}
	var st imports.Status
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return imports.Status{}, fmt.Errorf("GET %s: %w", location, err)
	}
	return st, nil
}
