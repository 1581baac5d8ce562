package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	const m, h, d = time.Minute, time.Hour, 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration // 0: an error is wanted
	}{
		{"30", 30 * m},
		{"90", 90 * m}, // the leading field may exceed its unit
		{"1:30", m + 30*time.Second},
		{"90:00", 90 * m},
		{"2:00:00", 2 * h},
		{"48:00:00", 48 * h},
		{"01:02:03", h + 2*m + 3*time.Second},
		{"1-0", d},
		{"2-12", 2*d + 12*h},
		{"1-2:30", d + 2*h + 30*m},
		{"1-2:30:15", d + 2*h + 30*m + 15*time.Second},
		{"0:1", time.Second},
		{"", 0},
		{"0", 0},
		{"0:00:00", 0},
		{"INFINITE", 0},
		{"UNLIMITED", 0},
		{"-1", 0},
		{"1-", 0},
		{"1-24", 0},
		{"1-2:60", 0},
		{"1:60:00", 0},
		{"1:60", 0},
		{"1:00:60", 0},
		{"1:2:3:4", 0},
		{"1-1-1", 0},
		{" 30", 0},
		{"30m", 0},
		{"+30", 0},
		{"1234567890", 0},
		{"1:", 0},
		{":1", 0},
		{"36600-0", 0}, // over 100 years
	} {
		got, err := ParseTime(tc.in)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("ParseTime(%q) = %v, want an error", tc.in, got)
			} else if !strings.HasPrefix(err.Error(), "cluster: bad time limit") {
				t.Errorf("ParseTime(%q) error %q lacks the package prefix", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{time.Minute, "00:01:00"},
		{90 * time.Minute, "01:30:00"},
		{25*time.Hour + 61*time.Second, "1-01:01:01"},
	} {
		if got := FormatTime(tc.in); got != tc.want {
			t.Errorf("FormatTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseTime checks that ParseTime never panics and that what it accepts
// survives FormatTime and ParseTime again unchanged.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"30", "1:30", "2:00:00", "1-2", "1-2:3", "1-2:3:4", "x", "1--1", "99999999-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTime(s)
		if err != nil {
			return
		}
		if d <= 0 {
			t.Fatalf("ParseTime(%q) = %v, not positive", s, d)
		}
		back, err := ParseTime(FormatTime(d))
		if err != nil || back != d {
			t.Fatalf("ParseTime(FormatTime(%v)) = %v, %v", d, back, err)
		}
	})
}
