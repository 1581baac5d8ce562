// Package rocks runs netsweep campaigns on Rocks clusters, as the cluster
// package's "rocks" backend: through the cluster's Grid Engine queue (the
// SGE roll; package sge) by default, or, with launch = "rocks-run", by
// rendering a launcher that starts mpirun on the compute hosts with Rocks'
// host commands, for a cluster without a queue.
package rocks
