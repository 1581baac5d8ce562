package cluster_test

import (
	"fmt"

	"github.com/netsweep/netsweep/cluster"
	_ "github.com/netsweep/netsweep/cluster/backends"
)

// The registered backends, and a Config ready for one's own keys.
func ExampleNewConfig() {
	fmt.Println(cluster.Names())
	c, err := cluster.NewConfig("slurm")
	fmt.Printf("%T %v\n", c.Options, err)
	_, err = cluster.NewConfig("lsf")
	fmt.Println(err)
	// Output:
	// [slurm sge pbs rocks]
	// *slurm.Options <nil>
	// unknown scheduler "lsf"; want slurm or sge or pbs or rocks
}

// What 'netsweep status' says of a job.
func ExampleJobStatus_String() {
	for _, j := range []cluster.JobStatus{
		{State: "PENDING", Reason: "Priority", Pending: true},
		{State: "RUNNING"},
		{State: "TIMEOUT", Done: true, HasExit: true, Signal: 15},
		{State: "COMPLETED", Done: true, HasExit: true},
	} {
		fmt.Println(j)
	}
	// Output:
	// PENDING (reason Priority)
	// RUNNING
	// TIMEOUT, killed by signal 15
	// COMPLETED, exit 0
}
