package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Where the dev signing key lives, relative to the data dir.
const (
	devKeyDir  = "auth"
	devKeyFile = "dev-signing-key.pem"
	// maxDevKeyFileBytes bounds what we read: a P-256 PKCS#8 PEM is ~240 bytes.
	maxDevKeyFileBytes = 16 << 10
)

// devKey is the ES256 key that signs and verifies dev-mode tokens.
type devKey struct {
	private *ecdsa.PrivateKey
	// kid is the RFC 7638 thumbprint, so the same key always has the same
	// kid and a token from another data dir names a key we do not have.
	kid string
}

// DevKeyPath returns where the dev signing key of dataDir is kept.
func DevKeyPath(dataDir string) string {
	return filepath.Join(dataDir, devKeyDir, devKeyFile)
}

// loadOrCreateDevKey returns the data dir's dev key, creating it on first use.
//
// Two processes (say `planstore serve` and `planstore token`) may both find no
// key and both generate one. Each writes its key to a private temp file and
// hard-links it into place; link(2) never replaces an existing name, so
// exactly one key wins and the loser reads the winner's. A rename would let
// the second writer silently replace a key whose tokens are already out.
func loadOrCreateDevKey(dataDir string) (*devKey, error) {
	if dataDir == "" {
		return nil, errors.New("dev signing key: no data dir given")
	}
	path := DevKeyPath(dataDir)
	key, err := readDevKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("dev signing key: create %s: %w", dir, err)
	}
	if err := createDevKeyFile(path); err != nil {
		return nil, err
	}
	return readDevKey(path)
}

// createDevKeyFile writes a new key at path unless one already exists there.
func createDevKeyFile(path string) error {
	private, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("dev signing key: generate: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(private)
	if err != nil {
		return fmt.Errorf("dev signing key: encode: %w", err)
	}
	dir := filepath.Dir(path)
	// CreateTemp opens with O_EXCL and mode 0600: the key is never
	// readable by others, not even for a moment.
	tmp, err := os.CreateTemp(dir, ".dev-signing-key-*.tmp")
	if err != nil {
		return fmt.Errorf("dev signing key: %w", err)
	}
	// After the link (or a failure) only the final name may remain.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("dev signing key: write %s: %w", tmp.Name(), err)
	}
	// Sync before linking: after a crash the name must never point at a
	// half-written key.
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("dev signing key: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("dev signing key: close %s: %w", tmp.Name(), err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("dev signing key: install %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the new directory entry durable. Best effort: not every
// platform can fsync a directory, and the key is still usable without it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// readDevKey loads and checks the key at path. A missing file yields an error
// matching fs.ErrNotExist.
func readDevKey(path string) (*devKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dev signing key: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose on close
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("dev signing key: %w", err)
	}
	// Like ssh, refuse a key others can read: anyone who can read it can
	// mint tokens with every scope.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("dev signing key %s is accessible by other users (mode %04o); run: chmod 600 %s",
			path, info.Mode().Perm(), path)
	}
	if info.Size() > maxDevKeyFileBytes {
		return nil, fmt.Errorf("dev signing key %s: file too large to be a P-256 key", path)
	}
	data := make([]byte, info.Size())
	if _, err := f.ReadAt(data, 0); err != nil {
		return nil, fmt.Errorf("dev signing key: read %s: %w", path, err)
	}
	key, err := parseDevKey(data)
	if err != nil {
		return nil, fmt.Errorf("dev signing key %s: %w", path, err)
	}
	return key, nil
}

func parseDevKey(data []byte) (*devKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("not a PEM \"PRIVATE KEY\" block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse PKCS#8: %w", err)
	}
	private, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || private.Curve != elliptic.P256() {
		return nil, errors.New("not an ECDSA P-256 key (ES256 needs P-256)")
	}
	kid, err := thumbprintP256(&private.PublicKey)
	if err != nil {
		return nil, err
	}
	return &devKey{private: private, kid: kid}, nil
}

// thumbprintP256 computes the RFC 7638 JWK thumbprint of a P-256 public key:
// SHA-256 over the required members in lexicographic order, no whitespace,
// base64url without padding.
func thumbprintP256(pub *ecdsa.PublicKey) (string, error) {
	point, err := pub.Bytes() // 0x04 || X || Y, each coordinate 32 bytes
	if err != nil {
		return "", fmt.Errorf("encode P-256 public key: %w", err)
	}
	if len(point) != 65 {
		return "", errors.New("encode P-256 public key: not an uncompressed P-256 point")
	}
	enc := base64.RawURLEncoding
	canonical, err := json.Marshal(struct {
		Crv string `json:"crv"`
		Kty string `json:"kty"`
		X   string `json:"x"`
		Y   string `json:"y"`
	}{"P-256", "EC", enc.EncodeToString(point[1:33]), enc.EncodeToString(point[33:])})
	if err != nil {
		return "", fmt.Errorf("encode JWK thumbprint input: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return enc.EncodeToString(sum[:]), nil
}
