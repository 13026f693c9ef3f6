package plangen

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// maxRunIDLength leaves room in the server's 128-character objectId limit for the
// sequence number and the longest child suffix.
const maxRunIDLength = 64

// NewRunID returns a fresh run id: the time in milliseconds (so ids sort by run) and
// random characters (so two generators started in the same millisecond differ).
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	n := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	return "pb" + strconv.FormatInt(time.Now().UnixMilli(), 36) + strconv.FormatUint(n, 36)
}

// checkRunID refuses ids the server would refuse inside an objectId.
func checkRunID(id string) error {
	if id == "" {
		return errors.New("run id must not be empty")
	}
	if len(id) > maxRunIDLength {
		return fmt.Errorf("run id %q is longer than %d characters", id, maxRunIDLength)
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '~' || c == ':'
		if !ok {
			return fmt.Errorf("run id %q: only letters, digits and . _ ~ : are allowed", id)
		}
	}
	return nil
}
