package slurm

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	const m, h, d = time.Minute, time.Hour, 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration // 0: an error is wanted
	}{
		{"30", 30 * m},
		{"90", 90 * m}, // the leading field may exceed its unit
		{"1:30", m + 30*time.Second},
		{"90:00", 90 * m},
		{"2:00:00", 2 * h},
		{"48:00:00", 48 * h},
		{"01:02:03", h + 2*m + 3*time.Second},
		{"1-0", d},
		{"2-12", 2*d + 12*h},
		{"1-2:30", d + 2*h + 30*m},
		{"1-2:30:15", d + 2*h + 30*m + 15*time.Second},
		{"0:1", time.Second},
		{"", 0},
		{"0", 0},
		{"0:00:00", 0},
		{"INFINITE", 0},
		{"UNLIMITED", 0},
		{"-1", 0},
		{"1-", 0},
		{"1-24", 0},
		{"1-2:60", 0},
		{"1:60:00", 0},
		{"1:60", 0},
		{"1:00:60", 0},
		{"1:2:3:4", 0},
		{"1-1-1", 0},
		{" 30", 0},
		{"30m", 0},
		{"+30", 0},
		{"1234567890", 0},
		{"1:", 0},
		{":1", 0},
		{"36600-0", 0}, // over 100 years
	} {
		got, err := ParseTime(tc.in)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("ParseTime(%q) = %v, want an error", tc.in, got)
			} else if !strings.HasPrefix(err.Error(), "slurm: bad time limit") {
				t.Errorf("ParseTime(%q) error %q lacks the package prefix", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{time.Minute, "00:01:00"},
		{90 * time.Minute, "01:30:00"},
		{25*time.Hour + 61*time.Second, "1-01:01:01"},
	} {
		if got := FormatTime(tc.in); got != tc.want {
			t.Errorf("FormatTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseTime checks that ParseTime never panics and that what it accepts
// survives FormatTime and ParseTime again unchanged.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"30", "1:30", "2:00:00", "1-2", "1-2:3", "1-2:3:4", "x", "1--1", "99999999-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTime(s)
		if err != nil {
			return
		}
		if d <= 0 {
			t.Fatalf("ParseTime(%q) = %v, not positive", s, d)
		}
		back, err := ParseTime(FormatTime(d))
		if err != nil || back != d {
			t.Fatalf("ParseTime(FormatTime(%v)) = %v, %v", d, back, err)
		}
	})
}

func validConfig() Config {
	return Config{
		Partition: "debug", Account: "proj-42", QOS: "normal",
		Nodes: 2, NTasks: 64, NTasksPerNode: 32, CPUsPerTask: 1,
		Memory: "4G", Time: "2:00:00",
		Modules:  []string{"gcc/12.2.0", "openmpi/4.1.5-cuda"},
		Env:      map[string]string{"OMP_NUM_THREADS": "1", "NOTE": "free text: $HOME 'quoted' `x`"},
		Launcher: "mpirun", Binary: "/home/me/bin/netsweep-mpi", Workdir: "/scratch/my run",
		MaxResubmits: 3, SignalLead: 300, ArrayShards: 4,
		SbatchExtra: []string{"--exclusive", "--constraint=skylake", "--mail-type=END,FAIL", "--gres=gpu:1"},
	}
}

func TestValidateAccepts(t *testing.T) {
	for name, c := range map[string]Config{
		"full":    validConfig(),
		"minimal": {Time: "10"},
	} {
		if errs := c.Validate(); errs != nil {
			t.Errorf("%s: Validate() = %v, want no errors", name, errs)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		key    string
		modify func(*Config)
	}{
		{"time", func(c *Config) { c.Time = "" }},
		{"time", func(c *Config) { c.Time = "2h" }},
		{"partition", func(c *Config) { c.Partition = "debug;rm" }},
		{"partition", func(c *Config) { c.Partition = "a b" }},
		{"account", func(c *Config) { c.Account = "$(id)" }},
		{"qos", func(c *Config) { c.QOS = "q\n#SBATCH --x" }},
		{"nodes", func(c *Config) { c.Nodes = -1 }},
		{"ntasks", func(c *Config) { c.NTasks = -2 }},
		{"ntasks_per_node", func(c *Config) { c.NTasksPerNode = -1 }},
		{"cpus_per_task", func(c *Config) { c.CPUsPerTask = -1 }},
		{"max_resubmits", func(c *Config) { c.MaxResubmits = -1 }},
		{"array_shards", func(c *Config) { c.ArrayShards = -1 }},
		{"memory", func(c *Config) { c.Memory = "4 G" }},
		{"memory", func(c *Config) { c.Memory = "4GB" }},
		{"memory", func(c *Config) { c.Memory = "G" }},
		{"signal_lead", func(c *Config) { c.SignalLead = -5 }},
		{"signal_lead", func(c *Config) { c.Time = "5"; c.SignalLead = 300 }},
		{"signal_lead", func(c *Config) { c.Time = "5"; c.SignalLead = 300 }},
		{"signal_lead", func(c *Config) { c.Time = "2-0"; c.SignalLead = 70000 }},
		{"modules[1]", func(c *Config) { c.Modules[1] = "" }},
		{"modules[0]", func(c *Config) { c.Modules[0] = "gcc; rm -rf ~" }},
		{"modules[0]", func(c *Config) { c.Modules[0] = "gcc$(id)" }},
		{"modules[0]", func(c *Config) { c.Modules[0] = "a\nb" }},
		{"env.1X", func(c *Config) { c.Env["1X"] = "v" }},
		{"env.A-B", func(c *Config) { c.Env["A-B"] = "v" }},
		{"env.SLURM_NTASKS", func(c *Config) { c.Env["SLURM_NTASKS"] = "1" }},
		{"env.NETSWEEP_ATTEMPT", func(c *Config) { c.Env["NETSWEEP_ATTEMPT"] = "9" }},
		{"env.X", func(c *Config) { c.Env["X"] = "line\nbreak" }},
		{"env.X", func(c *Config) { c.Env["X"] = "nul\x00" }},
		{"env.X", func(c *Config) { c.Env["X"] = "\xff" }},
		{"env.X", func(c *Config) { c.Env["X"] = "bell\a" }},
		{"launcher", func(c *Config) { c.Launcher = "mpiexec" }},
		{"binary", func(c *Config) { c.Binary = "/bin/x\n" }},
		{"workdir", func(c *Config) { c.Workdir = "/a\rb" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "-N 2" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--time=10" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--output=x" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--comment=two words" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--constraint=a&b" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--x=1\n#SBATCH --y" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--" }},
		{"sbatch_extra[0]", func(c *Config) { c.SbatchExtra[0] = "--x=" }},
	} {
		c := validConfig()
		c.Modules = append([]string(nil), c.Modules...)
		c.SbatchExtra = append([]string(nil), c.SbatchExtra...)
		c.Env = map[string]string{"OMP_NUM_THREADS": "1"}
		tc.modify(&c)
		errs := c.Validate()
		if len(errs) != 1 || errs[0].Key != tc.key {
			t.Errorf("want one error for %s, got %v", tc.key, errs)
			continue
		}
		if msg := errs[0].Error(); !strings.HasPrefix(msg, "slurm: bad value: "+tc.key+"=") {
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
		c := Config{Time: tc.time, SignalLead: tc.lead}
		if got := c.Lead(); got != tc.want {
			t.Errorf("Config{Time: %q, SignalLead: %d}.Lead() = %d, want %d", tc.time, tc.lead, got, tc.want)
		}
	}
}
