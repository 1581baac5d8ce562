package spec

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/netsweep/netsweep/sim"
)

// Limits a spec must keep within. Each is checked before the work it
// bounds starts: the file's size and shape before it is decoded, the
// number of points before the grid is expanded, and the memory of the
// largest network before anything runs. The README's spec reference
// states them.
const (
	// MaxSpecBytes is the largest spec file read; Load reads at most one
	// byte more.
	MaxSpecBytes = 1 << 20
	// MaxDepth is the deepest nesting of arrays, inline tables and the
	// components of a dotted key or table name, counted together.
	MaxDepth = 32
	// MaxKeyBytes is the longest key, with the names of its tables.
	MaxKeyBytes = 256
	// MaxPoints is the most parameter points a campaign may have.
	MaxPoints = 1 << 20
	// MaxNameBytes is the longest campaign name (it names files).
	MaxNameBytes = 255
	// MaxErrors is the most problems reported for one spec; a last line
	// says how many more were found.
	MaxErrors = 20
	// AllowLargeEnv names the environment variable that, set to 1, lets a
	// spec whose largest network needs more memory than the machine has
	// through (for workers on bigger machines).
	AllowLargeEnv = "NETSWEEP_ALLOW_LARGE"
)

// readLimited reads the regular file path, refusing anything else and a
// file over MaxSpecBytes, without reading more than MaxSpecBytes+1 bytes.
func readLimited(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("could not read the spec: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("not a regular file but %s; give a TOML file", fileKind(fi.Mode()))}}
	}
	if fi.Size() > MaxSpecBytes {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("%d bytes, more than the %d bytes a spec may have", fi.Size(), MaxSpecBytes)}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read the spec: %w", err)
	}
	defer f.Close()
	// The file may have changed since Stat: the limit holds whatever it is.
	text, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not read the spec: %w", err)
	}
	if len(text) > MaxSpecBytes {
		return nil, tooLarge(path)
	}
	return text, nil
}

// fileKind names what a file that is not regular is.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func tooLarge(path string) Errors {
	return Errors{{File: path, Msg: fmt.Sprintf("more than the %d bytes a spec may have", MaxSpecBytes)}}
}

// checkShape refuses text that is too large or nests too deep before the
// TOML decoder and the key walk see it: both cost time or memory that
// grows faster than the file with depth. It scans the bytes once, outside
// strings and comments counting open arrays and inline tables (and table
// headers) and the dots of the key or value being read, and refuses where
// their sum passes MaxDepth. A table header longer than MaxKeyBytes is
// refused too, since every key under it repeats its name.
func checkShape(path string, text []byte) *Error {
	if len(text) > MaxSpecBytes {
		return tooLarge(path)[0]
	}
	line, depth, dots := 1, 0, 0
	lineStart := true // only blanks since the line began
	header := -1      // offset of the '[' opening a table header, or -1
	deep := func() *Error {
		return &Error{File: path, Line: line, Msg: fmt.Sprintf("nested deeper than %d levels (arrays, inline tables and dotted keys together)", MaxDepth)}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '\n':
			line++
			dots = 0
			lineStart = true
			header = -1
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			i-- // the newline is counted above
			continue
		case '"', '\'':
			end, lines := skipString(text, i)
			line += lines
			i = end - 1
		case '[', '{':
			if c == '[' && lineStart && depth == 0 {
				header = i
			}
			depth++
			dots = 0
		case ']', '}':
			if depth > 0 {
				depth--
			}
			if header >= 0 && depth == 0 {
				if i-header > MaxKeyBytes {
					return &Error{File: path, Line: line, Msg: fmt.Sprintf("a table name longer than %d bytes", MaxKeyBytes)}
				}
				header = -1
			}
			dots = 0
		case ',', '=':
			dots = 0
		case '.':
			dots++
		}
		lineStart = false
		if depth+dots > MaxDepth {
			return deep()
		}
	}
	return nil
}

// skipString returns the offset just past the string that opens at
// text[i] (basic or literal, one line or three quotes) and the newlines
// it holds. An unterminated string ends at the end of its line (the
// decoder reports it).
func skipString(text []byte, i int) (end, lines int) {
	q := text[i]
	if i+2 < len(text) && text[i+1] == q && text[i+2] == q {
		for j := i + 3; j < len(text); j++ {
			switch {
			case text[j] == '\n':
				lines++
			case q == '"' && text[j] == '\\':
				if j+1 < len(text) && text[j+1] == '\n' {
					lines++
				}
				j++
			case text[j] == q && j+2 < len(text) && text[j+1] == q && text[j+2] == q:
				// up to two more quotes may end the string's content
				k := j + 3
				for n := 0; n < 2 && k < len(text) && text[k] == q; n++ {
					k++
				}
				return k, lines
			}
		}
		return len(text), lines
	}
	for j := i + 1; j < len(text); j++ {
		switch {
		case text[j] == '\n':
			return j, 0
		case q == '"' && text[j] == '\\':
			j++
		case text[j] == q:
			return j + 1, 0
		}
	}
	return len(text), 0
}

// gridSize returns the number of points of a grid with axes of the given
// lengths, exactly however large.
func gridSize(lengths []int64) *big.Int {
	total := big.NewInt(1)
	for _, n := range lengths {
		total.Mul(total, big.NewInt(n))
	}
	return total
}

// machineMemory returns the memory of this machine in bytes, or 0 when it
// is unknown (a test may replace it).
var machineMemory = func() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func init() {
	// A network file too large for this machine is refused before it is
	// read (sim.EstimateEdges), with the same override as CheckMemory.
	sim.FileMemoryLimit = func() (int64, string) {
		if os.Getenv(AllowLargeEnv) == "1" {
			return 0, ""
		}
		return machineMemory(), fmt.Sprintf("this machine has %s: use a smaller network, or set %s=1 if the workers have the memory", formatBytes(machineMemory()), AllowLargeEnv)
	}
}

// noteMemory records where the memory of the largest network is set, for
// CheckMemory's message.
func (p *parser) noteMemory(s *Spec) {
	at := s.memAt
	s.memKey = "network"
	if n, ok := s.Point(at).Network.Params["n"]; ok {
		s.memKey, s.memValue = "network.n", n
	}
	for j, k := range s.Params {
		if k == s.memKey {
			s.memLine = p.design.line(at, j)
		}
	}
	if s.memLine == 0 {
		s.memLine = p.lines.line(s.memKey)
	}
}

// CheckMemory refuses, as a spec error, a spec whose workers would each
// need more memory (MemoryBytes) than this machine has, unless the
// environment variable AllowLargeEnv is 1. Commands that run a campaign
// here, or check that it can run (validate), call it after Load; those
// that read a campaign's saved spec do not.
func (s *Spec) CheckMemory() error {
	if os.Getenv(AllowLargeEnv) == "1" {
		return nil
	}
	have := machineMemory()
	if have <= 0 {
		return nil
	}
	need := s.MemoryBytes()
	if need <= have {
		return nil
	}
	return Errors{{File: s.Path, Line: s.memLine, Key: s.memKey, Value: s.memValue,
		Msg: fmt.Sprintf("a worker needs about %s for this network and the processes that share it, more than this machine's %s; use a smaller network, or set %s=1 if the workers have the memory", formatBytes(need), formatBytes(have), AllowLargeEnv)}}
}

// ReadFile reads the spec file path as Load does: a regular file of at
// most MaxSpecBytes, reading no more than one byte past that.
func ReadFile(path string) ([]byte, error) { return readLimited(path) }

// formatBytes writes n bytes in decimal units, as campaign.FormatBytes.
func formatBytes(n int64) string {
	switch {
	case n >= 1e12:
		return fmt.Sprintf("%.1f TB", float64(n)/1e12)
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d bytes", n)
}
