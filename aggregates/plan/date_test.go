package plan

import (
	"errors"
	"testing"
	"time"
)

func TestParseCreationDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in      string
		want    time.Time
		wantErr error
	}{
		{"12-12-2017", day(2017, 12, 12), nil},
		{"03-04-2017", day(2017, 3, 4), nil}, // ambiguous: MM-DD wins
		{"31-12-2017", day(2017, 12, 31), nil},
		{"13-01-2017", day(2017, 1, 13), nil},
		{"2017-12-31", day(2017, 12, 31), nil},
		{"02-29-2016", day(2016, 2, 29), nil},
		{"0001-01-01", day(1, 1, 1), nil},
		{"02-29-2017", time.Time{}, errDateReal},
		{"04-31-2017", time.Time{}, errDateReal},
		{"13-13-2017", time.Time{}, errDateReal},
		{"00-10-2017", time.Time{}, errDateReal},
		{"2017-00-10", time.Time{}, errDateReal},
		{"2017-13-10", time.Time{}, errDateReal},
		{"0000-01-01", time.Time{}, errDateReal},
		{"12/12/2017", time.Time{}, errDateFormat},
		{"12-12-17", time.Time{}, errDateFormat},
		{"2017-1-1", time.Time{}, errDateFormat},
		{"١٢-١٢-٢٠١٧", time.Time{}, errDateFormat}, // non-ASCII digits
		{"", time.Time{}, errDateFormat},
	}
	for _, tt := range tests {
		got, err := ParseCreationDate(tt.in)
		if !errors.Is(err, tt.wantErr) || !got.Equal(tt.want) {
			t.Errorf("ParseCreationDate(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
