package shell

import (
	"os/exec"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"plain", "plain"},
		{"/a/b-c_d.toml", "/a/b-c_d.toml"},
		{"two words", "'two words'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf /)", "'$(rm -rf /)'"},
		{"a\nb", "'a\nb'"},
		{"=x", "=x"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzQuote checks with a real shell that a quoted word expands to exactly
// the original string and runs nothing.
func FuzzQuote(f *testing.F) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		f.Skip("no sh on PATH")
	}
	for _, s := range []string{"", "a b", "'", `"`, "$HOME", "`id`", "a\nb", "\\", "; echo pwned", "*", "~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			t.Skip("a NUL byte cannot be passed to a shell")
		}
		out, err := exec.Command(sh, "-c", "printf '%s' "+Quote(s)+" "+Quote("end")).Output()
		if err != nil {
			t.Fatalf("sh failed on %q: %v", Quote(s), err)
		}
		if got := string(out); got != s+"end" {
			t.Fatalf("Quote(%q) = %q expanded to %q", s, Quote(s), got)
		}
	})
}
