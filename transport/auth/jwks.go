package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"

	"github.com/planstore/planstore/internal/periodic"
)

const (
	// maxJWKSBytes bounds a JWKS response; real ones are a few KiB.
	maxJWKSBytes = 1 << 20
	// minRSABits refuses keys too short to trust, whatever the issuer says.
	minRSABits = 2048
	// fetchTimeout bounds one discovery or JWKS request even when the
	// configured HTTP client has no timeout of its own.
	fetchTimeout = 10 * time.Second
)

// jwksCache is the jwkset.Storage behind the OIDC verifier's keyfunc. It
// keeps the issuer's keys in memory, refreshes them periodically, and on a
// token whose kid it does not know fetches the set again, at most once per
// unknownKIDGap.
//
// It replaces jwkset's HTTP client storage (which keyfunc.NewDefault uses)
// for three reasons: that storage makes callers *wait* on its rate limiter,
// so a burst of tokens with made-up kids stalls request goroutines for up to
// RateLimitWaitMax; its wait timeout also cuts the fetch itself short; and it
// reads JWKS bodies without a size limit. Here a rate-limited miss fails at
// once, and fetches are bounded in time and size.
type jwksCache struct {
	*jwkset.MemoryJWKSet // every Storage method but KeyRead

	url           string
	client        *http.Client
	unknownKIDGap time.Duration
	now           func() time.Time // replaced in tests

	fetchMu        sync.Mutex // one fetch at a time
	lastUnknownKID time.Time  // guarded by fetchMu
	// generation counts successful fetches, so a caller that missed can
	// tell whether the set changed while it waited for fetchMu.
	generation atomic.Uint64
}

func newJWKSCache(url string, client *http.Client, unknownKIDGap time.Duration) *jwksCache {
	return &jwksCache{
		MemoryJWKSet:  jwkset.NewMemoryStorage(),
		url:           url,
		client:        client,
		unknownKIDGap: unknownKIDGap,
		now:           time.Now,
	}
}

// KeyRead returns the key with kid, refreshing the set once if it is unknown
// and the rate limit allows.
func (c *jwksCache) KeyRead(ctx context.Context, kid string) (jwkset.JWK, error) {
	seen := c.generation.Load()
	key, err := c.MemoryJWKSet.KeyRead(ctx, kid)
	if !errors.Is(err, jwkset.ErrKeyNotFound) {
		return key, err
	}
	if !c.refreshForUnknownKID(ctx, seen) {
		return jwkset.JWK{}, err
	}
	return c.MemoryJWKSet.KeyRead(ctx, kid)
}

// refreshForUnknownKID reports whether the key set changed since generation
// seen, either because this call fetched it or because another goroutine did
// meanwhile. Concurrent misses thus cause one fetch, not one each.
func (c *jwksCache) refreshForUnknownKID(ctx context.Context, seen uint64) bool {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	if c.generation.Load() != seen {
		return true
	}
	now := c.now()
	if !c.lastUnknownKID.IsZero() && now.Sub(c.lastUnknownKID) < c.unknownKIDGap {
		return false
	}
	c.lastUnknownKID = now
	return c.fetchLocked(ctx) == nil
}

// refresh fetches the set now; used at startup and by the periodic refresher.
func (c *jwksCache) refresh(ctx context.Context) error {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	return c.fetchLocked(ctx)
}

// runPeriodicRefresh refreshes every interval until ctx ends, so revoked keys
// disappear even if no unknown kid ever shows up. A failed refresh keeps the
// previous keys: an issuer outage must not log everyone out.
func (c *jwksCache) runPeriodicRefresh(ctx context.Context, interval time.Duration, onError func(error)) {
	periodic.Every(ctx, interval, func() {
		if err := c.refresh(ctx); err != nil && onError != nil {
			onError(err)
		}
	})
}

func (c *jwksCache) fetchLocked(ctx context.Context) error {
	keys, err := fetchJWKS(ctx, c.client, c.url)
	if err != nil {
		return err
	}
	if err := c.KeyReplaceAll(ctx, keys); err != nil {
		return fmt.Errorf("store JWKS from %s: %w", c.url, err)
	}
	c.generation.Add(1)
	return nil
}

// fetchJWKS downloads a JWK Set and keeps the keys usable for RS256 or ES256.
// Other keys (encryption keys, symmetric keys, other curves) are skipped
// rather than failing the whole set, as long as one usable key remains.
func fetchJWKS(ctx context.Context, client *http.Client, url string) ([]jwkset.JWK, error) {
	var set jwkset.JWKSMarshal
	if err := getJSON(ctx, client, url, maxJWKSBytes, &set); err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	var usable []jwkset.JWK
	for _, m := range set.Keys {
		if m.USE == jwkset.UseEnc {
			continue
		}
		// Private: false ignores any private members a misconfigured
		// issuer might publish, and refuses symmetric ("oct") keys.
		jwk, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil || !isUsableSigningKey(jwk.Key()) {
			continue
		}
		usable = append(usable, jwk)
	}
	if len(usable) == 0 {
		return nil, fmt.Errorf("JWKS at %s has no usable RS256 or ES256 signing key", url)
	}
	return usable, nil
}

func isUsableSigningKey(key any) bool {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return k.N != nil && k.N.BitLen() >= minRSABits
	case *ecdsa.PublicKey:
		return k.Curve == elliptic.P256()
	default:
		return false
	}
}

// getJSON GETs url and decodes at most limit bytes of JSON into v.
func getJSON(ctx context.Context, client *http.Client, url string, limit int64, v any) error {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("GET %s: read body: %w", url, err)
	}
	if int64(len(body)) > limit {
		return fmt.Errorf("GET %s: body larger than %d bytes", url, limit)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: decode JSON: %w", url, err)
	}
	return nil
}
