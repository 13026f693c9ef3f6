package auth

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyToken feeds arbitrary strings to the dev verifier. It must never
// panic, and it must accept nothing but what the data dir's key signed: the
// signature covers the literal "header.payload" text, so an accepted token
// must carry exactly the signing input of a token we minted.
func FuzzVerifyToken(f *testing.F) {
	v, dir := freshDevVerifier(f)
	signed := map[string]bool{}
	for _, scopes := range [][]string{{ScopeRead}, {ScopeRead, ScopeWrite, ScopeAdmin}, nil} {
		tok, err := MintDevToken(dir, "fuzz", scopes, 24*time.Hour)
		if err != nil {
			f.Fatal(err)
		}
		parts := strings.Split(tok, ".")
		signed[parts[0]+"."+parts[1]] = true
		f.Add(tok)
		f.Add(parts[0] + "." + parts[1] + ".")
		f.Add(parts[0] + "." + parts[1])
		f.Add(tok + "A")
		f.Add(strings.Replace(tok, ".", "..", 1))
		f.Add(parts[1] + "." + parts[0] + "." + parts[2])
		f.Add("eyJhbGciOiJub25lIn0." + parts[1] + ".")
	}
	other, err := MintDevToken(f.TempDir(), "other", []string{ScopeAdmin}, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(other)
	for _, s := range []string{"", ".", "..", "a.b.c", "eyJ.eyJ.eyJ", strings.Repeat("A", MaxTokenBytes+1), "\x00\xff"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		p, err := v.Verify(context.Background(), raw)
		if err != nil {
			return
		}
		parts := strings.Split(raw, ".")
		if len(parts) != 3 || !signed[parts[0]+"."+parts[1]] {
			t.Fatalf("accepted a token the key never signed: %q -> %+v", raw, p)
		}
	})
}

// FuzzBearerToken feeds arbitrary Authorization values to BearerToken. It
// must never panic, and whatever it returns must be a bounded token68 value
// that really followed a Bearer scheme in the header.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{
		"Bearer abc.def.ghi", "bearer x", "BEARER  y==", "Basic dXNlcg==", "Bearer", "Bearer ",
		"Bearer a b", "Bearer\ta", " Bearer z ", "Bearer ===", "Bearer a=b", "Bearer \x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Authorization": {header}}}
		token, err := BearerToken(r)
		if err != nil {
			if token != "" {
				t.Fatalf("error %v came with token %q", err, token)
			}
			return
		}
		trimmed := strings.Trim(header, " \t")
		if len(trimmed) < 7 || !strings.EqualFold(trimmed[:7], "Bearer ") {
			t.Fatalf("token %q from a header without the Bearer scheme: %q", token, header)
		}
		if !strings.HasSuffix(trimmed, token) || strings.TrimLeft(trimmed[7:], " ") != token {
			t.Fatalf("token %q is not what followed the scheme in %q", token, header)
		}
		if token == "" || len(token) > MaxTokenBytes || !isToken68(token) {
			t.Fatalf("returned token %q is empty, too large or not token68", token)
		}
		if strings.ContainsAny(token, " \t\r\n\x00") {
			t.Fatalf("token %q holds whitespace or NUL", token)
		}
	})
}
