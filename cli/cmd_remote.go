package cli

// Driving a Slurm cluster from a laptop: submit, status, cancel and
// collect with --remote [USER@]HOST[:PORT] run the netsweep CLI on the
// cluster's head node over ssh (package remote) and keep a record of the
// remote campaign in the local campaign directory:
//
//	LOCALDIR/remote.json   where the campaign runs (remoteRecord)
//
// so 'netsweep status LOCALDIR', 'cancel LOCALDIR' and 'collect LOCALDIR'
// need no --remote. collect brings results.csv, results.json, spec.toml and
// failures.jsonl back into LOCALDIR. Every remote command is an argument
// list (remoteCommand), joined into the remote command line by
// shell.Join inside remote.Client.Run.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// remoteRecordFile is the local record of a campaign submitted with
// --remote, in its local directory.
const remoteRecordFile = "remote.json"

// remoteAttempts is how many times status, cancel and collect try when the
// connection fails or drops; each try redials.
const remoteAttempts = 4

// remoteOptions are the flags every remote command takes.
type remoteOptions struct {
	Target         string        // --remote [USER@]HOST[:PORT]; "" = local, or the record's
	Key            string        // --key: private key file; "" = the ssh-agent at $SSH_AUTH_SOCK
	KnownHosts     string        // --known-hosts; "" = ~/.ssh/known_hosts
	AcceptHostKey  bool          // --accept-host-key: record an unknown host key
	ConnectTimeout time.Duration // --connect-timeout per connection attempt
	Netsweep       string        // --remote-netsweep: netsweep on the head node
	Env            envFlag       // --remote-env NAME=VALUE, repeatable
}

// envFlag collects repeated NAME=VALUE flags.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }
func (e *envFlag) Set(v string) error {
	if err := checkRemoteEnv(v); err != nil {
		return err
	}
	*e = append(*e, v)
	return nil
}

func addRemoteFlags(fs *flag.FlagSet, o *remoteOptions) {
	fs.StringVar(&o.Target, "remote", "", "run on the cluster head [USER@]HOST[:PORT] over ssh")
	fs.StringVar(&o.Key, "key", "", "private key file for ssh (default: the ssh-agent at $SSH_AUTH_SOCK)")
	fs.StringVar(&o.KnownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.BoolVar(&o.AcceptHostKey, "accept-host-key", false, "record the host key of a host known_hosts does not know yet")
	fs.DurationVar(&o.ConnectTimeout, "connect-timeout", 15*time.Second, "time limit of one connection attempt")
	fs.StringVar(&o.Netsweep, "remote-netsweep", "", "the netsweep command on the head node (default netsweep, or the uploaded binary)")
	fs.Var(&o.Env, "remote-env", "NAME=VALUE set for the remote netsweep (repeatable), e.g. SLURM_CONF=/etc/slurm/slurm.conf")
}

const remoteFlagsUsage = `Remote flags (submit, status, cancel, collect):
  --remote [USER@]HOST[:PORT]  the cluster's head node, reached over ssh
  --key FILE                   login key (see 'netsweep keygen'); default: ssh-agent
  --known-hosts FILE           default ~/.ssh/known_hosts
  --accept-host-key            record the key of a host not yet known (check its fingerprint first)
  --connect-timeout D          per connection attempt (default 15s)
  --remote-netsweep PATH       netsweep on the head node (default netsweep on its PATH)
  --remote-env NAME=VALUE      environment of the remote netsweep (repeatable)`

// remoteRecord is LOCALDIR/remote.json: where a campaign submitted with
// --remote runs, so later commands need no flags.
type remoteRecord struct {
	Target      string    `json:"target"`                 // USER@HOST:PORT
	Dir         string    `json:"remote_dir"`             // absolute campaign directory on the head node
	Netsweep    string    `json:"netsweep"`               // the netsweep command there
	Env         []string  `json:"env,omitempty"`          // NAME=VALUE for every remote netsweep
	Key         string    `json:"key,omitempty"`          // absolute local key file; "" = ssh-agent
	KnownHosts  string    `json:"known_hosts,omitempty"`  // absolute local known_hosts; "" = ~/.ssh/known_hosts
	Jobs        []string  `json:"jobs"`                   // job ids submit printed, oldest first
	Campaign    string    `json:"campaign"`               // the spec's name
	CampaignID  string    `json:"campaign_id"`            // the spec's CampaignID
	ArrayShards int       `json:"array_shards,omitempty"` // K of a job array; collect merges remotely first
	Submitted   time.Time `json:"submitted"`              // time of the latest submit
}

// readRemoteRecord reads dir/remote.json; ok is false when there is none.
func readRemoteRecord(dir string) (rec *remoteRecord, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, remoteRecordFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("could not read the remote campaign record: %w", err)
	}
	rec = new(remoteRecord)
	if err := json.Unmarshal(b, rec); err != nil {
		return nil, false, fmt.Errorf("%s is damaged: %w", filepath.Join(dir, remoteRecordFile), err)
	}
	if rec.Target == "" || !path.IsAbs(rec.Dir) || rec.Netsweep == "" {
		return nil, false, fmt.Errorf("%s lacks target, remote_dir or netsweep", filepath.Join(dir, remoteRecordFile))
	}
	for _, e := range rec.Env {
		if err := checkRemoteEnv(e); err != nil {
			return nil, false, fmt.Errorf("%s: %w", filepath.Join(dir, remoteRecordFile), err)
		}
	}
	return rec, true, nil
}

func writeRemoteRecord(dir string, rec *remoteRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return report.WriteFileAtomic(filepath.Join(dir, remoteRecordFile), append(b, '\n'))
}

var remoteEnvRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// checkRemoteEnv checks one NAME=VALUE of --remote-env.
func checkRemoteEnv(v string) error {
	if !remoteEnvRE.MatchString(v) {
		return fmt.Errorf("bad --remote-env %q: want NAME=VALUE with NAME an identifier", v)
	}
	if strings.ContainsAny(v, "\x00\n\r") {
		return fmt.Errorf("bad --remote-env %q: the value holds a NUL or a line break", v)
	}
	return nil
}

// checkRemoteCommand checks the remote netsweep command: env reads a
// word with '=' as another assignment, and a leading '-' as an option.
func checkRemoteCommand(cmd string) error {
	if cmd == "" || strings.HasPrefix(cmd, "-") || strings.ContainsAny(cmd, "=\x00\n\r") {
		return fmt.Errorf("bad --remote-netsweep %q: want a command name or path without '=' or a leading '-'", cmd)
	}
	return nil
}

// remoteCommand is the argument list that runs netsweep with args on the
// head node: "env NAME=VALUE ... NETSWEEP ARGS...", or "NETSWEEP ARGS..."
// without env. sshd passes no environment of the client's, so variables
// such as SLURM_CONF reach the remote netsweep this way (--remote-env).
func remoteCommand(netsweep string, env []string, args ...string) []string {
	var cmd []string
	if len(env) > 0 {
		cmd = append(append(cmd, "env"), env...)
	}
	return append(append(cmd, netsweep), args...)
}

// prepareDirScript creates the remote campaign directory $1 with its slurm
// (and, with $2 = 1, bin) subdirectory and prints its absolute path.
const prepareDirScript = `mkdir -p -- "$1/slurm" || exit 1
if [ "$2" = 1 ]; then mkdir -p -- "$1/bin" || exit 1; fi
cd -- "$1" && pwd -P`

// prepareDirCommand is the argument list that creates the remote campaign
// directory dir (relative to the remote home, or absolute) and prints its
// absolute path.
func prepareDirCommand(dir string, withBin bool) []string {
	bin := "0"
	if withBin {
		bin = "1"
	}
	return []string{"sh", "-c", prepareDirScript, "sh", dir, bin}
}

// existingCommand is the argument list that prints those of files that
// exist, one a line.
func existingCommand(files ...string) []string {
	return append([]string{"sh", "-c", `for f do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done`, "sh"}, files...)
}

// remoteSession is the login and the remote netsweep of one command.
type remoteSession struct {
	target   remote.Target
	opts     remote.Options
	netsweep string
	env      []string
	dir      string // remote campaign directory
}

// sessionFor resolves the flags and, when present, the record of the
// local directory into a session. Flags given override the record.
func sessionFor(o *remoteOptions, rec *remoteRecord) (*remoteSession, error) {
	s := &remoteSession{netsweep: "netsweep"}
	targetText := o.Target
	if rec != nil {
		if targetText == "" {
			targetText = rec.Target
		}
		s.netsweep, s.env, s.dir = rec.Netsweep, rec.Env, rec.Dir
		s.opts.KeyFile, s.opts.KnownHosts = rec.Key, rec.KnownHosts
	}
	t, err := remote.ParseTarget(targetText)
	if err != nil {
		return nil, err
	}
	s.target = t
	if o.Netsweep != "" {
		s.netsweep = o.Netsweep
	}
	if err := checkRemoteCommand(s.netsweep); err != nil {
		return nil, err
	}
	if len(o.Env) > 0 {
		s.env = o.Env
	}
	if o.Key != "" {
		if s.opts.KeyFile, err = filepath.Abs(o.Key); err != nil {
			return nil, err
		}
	}
	if o.KnownHosts != "" {
		if s.opts.KnownHosts, err = filepath.Abs(o.KnownHosts); err != nil {
			return nil, err
		}
	}
	s.opts.UseAgent = s.opts.KeyFile == ""
	s.opts.AcceptNewHostKey = o.AcceptHostKey
	s.opts.ConnectTimeout = o.ConnectTimeout
	return s, nil
}

// cmd returns the argument list running the remote netsweep with args.
func (s *remoteSession) cmd(args ...string) []string {
	return remoteCommand(s.netsweep, s.env, args...)
}

// with runs fn on a fresh connection, redialing on a connection error: fn
// must be safe to repeat.
func (s *remoteSession) with(ctx context.Context, fn func(*remote.Client) error) error {
	return remote.WithClient(ctx, s.target, s.opts, remoteAttempts, fn)
}

// forward writes the remote command's stderr to w, each line prefixed.
func forward(w io.Writer, target remote.Target, stderr []byte) {
	for _, line := range strings.SplitAfter(string(stderr), "\n") {
		if line != "" {
			fmt.Fprintf(w, "%s: %s", target.Host, strings.TrimSuffix(line, "\n")+"\n")
		}
	}
}

// submitRemoteOptions are submit's flags for --remote.
type submitRemoteOptions struct {
	remoteOptions
	Dir          string // --remote-dir: campaign directory on the head node
	UploadBinary string // --upload-binary: local netsweep-mpi built for the cluster
}

// cmdSubmitRemote submits spec from this machine on the head node of
// o.Target, into local directory out's record.
func cmdSubmitRemote(ctx context.Context, specPath, out string, o *submitRemoteOptions, stdout, stderr io.Writer) error {
	s, err := spec.Load(specPath)
	if err != nil {
		return err
	}
	if !s.HasCluster {
		return usagef("netsweep: %s has no [cluster] table, which says how to run it on Slurm; add one (see README.md, \"Running on a Slurm cluster\")", s.Path)
	}
	if out == "" {
		out = s.Output.Dir
	}
	rec, ok, err := readRemoteRecord(out)
	if err != nil {
		return err
	}
	if ok && rec.CampaignID != s.CampaignID {
		return fmt.Errorf("%s records another campaign (%s) on %s:%s; submit with another --out DIR", out, rec.Campaign, rec.Target, rec.Dir)
	}
	if !ok {
		rec = nil
	}
	sess, err := sessionFor(&o.remoteOptions, rec)
	if err != nil {
		return err
	}
	rdir := o.Dir
	switch {
	case rdir == "" && rec != nil:
		rdir = rec.Dir
	case rdir == "":
		rdir = path.Join("netsweep", s.Name) // in the remote home
	}
	if o.UploadBinary != "" {
		if _, err := os.Stat(o.UploadBinary); err != nil {
			return fmt.Errorf("could not find --upload-binary: %w", err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("could not create the local campaign directory: %w", err)
	}

	// Dial once, retrying only the connection; the submission itself is
	// never repeated, so a drop cannot submit twice.
	dialOpts := sess.opts
	dialOpts.Retries = remoteAttempts - 1
	c, err := remote.Dial(ctx, sess.target, dialOpts)
	if err != nil {
		return err
	}
	defer c.Close()
	res, errb, err := c.Run(ctx, prepareDirCommand(rdir, o.UploadBinary != ""), nil)
	if err != nil {
		forward(stderr, sess.target, errb)
		return fmt.Errorf("could not create the campaign directory %s on %s: %w", rdir, sess.target, err)
	}
	abs := strings.TrimSpace(string(res))
	if !path.IsAbs(abs) {
		return fmt.Errorf("the head node gave %q as the path of %s", abs, rdir)
	}
	sess.dir = abs
	submitted := path.Join(abs, "slurm", "submitted.toml")
	if err := c.Upload(ctx, specPath, submitted, 0o644); err != nil {
		return err
	}
	args := []string{"submit", submitted, "--out", abs}
	if o.UploadBinary != "" {
		bin := path.Join(abs, "bin", "netsweep-mpi")
		if err := c.Upload(ctx, o.UploadBinary, bin, 0o755); err != nil {
			return err
		}
		if o.Netsweep == "" {
			sess.netsweep = bin
		}
		args = append(args, "--binary", bin)
	}
	outb, errb, err := c.Run(ctx, sess.cmd(args...), nil)
	forward(stderr, sess.target, errb)
	if err != nil {
		return fmt.Errorf("remote submit failed: %w", err)
	}
	id := strings.TrimSpace(string(outb))
	if !jobIDRE.MatchString(id) {
		return fmt.Errorf("the remote submit printed %q, not a job id", id)
	}
	nrec := &remoteRecord{
		Target: sess.target.String(), Dir: abs, Netsweep: sess.netsweep, Env: sess.env,
		Key: sess.opts.KeyFile, KnownHosts: sess.opts.KnownHosts,
		Campaign: s.Name, CampaignID: s.CampaignID, ArrayShards: s.Cluster.ArrayShards,
		Submitted: time.Now().UTC().Truncate(time.Second),
	}
	if rec != nil {
		nrec.Jobs = rec.Jobs
	}
	nrec.Jobs = append(nrec.Jobs, id)
	if err := writeRemoteRecord(out, nrec); err != nil {
		return fmt.Errorf("submitted job %s on %s in %s but %w; cancel it with 'netsweep cancel %s --remote %s'", id, sess.target, abs, err, abs, sess.target)
	}
	fmt.Fprintln(stdout, id)
	fmt.Fprintf(stderr, "netsweep: submitted %s on %s as job %s in %s; follow it with 'netsweep status %s', fetch the results with 'netsweep collect %s'\n",
		s.Name, sess.target, id, abs, out, out)
	return nil
}

// remoteFor returns the session for DIR of status, cancel or collect: the
// record in the local directory dir, or, without one, --remote with dir
// naming the remote campaign directory. ok is false for a local campaign.
func remoteFor(dir string, o *remoteOptions) (sess *remoteSession, rec *remoteRecord, ok bool, err error) {
	rec, has, err := readRemoteRecord(dir)
	if err != nil {
		return nil, nil, false, err
	}
	if !has && o.Target == "" {
		return nil, nil, false, nil
	}
	if !has {
		rec = nil
	}
	if sess, err = sessionFor(o, rec); err != nil {
		return nil, nil, false, err
	}
	if !has {
		sess.dir = dir
	}
	return sess, rec, true, nil
}

// statusRemote prints the remote 'netsweep status' of the campaign.
func statusRemote(ctx context.Context, sess *remoteSession, points bool, stdout io.Writer) error {
	args := []string{"status", sess.dir}
	if points {
		args = append(args, "--points")
	}
	var out []byte
	err := sess.with(ctx, func(c *remote.Client) error {
		var errb []byte
		var err error
		out, errb, err = c.Run(ctx, sess.cmd(args...), nil)
		if err != nil {
			var ee *remote.ExitError
			if errors.As(err, &ee) {
				return fmt.Errorf("remote status of %s on %s failed: %s", sess.dir, sess.target, bytes.TrimSpace(errb))
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "remote    %s:%s\n", sess.target, sess.dir)
	_, err = stdout.Write(out)
	return err
}

// cancelRemote runs 'netsweep cancel' on the head node.
func cancelRemote(ctx context.Context, sess *remoteSession, stdout, stderr io.Writer) error {
	return sess.with(ctx, func(c *remote.Client) error {
		out, errb, err := c.Run(ctx, sess.cmd("cancel", sess.dir), nil)
		if err != nil {
			forward(stderr, sess.target, errb)
			return err
		}
		stdout.Write(out)
		forward(stderr, sess.target, errb)
		return nil
	})
}

// collectFiles are what collect brings back, the first required.
var collectFiles = []string{"results.csv", "results.json", campaign.SpecFile, campaign.FailuresFile}

// collectRemote merges the shards on the head node (for a job array) and
// downloads the results into local. Each file is replaced atomically
// once complete and verified; a dropped connection is retried, and leaves
// each local file either as it was or complete.
func collectRemote(ctx context.Context, sess *remoteSession, rec *remoteRecord, local string, stderr io.Writer) error {
	if err := os.MkdirAll(local, 0o755); err != nil {
		return fmt.Errorf("could not create the local campaign directory: %w", err)
	}
	var got []string
	err := sess.with(ctx, func(c *remote.Client) error {
		files := make([]string, len(collectFiles))
		for i, f := range collectFiles {
			files[i] = path.Join(sess.dir, f)
		}
		out, _, err := c.Run(ctx, existingCommand(files...), nil)
		if err != nil {
			return err
		}
		exists := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			exists[l] = true
		}
		if !exists[files[0]] && rec != nil && rec.ArrayShards > 0 {
			// The shards of a job array are merged where they are.
			_, errb, err := c.Run(ctx, sess.cmd("collect", sess.dir), nil)
			if err != nil {
				var ee *remote.ExitError
				if errors.As(err, &ee) {
					return fmt.Errorf("could not merge the shards on %s: %s; see 'netsweep status %s'", sess.target, bytes.TrimSpace(errb), local)
				}
				return err
			}
			exists[files[0]], exists[files[1]], exists[files[2]] = true, true, true
		}
		if !exists[files[0]] {
			return fmt.Errorf("%s:%s has no results yet: the campaign is not complete; see 'netsweep status %s'", sess.target, sess.dir, local)
		}
		got = got[:0]
		// results.csv last: its presence says the others are there.
		for i := len(collectFiles) - 1; i >= 0; i-- {
			if !exists[files[i]] {
				continue
			}
			if err := c.Download(ctx, files[i], filepath.Join(local, collectFiles[i])); err != nil {
				return err
			}
			got = append(got, collectFiles[i])
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "netsweep: fetched %s from %s:%s into %s\n", strings.Join(got, ", "), sess.target, sess.dir, local)
	return nil
}
