package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNoSigningKey: the signing key file does not exist. Tools that mint tokens never
// create a key on their own, since a token signed by a key no server holds is refused
// by every server; they say where the key was expected instead.
var ErrNoSigningKey = errors.New("no dev signing key")

// CreateDevKeyFile writes a new dev signing key at path (mode 0600, parent directories
// created 0700). It refuses to replace an existing key, whose tokens may be out already:
// the error then matches fs.ErrExist.
func CreateDevKeyFile(path string) error {
	if path == "" {
		return errors.New("dev signing key: no path given")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("dev signing key %s: %w (remove it first to replace it; tokens it signed stop working)", path, fs.ErrExist)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("dev signing key: create %s: %w", dir, err)
	}
	if err := createDevKeyFile(path); err != nil {
		return err
	}
	_, err := readDevKey(path)
	return err
}

// loadDevKeyFile reads an existing key; a missing file is ErrNoSigningKey.
func loadDevKeyFile(path string) (*devKey, error) {
	if path == "" {
		return nil, errors.New("dev signing key: no path given")
	}
	key, err := readDevKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s", ErrNoSigningKey, path)
	}
	return key, err
}

// DevKeyID is the key id (RFC 7638 thumbprint) of the key at path, which every token it
// signs names in its "kid" header: comparing it tells which key a server holds.
func DevKeyID(path string) (string, error) {
	key, err := loadDevKeyFile(path)
	if err != nil {
		return "", err
	}
	return key.kid, nil
}
