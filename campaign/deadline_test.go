package campaign

import (
	"testing"
	"time"
)

func TestParseDeadline(t *testing.T) {
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-24T10:00:00Z": time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		"90m":                  now.Add(90 * time.Minute),
		"1795000000":           time.Unix(1795000000, 0),
	} {
		if got, err := ParseDeadline(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseDeadline(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-5m", "0", "tomorrow"} {
		if _, err := ParseDeadline(bad, now); err == nil {
			t.Errorf("ParseDeadline(%q): no error", bad)
		}
	}
}
