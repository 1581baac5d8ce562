package remote

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestAuthMethodsErrors(t *testing.T) {
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "c", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.WriteFile(locked, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open")
	if err := os.WriteFile(open, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	t.Setenv("SSH_AUTH_SOCK", "")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"nothing", Options{}, "no login method"},
		{"passphrase", Options{KeyFile: locked}, "ssh-add " + locked},
		{"mode 0644", Options{KeyFile: open}, "key file " + open + " has mode 0644, open to group or others, which ssh refuses; run 'chmod 600 " + open + "'"},
		{"garbage", Options{KeyFile: garbage}, "could not parse key file " + garbage},
		{"missing", Options{KeyFile: filepath.Join(dir, "nope")}, "could not read key file"},
		{"no agent", Options{UseAgent: true}, "SSH_AUTH_SOCK is not set"},
	}
	for _, tt := range tests {
		if tt.opts.KeyFile == open && runtime.GOOS == "windows" {
			continue // no group or other modes to check
		}
		_, _, err := authMethods(tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "remote: ") {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestRetry(t *testing.T) {
	connErr := &ConnError{Target: Target{"u", "h", 22}, Err: errors.New("connection refused")}
	remoteErr := &ExitError{Command: "false", Status: 1}
	tests := []struct {
		name      string
		attempts  int
		errs      []error // returned by successive calls; nil after the end
		wantCalls int
		wantErr   error // errors.Is target; nil means success
	}{
		{"first try", 3, nil, 1, nil},
		{"recovers", 3, []error{connErr, connErr}, 3, nil},
		{"gives up", 3, []error{connErr, connErr, connErr, connErr}, 3, connErr},
		{"remote failure not retried", 3, []error{remoteErr}, 1, remoteErr},
		{"conn then remote failure", 5, []error{connErr, remoteErr}, 2, remoteErr},
		{"wrapped conn error retried", 3, []error{fmt.Errorf("download: %w", connErr)}, 2, nil},
		{"zero attempts means one", 0, []error{connErr}, 1, connErr},
	}
	for _, tt := range tests {
		calls := 0
		err := retry(context.Background(), tt.attempts, time.Millisecond, func() error {
			calls++
			if calls <= len(tt.errs) {
				return tt.errs[calls-1]
			}
			return nil
		})
		if calls != tt.wantCalls {
			t.Errorf("%s: %d calls, want %d", tt.name, calls, tt.wantCalls)
		}
		if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestRetryStopsOnContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retry(ctx, 10, time.Hour, func() error {
		calls++
		cancel()
		return &ConnError{Err: errors.New("reset")}
	})
	if calls != 1 || !IsConnError(err) {
		t.Errorf("calls = %d, err = %v; want 1 call and its connection error", calls, err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel2)
	err = retry(ctx2, 10, time.Hour, func() error { return &ConnError{Err: errors.New("reset")} })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled during the backoff", err)
	}
}

// TestDialHandshakeTimeout dials a listener that accepts and then never
// speaks: the handshake must give up after ConnectTimeout with a
// connection error.
func TestDialHandshakeTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	keyDir := t.TempDir()
	priv, _, err := Keygen(keyDir, "k")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	opts := Options{KeyFile: priv, KnownHosts: filepath.Join(keyDir, "known_hosts"), ConnectTimeout: 200 * time.Millisecond}
	_, err = Dial(context.Background(), Target{"u", "127.0.0.1", port}, opts)
	if !IsConnError(err) {
		t.Errorf("err = %v, want a connection error", err)
	}
}

func TestKnownAlgorithms(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	// An RSA key from its authorized_keys form (no need to generate one).
	rsaLine := "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDcGnDo4Pi0aWLXu3vzkmhgAqZ3ZWQMiG2JcSNjfPjEDVuoPGYjdxLQ80m5dsW6uVtfdBawfIR4lkeSF+uOSpMKtm7Myy1t3d5lnE4j9FlMm9qC1XHoXlZKcF2mVKx6tqWY4rGy+1YdsuUm9OZbl2mNzyF9nw7mmiUZGLb8Ulsoyw=="
	rsa, _, _, _, err := ssh.ParseAuthorizedKey([]byte(rsaLine))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	lines := []string{
		knownhosts.Line([]string{"[a.example]:2222"}, rsa),
		knownhosts.Line([]string{"b.example"}, ed),
		knownhosts.Line([]string{"b.example"}, rsa),
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cb, err := (&hostKeyChecker{file: file}).load()
	if err != nil {
		t.Fatal(err)
	}
	rsaAlgs := []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	tests := []struct {
		addr string
		want []string
	}{
		{"a.example:2222", rsaAlgs},
		{"a.example:22", nil},
		{"b.example:22", append([]string{ssh.KeyAlgoED25519}, rsaAlgs...)},
		{"c.example:22", nil},
	}
	for _, tt := range tests {
		if got := knownAlgorithms(cb, tt.addr); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("knownAlgorithms(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
