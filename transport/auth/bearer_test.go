package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tok := "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	tests := []struct {
		name    string
		headers []string // Authorization values; nil means none
		want    string
		wantErr error
	}{
		{"canonical", []string{"Bearer " + tok}, tok, nil},
		{"lower-case scheme", []string{"bearer " + tok}, tok, nil},
		{"upper-case scheme", []string{"BEARER " + tok}, tok, nil},
		{"several spaces", []string{"Bearer    " + tok}, tok, nil},
		{"surrounding whitespace", []string{"  Bearer " + tok + " \t"}, tok, nil},
		{"token68 padding", []string{"Bearer abc=="}, "abc==", nil},
		{"no header", nil, "", ErrMissingToken},
		{"empty header", []string{""}, "", ErrMissingToken},
		{"only spaces", []string{"   "}, "", ErrMissingToken},
		{"scheme only", []string{"Bearer"}, "", ErrInvalidToken},
		{"scheme and space", []string{"Bearer "}, "", ErrInvalidToken},
		{"basic auth", []string{"Basic dXNlcjpwYXNz"}, "", ErrInvalidToken},
		{"scheme glued to token", []string{"Bearer" + tok}, "", ErrInvalidToken},
		{"scheme prefix of another", []string{"Bearerx " + tok}, "", ErrInvalidToken},
		{"two tokens", []string{"Bearer " + tok + " " + tok}, "", ErrInvalidToken},
		{"tab separator", []string{"Bearer\t" + tok}, "", ErrInvalidToken},
		{"two headers", []string{"Bearer " + tok, "Bearer " + tok}, "", ErrInvalidToken},
		{"comma-joined credentials", []string{"Bearer " + tok + ", Bearer " + tok}, "", ErrInvalidToken},
		{"control character", []string{"Bearer abc\x00def"}, "", ErrInvalidToken},
		{"non-ASCII", []string{"Bearer abcé"}, "", ErrInvalidToken},
		{"padding only", []string{"Bearer ==="}, "", ErrInvalidToken},
		{"padding in the middle", []string{"Bearer ab=cd"}, "", ErrInvalidToken},
		{"largest allowed", []string{"Bearer " + strings.Repeat("a", MaxTokenBytes)}, strings.Repeat("a", MaxTokenBytes), nil},
		{"too large", []string{"Bearer " + strings.Repeat("a", MaxTokenBytes+1)}, "", ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "http://planstore.test/v1/plans/1", nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := BearerToken(r)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Fatalf("BearerToken = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || got != "" {
				t.Fatalf("BearerToken = %q, %v; want error %v", got, err, tt.wantErr)
			}
			if errors.Is(err, ErrMissingToken) && errors.Is(err, ErrInvalidToken) {
				t.Fatal("an error must be one kind of refusal, not both")
			}
		})
	}
	if _, err := BearerToken(nil); !errors.Is(err, ErrMissingToken) {
		t.Fatalf("nil request: err = %v", err)
	}
}
