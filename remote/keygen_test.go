package remote

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	priv, pub, err := Keygen(dir, "hpc")
	if err != nil {
		t.Fatal(err)
	}
	if priv != filepath.Join(dir, "hpc") || pub != priv+".pub" {
		t.Errorf("paths = %s, %s", priv, pub)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o700}, {priv, 0o600}, {pub, 0o644}} {
		st, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may only take bits away.
		if got := st.Mode().Perm(); got&^c.mode != 0 || (c.mode == 0o600 && got != 0o600) {
			t.Errorf("%s: mode %o, want %o", c.path, got, c.mode)
		}
	}

	pemBytes, err := os.ReadFile(priv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pemBytes), "-----BEGIN OPENSSH PRIVATE KEY-----\n") {
		t.Errorf("private key is not in OpenSSH format:\n%s", pemBytes)
	}
	raw, err := ssh.ParseRawPrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := raw.(*ed25519.PrivateKey); !ok {
		t.Fatalf("private key is %T, want ed25519", raw)
	}
	signer, err := ssh.NewSignerFromKey(raw)
	if err != nil {
		t.Fatal(err)
	}

	line, err := os.ReadFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	pk, comment, _, rest, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		t.Fatal(err)
	}
	if comment != "netsweep-hpc" || len(rest) != 0 || pk.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("public key line %q: comment %q, type %s", line, comment, pk.Type())
	}
	if string(pk.Marshal()) != string(signer.PublicKey().Marshal()) {
		t.Error("public key does not match the private key")
	}
	// A signature by the private key verifies with the public key.
	sig, err := signer.Sign(nil, []byte("netsweep"))
	if err != nil {
		t.Fatal(err)
	}
	if err := pk.Verify([]byte("netsweep"), sig); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
}

func TestKeygenRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	priv, _, err := Keygen(dir, "k")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(priv)
	if _, _, err := Keygen(dir, "k"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Keygen: err = %v, want refusal", err)
	}
	after, _ := os.ReadFile(priv)
	if string(before) != string(after) {
		t.Error("existing key was overwritten")
	}
	// A lone .pub file also blocks, and no private key is left behind.
	if err := os.WriteFile(filepath.Join(dir, "j.pub"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Keygen(dir, "j"); err == nil {
		t.Error("Keygen over an existing .pub succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "j")); err == nil {
		t.Error("Keygen left a private key beside a foreign .pub")
	}
}

func TestKeygenBadName(t *testing.T) {
	for _, name := range []string{"", ".", "..", "a/b", "a b", "x\n"} {
		if _, _, err := Keygen(t.TempDir(), name); err == nil || !strings.HasPrefix(err.Error(), "remote: bad key name") {
			t.Errorf("Keygen(%q): err = %v, want bad key name", name, err)
		}
	}
}
