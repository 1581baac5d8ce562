// Package sshdtest runs a real OpenSSH server on the loopback address for
// integration tests of package remote.
package sshdtest

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// startTimeout bounds how long Start waits for sshd to listen.
const startTimeout = 10 * time.Second

// Need finds an external tool for a test: by exec.LookPath, then in the
// fallback paths. Where it is missing the test is skipped with a loud
// message, or fails when CI=true, so a skip never hides lost coverage.
func Need(tb testing.TB, name string, fallback ...string) string {
	tb.Helper()
	if p, err := exec.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	for _, p := range fallback {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found in PATH or %v; install it (Debian: apt-get install openssh-server openssh-client) to run this test", name, fallback)
	if os.Getenv("CI") == "true" {
		tb.Fatalf("MISSING TOOL under CI=true: %s", msg)
	}
	tb.Skip("SKIPPING: " + msg)
	return ""
}

// Config describes a test server.
type Config struct {
	// AuthorizedKeys is the authorized_keys content for every user. Users
	// whose home holds .ssh/authorized_keys may also log in with those keys.
	AuthorizedKeys string
	// Port is the port to listen on; 0 picks a free one.
	Port int
	// HostKeyFile is an existing private host key to use; "" generates a
	// fresh ed25519 key.
	HostKeyFile string
	// ListenHost is the IPv4 address to listen on; "" means 127.0.0.1.
	ListenHost string
	// Netns runs sshd in this network namespace (ip netns exec NETNS), as
	// a test host of its own; it needs root, and Port 0 means 22 there.
	Netns string
}

// Server is a running sshd on 127.0.0.1 (or Config.ListenHost).
type Server struct {
	Addr        string        // "127.0.0.1:PORT"
	Port        int           // listening port
	HostKey     ssh.PublicKey // the host's public key
	HostKeyFile string        // the host's private key file

	tb     testing.TB
	sshd   string
	config string
	dir    string
	netns  []string // "ip netns exec NETNS" before sshd, or nil

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{}
	log  *lockedBuffer
}

// Start starts /usr/sbin/sshd -D -e -f CONFIG on 127.0.0.1 and waits until it
// listens. It is stopped when the test ends; its log is printed if the test
// failed.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	sshd := Need(tb, "sshd", "/usr/sbin/sshd")
	// sshd's privilege separation needs this directory when run as root.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil && os.Geteuid() == 0 {
		tb.Fatalf("sshdtest: could not create /run/sshd: %v", err)
	}
	dir := tb.TempDir()
	s := &Server{tb: tb, sshd: sshd, dir: dir, log: &lockedBuffer{}}
	listen := cfg.ListenHost
	if listen == "" {
		listen = "127.0.0.1"
	}
	if cfg.Netns != "" {
		s.netns = []string{Need(tb, "ip", "/usr/sbin/ip", "/sbin/ip"), "netns", "exec", cfg.Netns}
		if cfg.Port == 0 {
			cfg.Port = 22 // a namespace of its own: the port is free
		}
	}

	s.HostKeyFile = cfg.HostKeyFile
	if s.HostKeyFile == "" {
		s.HostKeyFile = filepath.Join(dir, "ssh_host_ed25519_key")
		if err := WriteHostKey(s.HostKeyFile); err != nil {
			tb.Fatal(err)
		}
	}
	pk, err := readPublicKey(s.HostKeyFile)
	if err != nil {
		tb.Fatal(err)
	}
	s.HostKey = pk
	authKeys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authKeys, []byte(cfg.AuthorizedKeys), 0o600); err != nil {
		tb.Fatal(err)
	}

	tb.Cleanup(func() {
		s.Stop()
		if tb.Failed() {
			tb.Logf("sshd log (%s):\n%s", s.Addr, s.log.String())
		}
	})
	// A free port found by listening may be taken before sshd binds it:
	// try a few.
	for try := 0; ; try++ {
		port := cfg.Port
		if port == 0 {
			port = freePort(tb)
		}
		s.Port = port
		s.Addr = net.JoinHostPort(listen, strconv.Itoa(port))
		s.config = filepath.Join(dir, "sshd_config")
		conf := fmt.Sprintf(`ListenAddress %s
HostKey %s
AuthorizedKeysFile %s .ssh/authorized_keys
StrictModes no
UsePAM no
PidFile none
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
`, s.Addr, s.HostKeyFile, authKeys)
		if err := os.WriteFile(s.config, []byte(conf), 0o600); err != nil {
			tb.Fatal(err)
		}
		err := s.start()
		if err == nil {
			return s
		}
		if cfg.Port != 0 || try == 4 || !strings.Contains(strings.ToLower(s.log.String()), "bind") {
			tb.Fatalf("sshdtest: %v\nsshd log:\n%s", err, s.log.String())
		}
	}
}

// start runs sshd and waits for its "Server listening" line.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	args := append(append([]string(nil), s.netns...), s.sshd, "-D", "-e", "-f", s.config)
	// ip netns exec execs sshd in the same process: signals reach sshd.
	cmd := exec.Command(args[0], args[1:]...)
	DieWithParent(cmd)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start sshd: %w", err)
	}
	exit := make(chan struct{})
	go func() {
		cmd.Wait()
		pw.Close()
		close(exit)
	}()
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteString(line + "\n")
			if strings.Contains(line, "Server listening on") {
				once.Do(func() { close(listening) })
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case <-listening:
		s.cmd, s.exit = cmd, exit
		return nil
	case <-exit:
		return fmt.Errorf("sshd exited before listening on %s: %v", s.Addr, cmd.ProcessState)
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exit
		return fmt.Errorf("sshd did not listen on %s within %v", s.Addr, startTimeout)
	}
}

// Stop stops the listening sshd. Sessions already open live on in their own
// processes until their clients disconnect (use a Proxy to cut them).
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exit:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.exit
	}
	s.cmd = nil
}

// Restart starts the stopped server again on the same port with the same
// host key.
func (s *Server) Restart() {
	s.tb.Helper()
	if err := s.start(); err != nil {
		s.tb.Fatalf("sshdtest: restart: %v\nsshd log:\n%s", err, s.log.String())
	}
}

// Log returns what sshd has logged so far.
func (s *Server) Log() string { return s.log.String() }

// KnownHostsLine returns the known_hosts line for this server's key at
// address addr ("127.0.0.1:PORT").
func (s *Server) KnownHostsLine(addr string) string {
	return knownhosts.Line([]string{knownhosts.Normalize(addr)}, s.HostKey)
}

// WriteHostKey writes a fresh ed25519 private key in OpenSSH format (mode
// 0600) to path.
func WriteHostKey(path string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := ssh.MarshalPrivateKey(priv, "sshdtest host key")
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}

func readPublicKey(privPath string) (ssh.PublicKey, error) {
	b, err := os.ReadFile(privPath)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("sshdtest: %s: %w", privPath, err)
	}
	return s.PublicKey(), nil
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// EnsureUser makes sure a local system user name exists (creating it with
// useradd -m and an unlocked, password-less account), writes
// authorizedKeys to its ~/.ssh/authorized_keys and returns its home. It
// needs root; otherwise the test is skipped loudly.
func EnsureUser(tb testing.TB, name, authorizedKeys string) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		// Not a missing tool but a missing privilege: skipped even under
		// CI, where the job may run unprivileged by design.
		tb.Skipf("SKIPPING: creating user %s needs root; run the tests as root to cover logins as another user", name)
	}
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if !errors.As(err, &unknown) {
			tb.Fatalf("sshdtest: could not look up user %s: %v", name, err)
		}
		useradd := Need(tb, "useradd", "/usr/sbin/useradd")
		// -p '*': no password, but not locked (sshd refuses locked
		// accounts when PAM is off).
		out, err := exec.Command(useradd, "-m", "-s", "/bin/sh", "-p", "*", name).CombinedOutput()
		if err != nil {
			tb.Fatalf("sshdtest: useradd %s: %v: %s", name, err, out)
		}
		if u, err = user.Lookup(name); err != nil {
			tb.Fatal(err)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	sshDir := filepath.Join(u.HomeDir, ".ssh")
	if err := os.MkdirAll(sshDir, 0o700); err != nil {
		tb.Fatal(err)
	}
	ak := filepath.Join(sshDir, "authorized_keys")
	if err := os.WriteFile(ak, []byte(authorizedKeys), 0o600); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []string{u.HomeDir, sshDir, ak} {
		if err := os.Chown(p, uid, gid); err != nil {
			tb.Fatal(err)
		}
	}
	return u.HomeDir
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) WriteString(s string) {
	l.mu.Lock()
	l.b.WriteString(s)
	l.mu.Unlock()
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
