package bare

import (
	"encoding/json"
	"fmt"
	"os"
)

// WriteEntries saves plans for a baseline server in another process.
func WriteEntries(path string, plans map[string]Entry) error {
	b, err := json.Marshal(plans)
	if err != nil {
		return fmt.Errorf("encode baseline plans: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("write baseline plans: %w", err)
	}
	return nil
}

// ReadEntries loads plans written by WriteEntries.
func ReadEntries(path string) (map[string]Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline plans: %w", err)
	}
	var plans map[string]Entry
	if err := json.Unmarshal(b, &plans); err != nil {
		return nil, fmt.Errorf("decode baseline plans %s: %w", path, err)
	}
	return plans, nil
}
