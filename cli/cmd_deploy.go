package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/netsweep/netsweep/remote"
)

// deployOptions are the flags of 'netsweep deploy'.
type deployOptions struct {
	Spec          string
	Binary        string // the local MPI binary to copy
	SSH           sshFlags
	AcceptHostKey bool // record the keys of hosts known_hosts does not know yet
}

const deployUsage = `usage: netsweep deploy SPEC [--binary FILE] [--key FILE] [--known-hosts FILE]
                       [--accept-host-key] [--hosts NAME[:SLOTS],...]

Copies the MPI binary and SPEC over ssh to the deploy directory of every
host in SPEC's [cluster] hosts (or hostfile): DEPLOY_DIR/netsweep-mpi and
DEPLOY_DIR/spec.toml, each checked by SHA-256 on the host before it
replaces the old copy. With shared_fs = true each distinct directory is
written once. Then run 'netsweep launch SPEC'.

  --binary FILE      the MPI build to copy (default: netsweep-mpi beside this
                     program, else bin/netsweep-mpi; build it with 'make mpi')
  --key FILE         ssh private key (default: the keys of ssh-agent)
  --known-hosts FILE known_hosts file (default ~/.ssh/known_hosts)
  --accept-host-key  record the key of a host that known_hosts does not know
                     yet (a changed key is still refused)
  --hosts LIST       NAME[:SLOTS],... instead of the spec's hosts`

func parseDeployFlags(args []string) (deployOptions, error) {
	var o deployOptions
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Binary, "binary", "", "the MPI binary to copy")
	fs.BoolVar(&o.AcceptHostKey, "accept-host-key", false, "record unknown host keys")
	o.SSH.register(fs)
	if err := parseInterspersed(fs, args); err != nil {
		return o, usagef("%v\n%s", err, deployUsage)
	}
	if fs.NArg() != 1 {
		return o, usagef("%s", deployUsage)
	}
	o.Spec = fs.Arg(0)
	return o, nil
}

// defaultMPIBinary finds the MPI build (netsweep-mpi, or the Program's
// own) beside the running program, else in ./bin.
func defaultMPIBinary() (string, error) {
	name := deployedBinary
	if defaultBinary != "" {
		if filepath.IsAbs(defaultBinary) {
			return defaultBinary, nil
		}
		name = filepath.Base(defaultBinary)
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		tried = append(tried, p)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	p := filepath.Join("bin", name)
	tried = append(tried, p)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, nil
	}
	return "", usagef("no MPI binary found (tried %s): build it with 'make mpi', or give --binary FILE", strings.Join(tried, ", "))
}

// deployResult is what deploy did on one host.
type deployResult struct {
	Host    workstation
	Skipped bool // shared_fs: an earlier host wrote the same directory
	Err     error
}

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDeployFlags(args)
	if err != nil {
		return err
	}
	s, ws, err := loadWorkstations(o.Spec, o.SSH)
	if err != nil {
		return err
	}
	if o.Binary == "" {
		if o.Binary, err = defaultMPIBinary(); err != nil {
			return err
		}
	}
	binSum, err := sha256File(o.Binary)
	if err != nil {
		return err
	}
	specSum, err := sha256File(o.Spec)
	if err != nil {
		return err
	}
	known, err := o.SSH.knownHostsPath()
	if err != nil {
		return err
	}
	opts := remote.Options{
		KeyFile:          o.SSH.Key,
		UseAgent:         o.SSH.Key == "",
		KnownHosts:       known,
		AcceptNewHostKey: o.AcceptHostKey,
		ConnectTimeout:   15 * time.Second,
	}

	results := make([]deployResult, len(ws))
	written := map[string]bool{}
	var wg sync.WaitGroup
	for i, w := range ws {
		results[i].Host = w
		if s.Cluster.Workstations.SharedFS {
			if written[w.Dir] {
				results[i].Skipped = true
				continue
			}
			written[w.Dir] = true
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].Err = deployTo(ctx, w, opts, o.Binary, o.Spec)
		}()
	}
	wg.Wait()

	var failed []string
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed = append(failed, r.Host.Name)
			fmt.Fprintf(stderr, "netsweep: %s: FAILED: %v\n", r.Host.Target, r.Err)
		case r.Skipped:
			fmt.Fprintf(stdout, "%s: %s (shared file system, written once)\n", r.Host.Target, r.Host.Dir)
		default:
			fmt.Fprintf(stdout, "%s: %s sha256 %s ok, %s sha256 %s ok\n", r.Host.Target, r.Host.Binary, binSum[:12], r.Host.Spec, specSum[:12])
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("deploy failed on %d of %d hosts (%s); fix them and run 'netsweep deploy' again", len(failed), len(ws), strings.Join(failed, ", "))
	}
	fmt.Fprintf(stdout, "deployed to %d hosts; start the campaign with: netsweep launch %s\n", len(ws), o.Spec)
	return nil
}

// deployTo copies the binary and the spec to w's deploy directory. Upload
// checks each file's SHA-256 on the host before renaming it into place.
func deployTo(ctx context.Context, w workstation, opts remote.Options, binary, specPath string) error {
	return remote.WithClient(ctx, w.Target, opts, 3, func(c *remote.Client) error {
		if _, _, err := c.Run(ctx, []string{"mkdir", "-p", "--", w.Dir}, nil); err != nil {
			return fmt.Errorf("could not create %s: %w", w.Dir, err)
		}
		if err := c.Upload(ctx, binary, w.Binary, 0o755); err != nil {
			return err
		}
		return c.Upload(ctx, specPath, w.Spec, 0o644)
	})
}

// sha256File returns the hex SHA-256 of a local file.
func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("could not open %s: %w", p, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("could not read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
