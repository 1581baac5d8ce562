package workstations

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/remote"
)

// FindMPIBinary finds the MPI build beside the running program, else in
// ./bin: netsweep-mpi, or program (a program of one's own's MPI build),
// which is returned as is when absolute. Finding none is a
// *cluster.UsageError.
func FindMPIBinary(program string) (string, error) {
	name := BinaryFile
	if program != "" {
		if filepath.IsAbs(program) {
			return program, nil
		}
		name = filepath.Base(program)
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
	return "", cluster.Usagef("no MPI binary found (tried %s): build it with 'make mpi', or give --binary FILE", strings.Join(tried, ", "))
}

// SSHOptions are Deploy's ssh options: the key file (none: the keys of
// the ssh-agent), the known_hosts file ("" = ~/.ssh/known_hosts), and
// whether to record the key of a host known_hosts does not know yet.
func SSHOptions(key, knownHosts string, acceptNew bool) (remote.Options, error) {
	known, err := KnownHostsPath(knownHosts)
	if err != nil {
		return remote.Options{}, err
	}
	return remote.Options{KeyFile: key, UseAgent: key == "", KnownHosts: known, AcceptNewHostKey: acceptNew, ConnectTimeout: 15 * time.Second}, nil
}

// DeployResult is what Deploy did on one host.
type DeployResult struct {
	Host    Host
	Skipped bool // shared file system: an earlier host wrote the same directory
	Err     error
}

// Deploy copies the local binary and spec to every host's deploy
// directory, on all hosts at once, and returns what it did on each, in
// the order of ws. With sharedFS each distinct directory is written once.
// Each file's SHA-256 is checked on the host before it replaces the old
// copy.
func Deploy(ctx context.Context, ws []Host, sharedFS bool, opts remote.Options, binary, specPath string) []DeployResult {
	results := make([]DeployResult, len(ws))
	written := map[string]bool{}
	var wg sync.WaitGroup
	for i, w := range ws {
		results[i].Host = w
		if sharedFS {
			if written[w.Dir] {
				results[i].Skipped = true
				continue
			}
			written[w.Dir] = true
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i].Err = deployTo(ctx, w, opts, binary, specPath)
		}()
	}
	wg.Wait()
	return results
}

// deployTo copies the binary and the spec to w's deploy directory.
func deployTo(ctx context.Context, w Host, opts remote.Options, binary, specPath string) error {
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
