package remote

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
)

// DefaultKeyDir is where Keygen's keys go by default: ~/.netsweep/keys.
func DefaultKeyDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("could not find the home directory for ~/.netsweep/keys (give --dir): %w", err)
	}
	return filepath.Join(home, ".netsweep", "keys"), nil
}

// Keygen creates a dedicated ed25519 key pair for netsweep campaigns in dir:
// the private key dir/NAME in OpenSSH format (mode 0600, no passphrase) and
// the public key dir/NAME.pub as one authorized_keys line with the comment
// "netsweep-NAME". It refuses to overwrite either file. dir is created
// (mode 0700) when missing.
func Keygen(dir, name string) (privPath, pubPath string, err error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\ \t\n\x00") {
		return "", "", fmt.Errorf("remote: bad key name: name=%q: want a plain file name", name)
	}
	privPath = filepath.Join(dir, name)
	pubPath = privPath + ".pub"
	for _, p := range []string{privPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", "", fmt.Errorf("remote: key file %s already exists; refusing to overwrite it (choose another name or remove it)", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", "", fmt.Errorf("remote: could not check key file: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("remote: could not create key directory: %w", err)
	}

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("remote: could not generate key: %w", err)
	}
	comment := "netsweep-" + name
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return "", "", fmt.Errorf("remote: could not encode private key: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("remote: could not encode public key: %w", err)
	}
	pubLine := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(sshPub)), "\n") + " " + comment + "\n"

	if err := writeNew(privPath, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", "", err
	}
	if err := writeNew(pubPath, []byte(pubLine), 0o644); err != nil {
		os.Remove(privPath)
		return "", "", err
	}
	return privPath, pubPath, nil
}

// writeNew writes data to a file that must not exist yet (O_EXCL), so a
// race with another writer cannot clobber a key.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("remote: could not create key file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("remote: could not write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("remote: could not write key file: %w", err)
	}
	return nil
}
