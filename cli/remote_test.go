package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeygenCommand(t *testing.T) {
	dir := t.TempDir()
	code, out := netsweep(t, "keygen", "lab", "--dir", dir)
	if code != 0 || !strings.Contains(out, "ssh-ed25519 ") || !strings.Contains(out, filepath.Join(dir, "lab")) {
		t.Fatalf("keygen: exit %d: %s", code, out)
	}
	if fi, err := os.Stat(filepath.Join(dir, "lab")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key: %v, %v", fi, err)
	}
	if code, out := netsweep(t, "keygen", "lab", "--dir", dir); code != exitFailure || !strings.Contains(out, "refusing to overwrite") {
		t.Errorf("second keygen: exit %d: %s", code, out)
	}
}
