package pbs_test

import (
	"fmt"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/pbs"
)

// Resources gives the -l requests of a job under each flavour: a chunk
// per node for PBS Professional, nodes and ppn for Torque.
func ExampleResources() {
	c := cluster.Config{Nodes: 4, NTasksPerNode: 32, Memory: "64G"}
	for _, fl := range []string{pbs.PBSPro, pbs.Torque} {
		res, ranks := pbs.Resources(&c, fl, "12:00:00")
		fmt.Println(fl, res, ranks)
	}
	// Output:
	// pbspro [select=4:ncpus=32:mpiprocs=32:mem=64gb walltime=12:00:00] 128
	// torque [nodes=4:ppn=32 mem=64gb walltime=12:00:00] 128
}
