package plan

import (
	"errors"
	"time"
)

// Reasons a creationDate is refused; their text is shown to clients as is.
var (
	errDateFormat = errors.New("must be a date written MM-DD-YYYY, DD-MM-YYYY or YYYY-MM-DD")
	errDateReal   = errors.New("is not a real calendar date")
)

// ParseCreationDate interprets a creationDate. The example document writes
// "12-12-2017", which is the US MM-DD-YYYY form, so that form wins whenever a date could
// be read both ways ("03-04-2017" is March 4th). DD-MM-YYYY is accepted only when it is
// unambiguous, i.e. the first part is 13..31 ("31-12-2017"), and ISO YYYY-MM-DD is
// accepted as is. The date must exist (no February 30th) in a year 0001..9999.
//
// The stored document keeps the string the client sent; this is for readers that need
// the instant, such as range queries or reports.
func ParseCreationDate(s string) (time.Time, error) {
	var year, month, day int
	switch {
	case shape(s, "dddd-dd-dd"):
		year, month, day = digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	case shape(s, "dd-dd-dddd"):
		first, second := digits(s[0:2]), digits(s[3:5])
		year = digits(s[6:10])
		month, day = first, second
		if first > 12 && second <= 12 {
			month, day = second, first
		}
	default:
		return time.Time{}, errDateFormat
	}
	if year < 1 || month < 1 || month > 12 || day < 1 {
		return time.Time{}, errDateReal
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	// time.Date normalises overflow (February 30th becomes March 2nd), so a date is
	// real exactly when it survives the round trip.
	if t.Year() != year || int(t.Month()) != month || t.Day() != day {
		return time.Time{}, errDateReal
	}
	return t, nil
}

// shape reports whether s matches pattern, where 'd' stands for an ASCII digit and any
// other byte for itself. It is stricter than time.Parse, which accepts single digits.
func shape(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if pattern[i] == 'd' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// digits converts a run of ASCII digits already checked by shape.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
