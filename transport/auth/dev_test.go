package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

func TestDevTokenRoundTrip(t *testing.T) {
	dir := t.TempDir()
	token, err := MintDevToken(dir, "alice", []string{"plans:read plans:write"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := mustDevVerifier(t, dir)
	p, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("own token refused: %v", err)
	}
	if p.Subject != "alice" || !slices.Equal(p.Scopes, []string{ScopeRead, ScopeWrite}) {
		t.Fatalf("principal = %+v", p)
	}
	if d := time.Until(p.ExpiresAt); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("expires in %s, want about an hour", d)
	}

	// The token carries exactly the claims of the contract.
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(token, claims)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"iss", "aud", "sub", "scope", "iat", "nbf", "exp", "jti"} {
		if _, ok := claims[name]; !ok {
			t.Errorf("claim %q missing", name)
		}
	}
	if claims["iss"] != DevIssuer || claims["aud"] != DevAudience || claims["scope"] != "plans:read plans:write" {
		t.Errorf("claims = %v", claims)
	}
	if tok.Header["alg"] != "ES256" || tok.Header["kid"] == "" {
		t.Errorf("header = %v", tok.Header)
	}
}

func TestDevKeyCreatedOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	// loadKey loads (the first time, creates) the key, and returns it with the file's bytes.
	loadKey := func() (*devKey, []byte) {
		t.Helper()
		k, err := loadOrCreateDevKey(dir)
		if err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(DevKeyPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		return k, file
	}
	first, before := loadKey()
	token, err := MintDevToken(dir, "bob", nil, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	second, after := loadKey()
	if first.kid != second.kid || !bytes.Equal(before, after) {
		t.Fatal("the key changed between uses")
	}
	v := mustDevVerifier(t, dir)
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("token minted before the verifier started refused: %v", err)
	}
	entries, err := os.ReadDir(filepath.Dir(DevKeyPath(dir)))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("auth dir holds %d entries, want only the key (temp files left behind?)", len(entries))
	}
}

func TestDevKeyFilePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	dir := t.TempDir()
	if _, err := NewDevVerifier(dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(DevKeyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	info, err = os.Stat(filepath.Dir(DevKeyPath(dir)))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("key dir mode = %04o, want 0700", perm)
	}

	// A key others can read is refused, with the fix in the message.
	if err := os.Chmod(DevKeyPath(dir), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = NewDevVerifier(dir)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("err = %v, want a refusal suggesting chmod 600", err)
	}
}

func TestDevKeyConcurrentFirstUse(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	kids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := loadOrCreateDevKey(dir)
			errs[i] = err
			if err == nil {
				kids[i] = k.kid
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if kids[i] != kids[0] {
			t.Fatalf("goroutines ended up with different keys: %q vs %q", kids[i], kids[0])
		}
	}
}

// TestDevKeyConcurrentFirstUseAcrossProcesses starts several copies of this
// test binary that race to create the key in one fresh data dir.
func TestDevKeyConcurrentFirstUseAcrossProcesses(t *testing.T) {
	if os.Getenv("PLANSTORE_AUTH_HELPER_DIR") != "" {
		t.Skip("running as helper")
	}
	dir := t.TempDir()
	const n = 6
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range n {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestDevKeyHelperProcess$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "PLANSTORE_AUTH_HELPER_DIR="+dir)
		outs[i] = new(bytes.Buffer)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	kids := map[string]bool{}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if kid, ok := strings.CutPrefix(line, "KID="); ok {
				kids[kid] = true
			}
		}
	}
	k, err := loadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 1 || !kids[k.kid] {
		t.Fatalf("processes saw keys %v, the file holds %q", kids, k.kid)
	}
}

func TestDevKeyHelperProcess(t *testing.T) {
	dir := os.Getenv("PLANSTORE_AUTH_HELPER_DIR")
	if dir == "" {
		t.Skip("only runs as a helper process")
	}
	k, err := loadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("KID=%s\n", k.kid)
}

func TestDevVerifierRefusesOtherKeys(t *testing.T) {
	v, dir := freshDevVerifier(t)
	ours, err := loadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	other, err := MintDevToken(t.TempDir(), "mallory", []string{ScopeAdmin}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Verify(context.Background(), other)
	assertSafeRefusal(t, err, "unknown signing key", dir)

	// Another key that claims our kid.
	stranger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{"iss": DevIssuer, "aud": DevAudience, "sub": "mallory",
		"scope": ScopeAdmin, "exp": time.Now().Add(time.Hour).Unix()}
	_, err = v.Verify(context.Background(), sign(t, testKey{kid: ours.kid, alg: "ES256", private: stranger}, claims))
	assertSafeRefusal(t, err, "invalid signature", dir)

	// Our key, but another issuer.
	_, err = v.Verify(context.Background(), sign(t, testKey{kid: ours.kid, alg: "ES256", private: ours.private},
		jwt.MapClaims{"iss": "someone-else", "aud": DevAudience, "sub": "x", "exp": time.Now().Add(time.Hour).Unix()}))
	assertSafeRefusal(t, err, "wrong issuer", dir)

	// RS256 is not a dev-mode algorithm, even naming our kid.
	rsaKey, _, _ := sharedKeys(t)
	rsaKey.kid = ours.kid
	_, err = v.Verify(context.Background(), sign(t, rsaKey, claims))
	assertSafeRefusal(t, err, "algorithm not allowed", dir)

	expired := jwt.MapClaims{"iss": DevIssuer, "aud": DevAudience, "sub": "x", "exp": time.Now().Add(-time.Hour).Unix()}
	_, err = v.Verify(context.Background(), sign(t, testKey{kid: ours.kid, alg: "ES256", private: ours.private}, expired))
	assertSafeRefusal(t, err, "token expired", dir)
}

func TestMintDevTokenValidatesInput(t *testing.T) {
	dir := t.TempDir()
	for name, mint := range map[string]func() (string, error){
		"empty subject":  func() (string, error) { return MintDevToken(dir, " ", nil, time.Hour) },
		"zero ttl":       func() (string, error) { return MintDevToken(dir, "a", nil, 0) },
		"unknown scope":  func() (string, error) { return MintDevToken(dir, "a", []string{"plans:raed"}, time.Hour) },
		"no data dir":    func() (string, error) { return MintDevToken("", "a", nil, time.Hour) },
		"corrupt key":    func() (string, error) { return MintDevToken(corruptKeyDir(t), "a", nil, time.Hour) },
		"negative ttl":   func() (string, error) { return MintDevToken(dir, "a", nil, -time.Second) },
		"scope with tab": func() (string, error) { return MintDevToken(dir, "a", []string{"plans:read\tnope"}, time.Hour) },
	} {
		if tok, err := mint(); err == nil {
			t.Errorf("%s: minted %q, want an error", name, tok)
		}
	}
}

func corruptKeyDir(t *testing.T) string {
	dir := t.TempDir()
	path := DevKeyPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestThumbprintMatchesRFC7638 recomputes the thumbprint from the JWK that
// the jwkset library produces for the same key.
func TestThumbprintMatchesRFC7638(t *testing.T) {
	key, err := loadOrCreateDevKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jwkset.NewJWKFromKey(&key.private.PublicKey, jwkset.JWKOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := jwk.Marshal()
	canonical := `{"crv":"` + string(m.CRV) + `","kty":"` + string(m.KTY) + `","x":"` + m.X + `","y":"` + m.Y + `"}`
	sum := sha256.Sum256([]byte(canonical))
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); key.kid != want {
		t.Fatalf("kid = %q, want %q", key.kid, want)
	}
}

// mustDevVerifier is the dev verifier of the data dir, failing the test if it cannot start.
func mustDevVerifier(t testing.TB, dir string) *DevVerifier {
	t.Helper()
	v, err := NewDevVerifier(dir)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// freshDevVerifier is the dev verifier of a new data dir, and that dir.
func freshDevVerifier(t testing.TB) (*DevVerifier, string) {
	t.Helper()
	dir := t.TempDir()
	return mustDevVerifier(t, dir), dir
}
