package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// event is one line of 'go test -json' (cmd/test2json).
type event struct {
	Time       time.Time
	Action     string
	Package    string
	ImportPath string // build-output and build-fail events
	Test       string
	Elapsed    float64
	Output     string
}

// Summary is what Summarize saw.
type Summary struct {
	Events  int
	Failed  bool
	Skipped []Skip
}

// Skip is a skipped test and the reason it gave.
type Skip struct {
	Package, Test, Reason string
}

// Summarize copies the per-package lines and failures of a 'go test
// -json' stream to out as it reads them, then lists the skipped tests.
func Summarize(in io.Reader, out io.Writer) (Summary, error) {
	var s Summary
	outputs := map[string][]string{} // package + "\x00" + test → its output
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintf(out, "%s\n", line) // not an event: go test's own words
			continue
		}
		s.Events++
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "build-output":
			fmt.Fprint(out, e.Output)
		case "build-fail":
			s.Failed = true
		case "output":
			outputs[key] = append(outputs[key], e.Output)
		case "fail":
			s.Failed = true
			if e.Test != "" {
				fmt.Fprint(out, strings.Join(outputs[key], ""))
			} else {
				for _, l := range outputs[key] {
					if !strings.HasPrefix(l, "=== ") && !strings.HasPrefix(l, "--- ") && strings.TrimSpace(l) != "PASS" {
						fmt.Fprint(out, l)
					}
				}
				if !hasPackageLine(outputs[key]) {
					fmt.Fprintf(out, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
				}
			}
		case "pass":
			if e.Test == "" {
				if l := packageLine(outputs[key]); l != "" {
					fmt.Fprint(out, l)
				} else {
					fmt.Fprintf(out, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
				}
			}
		case "skip":
			if e.Test == "" {
				if l := packageLine(outputs[key]); l != "" {
					fmt.Fprint(out, l)
				} else {
					fmt.Fprintf(out, "?   \t%s\t[no test files]\n", e.Package)
				}
			} else {
				s.Skipped = append(s.Skipped, Skip{Package: e.Package, Test: e.Test, Reason: reason(outputs[key])})
			}
		}
		if e.Action == "pass" || e.Action == "fail" || e.Action == "skip" {
			if e.Test == "" {
				for k := range outputs {
					if strings.HasPrefix(k, e.Package+"\x00") {
						delete(outputs, k)
					}
				}
			} else if e.Action == "pass" {
				delete(outputs, key)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	sort.SliceStable(s.Skipped, func(i, j int) bool {
		if s.Skipped[i].Package != s.Skipped[j].Package {
			return s.Skipped[i].Package < s.Skipped[j].Package
		}
		return s.Skipped[i].Test < s.Skipped[j].Test
	})
	if len(s.Skipped) > 0 {
		fmt.Fprintf(out, "make check: %d tests skipped:\n", len(s.Skipped))
		for _, k := range s.Skipped {
			fmt.Fprintf(out, "  %s %s: %s\n", path.Base(k.Package), k.Test, k.Reason)
		}
	}
	return s, nil
}

// reason is the message a skipped test gave: its last output line that is
// not a "=== RUN" or "--- SKIP" line, without the file:line prefix.
func reason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		if i := strings.Index(l, ": "); i > 0 && strings.Contains(l[:i], ".go:") {
			l = l[i+2:]
		}
		return l
	}
	return "(no reason given)"
}

// packageLine is go test's own summary line of a package, if it wrote one.
func packageLine(lines []string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, "ok  \t") || strings.HasPrefix(l, "?   \t") || strings.HasPrefix(l, "FAIL\t") {
			return l
		}
	}
	return ""
}

func hasPackageLine(lines []string) bool { return packageLine(lines) != "" }
