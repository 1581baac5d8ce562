// Package workstations runs a campaign on a network of workstations over
// ssh: it loads the hosts of a spec's [cluster] table, deploys the MPI
// binary and the spec to each, and launches the campaign with Open MPI's
// mpirun through a strict ssh wrapper.
package workstations
