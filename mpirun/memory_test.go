package mpirun

import (
	"context"
	"runtime"
	"testing"
)

// workerAlloc runs rank 1 of a two-rank communicator on a job of points
// points, rank 0 being a minimal controller that hands out the same ten
// chunks (points 0 to 9, one repetition each) whatever points is, and
// returns the bytes allocated meanwhile.
func workerAlloc(t *testing.T, points int) uint64 {
	t.Helper()
	job := newCountJob(points, 1)
	comms := NewLocal(2)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	errc := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), comms[1], job, Options{})
		errc <- err
	}()
	next, stops := 0, 0
	for stops < lookahead {
		msg, err := comms[0].Recv(1, tagResult)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeResults(msg.Data); err != nil {
			t.Fatal(err)
		}
		if next < 10 {
			err = comms[0].Send(1, tagWork, encodeTask(single(Chunk{Point: next, Start: 0, End: 1})))
			next++
		} else {
			err = comms[0].Send(1, tagWork, encodeWork(Chunk{}, true))
			stops++
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := comms[0].ReduceInt64(0, OpSum, make([]int64, 2)); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestWorkerMemoryFlat checks that a rank other than 0 allocates for the
// chunks it runs, not for the number of points: the same ten chunks of a
// job of 10 or of 200,000 points cost it the same (a table of every
// point, as workers kept before, would be 350 MB for the larger).
func TestWorkerMemoryFlat(t *testing.T) {
	small := workerAlloc(t, 10)
	large := workerAlloc(t, 200_000)
	t.Logf("worker rank: %d B allocated with 10 points, %d B with 200000", small, large)
	if large > small+(256<<10) {
		t.Errorf("worker rank allocated %d B with 200000 points, %d B with 10: it grows with the grid", large, small)
	}
}

// TestRankZeroTableCompact checks that rank 0's table of a run of many
// points × one repetition holds its summaries in well under 2 kB a point.
func TestRankZeroTableCompact(t *testing.T) {
	const points = 20_000
	job := newCountJob(points, 1)
	table, err := runLocal(t, 3, job, Options{Work: job.work()})
	if err != nil {
		t.Fatal(err)
	}
	per := float64(table.Size()) / points
	t.Logf("rank 0's table: %.0f B per point", per)
	if per > 512 {
		t.Errorf("rank 0's table holds %.0f B per point, want ≤ 512", per)
	}
	for _, p := range []int{0, points / 2, points - 1} {
		if st := table.Point(p).Stats(0); st.N != 1 || st.Mean != float64(p*1000) {
			t.Errorf("point %d: %+v", p, st)
		}
	}
}
