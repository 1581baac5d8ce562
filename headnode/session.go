package headnode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/remote"
)

// Attempts is how many times Status, Cancel and Collect try when the
// connection fails or drops; each try redials.
const Attempts = 4

// Options say how to reach the head node and run netsweep there; a
// command's remote flags.
type Options struct {
	Target         string        // [USER@]HOST[:PORT]; "" = the record's
	Key            string        // private key file; "" = the ssh-agent at $SSH_AUTH_SOCK
	KnownHosts     string        // known_hosts file; "" = ~/.ssh/known_hosts
	AcceptHostKey  bool          // record an unknown host key
	ConnectTimeout time.Duration // per connection attempt
	Netsweep       string        // netsweep on the head node; "" = the record's, or netsweep
	Env            []string      // NAME=VALUE for the remote netsweep; nil = the record's
}

// Session is the login and the remote netsweep of one command.
type Session struct {
	Target   remote.Target
	SSH      remote.Options
	Netsweep string   // the netsweep command on the head node
	Env      []string // its NAME=VALUE environment
	Dir      string   // the remote campaign directory
}

// NewSession resolves o and, when not nil, the record rec of the local
// directory into a session. What o sets overrides the record.
func NewSession(o Options, rec *Record) (*Session, error) {
	s := &Session{Netsweep: "netsweep"}
	targetText := o.Target
	if rec != nil {
		if targetText == "" {
			targetText = rec.Target
		}
		s.Netsweep, s.Env, s.Dir = rec.Netsweep, rec.Env, rec.Dir
		s.SSH.KeyFile, s.SSH.KnownHosts = rec.Key, rec.KnownHosts
	}
	t, err := remote.ParseTarget(targetText)
	if err != nil {
		return nil, err
	}
	s.Target = t
	if o.Netsweep != "" {
		s.Netsweep = o.Netsweep
	}
	if err := CheckCommand(s.Netsweep); err != nil {
		return nil, err
	}
	if len(o.Env) > 0 {
		s.Env = o.Env
	}
	if o.Key != "" {
		if s.SSH.KeyFile, err = filepath.Abs(o.Key); err != nil {
			return nil, err
		}
	}
	if o.KnownHosts != "" {
		if s.SSH.KnownHosts, err = filepath.Abs(o.KnownHosts); err != nil {
			return nil, err
		}
	}
	s.SSH.UseAgent = s.SSH.KeyFile == ""
	s.SSH.AcceptNewHostKey = o.AcceptHostKey
	s.SSH.ConnectTimeout = o.ConnectTimeout
	return s, nil
}

// Open returns the session for the campaign directory dir of status,
// cancel or collect: the record in the local directory dir, or, without
// one, o.Target with dir naming the remote campaign directory. ok is false
// for a local campaign (no record, no target); rec is nil without a
// record.
func Open(dir string, o Options) (sess *Session, rec *Record, ok bool, err error) {
	rec, has, err := ReadRecord(dir)
	if err != nil {
		return nil, nil, false, err
	}
	if !has && o.Target == "" {
		return nil, nil, false, nil
	}
	if !has {
		rec = nil
	}
	if sess, err = NewSession(o, rec); err != nil {
		return nil, nil, false, err
	}
	if !has {
		sess.Dir = dir
	}
	return sess, rec, true, nil
}

// LocalDir is the local directory that collect fills for the campaign
// directory dir given to Open: dir itself when it holds the record rec,
// else out, else the base name of the remote directory dir.
func LocalDir(dir string, rec *Record, out string) string {
	switch {
	case rec != nil:
		return dir
	case out != "":
		return out
	}
	return path.Base(dir)
}

// cmd returns the argument list running the remote netsweep with args.
func (s *Session) cmd(args ...string) []string {
	return Command(s.Netsweep, s.Env, args...)
}

// with runs fn on a fresh connection, redialing on a connection error: fn
// must be safe to repeat.
func (s *Session) with(ctx context.Context, fn func(*remote.Client) error) error {
	return remote.WithClient(ctx, s.Target, s.SSH, Attempts, fn)
}

// Forward writes a remote command's stderr to w, each line prefixed with
// the host's name.
func Forward(w io.Writer, host string, stderr []byte) {
	for _, line := range strings.SplitAfter(string(stderr), "\n") {
		if line != "" {
			fmt.Fprintf(w, "%s: %s", host, strings.TrimSuffix(line, "\n")+"\n")
		}
	}
}

// Status returns the output of the remote 'netsweep status' of the
// campaign, with every point's line when points is set.
func (s *Session) Status(ctx context.Context, points bool) ([]byte, error) {
	args := []string{"status", s.Dir}
	if points {
		args = append(args, "--points")
	}
	var out []byte
	err := s.with(ctx, func(c *remote.Client) error {
		var errb []byte
		var err error
		out, errb, err = c.Run(ctx, s.cmd(args...), nil)
		if err != nil {
			var ee *remote.ExitError
			if errors.As(err, &ee) {
				return fmt.Errorf("remote status of %s on %s failed: %s", s.Dir, s.Target, bytes.TrimSpace(errb))
			}
		}
		return err
	})
	return out, err
}

// Cancel runs 'netsweep cancel' on the head node: its output goes to
// stdout, its stderr, forwarded, to stderr.
func (s *Session) Cancel(ctx context.Context, stdout, stderr io.Writer) error {
	return s.with(ctx, func(c *remote.Client) error {
		out, errb, err := c.Run(ctx, s.cmd("cancel", s.Dir), nil)
		if err != nil {
			Forward(stderr, s.Target.Host, errb)
			return err
		}
		stdout.Write(out)
		Forward(stderr, s.Target.Host, errb)
		return nil
	})
}

// CollectFiles are what Collect brings back, the first required; the
// others where they exist (raw.parquet only with [output] raw).
var CollectFiles = []string{"results.csv", "results.json", campaign.SpecFile, campaign.FailuresFile, campaign.RawFile}

// Collect merges the shards on the head node (for a job array, as rec
// says) and downloads the results into the local directory local, with
// the network files the campaign's spec copy names (DIR/networks, kept
// where the local copy has the same SHA-256), and returns the names of
// the files it fetched. Each file is replaced
// atomically once complete and verified; a dropped connection is retried,
// and leaves each local file either as it was or complete.
func (s *Session) Collect(ctx context.Context, rec *Record, local string) ([]string, error) {
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, fmt.Errorf("could not create the local campaign directory: %w", err)
	}
	var got []string
	err := s.with(ctx, func(c *remote.Client) error {
		files := make([]string, len(CollectFiles))
		for i, f := range CollectFiles {
			files[i] = path.Join(s.Dir, f)
		}
		exists := map[string]bool{}
		look := func() error {
			out, _, err := c.Run(ctx, existingCommand(files...), nil)
			if err != nil {
				return err
			}
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				exists[l] = true
			}
			return nil
		}
		if err := look(); err != nil {
			return err
		}
		if !exists[files[0]] && rec != nil && rec.ArrayShards > 0 {
			// The shards of a job array are merged where they are.
			_, errb, err := c.Run(ctx, s.cmd("collect", s.Dir), nil)
			if err != nil {
				var ee *remote.ExitError
				if errors.As(err, &ee) {
					return fmt.Errorf("could not merge the shards on %s: %s; see 'netsweep status %s'", s.Target, bytes.TrimSpace(errb), local)
				}
				return err
			}
			// What the merge wrote (raw.parquet too, with [output] raw).
			if err := look(); err != nil {
				return err
			}
		}
		if !exists[files[0]] {
			return fmt.Errorf("%s:%s has no results yet: the campaign is not complete; see 'netsweep status %s'", s.Target, s.Dir, local)
		}
		got = got[:0]
		// The network copies first, so the spec copy finds them.
		nets, err := s.collectNetworks(ctx, c, local)
		if err != nil {
			return err
		}
		got = append(got, nets...)
		// results.csv last: its presence says the others are there.
		for i := len(CollectFiles) - 1; i >= 0; i-- {
			if !exists[files[i]] {
				continue
			}
			if err := c.Download(ctx, files[i], filepath.Join(local, CollectFiles[i])); err != nil {
				return err
			}
			got = append(got, CollectFiles[i])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return got, nil
}

// collectNetworks downloads the files of the remote DIR/networks that the
// local directory lacks or holds with other bytes: a copy's name starts
// with 16 hex digits of its SHA-256 (campaign.NetworkCopy).
func (s *Session) collectNetworks(ctx context.Context, c *remote.Client, local string) ([]string, error) {
	out, _, err := c.Run(ctx, []string{"sh", "-c", `for f in "$1"/*; do if [ -f "$f" ]; then printf '%s\n' "$f"; fi; done`, "sh", path.Join(s.Dir, campaign.NetworksDir)}, nil)
	if err != nil {
		return nil, err
	}
	var got []string
	for _, rf := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name := path.Base(rf)
		if rf == "" || len(name) < 17 || name[16] != '-' || strings.ContainsAny(name, "/\\") {
			continue
		}
		lf := filepath.Join(local, campaign.NetworksDir, name)
		if sum, err := remote.FileSHA256(lf); err == nil && strings.HasPrefix(sum, name[:16]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(lf), 0o755); err != nil {
			return nil, fmt.Errorf("could not create %s: %w", filepath.Dir(lf), err)
		}
		if err := c.Download(ctx, rf, lf); err != nil {
			return nil, err
		}
		got = append(got, path.Join(campaign.NetworksDir, name))
	}
	return got, nil
}
