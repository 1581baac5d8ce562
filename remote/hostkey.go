package remote

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// UnknownHostKeyError refuses a host whose key is not in known_hosts.
type UnknownHostKeyError struct {
	Host        string // as written in known_hosts ("[127.0.0.1]:2222")
	KeyType     string // "ssh-ed25519"
	Fingerprint string // "SHA256:..."
	KnownHosts  string // the known_hosts file that was searched
}

func (e *UnknownHostKeyError) Error() string {
	return fmt.Sprintf("remote: unknown host key for %s: the host offers %s key %s, which is not in %s; "+
		"check this fingerprint with the cluster's administrators (on the host: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) "+
		"and, if it matches, connect again with --accept-host-key to record it",
		e.Host, e.KeyType, e.Fingerprint, e.KnownHosts)
}

// ChangedHostKeyError refuses a host whose key differs from the one recorded
// in known_hosts. It is never overridden by AcceptNewHostKey.
type ChangedHostKeyError struct {
	Host        string
	KeyType     string // type of the key the host offers now
	Fingerprint string // fingerprint of the key the host offers now
	File        string // known_hosts file holding the recorded key
	Line        int    // its line in File
	KnownType   string // type of the recorded key
	KnownFinger string // fingerprint of the recorded key
}

func (e *ChangedHostKeyError) Error() string {
	return fmt.Sprintf("remote: WARNING: THE HOST KEY FOR %s HAS CHANGED; REFUSING TO CONNECT. "+
		"Someone could be intercepting this connection (man-in-the-middle attack), or the host key was just replaced. "+
		"The host now offers %s key %s; %s:%d records %s key %s. "+
		"If the administrators confirm the change, remove that line (ssh-keygen -R '%s' -f %s) and connect again with --accept-host-key",
		e.Host, e.KeyType, e.Fingerprint, e.File, e.Line, e.KnownType, e.KnownFinger, e.Host, e.File)
}

// hostKeyChecker checks host keys against one known_hosts file and, when
// accept is set, appends keys of hosts the file does not know.
type hostKeyChecker struct {
	file   string
	accept bool

	mu  sync.Mutex
	err error // the refusal, kept because the handshake may wrap it
}

// load reads the known_hosts file; a missing file is an empty one.
func (h *hostKeyChecker) load() (ssh.HostKeyCallback, error) {
	cb, err := knownhosts.New(h.file)
	if errors.Is(err, fs.ErrNotExist) {
		return knownhosts.New()
	}
	if err != nil {
		return nil, fmt.Errorf("remote: could not read known hosts: %w", err)
	}
	return cb, nil
}

// wrap returns the callback for the handshake around the known_hosts
// callback cb.
func (h *hostKeyChecker) wrap(cb ssh.HostKeyCallback) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := h.check(cb, hostname, remote, key)
		h.mu.Lock()
		h.err = err
		h.mu.Unlock()
		return err
	}
}

func (h *hostKeyChecker) refusal() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

func (h *hostKeyChecker) check(cb ssh.HostKeyCallback, hostname string, remote net.Addr, key ssh.PublicKey) error {
	err := cb(hostname, remote, key)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		var re *knownhosts.RevokedError
		if errors.As(err, &re) {
			return fmt.Errorf("remote: host key %s %s for %s is marked @revoked in %s:%d; refusing to connect",
				key.Type(), ssh.FingerprintSHA256(key), knownhosts.Normalize(hostname), re.Revoked.Filename, re.Revoked.Line)
		}
		return err
	}
	host := knownhosts.Normalize(hostname)
	if len(ke.Want) > 0 {
		w := ke.Want[0]
		return &ChangedHostKeyError{
			Host: host, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
			File: w.Filename, Line: w.Line,
			KnownType: w.Key.Type(), KnownFinger: ssh.FingerprintSHA256(w.Key),
		}
	}
	if !h.accept {
		return &UnknownHostKeyError{Host: host, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), KnownHosts: h.file}
	}
	return appendKnownHost(h.file, host, key)
}

// appendKnownHost records key for host at the end of file, creating the file
// (and its directory) when missing.
func appendKnownHost(file, host string, key ssh.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("remote: could not create known hosts directory: %w", err)
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("remote: could not open known hosts: %w", err)
	}
	defer f.Close()
	line := knownhosts.Line([]string{host}, key) + "\n"
	// Start on a fresh line if the file does not end with a newline.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("remote: could not record host key in %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("remote: could not record host key in %s: %w", file, err)
	}
	return nil
}

// probeKey is a fixed key no host offers; checking it returns the keys
// known_hosts holds for a host.
var probeKey = func() ssh.PublicKey {
	k, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5a}, ed25519.SeedSize)).Public())
	if err != nil {
		panic(err)
	}
	return k
}()

// knownAlgorithms returns the host key algorithms to offer for hostname so
// the server shows a key of a type known_hosts holds (as OpenSSH does);
// nil means the library's default order.
func knownAlgorithms(cb ssh.HostKeyCallback, hostname string) []string {
	err := cb(hostname, &net.TCPAddr{IP: net.IPv4zero}, probeKey)
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algs []string
	seen := map[string]bool{}
	for _, w := range ke.Want {
		t := w.Key.Type()
		var as []string
		switch t {
		case ssh.KeyAlgoRSA:
			as = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
		default:
			if strings.HasPrefix(t, "ssh-") || strings.HasPrefix(t, "ecdsa-") || strings.HasPrefix(t, "sk-") {
				as = []string{t}
			}
		}
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				algs = append(algs, a)
			}
		}
	}
	return algs
}
