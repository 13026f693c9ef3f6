package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks specification's reference test vector (the same in every
// reference library): secret, message id, timestamp and payload, and the signature
// they must give.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specPayload   = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationVector(t *testing.T) {
	got, err := Sign(specSecret, specID, time.Unix(specTimestamp, 0), []byte(specPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != specSignature {
		t.Fatalf("signature %s, the specification says %s", got, specSignature)
	}
}

// verifyFromSpec is a receiver's check written from the specification's text, not
// from Sign: strip "whsec_", base64-decode the key, HMAC-SHA256 over
// "{id}.{timestamp}.{body}", base64, and compare (in constant time) with each
// space-separated "v1,<sig>" of the header.
func verifyFromSpec(secret, id, timestamp, header string, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(header) {
		version, b64, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return true
		}
	}
	return false
}

func TestSignedHeadersVerifyAsTheSpecificationSays(t *testing.T) {
	secret := NewSecret()
	body := []byte(`{"id":"e1","type":"plan.created"}`)
	h := http.Header{}
	now := time.Now()
	if err := setSignedHeaders(h, secret, "e1", now, body); err != nil {
		t.Fatal(err)
	}
	get := h.Get
	if !verifyFromSpec(secret, get(HeaderID), get(HeaderTimestamp), get(HeaderSignature), body) {
		t.Fatal("a receiver following the specification rejects planstore's signature")
	}
	if verifyFromSpec(secret, get(HeaderID), get(HeaderTimestamp), get(HeaderSignature), append(body, ' ')) {
		t.Fatal("a changed body still verifies")
	}
	if verifyFromSpec(NewSecret(), get(HeaderID), get(HeaderTimestamp), get(HeaderSignature), body) {
		t.Fatal("another secret still verifies")
	}
}

func TestSecretsAreChecked(t *testing.T) {
	for _, bad := range []string{"nope", "whsec_!!!", "whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := secretKey(bad); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
	if _, err := secretKey(NewSecret()); err != nil {
		t.Fatalf("a new secret is refused: %v", err)
	}
}
