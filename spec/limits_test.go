package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostile returns specs built to cost time or memory out of proportion to
// their size, each with a substring its refusal must contain. They are
// generated here rather than kept in testdata, being megabytes.
func hostile() []struct{ name, text, want string } {
	return []struct{ name, text, want string }{
		{"too large", strings.Repeat("# comment\n", MaxSpecBytes/10+1), "bytes a spec may have"},
		{"table headers 20000 deep", "[" + strings.Repeat("a.", 19999) + "a]\nx = 1\n", "nested deeper than 32"},
		{"dotted key 20000 deep", strings.Repeat("a.", 19999) + "a = 1\n", "nested deeper than 32"},
		{"inline tables 5000 deep", "x = " + strings.Repeat("{a = ", 5000) + "1" + strings.Repeat("}", 5000) + "\n", "nested deeper than 32"},
		{"arrays 200000 deep", "x = " + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + "\n", "nested deeper than 32"},
		{"arrays of tables 20000 deep", "[[" + strings.Repeat("a.", 19999) + "a]]\n", "nested deeper than 32"},
		{"long table name, many keys", `["` + strings.Repeat("a", 100000) + "\"]\n" + strings.Repeat("b = 1\n", 100000), "a table name longer than 256 bytes"},
		{"long key, many keys", `"` + strings.Repeat("a", 1000) + `" = {` + strings.Repeat("b = 1, ", 1) + "c = 2}\n", "a key longer than 256 bytes"},
		{"arrays and inline tables 5000 deep", "x = " + strings.Repeat("[{a = ", 5000) + "1" + strings.Repeat("}]", 5000) + "\n", "nested deeper than 32"},
		{"dotted key in an inline table 20000 deep", "x = {" + strings.Repeat("a.", 19999) + "a = 1}\n", "nested deeper than 32"},
		{"deep array in [[points]]", good[:strings.Index(good, "[sweep]")] + "[[points]]\nprocess.beta = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", ":16: nested deeper than 32"},
		{"deep array in a range", good[:strings.Index(good, "[sweep]")] + "[sweep]\n\"process.beta\" = { start = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + ", stop = 1, num = 2 }\n", ":16: nested deeper than 32"},
		{"one line of 1 MiB", `x = "` + strings.Repeat("a", MaxSpecBytes) + `"`, "bytes a spec may have"},
		{"integer beyond int64", strings.Replace(good, "n = 100\n", "n = 99999999999999999999999999\n", 1), ":7: not valid TOML: 99999999999999999999999999 is out of range for int64"},
		{"nodes beyond int32", strings.Replace(good, "n = 100\n", "n = 3000000000\n", 1), ":7: network.n = 3000000000: at most"},
		{"range of 2^40 values", strings.Replace(good, "num = 3 }", "num = 1099511627776 }", 1), "more than the 1048576 a campaign may have"},
		{"raw control character", "name = \"a\x01b\"\n", ":1: not valid TOML: TOML files cannot contain control characters"},
		{"raw escape in a key", "\"a\x1b[2J\" = 1\n", ":1: not valid TOML: TOML files cannot contain control characters"},
		{"NUL byte", "name = \"a\x00\"\n", ":1: not valid TOML"},
	}
}

// TestHostileSpecs checks that each hostile spec is refused as a spec
// error in well under a second and without allocating much.
func TestHostileSpecs(t *testing.T) {
	for _, c := range hostile() {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hostile.toml")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			refusedQuickly(t, path, c.want)
		})
	}
}

// TestSpecNotRegular checks that Load refuses what is not a regular file
// before reading it: /dev/zero would never end.
func TestSpecNotRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	refusedQuickly(t, "/dev/zero", "not a regular file but a device")
	refusedQuickly(t, t.TempDir(), "not a regular file but a directory")
}

// TestParseTooLarge checks that Parse, not only Load, refuses a text over
// MaxSpecBytes.
func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.toml", make([]byte, MaxSpecBytes+1))
	if err == nil || !IsSpecError(err) || !strings.Contains(err.Error(), "big.toml: more than the 1048576 bytes") {
		t.Fatalf("got %v", err)
	}
}

func refusedQuickly(t *testing.T, path, want string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Load(path)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("accepted")
	}
	if !IsSpecError(err) {
		t.Fatalf("not a spec error: %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || len(msg) > 500 {
		t.Errorf("want one short line, got %d bytes: %.200s", len(msg), msg)
	}
	if !strings.HasPrefix(msg, path+":") || !strings.Contains(msg, want) {
		t.Errorf("message %q does not start with %q and contain %q", msg, path+":", want)
	}
	if took > time.Second {
		t.Errorf("refused after %v, want under 1 s", took)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("allocated %d MB, want under 100", alloc>>20)
	}
	t.Logf("refused in %v: %s", took, msg)
}

// TestGridSizeBeforeExpanding checks that a grid over MaxPoints is refused
// from its axes' lengths, saying how many points it asks for, before any
// axis or the grid is expanded.
func TestGridSizeBeforeExpanding(t *testing.T) {
	for _, c := range []struct{ sweep, want string }{
		{`"process.beta" = { start = 0.1, stop = 1.0, num = 1099511627776 }`, "sweep.process.beta: the grid has 1099511627776 points (1099511627776), more than the 1048576"},
		{`"process.beta" = { start = 0.1, stop = 1.0, num = 9223372036854775807 }
"process.gamma" = { start = 0.1, stop = 1.0, num = 9223372036854775807 }`, "the grid has 85070591730234615847396907784232501249 points"},
		{`"process.beta" = { start = 0.1, stop = 1.0, num = 1025 }
"process.gamma" = { start = 0.1, stop = 1.0, num = 1024 }`, "sweep.process.gamma: the grid has 1049600 points (1025 × 1024)"},
	} {
		text := strings.Replace(good, `"process.beta" = [0.1, 0.2]
network.mean_degree = { start = 1.0, stop = 3.0, num = 3 }`, c.sweep, 1)
		start := time.Now()
		_, err := Parse("grid.toml", []byte(text))
		if took := time.Since(start); took > time.Second {
			t.Errorf("refused after %v", took)
		}
		if err == nil || !IsSpecError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// TestSizeLimits checks the limits that a small file cannot show: many
// series times, and the memory check against a machine of a given size
// and its override.
func TestSizeLimits(t *testing.T) {
	defer func(f func() int64) { machineMemory = f }(machineMemory)
	machineMemory = func() int64 { return 1 << 30 }
	times := make([]string, 10001)
	for i := range times {
		times[i] = strconv.Itoa(i)
	}
	series := strings.Replace(good, "gamma = 1.0\n", "gamma = 1.0\nseries = ["+strings.Join(times, ", ")+"]\n", 1)
	large := strings.Replace(good, "n = 100\n", "n = 50000000\n", 1)
	for _, c := range []struct {
		name, text, env, want string
	}{
		{"series", series, "", "good.toml:14: process.series: 10001 times, more than the 10000 a process may report"},
		{"memory", large, "", "good.toml:7: network.n = 50000000: a worker needs about 2.6 GB for this network and the processes that share it, more than this machine's 1.1 GB"},
		{"memory allowed", large, "1", ""},
		{"memory allowed only by 1", large, "yes", "a worker needs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(AllowLargeEnv, c.env)
			s, err := Parse("good.toml", []byte(c.text))
			if err == nil {
				err = s.CheckMemory()
			}
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !IsSpecError(err) || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

// TestShapeAccepts checks that checkShape counts no bracket or dot inside
// a string or a comment, nor the dots of numbers and dates.
func TestShapeAccepts(t *testing.T) {
	deep := strings.Repeat("[{.", 40)
	for _, text := range []string{
		`a = "` + deep + `"`,
		`a = '` + deep + `'`,
		"a = \"\"\"\n" + deep + "\n\\\"\"\"\n" + deep + "\"\"\"",
		"a = '''\n" + deep + "\n'''",
		"# " + deep + "\na = 1",
		`a = "\"` + deep + `"`,
		"a = [" + strings.Repeat("1.5, ", 100) + "1979-05-27T07:32:00.999]",
		"[" + strings.Repeat("a.", MaxDepth-2) + "a]\nb = 1",
	} {
		if e := checkShape("s.toml", []byte(text)); e != nil {
			t.Errorf("%.60q: %v", text, e)
		}
	}
}

// TestLineAfterLongLine checks that a line near the largest a spec may
// hold (a comment, a string) does not cost the errors after it their line.
func TestLineAfterLongLine(t *testing.T) {
	for _, long := range []string{
		"# " + strings.Repeat("x", MaxSpecBytes-2000) + "\n",
		`description = "` + strings.Repeat("x", MaxSpecBytes-2000) + "\"\n",
	} {
		text := long + good + "[output]\ndir = 5\n"
		_, err := Parse("long.toml", []byte(text))
		want := "long.toml:20: output.dir = 5: want a string"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %.200v, want %q", err, want)
		}
	}
}

// TestManyProblems checks that a spec with thousands of problems gets
// the first MaxErrors of them, in file order, and a line counting the rest,
// not a message as long as the file.
func TestManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(good + "[output.bins]\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "m%d = { lo = 0, hi = 1, bins = 1 }\n", i)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse("many.toml", []byte(b.String()))
	runtime.ReadMemStats(&after)
	if err == nil || !IsSpecError(err) {
		t.Fatalf("got %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxErrors+1 {
		t.Fatalf("%d lines, want %d", len(lines), MaxErrors+1)
	}
	if want := "many.toml:19: output.bins.m0: not a metric"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q, want %q...", lines[0], want)
	}
	if want := "many.toml: and 2980 more problems; fix these first"; lines[MaxErrors] != want {
		t.Errorf("last line %q, want %q", lines[MaxErrors], want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("allocated %d MB, want under 100", alloc>>20)
	}
}
