package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/planstore/planstore/cmd/planbench/internal/progress"
)

// tokenEnv is read when neither --token nor --token-file is given; it is the variable
// planstore's own tooling uses.
const tokenEnv = "PLANSTORE_TOKEN"

// options are the flags of both commands.
type options struct {
	url        string
	token      string
	org        string
	clients    int
	duration   time.Duration
	warmup     time.Duration
	timeout    time.Duration
	mix        string
	scenario   string
	plans      int
	json       bool
	jsonFile   string
	seed       uint64
	revalidate float64
	lagSample  float64
	lagPoll    time.Duration
	lagTimeout time.Duration
	serverPID  int
	backendPID []int
	preloadURL string
	progress   progress.Mode
	bareMode   string
	rounds     int
	httpClient string
}

// The --http-client values.
const (
	httpClientWire     = "wire"
	httpClientStandard = "net/http"
)

// defaultClients keeps a 2-core machine busy without drowning it in goroutines; raise
// it on bigger machines.
func defaultClients() int { return max(16, 8*runtime.GOMAXPROCS(0)) }

func parseOptions(command string, args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("planbench "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tokenFile, progressMode string
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the planstore to drive")
	fs.StringVar(&o.preloadURL, "preload-url", "", "base URL the preload creates its plans through (default: --url); for a query-api, which takes no writes, give a command-api")
	fs.StringVar(&o.token, "token", "", "bearer token (default: --token-file, else $"+tokenEnv+")")
	fs.StringVar(&tokenFile, "token-file", "", "file holding the bearer token")
	fs.StringVar(&o.org, "org", "", "organisation the run writes in, one of the token's (default: the first of the token's org claim, else example.com, the server's default organisation)")
	fs.IntVar(&o.clients, "clients", defaultClients(), "concurrent clients, each sending its next request when the last one is answered")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured window")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the measured window, not recorded")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.StringVar(&o.httpClient, "http-client", httpClientWire, "how requests to an http:// URL are sent: wire (one goroutine a request, as wrk does) or net/http (its Transport, several times the generator's CPU)")
	fs.IntVar(&o.plans, "plans", 1000, "plans to create before the run (scenarios mixed, read, search, and baseline)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON on stdout")
	fs.StringVar(&o.jsonFile, "json-file", "", "also write the JSON report to this file")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the random choices (operations, plan contents); ids stay unique per run")
	fs.Float64Var(&o.revalidate, "revalidate", 0.5, "share of reads sent with If-None-Match of the last ETag seen (0..1)")
	fs.IntVar(&o.serverPID, "server-pid", 0, "pid of the server process, to report its CPU and RSS (Linux)")
	fs.Func("backend-pid", "comma-separated pids of backend processes (redis-server, RabbitMQ's beam.smp), to report their CPU and RSS", func(v string) error {
		for part := range strings.SplitSeq(v, ",") {
			pid, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || pid <= 0 {
				return fmt.Errorf("%q is not a pid", part)
			}
			o.backendPID = append(o.backendPID, pid)
		}
		return nil
	})
	fs.StringVar(&progressMode, "progress", "auto", "progress on stderr: auto, live (rewritten line), lines (every 5 s) or off")
	if command == "baseline" {
		fs.StringVar(&o.bareMode, "bare", bareInProcess, "where the bare handler runs: in-process (beside the generator) or process (a child process, like planstore)")
		fs.IntVar(&o.rounds, "rounds", 1, "alternate planstore and bare runs this many times; the verdict uses the median ratio")
	}
	if command == "run" {
		fs.StringVar(&o.scenario, "scenario", "mixed", "create-only, mixed, read, search or lag")
		fs.StringVar(&o.mix, "mix", "create=40,patch=20,read=30,search=10", "operation weights of the mixed scenario")
		o.lagSample = -1 // the scenario decides
		fs.Func("lag-sample", "share of creates probed for projection lag, 0..1 (default 0.1 in the lag scenario, else 0)", func(v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				return errors.New("want a number within 0..1")
			}
			o.lagSample = f
			return nil
		})
		fs.DurationVar(&o.lagPoll, "lag-poll", 5*time.Millisecond, "how often pending plans are searched for")
		fs.DurationVar(&o.lagTimeout, "lag-timeout", 30*time.Second, "how long a plan may take to become searchable before it counts as not seen")
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.progress = progress.Mode(progressMode)
	var err error
	if o.token, err = resolveToken(o.token, tokenFile); err != nil {
		return nil, err
	}
	return o, o.validate()
}

// resolveToken picks the token: --token, else --token-file, else the environment.
func resolveToken(flagValue, file string) (string, error) {
	switch {
	case flagValue != "":
		return strings.TrimSpace(flagValue), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	default:
		return strings.TrimSpace(os.Getenv(tokenEnv)), nil
	}
}

func (o *options) validate() error {
	var errs []error
	if o.clients < 1 {
		errs = append(errs, errors.New("--clients must be at least 1"))
	}
	if o.duration <= 0 {
		errs = append(errs, errors.New("--duration must be positive"))
	}
	if o.warmup < 0 {
		errs = append(errs, errors.New("--warmup must not be negative"))
	}
	if o.httpClient != httpClientWire && o.httpClient != httpClientStandard {
		errs = append(errs, fmt.Errorf("--http-client %q: want %s or %s", o.httpClient, httpClientWire, httpClientStandard))
	}
	if o.timeout <= 0 {
		errs = append(errs, errors.New("--timeout must be positive"))
	}
	if o.plans < 0 {
		errs = append(errs, errors.New("--plans must not be negative"))
	}
	if o.revalidate < 0 || o.revalidate > 1 {
		errs = append(errs, errors.New("--revalidate must be within 0..1"))
	}
	if o.bareMode != "" && o.bareMode != bareInProcess && o.bareMode != bareProcess {
		errs = append(errs, fmt.Errorf("--bare %q: want %s or %s", o.bareMode, bareInProcess, bareProcess))
	}
	if o.bareMode != "" && o.rounds < 1 {
		errs = append(errs, errors.New("--rounds must be at least 1"))
	}
	if o.scenario != "" && o.lagPoll <= 0 {
		errs = append(errs, errors.New("--lag-poll must be positive"))
	}
	return errors.Join(errs...)
}
