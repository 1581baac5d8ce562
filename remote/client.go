package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/netsweep/netsweep/internal/shell"
)

// Options says how Dial logs in and checks the host.
type Options struct {
	// KeyFile is a private key file (OpenSSH, PEM or PKCS#8, without a
	// passphrase; load protected keys into ssh-agent instead).
	KeyFile string
	// UseAgent adds the keys of the ssh-agent at $SSH_AUTH_SOCK.
	UseAgent bool
	// KnownHosts is the known_hosts file; "" means ~/.ssh/known_hosts.
	KnownHosts string
	// AcceptNewHostKey records the key of a host that KnownHosts does not
	// know yet (the CLI's --accept-host-key). A changed key is still refused.
	AcceptNewHostKey bool
	// ConnectTimeout bounds the TCP connect and the ssh handshake of one
	// attempt; 0 means 15s.
	ConnectTimeout time.Duration
	// Retries is how many more times Dial tries after a connection error
	// (refused, reset, timed out), with exponential backoff from
	// RetryDelay (0 means 1s). Host key and login refusals are not retried.
	Retries    int
	RetryDelay time.Duration
	// KeepAlive is the interval of keepalive requests on an open
	// connection; a connection that misses two in a row is closed, so a
	// vanished host fails the running command instead of hanging it.
	// 0 means 30s; negative disables keepalives.
	KeepAlive time.Duration
}

// Client is an open ssh connection to a Target. It is safe for concurrent
// use: each Run opens its own session.
type Client struct {
	target Target
	conn   *ssh.Client
	done   chan struct{}
}

// ConnError is a failure of the connection itself (refused, reset, timed
// out, dropped mid-command): the remote side may never have seen the
// request, and dialing again may help. WithRetry retries exactly these.
type ConnError struct {
	Target Target
	Err    error
}

func (e *ConnError) Error() string {
	return fmt.Sprintf("remote: connection to %s failed: %v", e.Target, e.Err)
}

func (e *ConnError) Unwrap() error { return e.Err }

// IsConnError reports whether err comes from a failed or dropped connection.
func IsConnError(err error) bool {
	var ce *ConnError
	return errors.As(err, &ce)
}

// ExitError is a remote command that ran and failed.
type ExitError struct {
	Target  Target
	Command string // the remote command line
	Status  int    // exit status; 128+N for signal N
	Signal  string // signal name, if the command was killed by one
	Stderr  []byte // the command's standard error
}

func (e *ExitError) Error() string {
	how := fmt.Sprintf("exit status %d", e.Status)
	if e.Signal != "" {
		how = "killed by signal " + e.Signal
	}
	msg := fmt.Sprintf("remote: %s on %s: %s", shortCommand(e.Command), e.Target, how)
	if s := strings.TrimSpace(string(e.Stderr)); s != "" {
		msg += ": stderr: " + s
	}
	return msg
}

// shortCommand trims a long or multi-line command line (an inline
// script) for an error message.
func shortCommand(cmd string) string {
	const max = 120
	if i := strings.IndexByte(cmd, '\n'); i >= 0 {
		cmd = cmd[:i] + " ..."
	}
	if len(cmd) > max {
		cmd = cmd[:max] + " ..."
	}
	return cmd
}

// Dial connects and logs in to t. The host key must be in the known_hosts
// file, or opts.AcceptNewHostKey set to record it; a changed key is always
// refused. Connection errors are retried opts.Retries times.
func Dial(ctx context.Context, t Target, opts Options) (*Client, error) {
	if t.Host == "" || t.User == "" || t.Port < 1 || t.Port > 65535 {
		return nil, fmt.Errorf("remote: bad target: %+v: want user, host and port 1..65535", t)
	}
	auth, cleanup, err := authMethods(opts)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	known := opts.KnownHosts
	if known == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("remote: could not find home directory for ~/.ssh/known_hosts (set KnownHosts): %w", err)
		}
		known = filepath.Join(home, ".ssh", "known_hosts")
	}
	delay := opts.RetryDelay
	if delay <= 0 {
		delay = time.Second
	}
	var c *Client
	err = retry(ctx, opts.Retries+1, delay, func() error {
		var err error
		c, err = dialOnce(ctx, t, opts, auth, known)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func dialOnce(ctx context.Context, t Target, opts Options, auth []ssh.AuthMethod, known string) (*Client, error) {
	// Re-read known_hosts for every attempt: a key accepted by another
	// process in the meantime counts.
	hk := &hostKeyChecker{file: known, accept: opts.AcceptNewHostKey}
	base, err := hk.load()
	if err != nil {
		return nil, err
	}
	timeout := opts.ConnectTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	cfg := &ssh.ClientConfig{
		User:              t.User,
		Auth:              auth,
		HostKeyCallback:   hk.wrap(base),
		HostKeyAlgorithms: knownAlgorithms(base, t.Addr()),
		Timeout:           timeout,
	}

	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", t.Addr())
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("remote: could not connect to %s: %w", t, ctx.Err())
		}
		return nil, &ConnError{Target: t, Err: err}
	}
	// Bound the handshake by the timeout and by ctx.
	nc.SetDeadline(time.Now().Add(timeout))
	stop := context.AfterFunc(dctx, func() { nc.Close() })
	sc, chans, reqs, err := ssh.NewClientConn(nc, t.Addr(), cfg)
	stop()
	if err != nil {
		nc.Close()
		if r := hk.refusal(); r != nil {
			return nil, r
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("remote: could not connect to %s: %w", t, ctx.Err())
		}
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, fmt.Errorf("remote: %s refused the login: %w; is the public key in ~%s/.ssh/authorized_keys on %s?", t, err, t.User, t.Host)
		}
		return nil, &ConnError{Target: t, Err: err}
	}
	nc.SetDeadline(time.Time{})
	c := &Client{target: t, conn: ssh.NewClient(sc, chans, reqs), done: make(chan struct{})}
	if ka := opts.KeepAlive; ka >= 0 {
		if ka == 0 {
			ka = 30 * time.Second
		}
		go c.keepAlive(ka)
	}
	return c, nil
}

// keepAlive closes the connection when the server stops answering.
func (c *Client) keepAlive(every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-tick.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := c.conn.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		select {
		case <-c.done:
			return
		case err := <-reply:
			if err != nil {
				c.conn.Close()
				return
			}
		case <-time.After(2 * every):
			c.conn.Close()
			return
		}
	}
}

// checkKeyMode refuses a private key file that group or others may read or
// write, as OpenSSH does. Windows reports no such modes.
func checkKeyMode(file string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("remote: could not read key file: %w", err)
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("remote: key file %s has mode %04o, open to group or others, which ssh refuses; run 'chmod 600 %s'", file, m, file)
	}
	return nil
}

// authMethods returns the login methods of opts and a cleanup that closes
// the agent socket.
func authMethods(opts Options) ([]ssh.AuthMethod, func(), error) {
	var signers []ssh.Signer
	cleanup := func() {}
	if opts.KeyFile != "" {
		pem, err := os.ReadFile(opts.KeyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("remote: could not read key file: %w", err)
		}
		if err := checkKeyMode(opts.KeyFile); err != nil {
			return nil, nil, err
		}
		s, err := ssh.ParsePrivateKey(pem)
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, nil, fmt.Errorf("remote: key file %s is protected by a passphrase; load it into ssh-agent (ssh-add %s) and use the agent instead", opts.KeyFile, opts.KeyFile)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("remote: could not parse key file %s: %w", opts.KeyFile, err)
		}
		signers = append(signers, s)
	}
	if opts.UseAgent {
		sock := os.Getenv("SSH_AUTH_SOCK")
		if sock == "" {
			return nil, nil, errors.New("remote: no ssh-agent: SSH_AUTH_SOCK is not set; start one (eval $(ssh-agent); ssh-add KEYFILE) or give a key file")
		}
		conn, err := net.Dial("unix", sock)
		if err != nil {
			return nil, nil, fmt.Errorf("remote: could not reach ssh-agent at SSH_AUTH_SOCK=%s: %w", sock, err)
		}
		cleanup = func() { conn.Close() }
		as, err := agent.NewClient(conn).Signers()
		if err != nil {
			conn.Close()
			return nil, nil, fmt.Errorf("remote: could not list ssh-agent keys: %w", err)
		}
		if len(as) == 0 && len(signers) == 0 {
			conn.Close()
			return nil, nil, fmt.Errorf("remote: ssh-agent at %s holds no keys; add one with ssh-add KEYFILE", sock)
		}
		signers = append(signers, as...)
	}
	if len(signers) == 0 {
		return nil, nil, errors.New("remote: no login method: give a key file or use ssh-agent")
	}
	return []ssh.AuthMethod{ssh.PublicKeys(signers...)}, cleanup, nil
}

// Target returns the target c is connected to.
func (c *Client) Target() Target { return c.target }

// Close closes the connection.
func (c *Client) Close() error {
	select {
	case <-c.done:
	default:
		close(c.done)
	}
	return c.conn.Close()
}

// Run runs the command args on the host and returns its standard output
// and standard error. The remote command line is shell.Join(args), read by
// the login shell of the remote user (which must be a POSIX shell). stdin,
// if not nil, is copied to the command's standard input. A command that
// exits non-zero gives an *ExitError holding its stderr; a dropped
// connection a *ConnError. Cancelling ctx kills the command and closes the
// session.
func (c *Client) Run(ctx context.Context, args []string, stdin io.Reader) (stdout, stderr []byte, err error) {
	var out, errb bytes.Buffer
	err = c.run(ctx, args, stdin, &out, &errb)
	return out.Bytes(), errb.Bytes(), err
}

// run is Run with caller-owned output writers; stderr must be a
// *bytes.Buffer so errors can quote it.
func (c *Client) run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, stderr *bytes.Buffer) error {
	if len(args) == 0 {
		return errors.New("remote: empty command")
	}
	cmd := shell.Join(args)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("remote: %s: %w", cmd, err)
	}
	sess, err := c.conn.NewSession()
	if err != nil {
		return &ConnError{Target: c.target, Err: fmt.Errorf("could not open session: %w", err)}
	}
	defer sess.Close()
	// The session's copy goroutines may still run after a cancellation
	// returns: the guards cut them off from the caller's writers.
	gout, gerr := &guardWriter{w: stdout}, &guardWriter{w: stderr}
	sess.Stdin = stdin
	sess.Stdout = gout
	sess.Stderr = gerr
	if err := sess.Start(cmd); err != nil {
		return &ConnError{Target: c.target, Err: fmt.Errorf("could not start %s: %w", cmd, err)}
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		sess.Signal(ssh.SIGKILL) // best effort; older servers ignore it
		sess.Close()
		gout.close()
		gerr.close()
		return fmt.Errorf("remote: %s on %s: %w", cmd, c.target, ctx.Err())
	}
	var ee *ssh.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return &ExitError{Target: c.target, Command: cmd, Status: ee.ExitStatus(), Signal: ee.Signal(), Stderr: bytes.Clone(stderr.Bytes())}
	default:
		// ExitMissingError, EOF, reset: the connection went away.
		return &ConnError{Target: c.target, Err: fmt.Errorf("%s: %w", cmd, err)}
	}
}

// guardWriter passes writes on until it is closed, and fails them after.
type guardWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *guardWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, io.ErrClosedPipe
	}
	return g.w.Write(p)
}

// close waits for a write in progress and stops all later ones.
func (g *guardWriter) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
