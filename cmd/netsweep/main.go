// Command netsweep runs network-science simulation campaigns described by a
// TOML sweep spec: a stochastic process (SIR, SIS, percolation) on random
// networks, many repetitions at every point of a parameter grid, summarised
// per point.
//
// Usage:
//
//	netsweep run SPEC [--out DIR] [--workers N] [--chunk K]
//	netsweep validate SPEC
//	netsweep plan SPEC [--pilot 60s] [--within 12h] [--out DIR]
//	netsweep deploy SPEC [--binary FILE] [--key FILE] [--accept-host-key]
//	netsweep launch SPEC [--out DIR] [--np N] [--hosts LIST] [-- RUN-FLAGS]
//	netsweep status DIR [--points]
//	netsweep render SPEC [--scheduler slurm|rocks] [-o FILE] [--out DIR]
//	netsweep submit SPEC [--out DIR] [--budget 500h]
//	netsweep cancel DIR
//	netsweep submit SPEC --remote [USER@]HOST[:PORT] [--key FILE] [--out LOCALDIR]
//	netsweep status|cancel|collect LOCALDIR
//	netsweep keygen NAME [--dir DIR]
//	netsweep replay DIR --point P --rep R
//	netsweep results DIR [--metrics m1,m2] [--stats mean,sem]
//	netsweep plot DIR --x PARAM --y METRIC [--series PARAM] -o FILE.png
//	netsweep models
//	netsweep version
//
// A session:
//
//	$ netsweep validate examples/quickstart.toml
//	examples/quickstart.toml: ok
//	  points       15 (process.beta × network.mean_degree)
//	  repetitions  100 per point
//	  runs         1500
//	  memory       970.9 kB per worker for the largest network
//	$ netsweep run examples/quickstart.toml
//	netsweep: 15 points × 100 repetitions = 1500 runs on 2 workers
//	[==============================] 100% 1500/1500 runs  812 runs/s  ETA 0s
//	netsweep: wrote results/sir-er-quickstart/results.csv and results.json
//
// Exit status: 0 when the campaign is complete, 2 for a bad spec or bad
// arguments (nothing is run or written), 75 when a run stopped early and can
// be resumed, 77 when it stopped at its --budget (a larger one resumes), 1
// for any other failure.
package main

import (
	"os"

	"github.com/netsweep/netsweep/cli"
)

func main() { os.Exit(cli.Main()) }
