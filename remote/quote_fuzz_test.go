package remote_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/internal/shell"
)

// FuzzJoinRemote checks that an argument list survives shell.Join and a real
// remote shell unchanged: the remote command printf '%s\0' ARGS... must give
// back exactly ARGS, NUL-terminated. The fuzz input is the argument list
// joined by NUL bytes (arguments cannot hold NUL). The list is checked
// through the remote login shell (bash for root) and, nested in sh -c,
// through /bin/sh (dash on Debian), in one round trip per input. The seeds run in every go test.
func FuzzJoinRemote(f *testing.F) {
	for _, s := range []string{
		"", "plain", "two words", "it's", `"$HOME"`, "`id`", "$(id)", `\`, `\\n`, "a\nb",
		"*", "~root", "-n", "--", "%s", "%b\\0", "é ü ∑", "\xff\xfe",
		`'"'"'`, "''", ";|&<>(){}[]!#", "\t\r\v\f", "a=b", "x\x00y\x00\x00z",
		"$IFS", "${1+x}", "!!", "#comment", "\x01\x1b[31m", strings.Repeat("'", 50),
	} {
		f.Add(s)
	}
	e := newEnv(f)
	c := e.dial(f, e.opts())
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip("long inputs only slow the fuzzer")
		}
		// A leading "x" keeps printf from printing one empty field for an
		// empty list.
		args := append([]string{"x"}, strings.Split(s, "\x00")...)
		var want bytes.Buffer
		for _, a := range args {
			want.WriteString(a)
			want.WriteByte(0)
		}
		cmd := append([]string{"printf", `%s\0`}, args...)
		// One round trip checks two shells: the login shell reads
		// Join(sh -c SCRIPT) and /bin/sh reads SCRIPT = Join(cmd), so every
		// byte of every argument passes through both quoting layers.
		argv := []string{"sh", "-c", shell.Join(cmd)}
		out, stderr, err := c.Run(testCtx(t), argv, nil)
		if err != nil {
			t.Fatalf("%q: %v (stderr %q)", argv, err, stderr)
		}
		if !bytes.Equal(out, want.Bytes()) {
			t.Fatalf("args %q came back as %q", args, bytes.Split(out, []byte{0}))
		}
	})
}
