package remote

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// DefaultPort is the ssh port used when a target names none.
const DefaultPort = 22

// Target is a remote login: a user on a host at a port.
type Target struct {
	User string // login name on the host
	Host string // host name or IP address (IPv6 without brackets)
	Port int    // TCP port, 1..65535
}

// ParseTarget parses "[USER@]HOST[:PORT]", where an IPv6 HOST is written in
// brackets when a port follows ("[::1]:2222"; a bare "::1" is a host
// without a port). A missing user is DefaultUser(), a missing port 22.
func ParseTarget(s string) (Target, error) {
	return parseTarget(s, DefaultUser)
}

// DefaultUser returns $USER, or the current user's name when $USER is unset.
func DefaultUser() (string, error) {
	if u := os.Getenv("USER"); u != "" {
		return u, nil
	}
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("remote: could not find the local user name (set $USER or write USER@HOST): %w", err)
	}
	return u.Username, nil
}

func parseTarget(s string, defaultUser func() (string, error)) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, fmt.Errorf("remote: bad target: %q: %s; want [USER@]HOST[:PORT]", s, why)
	}
	var t Target
	rest := s
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		t.User, rest = s[:i], s[i+1:]
		if t.User == "" {
			return bad("empty user")
		}
		if !validUser(t.User) {
			return bad("user contains a space, a control character or starts with '-'")
		}
	}
	port := ""
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return bad("missing ']' after IPv6 address")
		}
		t.Host = rest[1:end]
		after := rest[end+1:]
		if after != "" {
			if after[0] != ':' {
				return bad("unexpected text after ']'")
			}
			port = after[1:]
			if port == "" {
				return bad("empty port")
			}
		}
		if !validIPv6(t.Host) {
			return bad("brackets hold something other than an IPv6 address")
		}
	case strings.Count(rest, ":") > 1:
		// A bare IPv6 address: there cannot be a port.
		t.Host = rest
		if !validIPv6(t.Host) {
			return bad("not an IPv6 address (write [ADDR]:PORT for a port)")
		}
	default:
		t.Host = rest
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			t.Host, port = rest[:i], rest[i+1:]
			if port == "" {
				return bad("empty port")
			}
		}
		if t.Host == "" {
			return bad("empty host")
		}
		if !validHostName(t.Host) {
			return bad("host may hold only letters, digits, '.', '-' and '_' and may not start with '-'")
		}
	}
	t.Port = DefaultPort
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 || port[0] == '+' || (port[0] == '0') {
			return bad("port must be a number from 1 to 65535")
		}
		t.Port = p
	}
	if t.User == "" {
		u, err := defaultUser()
		if err != nil {
			return Target{}, err
		}
		t.User = u
	}
	return t, nil
}

func validUser(u string) bool {
	if u[0] == '-' {
		return false
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; c <= ' ' || c == 0x7f || c == '@' {
			return false
		}
	}
	return true
}

// validIPv6 accepts an IPv6 address with an optional zone made of host
// name characters ("fe80::1%eth0").
func validIPv6(h string) bool {
	a, err := netip.ParseAddr(h)
	if err != nil || !a.Is6() {
		return false
	}
	if _, zone, ok := strings.Cut(h, "%"); ok {
		return zone != "" && validHostName(zone)
	}
	return true
}

func validHostName(h string) bool {
	if h[0] == '-' {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' || c == '-' || c == '_':
		default:
			return false
		}
	}
	return true
}

// Addr returns "HOST:PORT" for net.Dial, with an IPv6 host in brackets.
func (t Target) Addr() string {
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// String returns the target as "USER@HOST:PORT" (IPv6 host in brackets),
// which ParseTarget reads back to the same Target.
func (t Target) String() string {
	return t.User + "@" + t.Addr()
}
