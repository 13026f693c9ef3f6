package auth

import (
	"context"
	"testing"
	"time"
)

// BenchmarkVerifyCached is the hot path: the same token on every request.
func BenchmarkVerifyCached(b *testing.B) {
	dev, dir := freshDevVerifier(b)
	v := NewCachingVerifier(dev, 0)
	token := mint(b, dir, "bench", time.Hour, ScopeRead, ScopeWrite)
	ctx := context.Background()
	if _, err := v.Verify(ctx, token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUncached is a full ES256 (dev mode) verification.
func BenchmarkVerifyUncached(b *testing.B) {
	v, dir := freshDevVerifier(b)
	token := mint(b, dir, "bench", time.Hour, ScopeRead, ScopeWrite)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyUncachedOIDC verifies RS256 and ES256 tokens against keys
// from a loopback issuer's JWKS (already fetched).
func BenchmarkVerifyUncachedOIDC(b *testing.B) {
	rsaKey, ecKey, _ := sharedKeys(b)
	iss := newTestIssuer(b, rsaKey, ecKey)
	v := newOIDC(b, iss, nil)
	for _, k := range []testKey{rsaKey, ecKey} {
		b.Run(k.alg, func(b *testing.B) {
			token := sign(b, k, goodClaims(iss.URL()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(context.Background(), token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
