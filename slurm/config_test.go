package slurm

import (
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
)

func validConfig() cluster.Config {
	return cluster.Config{
		Nodes: 2, NTasks: 64, NTasksPerNode: 32, CPUsPerTask: 1,
		Memory: "4G", Time: "2:00:00",
		Modules: []string{"gcc/12.2.0", "openmpi/4.1.5-cuda"},
		Env:     map[string]string{"OMP_NUM_THREADS": "1", "NOTE": "free text: $HOME 'quoted' `x`"},
		Binary:  "/home/me/bin/netsweep-mpi", Workdir: "/scratch/my run",
		MaxResubmits: 3, ArrayShards: 4,
		Options: &Options{
			Partition: "debug", Account: "proj-42", QOS: "normal",
			Launcher: "mpirun", SignalLead: 300,
			SbatchExtra: []string{"--exclusive", "--constraint=skylake", "--mail-type=END,FAIL", "--gres=gpu:1"},
		},
	}
}

func TestValidateAccepts(t *testing.T) {
	for name, c := range map[string]cluster.Config{
		"full":    validConfig(),
		"minimal": {Time: "10", Options: &Options{}},
	} {
		if errs := c.Validate(); errs != nil {
			t.Errorf("%s: Validate() = %v, want no errors", name, errs)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		key    string
		modify func(*cluster.Config, *Options)
	}{
		{"time", func(c *cluster.Config, o *Options) { c.Time = "" }},
		{"time", func(c *cluster.Config, o *Options) { c.Time = "2h" }},
		{"partition", func(c *cluster.Config, o *Options) { o.Partition = "debug;rm" }},
		{"partition", func(c *cluster.Config, o *Options) { o.Partition = "a b" }},
		{"account", func(c *cluster.Config, o *Options) { o.Account = "$(id)" }},
		{"qos", func(c *cluster.Config, o *Options) { o.QOS = "q\n#SBATCH --x" }},
		{"nodes", func(c *cluster.Config, o *Options) { c.Nodes = -1 }},
		{"ntasks", func(c *cluster.Config, o *Options) { c.NTasks = -2 }},
		{"ntasks_per_node", func(c *cluster.Config, o *Options) { c.NTasksPerNode = -1 }},
		{"cpus_per_task", func(c *cluster.Config, o *Options) { c.CPUsPerTask = -1 }},
		{"max_resubmits", func(c *cluster.Config, o *Options) { c.MaxResubmits = -1 }},
		{"array_shards", func(c *cluster.Config, o *Options) { c.ArrayShards = -1 }},
		{"memory", func(c *cluster.Config, o *Options) { c.Memory = "4 G" }},
		{"memory", func(c *cluster.Config, o *Options) { c.Memory = "4GB" }},
		{"memory", func(c *cluster.Config, o *Options) { c.Memory = "G" }},
		{"signal_lead", func(c *cluster.Config, o *Options) { o.SignalLead = -5 }},
		{"signal_lead", func(c *cluster.Config, o *Options) { c.Time = "5"; o.SignalLead = 300 }},
		{"signal_lead", func(c *cluster.Config, o *Options) { c.Time = "5"; o.SignalLead = 300 }},
		{"signal_lead", func(c *cluster.Config, o *Options) { c.Time = "2-0"; o.SignalLead = 70000 }},
		{"modules[1]", func(c *cluster.Config, o *Options) { c.Modules[1] = "" }},
		{"modules[0]", func(c *cluster.Config, o *Options) { c.Modules[0] = "gcc; rm -rf ~" }},
		{"modules[0]", func(c *cluster.Config, o *Options) { c.Modules[0] = "gcc$(id)" }},
		{"modules[0]", func(c *cluster.Config, o *Options) { c.Modules[0] = "a\nb" }},
		{"env.1X", func(c *cluster.Config, o *Options) { c.Env["1X"] = "v" }},
		{"env.A-B", func(c *cluster.Config, o *Options) { c.Env["A-B"] = "v" }},
		{"env.SLURM_NTASKS", func(c *cluster.Config, o *Options) { c.Env["SLURM_NTASKS"] = "1" }},
		{"env.NETSWEEP_ATTEMPT", func(c *cluster.Config, o *Options) { c.Env["NETSWEEP_ATTEMPT"] = "9" }},
		{"env.X", func(c *cluster.Config, o *Options) { c.Env["X"] = "line\nbreak" }},
		{"env.X", func(c *cluster.Config, o *Options) { c.Env["X"] = "nul\x00" }},
		{"env.X", func(c *cluster.Config, o *Options) { c.Env["X"] = "\xff" }},
		{"env.X", func(c *cluster.Config, o *Options) { c.Env["X"] = "bell\a" }},
		{"launcher", func(c *cluster.Config, o *Options) { o.Launcher = "mpiexec" }},
		{"binary", func(c *cluster.Config, o *Options) { c.Binary = "/bin/x\n" }},
		{"workdir", func(c *cluster.Config, o *Options) { c.Workdir = "/a\rb" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "-N 2" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--time=10" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--output=x" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--comment=two words" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--constraint=a&b" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--x=1\n#SBATCH --y" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--" }},
		{"sbatch_extra[0]", func(c *cluster.Config, o *Options) { o.SbatchExtra[0] = "--x=" }},
	} {
		c := validConfig()
		o := *c.Options.(*Options)
		c.Options = &o
		c.Modules = append([]string(nil), c.Modules...)
		o.SbatchExtra = append([]string(nil), o.SbatchExtra...)
		c.Env = map[string]string{"OMP_NUM_THREADS": "1"}
		tc.modify(&c, &o)
		errs := c.Validate()
		if len(errs) != 1 || errs[0].Key != tc.key {
			t.Errorf("want one error for %s, got %v", tc.key, errs)
			continue
		}
		if msg := errs[0].Error(); !strings.HasPrefix(msg, "cluster: bad value: "+tc.key+"=") {
			t.Errorf("error %q does not name %s", msg, tc.key)
		}
	}
}

func TestLead(t *testing.T) {
	for _, tc := range []struct {
		time string
		lead int
		want int
	}{
		{"2:00:00", 0, DefaultSignalLead},
		{"2:00:00", 30, 30},
		{"1", 0, 30},    // half of a 1-minute limit
		{"0:30", 0, 30}, // Slurm rounds 30 s up to a minute
		{"3", 0, 90},
		{"4", 0, DefaultSignalLead},
	} {
		o := Options{SignalLead: tc.lead}
		if got := o.Lead(tc.time); got != tc.want {
			t.Errorf("Options{SignalLead: %d}.Lead(%q) = %d, want %d", tc.lead, tc.time, got, tc.want)
		}
	}
}

// sbatch takes any unique prefix of a long option and one-letter forms, so
// sbatch_extra must refuse those for the options netsweep sets, naming them.
func TestSbatchExtraManagedForms(t *testing.T) {
	for _, tc := range []struct {
		extra string
		want  string // "" = accepted
	}{
		{"--chdir=/x", `--chdir is set by netsweep; use the [cluster] key "workdir"`},
		{"--chd=/x", `--chdir is set by netsweep; use the [cluster] key "workdir"`},
		{"--c=/x", `--chdir is set by netsweep`},
		{"--sig=B:USR2@5", `--signal is set by netsweep; use the [cluster] key "signal_lead"`},
		{"--arr=1-4", `--array is set by netsweep; use the [cluster] key "array_shards"`},
		{"--out=x", "--output is set by netsweep"},
		{"--pars", "--parsable is set by netsweep"},
		{"--ntasks-per-n=2", `--ntasks-per-node is set by netsweep; use the [cluster] key "ntasks_per_node"`},
		{"-D", `--chdir is set by netsweep; use the [cluster] key "workdir"`},
		{"-D/x", `--chdir is set by netsweep`},
		{"-o x", "--output is set by netsweep"},
		{"-a", `--array is set by netsweep`},
		{"-N 2", `--nodes is set by netsweep; use the [cluster] key "nodes"`},
		{"-J", "--job-name is set by netsweep"},
		{"-x", `want "--option" or "--option=value"`},
		{"--mem-per-cpu=2G", ""},
		{"--time-min=5", ""},
		{"--export-file=env", ""},
		{"--exclusive", ""},
		{"--constraint=skylake", ""},
	} {
		c := validConfig()
		o := *c.Options.(*Options)
		o.SbatchExtra = []string{tc.extra}
		c.Options = &o
		errs := c.Validate()
		if tc.want == "" {
			if len(errs) != 0 {
				t.Errorf("sbatch_extra %q: want no error, got %v", tc.extra, errs)
			}
			continue
		}
		if len(errs) != 1 || errs[0].Key != "sbatch_extra[0]" || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("sbatch_extra %q: want one error saying %q, got %v", tc.extra, tc.want, errs)
		}
	}
}
