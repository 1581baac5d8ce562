package cli

import (
	"context"
	"flag"
	"io"
	"runtime"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/spec"
)

// planOptions are the flags of 'netsweep plan'.
type planOptions struct {
	Spec    string        // path of the spec
	Out     string        // campaign directory; overrides [output] dir
	Workers int           // ranks of the pilot
	Pilot   time.Duration // the pilot's wall time
	Within  time.Duration // the wall time Slurm's recommendation aims for
	PerJob  int           // most ranks of one Slurm job
}

func cmdPlan(ctx context.Context, args []string, stdout io.Writer) error {
	o := planOptions{Workers: runtime.NumCPU(), Pilot: campaign.DefaultPilot, Within: campaign.DefaultWithin}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.Out, "out", "", "campaign directory (default: [output] dir of the spec)")
	fs.IntVar(&o.Workers, "workers", o.Workers, "workers of the pilot (default: all cores)")
	fs.DurationVar(&o.Pilot, "pilot", o.Pilot, "the pilot's wall time")
	fs.DurationVar(&o.Within, "within", o.Within, "the wall time the Slurm recommendation aims for")
	fs.IntVar(&o.PerJob, "per-job", 256, "most ranks of one Slurm job")
	if err := parseInterspersed(fs, args); err != nil || fs.NArg() != 1 {
		return usagef("%s", usageText("plan"))
	}
	if o.Workers < 1 || o.Pilot <= 0 || o.Within <= 0 || o.PerJob < 1 {
		return usagef("plan: --workers and --per-job must be at least 1, --pilot and --within above 0\n%s", usageText("plan"))
	}
	o.Spec = fs.Arg(0)
	s, err := spec.Load(o.Spec)
	if err != nil {
		return err
	}
	if err := s.CheckMemory(); err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = s.Output.Dir
	}
	po := campaign.PlanOptions{
		OpenOptions: campaign.OpenOptions{Version: version},
		Pilot:       o.Pilot, Ranks: o.Workers, Within: o.Within, PerJob: o.PerJob,
		Cores: []int{1, o.Workers, 16, 64, 256, 1024},
	}
	p, err := campaign.RunPlan(ctx, o.Out, s, campaign.Local(s, o.Workers), po)
	if err != nil {
		return err
	}
	p.Write(stdout)
	return nil
}
