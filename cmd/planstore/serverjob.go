package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// import and replay --server start a job on a server and follow it until it ends.

// answer is what the CLI needs of an HTTP response, read whole and closed.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func send(ctx context.Context, client *http.Client, method, url, token string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w (is the server running? --server, --addr)", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answer{status: resp.StatusCode, header: resp.Header, body: body}, err
}

// problemError turns a problem+json answer into an error a person can act on.
func problemError(a answer) error {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(a.body, &p) == nil && p.Title != "" {
		return fmt.Errorf("server answered %d: %s: %s", a.status, p.Title, p.Detail)
	}
	return fmt.Errorf("server answered %d: %s", a.status, bytes.TrimSpace(a.body))
}

// acceptedJob decodes the job a server accepted and where to follow it: the answer's
// Location, else jobs followed by the job's id.
func acceptedJob[S any](a answer, what, jobs string, id func(S) string) (S, string, error) {
	var st S
	if err := json.Unmarshal(a.body, &st); err != nil {
		return st, "", fmt.Errorf("%s answer: %w", what, err)
	}
	location := a.header.Get("Location")
	if location == "" {
		location = jobs + id(st)
	}
	return st, location, nil
}

// jobStatus asks the server for the status of the job at url.
func jobStatus[S any](ctx context.Context, client *http.Client, url, token, what string) (S, error) {
	var st S
	a, err := send(ctx, client, http.MethodGet, url, token)
	if err != nil {
		return st, err
	}
	if a.status != http.StatusOK {
		return st, problemError(a)
	}
	if err := json.Unmarshal(a.body, &st); err != nil {
		return st, fmt.Errorf("%s status: %w", what, err)
	}
	return st, nil
}
