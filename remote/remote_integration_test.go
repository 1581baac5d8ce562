package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/remote/sshdtest"
)

// dialTimeout keeps every test bounded when something hangs.
const dialTimeout = 5 * time.Second

// env is a real sshd on 127.0.0.1 that accepts a key made by Keygen, and a
// known_hosts file that knows its host key.
type env struct {
	srv    *sshdtest.Server
	dir    string
	key    string // private key file
	pub    string // authorized_keys line
	known  string // known_hosts file
	target remote.Target
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	priv, pubPath, err := remote.Keygen(filepath.Join(dir, "keys"), "test")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: string(pub)})
	e := &env{srv: srv, dir: dir, key: priv, pub: string(pub), known: filepath.Join(dir, "known_hosts")}
	if err := os.WriteFile(e.known, []byte(srv.KnownHostsLine(srv.Addr)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	user, err := remote.DefaultUser()
	if err != nil {
		t.Fatal(err)
	}
	e.target = remote.Target{User: user, Host: "127.0.0.1", Port: srv.Port}
	return e
}

func (e *env) opts() remote.Options {
	return remote.Options{KeyFile: e.key, KnownHosts: e.known, ConnectTimeout: dialTimeout}
}

func (e *env) dial(t testing.TB, opts remote.Options) *remote.Client {
	t.Helper()
	c, err := remote.Dial(testCtx(t), e.target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCtx ends with the test, and within a minute at most.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestKeyLoginAndRun(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t, e.opts())
	out, _, err := c.Run(testCtx(t), []string{"sh", "-c", `echo "$1 $(id -un)"`, "sh", "hello world"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "hello world "+e.target.User+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	// stdin reaches the command.
	out, _, err = c.Run(testCtx(t), []string{"tr", "a-z", "A-Z"}, strings.NewReader("netsweep\n"))
	if err != nil || string(out) != "NETSWEEP\n" {
		t.Errorf("tr: %q, %v", out, err)
	}
}

func TestRunFailureCarriesStderr(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t, e.opts())
	_, stderr, err := c.Run(testCtx(t), []string{"sh", "-c", "echo partial; echo 'no such campaign' >&2; exit 7"}, nil)
	var ee *remote.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v (%T), want *remote.ExitError", err, err)
	}
	if ee.Status != 7 || !strings.Contains(err.Error(), "no such campaign") || !strings.Contains(err.Error(), "exit status 7") {
		t.Errorf("err = %v; status %d", err, ee.Status)
	}
	if string(stderr) != "no such campaign\n" {
		t.Errorf("stderr = %q", stderr)
	}
	if remote.IsConnError(err) {
		t.Error("a failed remote command counts as a connection error")
	}
	// The connection survives a failed command.
	if out, _, err := c.Run(testCtx(t), []string{"echo", "ok"}, nil); err != nil || string(out) != "ok\n" {
		t.Errorf("after failure: %q, %v", out, err)
	}
}

func TestRunContextCancel(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t, e.opts())
	ctx, cancel := context.WithTimeout(testCtx(t), 300*time.Millisecond)
	defer cancel()
	_, _, err := c.Run(ctx, []string{"sleep", "20"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	// The connection is still usable.
	if out, _, err := c.Run(testCtx(t), []string{"echo", "ok"}, nil); err != nil || string(out) != "ok\n" {
		t.Errorf("after cancel: %q, %v", out, err)
	}
}

func TestAgentLogin(t *testing.T) {
	e := newEnv(t)
	sockDir, err := os.MkdirTemp("", "nsagent") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	sock := filepath.Join(sockDir, "agent.sock")
	startAgent(t, sock)

	raw, err := os.ReadFile(e.key)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ssh.ParseRawPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// One client per connection: each runs its own reader on conn.
	ag := agent.NewClient(conn)
	if err := ag.Add(agent.AddedKey{PrivateKey: priv, Comment: "netsweep-test"}); err != nil {
		t.Fatal(err)
	}

	t.Setenv("SSH_AUTH_SOCK", sock)
	opts := e.opts()
	opts.KeyFile = ""
	opts.UseAgent = true
	c := e.dial(t, opts)
	if out, _, err := c.Run(testCtx(t), []string{"echo", "via agent"}, nil); err != nil || string(out) != "via agent\n" {
		t.Errorf("Run: %q, %v", out, err)
	}

	// An agent without the authorized key is refused, and not as a
	// connection error worth retrying.
	if err := ag.RemoveAll(); err != nil {
		t.Fatal(err)
	}
	_, other, _ := ed25519Key(t)
	if err := ag.Add(agent.AddedKey{PrivateKey: other}); err != nil {
		t.Fatal(err)
	}
	_, err = remote.Dial(testCtx(t), e.target, opts)
	if err == nil || remote.IsConnError(err) || !strings.Contains(err.Error(), "refused the login") {
		t.Errorf("Dial with a foreign key: err = %v, want a login refusal", err)
	}
}

// startAgent serves an ssh-agent on sock: the real ssh-agent when installed,
// else the x/crypto keyring.
func startAgent(t *testing.T, sock string) {
	t.Helper()
	if p, err := exec.LookPath("ssh-agent"); err == nil {
		cmd := exec.Command(p, "-D", "-a", sock)
		sshdtest.DieWithParent(cmd)
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		deadline := time.Now().Add(dialTimeout)
		for {
			if c, err := net.Dial("unix", sock); err == nil {
				c.Close()
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("ssh-agent did not listen on %s: %s", sock, log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("ssh-agent not installed; serving the x/crypto agent keyring on %s instead", sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	kr := agent.NewKeyring()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { agent.ServeAgent(kr, c); c.Close() }()
		}
	}()
}

func ed25519Key(t *testing.T) (ssh.PublicKey, any, ssh.Signer) {
	t.Helper()
	dir := t.TempDir()
	priv, _, err := remote.Keygen(dir, "other")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(priv)
	raw, err := ssh.ParseRawPrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s.PublicKey(), raw, s
}

func TestHostKeyUnknownAcceptChanged(t *testing.T) {
	e := newEnv(t)
	known := filepath.Join(e.dir, "fresh", "known_hosts") // not there yet
	opts := e.opts()
	opts.KnownHosts = known
	fp := ssh.FingerprintSHA256(e.srv.HostKey)

	// Unknown: refused, with type, fingerprint and the flag to accept.
	_, err := remote.Dial(testCtx(t), e.target, opts)
	var uk *remote.UnknownHostKeyError
	if !errors.As(err, &uk) {
		t.Fatalf("err = %v (%T), want *remote.UnknownHostKeyError", err, err)
	}
	for _, want := range []string{"ssh-ed25519", fp, "--accept-host-key", known} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("unknown-key message lacks %q:\n%v", want, err)
		}
	}
	t.Logf("unknown host key message: %v", err)
	if _, err := os.Stat(known); err == nil {
		t.Error("a refused key was recorded")
	}

	// Accepted explicitly: recorded, and then known without the flag.
	opts.AcceptNewHostKey = true
	e.dial(t, opts).Close()
	b, err := os.ReadFile(known)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.srv.KnownHostsLine(e.srv.Addr) + "\n"; string(b) != want {
		t.Errorf("known_hosts = %q, want %q", b, want)
	}
	opts.AcceptNewHostKey = false
	e.dial(t, opts).Close()

	// Another sshd with another host key on the same address: CHANGED,
	// refused even with AcceptNewHostKey.
	e.srv.Stop()
	srv2 := sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: e.pub, Port: e.srv.Port})
	for _, accept := range []bool{false, true} {
		opts.AcceptNewHostKey = accept
		_, err = remote.Dial(testCtx(t), e.target, opts)
		var ch *remote.ChangedHostKeyError
		if !errors.As(err, &ch) {
			t.Fatalf("accept=%v: err = %v (%T), want *remote.ChangedHostKeyError", accept, err, err)
		}
		for _, want := range []string{"HAS CHANGED", known + ":1", ssh.FingerprintSHA256(srv2.HostKey), fp} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("changed-key message lacks %q:\n%v", want, err)
			}
		}
		if !accept {
			t.Logf("changed host key message: %v", err)
		}
		if remote.IsConnError(err) {
			t.Error("a changed host key counts as a retryable connection error")
		}
	}
	if b2, _ := os.ReadFile(known); !bytes.Equal(b, b2) {
		t.Errorf("known_hosts changed after a refusal: %q", b2)
	}
}

func TestAcceptAppendsToExistingKnownHosts(t *testing.T) {
	e := newEnv(t)
	// A file without a final newline holding another host.
	other := "[127.0.0.2]:2222 " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(e.srv.HostKey)))
	if err := os.WriteFile(e.known, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := e.opts()
	opts.AcceptNewHostKey = true
	e.dial(t, opts).Close()
	b, _ := os.ReadFile(e.known)
	if want := other + "\n" + e.srv.KnownHostsLine(e.srv.Addr) + "\n"; string(b) != want {
		t.Errorf("known_hosts = %q, want %q", b, want)
	}
}

func TestOtherUser(t *testing.T) {
	e := newEnv(t)
	const name = "netsweep-remote"
	sshdtest.EnsureUser(t, name, e.pub)
	tg := e.target
	tg.User = name
	c, err := remote.Dial(testCtx(t), tg, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, err := c.Run(testCtx(t), []string{"id", "-un"}, nil)
	if err != nil || string(out) != name+"\n" {
		t.Errorf("id -un = %q, %v; want %s", out, err, name)
	}
}

func TestDialConnectionRefusedIsConnError(t *testing.T) {
	e := newEnv(t)
	e.srv.Stop()
	opts := e.opts()
	opts.Retries = 1
	opts.RetryDelay = 10 * time.Millisecond
	_, err := remote.Dial(testCtx(t), e.target, opts)
	if !remote.IsConnError(err) || !strings.Contains(err.Error(), "2 attempts") {
		t.Errorf("err = %v, want a connection error after 2 attempts", err)
	}
}

func randomFile(t *testing.T, path string, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUploadDownloadRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t, e.opts())
	ctx := testCtx(t)
	remoteDir := t.TempDir() // the server is this machine
	for _, name := range []string{"plain.bin", "with space's \"quotes\" $(x) `y`.bin", "-dash.bin"} {
		t.Run(name, func(t *testing.T) {
			local := filepath.Join(t.TempDir(), "up.bin")
			data := randomFile(t, local, 300_001)
			rpath := filepath.Join(remoteDir, name)
			if err := c.Upload(ctx, local, rpath, 0o640); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(rpath)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("remote file differs (%d bytes, %v)", len(got), err)
			}
			if st, _ := os.Stat(rpath); st.Mode().Perm() != 0o640 {
				t.Errorf("remote mode %o, want 640", st.Mode().Perm())
			}
			down := filepath.Join(t.TempDir(), "down "+name)
			if err := c.Download(ctx, rpath, down); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(down); !bytes.Equal(got, data) {
				t.Fatal("downloaded file differs")
			}
			assertNoTemp(t, filepath.Dir(down))
			assertNoTemp(t, remoteDir)
		})
	}
	// Errors name the file and keep the remote stderr.
	err := c.Download(ctx, filepath.Join(remoteDir, "missing"), filepath.Join(t.TempDir(), "x"))
	if err == nil || !strings.Contains(err.Error(), "No such file") {
		t.Errorf("Download of a missing file: %v", err)
	}
	err = c.Upload(ctx, e.key, filepath.Join(remoteDir, "no/such/dir/x"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "no/such/dir") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Upload into a missing directory: %v", err)
	}
	t.Logf("upload error: %v", err)
}

// assertNoTemp fails if dir holds a leftover transfer temporary file.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".netsweep-") {
			t.Errorf("leftover temporary file %s in %s", e.Name(), dir)
		}
	}
}

func TestDroppedDownloadAndRetry(t *testing.T) {
	e := newEnv(t)
	proxy := sshdtest.NewProxy(t, e.srv.Addr)
	if err := os.WriteFile(e.known, []byte(e.srv.KnownHostsLine(proxy.Addr)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(proxy.Addr)
	tg, err := remote.ParseTarget(e.target.User + "@127.0.0.1:" + port)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "results.bin")
	data := randomFile(t, src, 4<<20)
	localDir := t.TempDir()
	local := filepath.Join(localDir, "results.bin")
	// An older local copy must survive a failed download untouched.
	if err := os.WriteFile(local, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Attempt 1 is cut after 1 MiB has come down; sshd then goes away.
	// Attempt 2 finds it down (connection refused); sshd comes back.
	// Attempt 3 succeeds.
	attempt := 0
	var errs []error
	err = remote.WithRetry(testCtx(t), 5, func() error {
		attempt++
		switch attempt {
		case 1:
			proxy.CutNextAfter(1 << 20)
			c, err := remote.Dial(testCtx(t), tg, e.opts())
			if err != nil {
				t.Fatalf("first dial: %v", err)
			}
			defer c.Close()
			err = c.Download(testCtx(t), src, local)
			errs = append(errs, err)
			if got, _ := os.ReadFile(local); string(got) != "old" {
				t.Errorf("after the cut download the local file holds %d bytes, want the old 3", len(got))
			}
			assertNoTemp(t, localDir)
			e.srv.Stop()
			return err
		case 2:
			_, err := remote.Dial(testCtx(t), tg, e.opts())
			errs = append(errs, err)
			e.srv.Restart()
			return err
		default:
			c, err := remote.Dial(testCtx(t), tg, e.opts())
			if err != nil {
				return err
			}
			defer c.Close()
			return c.Download(testCtx(t), src, local)
		}
	})
	if err != nil {
		t.Fatalf("WithRetry: %v (errors on the way: %v)", err, errs)
	}
	if attempt != 3 {
		t.Errorf("attempts = %d, want 3 (errors: %v)", attempt, errs)
	}
	if got, _ := os.ReadFile(local); !bytes.Equal(got, data) {
		t.Error("final download differs from the source")
	}
	assertNoTemp(t, localDir)
	for i, err := range errs {
		if !remote.IsConnError(err) {
			t.Errorf("attempt %d: err = %v, want a connection error", i+1, err)
		}
	}
}

// BenchmarkRun measures one remote command round trip (session, exec,
// exit) on loopback.
func BenchmarkRun(b *testing.B) {
	e := newEnv(b)
	c := e.dial(b, e.opts())
	ctx := testCtx(b)
	for b.Loop() {
		if _, _, err := c.Run(ctx, []string{"true"}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDroppedUpload cuts the link in the middle of an upload: Upload fails
// with a connection error and the remote file keeps its old content.
func TestDroppedUpload(t *testing.T) {
	e := newEnv(t)
	proxy := sshdtest.NewProxy(t, e.srv.Addr)
	if err := os.WriteFile(e.known, []byte(e.srv.KnownHostsLine(proxy.Addr)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(proxy.Addr)
	tg, err := remote.ParseTarget(e.target.User + "@127.0.0.1:" + port)
	if err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(t.TempDir(), "spec.bin")
	randomFile(t, local, 4<<20)
	rpath := filepath.Join(t.TempDir(), "spec.bin")
	if err := os.WriteFile(rpath, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy.CutNextAfter(1 << 20)
	c, err := remote.Dial(testCtx(t), tg, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Upload(testCtx(t), local, rpath, 0o600)
	if !remote.IsConnError(err) {
		t.Errorf("err = %v, want a connection error", err)
	}
	if got, _ := os.ReadFile(rpath); string(got) != "old" {
		t.Errorf("remote file holds %d bytes after a cut upload, want the old 3", len(got))
	}
}

func TestWithClient(t *testing.T) {
	e := newEnv(t)
	calls := 0
	err := remote.WithClient(testCtx(t), e.target, e.opts(), 3, func(c *remote.Client) error {
		calls++
		_, _, err := c.Run(testCtx(t), []string{"false"}, nil)
		return err
	})
	var ee *remote.ExitError
	if !errors.As(err, &ee) || calls != 1 {
		t.Errorf("calls = %d, err = %v; want one call ending in an ExitError", calls, err)
	}
	var user []byte
	err = remote.WithClient(testCtx(t), e.target, e.opts(), 3, func(c *remote.Client) error {
		out, _, err := c.Run(testCtx(t), []string{"id", "-un"}, nil)
		user = out
		return err
	})
	if err != nil || string(user) != e.target.User+"\n" {
		t.Errorf("id -un = %q, %v", user, err)
	}
}

// TestKeepAliveDetectsDeadLink freezes the link under a running command:
// unanswered keepalives close the connection and Run fails with a
// connection error instead of hanging.
func TestKeepAliveDetectsDeadLink(t *testing.T) {
	e := newEnv(t)
	proxy := sshdtest.NewProxy(t, e.srv.Addr)
	if err := os.WriteFile(e.known, []byte(e.srv.KnownHostsLine(proxy.Addr)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(proxy.Addr)
	tg, err := remote.ParseTarget(e.target.User + "@127.0.0.1:" + port)
	if err != nil {
		t.Fatal(err)
	}
	opts := e.opts()
	opts.KeepAlive = 100 * time.Millisecond
	c, err := remote.Dial(testCtx(t), tg, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The link dies while a quiet command runs (or, on a slow machine,
	// before it starts: either way only keepalives can notice).
	time.AfterFunc(300*time.Millisecond, proxy.Freeze)
	_, _, err = c.Run(testCtx(t), []string{"sleep", "20"}, nil)
	if !remote.IsConnError(err) {
		t.Errorf("err = %v, want a connection error from the keepalive", err)
	}
}
