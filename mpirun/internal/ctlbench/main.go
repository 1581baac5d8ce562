// Command ctlbench measures the controller's throughput: chunks of empty
// work dispatched, run, reported and acknowledged per second, through the
// same Run that campaigns use (summaries encoded and merged, no journal).
//
//	go build -tags mpi -o /tmp/ctlbench ./mpirun/internal/ctlbench
//	mpirun -np 3 /tmp/ctlbench -chunks 200000
//
// Built without the mpi tag it runs on the in-process communicator with
// -np goroutine ranks.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
)

type emptyJob struct{ layout *reduce.Layout }

func (j emptyJob) Layout() *reduce.Layout   { return j.layout }
func (j emptyJob) NumPoints() int           { return 1 }
func (j emptyJob) NewRunner() mpirun.Runner { return emptyRunner{} }

type emptyRunner struct{}

func (emptyRunner) Run(point, rep int, out []float64) error { out[0] = float64(rep & 1); return nil }
func (emptyRunner) Seed(point, rep int) uint64              { return 0 }

func main() {
	chunks := flag.Int("chunks", 200000, "chunks of one empty repetition")
	np := flag.Int("np", 3, "ranks of the in-process communicator (without MPI)")
	flag.Parse()
	job := emptyJob{&reduce.Layout{Metrics: []string{"x"}, Hists: []reduce.Hist{{Lo: 0, Hi: 1, Bins: 2}}}}
	opts := mpirun.Options{Work: []mpirun.Chunk{{Point: 0, Start: 0, End: *chunks}}, Chunk: 1}
	ctx := context.Background()
	if mpirun.Enabled {
		comm, err := mpirun.Init()
		if err != nil {
			fail(err)
		}
		start := time.Now()
		table, err := mpirun.Run(ctx, comm, job, opts)
		if err != nil {
			fail(err)
		}
		report(comm.Size(), *chunks, time.Since(start), table)
		if err := mpirun.Finalize(); err != nil {
			fail(err)
		}
		return
	}
	comms := mpirun.NewLocal(*np)
	for r := 1; r < *np; r++ {
		go mpirun.Run(ctx, comms[r], job, mpirun.Options{})
	}
	start := time.Now()
	table, err := mpirun.Run(ctx, comms[0], job, opts)
	if err != nil {
		fail(err)
	}
	report(*np, *chunks, time.Since(start), table)
}

func report(np, chunks int, el time.Duration, table *reduce.Table) {
	if table == nil {
		return
	}
	if n := table.Point(0).Reps(); n != int64(chunks) {
		fail(fmt.Errorf("table holds %d repetitions, want %d", n, chunks))
	}
	fmt.Printf("ctlbench: np=%d mpi=%v: %d chunks in %v: %.0f chunks/s\n", np, mpirun.Enabled, chunks, el.Round(time.Millisecond), float64(chunks)/el.Seconds())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ctlbench:", err)
	os.Exit(1)
}
