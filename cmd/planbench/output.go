package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// writeReport prints the report, as JSON with --json and as a table otherwise, and
// saves its JSON to --json-file when given.
func writeReport(opts *options, stdout io.Writer, report any, table func(io.Writer) error) error {
	if opts.jsonFile != "" {
		f, err := os.Create(opts.jsonFile)
		if err != nil {
			return fmt.Errorf("--json-file: %w", err)
		}
		err = writeJSON(f, report)
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("--json-file: %w", cerr)
		}
		if err != nil {
			return err
		}
	}
	if opts.json {
		return writeJSON(stdout, report)
	}
	return table(stdout)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}
