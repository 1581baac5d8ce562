// Package shell quotes arguments for a POSIX shell. It is the one place
// where netsweep turns values into shell text: job scripts and remote ssh
// command lines pass every value through Quote.
package shell

import "strings"

// Quote returns s as one POSIX shell word that expands to exactly s. Words
// made only of safe characters are returned as they are; anything else is
// put in single quotes, where each embedded single quote closes the quoted
// part, adds an escaped quote and reopens it. The empty string becomes a
// pair of single quotes.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if IsBare(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each argument and joins them with spaces into one command line.
func Join(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// IsBare reports whether s is one shell word as it is: non-empty and made
// only of letters, digits and -_./:,+@%=, so Quote leaves it unchanged.
// Such a word is also safe where no quoting is understood, as in an
// #SBATCH line.
func IsBare(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-_./:,+@%=", c) >= 0:
		default:
			return false
		}
	}
	return true
}
