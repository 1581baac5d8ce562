package remote

import (
	"errors"
	"strings"
	"testing"
)

func fixedUser() (string, error) { return "alice", nil }

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
		err  string // substring of the error; "" means success
	}{
		{in: "cluster", want: Target{"alice", "cluster", 22}},
		{in: "bob@cluster", want: Target{"bob", "cluster", 22}},
		{in: "bob@login.hpc.example.org:2222", want: Target{"bob", "login.hpc.example.org", 2222}},
		{in: "cluster:22", want: Target{"alice", "cluster", 22}},
		{in: "127.0.0.1:65535", want: Target{"alice", "127.0.0.1", 65535}},
		{in: "[::1]", want: Target{"alice", "::1", 22}},
		{in: "[::1]:2222", want: Target{"alice", "::1", 2222}},
		{in: "bob@[fe80::1%eth0]:22", want: Target{"bob", "fe80::1%eth0", 22}},
		{in: "::1", want: Target{"alice", "::1", 22}},
		{in: "bob@2001:db8::7", want: Target{"bob", "2001:db8::7", 22}},
		{in: "first.last@host", want: Target{"first.last", "host", 22}},
		{in: "a@b@host", want: Target{}, err: "user"},
		{in: "", err: "empty host"},
		{in: "@host", err: "empty user"},
		{in: "bob@", err: "empty host"},
		{in: "host:", err: "empty port"},
		{in: "host:0", err: "port"},
		{in: "host:65536", err: "port"},
		{in: "host:22x", err: "port"},
		{in: "host:+22", err: "port"},
		{in: "host:022", err: "port"},
		{in: "[::1]:", err: "empty port"},
		{in: "[::1", err: "missing ']'"},
		{in: "[::1]x", err: "after ']'"},
		{in: "[cluster]:22", err: "IPv6"},
		{in: "[1.2.3.4]:22", err: "IPv6"},
		{in: "1:2:3", err: "IPv6"},
		{in: "-oProxyCommand=x", err: "host"},
		{in: "-bob@host", err: "user"},
		{in: "bo b@host", err: "user"},
		{in: "host name", err: "host"},
		{in: "host/x", err: "host"},
	}
	for _, tt := range tests {
		got, err := parseTarget(tt.in, fixedUser)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "remote: ") {
				t.Errorf("parseTarget(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseTarget(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTargetDefaultUserError(t *testing.T) {
	boom := errors.New("no user")
	if _, err := parseTarget("host", func() (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the default user's error", err)
	}
	if _, err := parseTarget("bob@host", func() (string, error) { return "", boom }); err != nil {
		t.Errorf("explicit user needs no default: %v", err)
	}
}

func TestTargetString(t *testing.T) {
	tests := []struct {
		t         Target
		str, addr string
	}{
		{Target{"bob", "cluster", 22}, "bob@cluster:22", "cluster:22"},
		{Target{"bob", "::1", 2222}, "bob@[::1]:2222", "[::1]:2222"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.str {
			t.Errorf("%+v.String() = %q, want %q", tt.t, got, tt.str)
		}
		if got := tt.t.Addr(); got != tt.addr {
			t.Errorf("%+v.Addr() = %q, want %q", tt.t, got, tt.addr)
		}
	}
}

// FuzzParseTarget checks that whatever parses prints back to itself, and
// that a parsed target never carries text that could read as an option or
// a second shell word.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"cluster", "bob@h:2222", "[::1]:22", "::1", "a@[fe80::1%eth0]", "h:0", "[x]", "@", "-h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := parseTarget(s, fixedUser)
		if err != nil {
			return
		}
		if tg.User == "" || tg.Host == "" || tg.Port < 1 || tg.Port > 65535 {
			t.Fatalf("parseTarget(%q) = %+v: incomplete", s, tg)
		}
		if strings.HasPrefix(tg.User, "-") || strings.HasPrefix(tg.Host, "-") || strings.ContainsAny(tg.User+tg.Host, " \t\n\x00") {
			t.Fatalf("parseTarget(%q) = %+v: unsafe field", s, tg)
		}
		back, err := parseTarget(tg.String(), fixedUser)
		if err != nil || back != tg {
			t.Fatalf("parseTarget(%q) = %+v; String %q parses to %+v, %v", s, tg, tg.String(), back, err)
		}
	})
}
