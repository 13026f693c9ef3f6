package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingVerifier passes through to a real verifier and counts the calls
// that reach it.
type countingVerifier struct {
	next  Verifier
	calls atomic.Int64
}

func (c *countingVerifier) Verify(ctx context.Context, raw string) (Principal, error) {
	c.calls.Add(1)
	return c.next.Verify(ctx, raw)
}

// wantCalls fails the test unless want calls reached the verifier; why is what the
// count shows.
func (c *countingVerifier) wantCalls(t testing.TB, want int64, why string) {
	t.Helper()
	if n := c.calls.Load(); n != want {
		t.Fatalf("verifier called %d times, want %d (%s)", n, want, why)
	}
}

// newCachingDev is a cache in front of a counting dev verifier, on a fake clock.
func newCachingDev(t testing.TB) (*CachingVerifier, *countingVerifier, string, *fakeClock) {
	t.Helper()
	counting, dir := newCountingDev(t)
	c := NewCachingVerifier(counting, 0)
	clock := newFakeClock()
	c.now = clock.Now
	return c, counting, dir, clock
}

func newCountingDev(t testing.TB) (*countingVerifier, string) {
	t.Helper()
	v, dir := freshDevVerifier(t)
	return &countingVerifier{next: v}, dir
}

func mustVerify(t testing.TB, v Verifier, token string) Principal {
	t.Helper()
	p, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("good token refused: %v", err)
	}
	return p
}

func mint(t testing.TB, dir, sub string, ttl time.Duration, scopes ...string) string {
	t.Helper()
	tok, err := MintDevToken(dir, sub, scopes, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestCacheSecondVerificationSkipsVerifier(t *testing.T) {
	counting, dir := newCountingDev(t)
	c := NewCachingVerifier(counting, 0)
	token := mint(t, dir, "alice", time.Hour, ScopeRead)
	for i := range 3 {
		p, err := c.Verify(context.Background(), token)
		if err != nil || p.Subject != "alice" || !p.HasScope(ScopeRead) {
			t.Fatalf("call %d: %+v, %v", i, p, err)
		}
	}
	counting.wantCalls(t, 1, "one token is verified once")
}

func TestCacheEntryExpiresWithToken(t *testing.T) {
	c, counting, dir, clock := newCachingDev(t)

	short := mint(t, dir, "alice", time.Minute, ScopeRead)
	mustVerify(t, c, short)
	mustVerify(t, c, short)
	counting.wantCalls(t, 1, "the entry is served while the token is valid")
	// Past the token's exp the entry is not served; the verifier decides
	// again (here, still inside its leeway, so it accepts).
	clock.Advance(61 * time.Second)
	if _, err := c.Verify(context.Background(), short); err != nil {
		t.Fatal(err)
	}
	counting.wantCalls(t, 2, "an expired entry was served")
}

func TestCacheEntryExpiresAfterMaxTTL(t *testing.T) {
	c, counting, dir, clock := newCachingDev(t)

	long := mint(t, dir, "alice", 24*time.Hour, ScopeRead)
	mustVerify(t, c, long)
	clock.Advance(MaxCacheTTL - time.Second)
	mustVerify(t, c, long)
	counting.wantCalls(t, 1, "the entry is served within MaxCacheTTL")
	clock.Advance(2 * time.Second)
	mustVerify(t, c, long)
	counting.wantCalls(t, 2, "the entry is dropped after MaxCacheTTL")
}

func TestCacheDoesNotCacheFailures(t *testing.T) {
	counting, _ := newCountingDev(t)
	c := NewCachingVerifier(counting, 0)
	for range 3 {
		if _, err := c.Verify(context.Background(), "not.a.token"); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("err = %v", err)
		}
	}
	counting.wantCalls(t, 3, "a failure was cached")
	if c.Len() != 0 {
		t.Fatalf("cache holds %d entries after failures only", c.Len())
	}
}

func TestCacheIsBoundedAndEvictsLeastRecentlyUsed(t *testing.T) {
	counting, dir := newCountingDev(t)
	c := NewCachingVerifier(counting, 2)
	a := mint(t, dir, "a", time.Hour)
	b := mint(t, dir, "b", time.Hour)
	d := mint(t, dir, "d", time.Hour)
	mustVerify(t, c, a)
	mustVerify(t, c, b)
	mustVerify(t, c, a) // a is now the most recently used
	mustVerify(t, c, d) // evicts b
	if c.Len() != 2 {
		t.Fatalf("Len = %d, want 2", c.Len())
	}
	before := counting.calls.Load()
	mustVerify(t, c, a)
	if counting.calls.Load() != before {
		t.Fatal("a was evicted although b was older")
	}
	mustVerify(t, c, b)
	if counting.calls.Load() != before+1 {
		t.Fatal("b was still cached beyond the bound")
	}
}

func TestCacheHandsOutIndependentScopes(t *testing.T) {
	counting, dir := newCountingDev(t)
	c := NewCachingVerifier(counting, 0)
	token := mint(t, dir, "a", time.Hour, ScopeRead)
	p, _ := c.Verify(context.Background(), token)
	p.Scopes[0] = ScopeAdmin
	again, _ := c.Verify(context.Background(), token)
	if again.HasScope(ScopeAdmin) || !again.HasScope(ScopeRead) {
		t.Fatalf("a caller's change leaked into the cache: %q", again.Scopes)
	}
}

func TestCacheConcurrentUse(t *testing.T) {
	counting, dir := newCountingDev(t)
	c := NewCachingVerifier(counting, 8)
	tokens := make([]string, 16)
	for i := range tokens {
		tokens[i] = mint(t, dir, fmt.Sprint("user", i), time.Hour, ScopeRead)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				tok := tokens[(g+i)%len(tokens)]
				p, err := c.Verify(context.Background(), tok)
				if err != nil || !p.HasScope(ScopeRead) {
					t.Errorf("%+v, %v", p, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if c.Len() > 8 {
		t.Fatalf("Len = %d beyond the bound of 8", c.Len())
	}
}
