package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks headers and secret prefix.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
	secretPrefix    = "whsec_"
)

// Secret bounds, in key bytes: the specification asks for 24 to 64.
const (
	minSecretBytes = 24
	maxSecretBytes = 64
)

// NewSecret makes a random signing secret in the specification's form:
// "whsec_" + base64 of 32 random bytes.
func NewSecret() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

// secretKey returns the HMAC key of a "whsec_<base64>" secret.
func secretKey(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, fmt.Errorf("a secret starts with %q", secretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("a secret is %q and standard base64: %w", secretPrefix, err)
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("a secret's key is %d to %d bytes, this one %d", minSecretBytes, maxSecretBytes, len(key))
	}
	return key, nil
}

// Sign returns the webhook-signature value of a message: "v1," + base64 of
// HMAC-SHA256(key, id + "." + timestamp + "." + body).
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// setSignedHeaders adds the three Standard Webhooks headers to a delivery.
func setSignedHeaders(h http.Header, secret, id string, now time.Time, body []byte) error {
	sig, err := Sign(secret, id, now, body)
	if err != nil {
		return err
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return nil
}
