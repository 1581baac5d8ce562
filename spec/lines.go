package spec

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// lineIndex maps the keys of a TOML document to the lines that define them.
// The TOML library reports positions only for syntax errors, so semantic
// errors find their line here. Keys are dotted paths ("process.beta");
// a quoted key containing dots is kept as one component with its dots, and
// the k-th table of an array of tables is written "points[k]".
type lineIndex map[string]int

func indexLines(text []byte) lineIndex {
	idx := lineIndex{}
	counts := map[string]int{}
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), MaxSpecBytes+1) // a line as long as the largest spec
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "[["):
			end := strings.Index(line, "]]")
			if end < 0 {
				continue
			}
			name := joinKey(splitKey(line[2:end]))
			if counts[name] == 0 {
				idx[name] = n
			}
			table = name + "[" + strconv.Itoa(counts[name]) + "]"
			counts[name]++
			idx[table] = n
		case strings.HasPrefix(line, "["):
			end := strings.Index(line, "]")
			if end < 0 {
				continue
			}
			table = joinKey(splitKey(line[1:end]))
			idx[table] = n
		default:
			eq := keyEnd(line)
			if eq <= 0 {
				continue
			}
			key := joinKey(splitKey(line[:eq]))
			if table != "" {
				key = table + "." + key
			}
			if _, seen := idx[key]; !seen {
				idx[key] = n
			} else if _, seen := idx[key+againSuffix]; !seen {
				idx[key+againSuffix] = n
			}
		}
	}
	return idx
}

// againSuffix marks, in a lineIndex, the second line that defines a key
// ("process.beta" quoted and process.beta dotted are one key).
const againSuffix = "\x00again"

// again returns the second line that defines key, or 0.
func (idx lineIndex) again(key string) int { return idx[key+againSuffix] }

// line returns the line of key, or of its closest enclosing table, or 0.
func (idx lineIndex) line(key string) int {
	for key != "" {
		if n, ok := idx[key]; ok {
			return n
		}
		if strings.HasSuffix(key, "]") { // an element of a list: the list's line
			if i := strings.LastIndexByte(key, '['); i > 0 {
				if n, ok := idx[key[:i]]; ok {
					return n
				}
			}
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// keyEnd returns the index of the '=' that ends the key at the start of a
// key/value line, or -1.
func keyEnd(line string) int {
	inQuote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inQuote != 0:
			if c == inQuote {
				inQuote = 0
			}
		case c == '"' || c == '\'':
			inQuote = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// splitKey splits a TOML key into its components, unquoting quoted ones.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	inQuote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote != 0:
			if c == inQuote {
				inQuote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			inQuote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

func joinKey(parts []string) string { return strings.Join(parts, ".") }
