package spec

import (
	"strings"
	"testing"

	"github.com/netsweep/netsweep/cluster"
	_ "github.com/netsweep/netsweep/cluster/backends" // [cluster] scheduler keys
	"github.com/netsweep/netsweep/rocks"
	"github.com/netsweep/netsweep/slurm"
)

// TestClusterScheduler: [cluster] decodes the common keys, the workstation
// keys and the chosen scheduler's own keys; a key no part reads, or a
// scheduler nobody registered, is refused.
func TestClusterScheduler(t *testing.T) {
	s, err := Parse("a.toml", []byte(good+"\n[cluster]\ntime = \"1:00:00\"\nntasks = 4\npartition = \"debug\"\nhosts = [\"tom:2\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Cluster
	if c.SchedulerName() != "slurm" || c.Time != "1:00:00" || c.NTasks != 4 || len(c.Workstations.Hosts) != 1 {
		t.Errorf("cluster = %+v", c)
	}
	if o, ok := c.Options.(*slurm.Options); !ok || o.Partition != "debug" {
		t.Errorf("options = %#v, want slurm's with partition debug", c.Options)
	}
	if s, err := Parse("a.toml", []byte(good+"\n[cluster]\nscheduler = \"rocks\"\ntime = \"10\"\nntasks = 4\n")); err != nil {
		t.Error(err)
	} else if _, ok := s.Cluster.Options.(*rocks.Options); !ok || s.Cluster.SchedulerName() != "rocks" {
		t.Errorf("rocks cluster = %+v", s.Cluster)
	}
	for text, want := range map[string]string{
		"scheduler = \"lsf\"\ntime = \"10\"":                 `a.toml:20: cluster.scheduler = "lsf": unknown scheduler "lsf"; want`,
		"scheduler = 3\ntime = \"10\"":                       "cluster.scheduler = 3: want a string",
		"scheduler = \"rocks\"\npartition = \"debug\"":       `cluster.partition = "debug": unknown key; known keys are array_shards,`,
		"time = \"10\"\nsignal_lead = 600":                   "cluster.signal_lead = 600: must be less than the time limit (600 s)",
		"time = \"10\"\nlauncher = \"srun\"\nlaunch = \"x\"": "known keys are account, array_shards, binary, cpus_per_task, deploy_dir, env, hostfile, hosts, launcher,",
	} {
		_, err := Parse("a.toml", []byte(good+"\n[cluster]\n"+text+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v; want %q", text, err, want)
		}
	}
	if _, err := cluster.NewConfig("nonesuch"); err == nil {
		t.Error("NewConfig of an unregistered scheduler: no error")
	}
}
