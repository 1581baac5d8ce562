package campaign

import (
	"errors"
	"strconv"
	"time"
)

// ParseDeadline reads a run's deadline (RunOptions.Deadline): an RFC 3339 time, a Unix time in seconds, or a
// duration from now.
func ParseDeadline(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 {
		return time.Unix(sec, 0), nil
	}
	return time.Time{}, errors.New("want a time like 2026-11-24T08:00:00Z, a Unix time, or a duration like 90m")
}
