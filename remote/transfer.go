package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// uploadScript writes stdin to a temporary file beside $1 (umask 077),
// checks its SHA-256 against $2, sets mode $3 and renames it to $1, so $1
// is either the old file or the complete new one. A short or corrupt
// upload removes the temporary file and exits 3.
const uploadScript = `umask 077
t="$1.netsweep-$$.tmp"
cat > "$t" || { rm -f -- "$t"; exit 1; }
h=$(sha256sum < "$t") || { rm -f -- "$t"; exit 1; }
h=${h%% *}
if [ "$h" != "$2" ]; then rm -f -- "$t"; echo "checksum mismatch after upload: got $h, want $2" >&2; exit 3; fi
chmod -- "$3" "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }`

// Upload copies the local file localPath to remotePath on the host, with
// permissions mode, through cat on the remote side (no sftp needed). The
// remote file is replaced atomically after its SHA-256 matches the local
// one. A relative remotePath is relative to the remote home directory; its
// directory must exist.
func (c *Client) Upload(ctx context.Context, localPath, remotePath string, mode os.FileMode) error {
	if remotePath == "" {
		return errors.New("remote: upload: empty remote path")
	}
	sum, err := FileSHA256(localPath)
	if err != nil {
		return err
	}
	f, err := os.Open(localPath)
	if err != nil {
		return fmt.Errorf("remote: could not open upload: %w", err)
	}
	defer f.Close()
	args := []string{"sh", "-c", uploadScript, "sh", remotePath, sum, fmt.Sprintf("%04o", mode.Perm())}
	var stderr bytes.Buffer
	if err := c.run(ctx, args, f, io.Discard, &stderr); err != nil {
		return fmt.Errorf("remote: could not upload %s to %s:%s: %w", localPath, c.target, remotePath, err)
	}
	return nil
}

// Download copies remotePath on the host to the local file localPath
// (mode 0644) and checks its SHA-256 against sha256sum on the host. The
// data goes to a temporary file in localPath's directory, renamed over
// localPath only once complete and verified: a dropped connection or a
// mismatch leaves localPath as it was.
func (c *Client) Download(ctx context.Context, remotePath, localPath string) (err error) {
	if remotePath == "" {
		return errors.New("remote: download: empty remote path")
	}
	fail := func(err error) error {
		return fmt.Errorf("remote: could not download %s:%s to %s: %w", c.target, remotePath, localPath, err)
	}
	dir, base := filepath.Split(localPath)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".netsweep-*.tmp")
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	var stderr bytes.Buffer
	if err := c.run(ctx, []string{"cat", "--", remotePath}, nil, io.MultiWriter(tmp, h), &stderr); err != nil {
		return fail(err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	out, _, err := c.Run(ctx, []string{"sh", "-c", `sha256sum < "$1"`, "sh", remotePath}, nil)
	if err != nil {
		return fail(err)
	}
	want, _, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if got != want {
		return fail(fmt.Errorf("checksum mismatch: received %s, remote sha256sum says %q (did the file change during the download?)", got, want))
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), localPath); err != nil {
		return fail(err)
	}
	return nil
}

// FileSHA256 returns the hex SHA-256 of a local file.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("remote: could not open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("remote: could not read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
