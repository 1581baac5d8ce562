package rocks

import (
	"io"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/sge"
)

// Options are the Rocks backend's own [cluster] keys: the launch, and
// Grid Engine's keys for the default one.
type Options struct {
	// Launch is how the campaign runs: LaunchSGE (default) submits to
	// the cluster's Grid Engine queue (the SGE roll), as scheduler =
	// "sge" does; LaunchRocksRun renders a launcher that starts mpirun
	// on the compute hosts with `rocks run host`, for a cluster without
	// a queue.
	Launch     string `toml:"launch"`
	PE         string `toml:"pe"`          // Grid Engine's -pe; see sge.Options
	Queue      string `toml:"queue"`       // Grid Engine's -q
	Project    string `toml:"project"`     // Grid Engine's -P
	SignalLead int    `toml:"signal_lead"` // seconds from -l s_rt to -l h_rt
}

// The values of Options.Launch.
const (
	LaunchSGE      = "sge"
	LaunchRocksRun = "rocks-run"
)

// SGEOptions returns the Grid Engine keys (sge.OptionsOf reads them).
func (o *Options) SGEOptions() *sge.Options {
	return &sge.Options{PE: o.PE, Queue: o.Queue, Project: o.Project, SignalLead: o.SignalLead}
}

// Validate checks launch and, for the Grid Engine launch, the Grid
// Engine keys.
func (o *Options) Validate(c *cluster.Config) []*cluster.FieldError {
	switch o.Launch {
	case "", LaunchSGE:
		return o.SGEOptions().Validate(c)
	case LaunchRocksRun:
		return nil
	}
	return []*cluster.FieldError{cluster.Bad("launch", o.Launch, `want "sge" (the Grid Engine queue, default) or "rocks-run" (a launcher for a cluster without a queue)`)}
}

// Backend is the Rocks backend's entry in the cluster registry. By
// default it is Grid Engine's scheduler (Rocks' SGE roll): render, submit,
// status and cancel through the queue. With launch = "rocks-run" it only
// renders the launcher, which is run by hand on the frontend.
var Backend = cluster.Factory{
	NewOptions: func() cluster.Options { return &Options{} },
	New: func(c *cluster.Config, stderr io.Writer) (cluster.Backend, error) {
		if o, ok := c.Options.(*Options); ok && o.Launch == LaunchRocksRun {
			return backend{}, nil
		}
		return sge.NewScheduler(c, &sge.Runner{Stderr: stderr}), nil
	},
}

type backend struct{}

// Render writes the launcher of job (its Script is not used: the launcher
// belongs at Job.Launcher).
func (backend) Render(w io.Writer, job cluster.Job) error {
	return Render(w, Job{Name: job.Name, Cluster: job.Cluster, Spec: job.Spec, Dir: job.Dir, Files: job.Files, SpecText: job.SpecText})
}
