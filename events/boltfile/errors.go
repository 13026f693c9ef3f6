package boltfile

import "fmt"

// DamagedError: the file exists but is not a whole bbolt file.
type DamagedError struct {
	Path   string
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s is damaged (%s); planstore will not use it: restore it from a backup "+
		"(`planstore check --data-dir DIR` verifies a data dir without starting)", e.Path, e.Reason)
}

// LostError: the file is missing or empty, but the data dir shows it held data.
type LostError struct {
	Path     string
	Evidence string
}

func (e *LostError) Error() string {
	return fmt.Sprintf("%s is missing or empty, but this data dir held data (%s): the file was truncated, "+
		"replaced or deleted. planstore will not start on it, because it would serve an empty store. "+
		"Restore the file from a backup; to start over with no data, move the whole data dir aside",
		e.Path, e.Evidence)
}
