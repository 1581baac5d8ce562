// Package backends registers every scheduler backend of netsweep with
// package cluster: import it for its side effect. A new backend is one
// package and one line here.
package backends

import (
	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/pbs"
	"github.com/netsweep/netsweep/rocks"
	"github.com/netsweep/netsweep/sge"
	"github.com/netsweep/netsweep/slurm"
)

func init() {
	cluster.Register("slurm", slurm.Backend)
	cluster.Register("sge", sge.Backend)
	cluster.Register("pbs", pbs.Backend)
	cluster.Register("rocks", rocks.Backend)
}
