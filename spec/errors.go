package spec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Error is one problem in a spec: the file, the line (0 when unknown), the
// key as a dotted path, the offending value and what is wrong with it.
type Error struct {
	File  string
	Line  int
	Key   string
	Value any // nil when the problem is a missing key
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		if strings.IndexFunc(e.Key, unicode.IsControl) >= 0 {
			b.WriteString(strconv.Quote(e.Key)) // a newline or an escape sequence, shown, not obeyed
		} else {
			b.WriteString(e.Key)
		}
		if e.Value != nil {
			b.WriteString(" = ")
			b.WriteString(formatValue(e.Value))
		}
		b.WriteString(": ")
	}
	b.WriteString(escapeControls(e.Msg))
	return b.String()
}

// escapeControls writes the control characters of s (a line break, an
// ANSI escape) as Go escapes, so that a message is one line that a
// terminal shows as written.
func escapeControls(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// formatValue writes a value the way it would appear in TOML.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{...}"
	}
	return fmt.Sprint(v)
}

// Errors is the list of problems found in one spec, in file order.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// IsSpecError tells whether err reports a bad spec (as opposed to, say, an
// unreadable file), so a command can exit with status 2.
func IsSpecError(err error) bool {
	var e *Error
	var es Errors
	return errors.As(err, &e) || errors.As(err, &es)
}
