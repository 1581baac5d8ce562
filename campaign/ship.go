package campaign

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/netsweep/netsweep/spec"
)

// NetworksDir is the directory, in a campaign directory, of the copies of
// the network files its spec reads (ShipNetworks).
const NetworksDir = "networks"

// NetworkCopy is the path, relative to a campaign directory and
// slash-separated, of the copy of network file f:
// networks/HASH-NAME, HASH the first 16 hex digits of its SHA-256 and
// NAME its base name with characters other than letters, digits, '.', '_'
// and '-' made '_'. Files with the same name and other bytes do not meet.
func NetworkCopy(f spec.NetworkFile) string {
	name := strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, filepath.Base(f.Written))
	return path.Join(NetworksDir, f.SHA256[:16]+"-"+name)
}

// ShipNetworks copies the network files of s into dir/networks
// (NetworkCopy), each checked by SHA-256 against the file s was made
// with, and returns the text of dir's copy of the spec, which reads those
// copies and refuses any that changes (spec.ShippedText); a spec without
// network files gives s.Text. A copy already there with the right
// SHA-256 is kept. Before returning, it loads the new copy of the spec
// from dir and checks that it has s's campaign and point keys.
func ShipNetworks(s *spec.Spec, dir string) ([]byte, error) {
	files := s.NetworkFiles()
	if len(files) == 0 {
		return s.Text, nil
	}
	paths := map[string]string{}
	for _, f := range files {
		rel := NetworkCopy(f)
		if err := copyVerified(f, filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return nil, err
		}
		paths[f.Written] = rel
	}
	text, err := s.ShippedText(paths)
	if err != nil {
		return nil, err
	}
	if err := checkCopy(s, filepath.Join(dir, SpecFile), text); err != nil {
		return nil, err
	}
	return text, nil
}

// CopyText returns the text of a copy of s in directory dir, which
// status, replay and shards read: s.Text where dir is the spec's own
// directory or s reads no network file, else s.Text with a
// [network_files] table naming the absolute paths s read them from, so
// that the copy finds them and refuses them if they change (a table of
// the author's own is kept as written).
func CopyText(s *spec.Spec, dir string) ([]byte, error) {
	files := s.NetworkFiles()
	if len(files) == 0 {
		return s.Text, nil
	}
	a, errA := filepath.Abs(dir)
	b, errB := filepath.Abs(filepath.Dir(s.Path))
	if errA == nil && errB == nil && a == b {
		return s.Text, nil
	}
	paths := map[string]string{}
	for _, f := range files {
		paths[f.Written] = f.Path
	}
	text, err := s.ShippedText(paths)
	if err != nil {
		return s.Text, nil // the author's own [network_files], kept as written
	}
	return text, nil
}

// checkCopy loads text as the spec at path and checks that it is s's
// campaign with s's points.
func checkCopy(s *spec.Spec, path string, text []byte) error {
	c, err := spec.Parse(path, text)
	if err != nil {
		return fmt.Errorf("the copy of %s with its network files does not load: %w", s.Path, err)
	}
	same := c.CampaignID == s.CampaignID && c.NumPoints() == s.NumPoints()
	for i := 0; same && i < c.NumPoints(); i++ {
		same = c.PointKey(i) == s.PointKey(i)
	}
	if !same {
		return fmt.Errorf("the copy of %s with its network files is another campaign; please report this", s.Path)
	}
	return nil
}

// copyVerified copies network file f to dst (mode 0644), through a
// temporary file renamed once its SHA-256 is f's; a dst that already has
// it is kept.
func copyVerified(f spec.NetworkFile, dst string) (err error) {
	if sum, err := fileSHA256(dst); err == nil && sum == f.SHA256 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("could not create %s: %w", filepath.Dir(dst), err)
	}
	in, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("could not read the network file: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return fmt.Errorf("could not copy the network file %s: %w", f.Written, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), in); err != nil {
		return fmt.Errorf("could not copy the network file %s to %s: %w", f.Path, dst, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
		return fmt.Errorf("%s: its SHA-256 is now %s, not %s as when the spec was read: the file changed; try again once it is complete", f.Path, got, f.SHA256)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("could not copy the network file %s: %w", f.Written, err)
	}
	return nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
