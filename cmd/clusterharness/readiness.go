package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readySample is one answer of a role's /readyz.
type readySample struct {
	At     time.Time
	Status int // 0: no answer
	// NotListening: the connection was refused, i.e. the process was not running (a
	// role that exited on purpose, between its exit and its restart).
	NotListening bool
	// Summary names what the role said was down ("event_store, bus"), or the error.
	Summary string
	Took    time.Duration
}

// readyzTimeout: a /readyz that takes longer than this is not telling anything.
const readyzTimeout = 3 * time.Second

func probeReady(ctx context.Context, c *http.Client, r *role) readySample {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, readyzTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL()+"/readyz", nil)
	res, err := c.Do(req)
	if err != nil {
		return readySample{At: start, Summary: "no answer: " + shortErr(err), Took: time.Since(start),
			NotListening: errors.Is(err, syscall.ECONNREFUSED)}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return readySample{At: start, Status: res.StatusCode, Summary: downParts(body), Took: time.Since(start)}
}

// downParts lists the backends and consumers a /readyz body says are not ok.
func downParts(body []byte) string {
	var r struct {
		Backends  map[string]string `json:"backends"`
		Consumers map[string]string `json:"consumers"`
	}
	if json.Unmarshal(body, &r) != nil {
		return "unparsable body"
	}
	var down []string
	for name, v := range r.Backends {
		if v != "ok" {
			down = append(down, name)
		}
	}
	for name, v := range r.Consumers {
		if v != "ok" {
			down = append(down, "consumer "+name)
		}
	}
	sort.Strings(down)
	return strings.Join(down, ", ")
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s) > 80 {
		s = s[i+2:]
	}
	return s
}

// readinessLog keeps every sample of every role, taken once a second for the whole
// run, so each fault's phase can be judged afterwards.
type readinessLog struct {
	mu      sync.Mutex
	samples map[string][]readySample
}

func newReadinessLog() *readinessLog { return &readinessLog{samples: map[string][]readySample{}} }

// sample probes every role once a second until ctx ends.
func (l *readinessLog) sample(ctx context.Context, roles []*role) {
	c := &http.Client{Timeout: readyzTimeout}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var wg sync.WaitGroup
		for _, r := range roles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := probeReady(ctx, c, r)
				if ctx.Err() != nil {
					return
				}
				l.mu.Lock()
				l.samples[r.Name] = append(l.samples[r.Name], s)
				l.mu.Unlock()
			}()
		}
		wg.Wait()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// readyVerdict is what one role's /readyz said during one phase.
type readyVerdict struct {
	Ready, NotReady, NoAnswer, NotRunning int
	Down                                  map[string]int // what it named, how often
	// ReadyWhileFailing: seconds it said ready while every request to it failed (two at
	// least, so a second's boundary does not make a lie of one unlucky request);
	// NotReadyWhileServing: seconds it said not ready while every request to it worked.
	ReadyWhileFailing, NotReadyWhileServing int
	// Back: it answered 200 again by the end of the phase.
	Back bool
}

func (v readyVerdict) String() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("200x%d", v.Ready))
	if v.NotReady > 0 {
		var named []string
		for k, n := range v.Down {
			named = append(named, fmt.Sprintf("%s x%d", k, n))
		}
		sort.Strings(named)
		parts = append(parts, fmt.Sprintf("503x%d (%s)", v.NotReady, strings.Join(named, "; ")))
	}
	if v.NotRunning > 0 {
		parts = append(parts, fmt.Sprintf("not running x%d", v.NotRunning))
	}
	if v.NoAnswer > 0 {
		parts = append(parts, fmt.Sprintf("no answer x%d", v.NoAnswer))
	}
	if v.ReadyWhileFailing > 0 {
		parts = append(parts, fmt.Sprintf("READY while failing %ds", v.ReadyWhileFailing))
	}
	if v.NotReadyWhileServing > 0 {
		parts = append(parts, fmt.Sprintf("503 while serving %ds", v.NotReadyWhileServing))
	}
	return strings.Join(parts, ", ")
}

// verdict judges one role in one phase against what its requests saw.
func (l *readinessLog) verdict(r *role, p phase, cnt *counters) readyVerdict {
	l.mu.Lock()
	samples := append([]readySample(nil), l.samples[r.Name]...)
	l.mu.Unlock()
	v := readyVerdict{Down: map[string]int{}}
	var last readySample
	for _, s := range samples {
		if s.At.Before(p.Start) || (!p.End.IsZero() && !s.At.Before(p.End)) {
			continue
		}
		last = s
		serving := cnt.second(r.Name, s.At.Unix())
		switch s.Status {
		case http.StatusOK:
			v.Ready++
			if serving.failed > 1 && serving.ok == 0 {
				v.ReadyWhileFailing++
			}
		case 0:
			if s.NotListening {
				v.NotRunning++
			} else {
				v.NoAnswer++
			}
		default:
			v.NotReady++
			v.Down[s.Summary]++
			if serving.ok > 0 && serving.failed == 0 {
				v.NotReadyWhileServing++
			}
		}
	}
	v.Back = last.Status == http.StatusOK
	return v
}
