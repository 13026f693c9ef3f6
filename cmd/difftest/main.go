// Command difftest is the long run of the randomized differential tester (package
// projections/difftest): random plans, writes and searches sent to the embedded engine
// and to a real Elasticsearch, divergences shrunk and printed as JSON.
//
//	go run ./cmd/difftest -es http://127.0.0.1:9200 -cases 20000 -seed 7
//
// It exits 1 when the engines disagreed on any case, 2 when the run itself failed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/planstore/planstore/projections/difftest"
)

func main() {
	os.Exit(run())
}

func run() int {
	var (
		es      = flag.String("es", os.Getenv("PLANSTORE_TEST_ES_URL"), "Elasticsearch node URLs, comma-separated (default $PLANSTORE_TEST_ES_URL)")
		cases   = flag.Int("cases", 2000, "searches to generate")
		seed    = flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed (printed, to repeat a run)")
		plans   = flag.Int("plans", 25, "plans created per world")
		changes = flag.Int("changes", 0, "patches, replaces, deletes and re-creates per world (default: as many as plans; -1: none)")
		queries = flag.Int("queries", 250, "searches per world")
		known   = flag.String("known", "default", `divergence classes to tolerate: "default", "all", "none", or a list such as "tokenization,bm25" or "-tokenization" (the default set without it)`)
		noMerge = flag.Bool("no-merge", false, "leave deleted documents in Elasticsearch (scores are then compared only in worlds without updates or deletes)")
		shrink  = flag.Int("shrink", 1, "divergences of each kind to shrink and print")
		trials  = flag.Int("shrink-trials", 60, "index rebuilds one shrink may use")
		prefix  = flag.String("prefix", fmt.Sprintf("difftest-%d", os.Getpid()), "prefix of the index names made on Elasticsearch")
		report  = flag.String("report", "", "write the report (counts and shrunk cases) as JSON to this file")
	)
	flag.Parse()
	if *es == "" {
		fmt.Fprintln(os.Stderr, "difftest: no Elasticsearch: give -es or set PLANSTORE_TEST_ES_URL")
		return 2
	}
	k, err := difftest.ParseKnown(*known)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	engines, err := difftest.NewEngines(*es, *prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(os.Stderr, "difftest: seed %d, %d cases, known %s\n", *seed, *cases, k)
	start := time.Now()
	rep, err := engines.Run(ctx, difftest.Config{
		Seed: *seed, Cases: *cases, Plans: *plans, Changes: *changes, Queries: *queries,
		Known: k, NoMerge: *noMerge, Shrink: *shrink, ShrinkTrials: *trials, Log: os.Stderr,
	})
	fmt.Println(rep.Summary())
	fmt.Printf("took %s\n", time.Since(start).Round(time.Millisecond))
	if *report != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if werr := os.WriteFile(*report, data, 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "difftest:", err)
		return 2
	}
	if rep.Divergences() > 0 {
		return 1
	}
	return 0
}
