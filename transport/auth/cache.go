package auth

import (
	"container/list"
	"context"
	"crypto/sha256"
	"slices"
	"sync"
	"time"

	"github.com/planstore/planstore/internal/defaults"
)

const (
	// DefaultCacheSize bounds the caching verifier when no size is given.
	DefaultCacheSize = 10_000
	// MaxCacheTTL bounds how long a verified token is trusted without
	// looking at it again, so a key removed from the issuer's JWKS stops
	// working within this time even for tokens already seen.
	MaxCacheTTL = 5 * time.Minute
)

// CachingVerifier remembers successful verifications so that a client
// sending the same token on every request pays for the signature check once.
//
// Entries are keyed by the SHA-256 of the token (the cache never holds a
// usable credential), live until the token's exp or MaxCacheTTL, whichever
// comes first, and the least recently used entry is evicted when full.
// Failures are not cached: a refused token costs a verification each time,
// but nothing an attacker sends can fill the cache, and a token refused for
// a not-yet-fetched key succeeds as soon as the key is known.
type CachingVerifier struct {
	next Verifier
	size int
	now  func() time.Time // replaced in tests

	mu      sync.Mutex
	entries map[[sha256.Size]byte]*list.Element // values are *cacheEntry
	recency *list.List                          // front = most recently used
}

type cacheEntry struct {
	key       [sha256.Size]byte
	principal Principal
	expires   time.Time
}

// NewCachingVerifier wraps v (not nil) with a cache of at most size entries;
// size <= 0 means DefaultCacheSize.
func NewCachingVerifier(v Verifier, size int) *CachingVerifier {
	size = defaults.Positive(size, DefaultCacheSize)
	return &CachingVerifier{
		next:    v,
		size:    size,
		now:     time.Now,
		entries: make(map[[sha256.Size]byte]*list.Element),
		recency: list.New(),
	}
}

// Verify answers from the cache when it can and asks the wrapped verifier
// otherwise.
func (c *CachingVerifier) Verify(ctx context.Context, rawToken string) (Principal, error) {
	if rawToken == "" || len(rawToken) > MaxTokenBytes {
		// Not worth hashing; the wrapped verifier refuses it cheaply.
		return c.next.Verify(ctx, rawToken)
	}
	// Hash from a stack buffer: []byte(rawToken) would allocate a copy of every token
	// (a JWT is longer than the runtime's 32-byte scratch space) on every request.
	var buf [2048]byte
	key := sha256.Sum256(append(buf[:0], rawToken...))
	now := c.now()
	if p, ok := c.lookup(key, now); ok {
		return p, nil
	}
	p, err := c.next.Verify(ctx, rawToken)
	if err != nil {
		return Principal{}, err
	}
	expires := now.Add(MaxCacheTTL)
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(expires) {
		expires = p.ExpiresAt
	}
	if expires.After(now) {
		c.store(key, p, expires)
	}
	return p, nil
}

// Len returns the number of cached entries, expired ones included until
// they are looked up or evicted.
func (c *CachingVerifier) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recency.Len()
}

func (c *CachingVerifier) lookup(key [sha256.Size]byte, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	elem, ok := c.entries[key]
	if !ok {
		return Principal{}, false
	}
	entry := elem.Value.(*cacheEntry)
	if !now.Before(entry.expires) {
		c.remove(elem)
		return Principal{}, false
	}
	c.recency.MoveToFront(elem)
	p := entry.principal
	// The cached slices are shared by every hit; hand out copies so one
	// caller's append or sort cannot change another's grants. (Access keeps
	// its organisations to itself and never changes them.)
	p.Scopes = slices.Clone(p.Scopes)
	p.Orgs = slices.Clone(p.Orgs)
	return p, true
}

func (c *CachingVerifier) store(key [sha256.Size]byte, p Principal, expires time.Time) {
	p.Scopes, p.Orgs = slices.Clone(p.Scopes), slices.Clone(p.Orgs) // the caller keeps the ones it got
	c.mu.Lock()
	defer c.mu.Unlock()
	if elem, ok := c.entries[key]; ok {
		entry := elem.Value.(*cacheEntry)
		entry.principal, entry.expires = p, expires
		c.recency.MoveToFront(elem)
		return
	}
	c.entries[key] = c.recency.PushFront(&cacheEntry{key: key, principal: p, expires: expires})
	for c.recency.Len() > c.size {
		c.remove(c.recency.Back())
	}
}

func (c *CachingVerifier) remove(elem *list.Element) {
	delete(c.entries, elem.Value.(*cacheEntry).key)
	c.recency.Remove(elem)
}

func (c *CachingVerifier) tokenOptional() bool { return isTokenOptional(c.next) }
