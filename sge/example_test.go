package sge_test

import (
	"fmt"
	"strings"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/sge"
)

// Render writes the Grid Engine job script of a campaign; its #$ lines ask
// for the parallel environment, the hard and soft limits and the array.
func ExampleRender() {
	job := cluster.Job{
		Name: "sir-er",
		Cluster: cluster.Config{
			Options: &sge.Options{PE: "orte", Queue: "all.q"},
			NTasks:  16, Time: "4:00:00", ArrayShards: 3,
		},
		Spec: "/home/me/camp/spec.toml", Dir: "/home/me/camp", Script: "/home/me/camp/slurm/job.sbatch",
	}
	var b strings.Builder
	if err := sge.Render(&b, job); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "#$") {
			fmt.Println(line)
		}
	}
	// Output:
	// #$ -N sir-er
	// #$ -S /bin/bash
	// #$ -q all.q
	// #$ -pe orte 16
	// #$ -l h_rt=4:00:00
	// #$ -l s_rt=3:58:00
	// #$ -notify
	// #$ -t 1-3
}
