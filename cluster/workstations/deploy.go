package workstations

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/spec"
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

// Deploy copies the local binary, the spec s and its network files to
// every host's deploy directory, on all hosts at once, and returns what it
// did on each, in the order of ws. With sharedFS each distinct directory
// is written once. Each file's SHA-256 is checked on the host before it
// replaces the old copy. The network files go to DIR/networks
// (campaign.NetworkCopy) and the spec copy names them in its
// [network_files] table, pinned by SHA-256, so that every rank, loading
// the copy on its own host, refuses a file that differs before any work.
func Deploy(ctx context.Context, ws []Host, sharedFS bool, opts remote.Options, binary string, s *spec.Spec) []DeployResult {
	results := make([]DeployResult, len(ws))
	files := s.NetworkFiles()
	paths := map[string]string{}
	for _, f := range files {
		paths[f.Written] = campaign.NetworkCopy(f)
	}
	specFile, cleanup, err := shippedSpec(s, paths)
	if err != nil {
		for i, w := range ws {
			results[i] = DeployResult{Host: w, Err: err}
		}
		return results
	}
	defer cleanup()
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
			results[i].Err = deployTo(ctx, w, opts, binary, specFile, files)
		}()
	}
	wg.Wait()
	return results
}

// shippedSpec writes the text of the hosts' copy of s, which reads its
// network files from paths (relative to the deploy directory), to a
// temporary file; cleanup removes it.
func shippedSpec(s *spec.Spec, paths map[string]string) (string, func(), error) {
	text, err := s.ShippedText(paths)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.CreateTemp("", "netsweep-deploy-*.toml")
	if err != nil {
		return "", nil, fmt.Errorf("could not write the spec to deploy: %w", err)
	}
	cleanup := func() { os.Remove(tmp.Name()) }
	_, err = tmp.Write(text)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("could not write the spec to deploy: %w", err)
	}
	return tmp.Name(), cleanup, nil
}

// deployTo copies the binary, the network files and the spec to w's
// deploy directory, the spec last: a host whose spec copy is new has its
// files.
func deployTo(ctx context.Context, w Host, opts remote.Options, binary, specFile string, files []spec.NetworkFile) error {
	return remote.WithClient(ctx, w.Target, opts, 3, func(c *remote.Client) error {
		dirs := []string{"mkdir", "-p", "--", w.Dir}
		if len(files) > 0 {
			dirs = append(dirs, path.Join(w.Dir, campaign.NetworksDir))
		}
		if _, _, err := c.Run(ctx, dirs, nil); err != nil {
			return fmt.Errorf("could not create %s: %w", w.Dir, err)
		}
		if err := c.Upload(ctx, binary, w.Binary, 0o755); err != nil {
			return err
		}
		for _, f := range files {
			if sum, err := remote.FileSHA256(f.Path); err != nil {
				return err
			} else if sum != f.SHA256 {
				return fmt.Errorf("%s: its SHA-256 is now %s, not %s as when the spec was read: the file changed; deploy again once it is complete", f.Path, sum, f.SHA256)
			}
			if err := c.Upload(ctx, f.Path, path.Join(w.Dir, campaign.NetworkCopy(f)), 0o644); err != nil {
				return err
			}
		}
		return c.Upload(ctx, specFile, w.Spec, 0o644)
	})
}
