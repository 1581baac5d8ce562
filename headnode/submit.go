package headnode

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/spec"
)

// SubmitOptions are the options of Submit.
type SubmitOptions struct {
	Options
	Dir          string // campaign directory on the head node; "" = the record's, or ~/netsweep/NAME
	UploadBinary string // local netsweep-mpi built for the cluster, uploaded to run remotely; "" = none
	// Budget is the core-hours the remote jobs may spend, already checked
	// on this machine against the campaign's plan (campaign.CheckBudget);
	// 0 = none. The remote submit gets it with --budget-checked: the plan
	// and its pilot's journal stay here, and the uploaded spec's text (so
	// its SHA-256, which the plan names) differs once network files are
	// pinned to their remote copies, so the head node could not check it
	// again.
	Budget float64
}

// Submitted is a job submitted on a head node.
type Submitted struct {
	ID     string        // the job id
	Target remote.Target // the head node
	Dir    string        // the absolute campaign directory there
}

// Submit submits the campaign of s, read from specPath, on the head node:
// it creates the remote campaign directory, uploads the spec, its network
// files (DIR/networks, each checked by SHA-256 on arrival and pinned in
// the uploaded spec's [network_files], which the remote netsweep checks
// before any work) and o.UploadBinary, runs 'netsweep submit' there, and records the campaign
// in the local directory out (default: the spec's [output] dir). The
// remote stderr is forwarded to stderr. s must have a [cluster] table.
//
// The connection is dialed once, retrying only the dial: the submission
// itself is never repeated, so a drop cannot submit twice.
func Submit(ctx context.Context, s *spec.Spec, specPath, out string, o SubmitOptions, stderr io.Writer) (*Submitted, error) {
	if out == "" {
		out = s.Output.Dir
	}
	rec, ok, err := ReadRecord(out)
	if err != nil {
		return nil, err
	}
	if ok && rec.CampaignID != s.CampaignID {
		return nil, fmt.Errorf("%s records another campaign (%s) on %s:%s; submit with another --out DIR", out, rec.Campaign, rec.Target, rec.Dir)
	}
	if !ok {
		rec = nil
	}
	sess, err := NewSession(o.Options, rec)
	if err != nil {
		return nil, err
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
			return nil, fmt.Errorf("could not find --upload-binary: %w", err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("could not create the local campaign directory: %w", err)
	}

	dialOpts := sess.SSH
	dialOpts.Retries = Attempts - 1
	c, err := remote.Dial(ctx, sess.Target, dialOpts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	res, errb, err := c.Run(ctx, prepareDirCommand(rdir, o.UploadBinary != ""), nil)
	if err != nil {
		Forward(stderr, sess.Target.Host, errb)
		return nil, fmt.Errorf("could not create the campaign directory %s on %s: %w", rdir, sess.Target, err)
	}
	abs := strings.TrimSpace(string(res))
	if !path.IsAbs(abs) {
		return nil, fmt.Errorf("the head node gave %q as the path of %s", abs, rdir)
	}
	sess.Dir = abs
	upload, cleanup, err := shipNetworks(ctx, c, s, specPath, abs)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	submitted := path.Join(abs, "slurm", "submitted.toml")
	if err := c.Upload(ctx, upload, submitted, 0o644); err != nil {
		return nil, err
	}
	bin := ""
	if o.UploadBinary != "" {
		bin = path.Join(abs, "bin", "netsweep-mpi")
		if err := c.Upload(ctx, o.UploadBinary, bin, 0o755); err != nil {
			return nil, err
		}
		if o.Netsweep == "" {
			sess.Netsweep = bin
		}
	}
	args := submitArgs(submitted, abs, bin, o.Budget)
	outb, errb, err := c.Run(ctx, sess.cmd(args...), nil)
	Forward(stderr, sess.Target.Host, errb)
	if err != nil {
		return nil, fmt.Errorf("remote submit failed: %w", err)
	}
	id := strings.TrimSpace(string(outb))
	if !jobIDRE.MatchString(id) {
		return nil, fmt.Errorf("the remote submit printed %q, not a job id", id)
	}
	nrec := &Record{
		Target: sess.Target.String(), Dir: abs, Netsweep: sess.Netsweep, Env: sess.Env,
		Key: sess.SSH.KeyFile, KnownHosts: sess.SSH.KnownHosts,
		Campaign: s.Name, CampaignID: s.CampaignID, ArrayShards: s.Cluster.ArrayShards,
		Submitted: time.Now().UTC().Truncate(time.Second),
	}
	if rec != nil {
		nrec.Jobs = rec.Jobs
	}
	nrec.Jobs = append(nrec.Jobs, id)
	if err := WriteRecord(out, nrec); err != nil {
		return nil, fmt.Errorf("submitted job %s on %s in %s but %w; cancel it with 'netsweep cancel %s --remote %s'", id, sess.Target, abs, err, abs, sess.Target)
	}
	return &Submitted{ID: id, Target: sess.Target, Dir: abs}, nil
}

// submitArgs are the arguments of the remote 'netsweep submit' of the
// uploaded spec submitted into the remote campaign directory abs: with
// --binary bin when bin is not "", and with budget > 0 core-hours,
// --budget (written so that it parses back to the same float64) and
// --budget-checked, since this machine checked it against the plan.
func submitArgs(submitted, abs, bin string, budget float64) []string {
	args := []string{"submit", submitted, "--out", abs}
	if bin != "" {
		args = append(args, "--binary", bin)
	}
	if budget > 0 {
		args = append(args, "--budget", strconv.FormatFloat(budget, 'g', -1, 64)+"h", "--budget-checked")
	}
	return args
}

// shipNetworks uploads the network files of s to the remote campaign
// directory abs (campaign.NetworkCopy) and returns the local file to
// upload as the spec: specPath itself without network files, else a
// temporary copy whose [network_files] names the uploaded copies by their
// remote absolute paths and pins their SHA-256; cleanup removes it.
func shipNetworks(ctx context.Context, c *remote.Client, s *spec.Spec, specPath, abs string) (upload string, cleanup func(), err error) {
	files := s.NetworkFiles()
	if len(files) == 0 {
		return specPath, func() {}, nil
	}
	if _, _, err := c.Run(ctx, []string{"mkdir", "-p", "--", path.Join(abs, campaign.NetworksDir)}, nil); err != nil {
		return "", nil, fmt.Errorf("could not create %s on the head node: %w", path.Join(abs, campaign.NetworksDir), err)
	}
	paths := map[string]string{}
	for _, f := range files {
		sum, err := remote.FileSHA256(f.Path)
		if err != nil {
			return "", nil, err
		}
		if sum != f.SHA256 {
			return "", nil, fmt.Errorf("%s: its SHA-256 is now %s, not %s as when the spec was read: the file changed; submit again once it is complete", f.Path, sum, f.SHA256)
		}
		to := path.Join(abs, campaign.NetworkCopy(f))
		if err := c.Upload(ctx, f.Path, to, 0o644); err != nil {
			return "", nil, err
		}
		paths[f.Written] = to
	}
	text, err := s.ShippedText(paths)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.CreateTemp("", "netsweep-submitted-*.toml")
	if err != nil {
		return "", nil, fmt.Errorf("could not write the spec to upload: %w", err)
	}
	cleanup = func() { os.Remove(tmp.Name()) }
	if _, err := tmp.Write(text); err != nil {
		tmp.Close()
		cleanup()
		return "", nil, fmt.Errorf("could not write the spec to upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("could not write the spec to upload: %w", err)
	}
	return tmp.Name(), cleanup, nil
}
