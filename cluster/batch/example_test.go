package batch_test

import (
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/netsweep/netsweep/cluster/backends" // the scheduler key of a spec
	"github.com/netsweep/netsweep/cluster/batch"
	"github.com/netsweep/netsweep/spec"
)

// A campaign run as a cluster job has absolute paths: the job starts in
// the submit directory or in [cluster] workdir.
func ExampleJob() {
	dir, _ := os.MkdirTemp("", "batch-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sir.toml")
	os.WriteFile(path, []byte(`name = "sir"
seed = 1
repetitions = 10
[network]
generator = "er"
n = 100
mean_degree = 3.0
[process]
model = "sir"
beta = 0.5
gamma = 1.0
[cluster]
time = "1:00:00"
ntasks = 4
`), 0o644)
	s, err := spec.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	job, err := batch.Job(s, "/campaigns/sir", "", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(job.Name, job.Spec, job.Script)
	// Output: sir /campaigns/sir/spec.toml /campaigns/sir/slurm/job.sbatch
}
