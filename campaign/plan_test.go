package campaign

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
)

// TestPilotWork: the pilot takes each point's first repetitions left, in
// rounds, the points of each round spread over the grid.
func TestPilotWork(t *testing.T) {
	s := parse(t, testSpec) // 3 points × 60 repetitions
	work := []mpirun.Chunk{{Point: 0, Start: 0, End: 60}, {Point: 1, Start: 5, End: 7}, {Point: 1, Start: 20, End: 60}, {Point: 2, Start: 59, End: 60}}
	// Round 1 (2 repetitions): points 0, 2, 1 in spread order; round 2 (to
	// 8): the next 6 of each; round 3 (to 32), and so on.
	want := []mpirun.Chunk{{Point: 0, Start: 0, End: 2}, {Point: 2, Start: 59, End: 60}, {Point: 1, Start: 5, End: 7},
		{Point: 0, Start: 2, End: 8}, {Point: 1, Start: 20, End: 26}, {Point: 0, Start: 8, End: 32}, {Point: 1, Start: 26, End: 50},
		{Point: 0, Start: 32, End: 60}, {Point: 1, Start: 50, End: 60}}
	if got := pilotWork(s, work); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pilot work %v, want %v", got, want)
	}
	if got, want := fmt.Sprint(spreadOrder([]int{0, 1, 2, 3, 4, 5, 6, 7})), "[0 4 2 6 1 5 3 7]"; got != want {
		t.Errorf("spread order %s, want %s", got, want)
	}
}

// TestEstimate checks the estimate on known times: every repetition of
// point p takes (p+1) ms, the pilot timed points 0 and 2 only, and 20 of
// each point's 60 repetitions are recorded.
func TestEstimate(t *testing.T) {
	s := parse(t, testSpec)
	var records []journal.Chunk
	for p := range s.NumPoints() {
		records = append(records, journal.Chunk{Key: s.Point(p).Key, Start: 0, End: 20})
	}
	times := make([][]Timed, 3)
	for _, p := range []int{0, 2} {
		for range 10 {
			times[p] = append(times[p], Timed{Reps: 2, Elapsed: time.Duration(2*(p+1)) * time.Millisecond})
		}
	}
	p, err := Estimate(s, records, times, PlanOptions{Within: time.Hour, Cores: []int{1, 4}})
	if err != nil {
		t.Fatal(err)
	}
	// Point 1 gets the mean of its neighbours' times, 2 ms.
	want := 40 * (0.001 + 0.002 + 0.003) / 3600
	if p.Runs != 120 || p.Done != 60 || math.Abs(p.CoreHours-want) > 1e-12 {
		t.Errorf("runs %v, done %d, core-hours %v, want 120, 60, %v", p.Runs, p.Done, p.CoreHours, want)
	}
	if !(p.Lo < p.CoreHours && p.CoreHours < p.Hi) || p.Points[1].PerRep != 2*time.Millisecond || p.Points[1].Timed != 0 {
		t.Errorf("interval [%v, %v], point 1 %+v", p.Lo, p.Hi, p.Points[1])
	}
	if p.Wall[1].Time != time.Duration(want*3600/4*float64(time.Second)) {
		t.Errorf("wall on 4 cores %v", p.Wall[1].Time)
	}
	if p.Slurm.NTasks != 1 || p.Slurm.ArrayShards != 0 || p.Slurm.Time != "00:15:00" {
		t.Errorf("slurm %+v", p.Slurm)
	}
	// 1000 core-hours within 1 h on at most 256 ranks a job: 1112 ranks
	// (90 % of the hour), so 5 shards of 223.
	if a := advise(s, 1000, 0, PlanOptions{Within: time.Hour, PerJob: 256}); a.NTasks != 223 || a.ArrayShards != 5 || a.Time != "01:00:00" {
		t.Errorf("advice for 1000 core-hours: %+v", a)
	}
	if err := p.Budget(want / 2); err == nil || !strings.Contains(err.Error(), "more than the budget") {
		t.Errorf("budget: %v", err)
	}
	if err := p.Budget(2 * want); err != nil {
		t.Error(err)
	}
}

// TestPlanPilotReused runs plan's pilot on the [precision] threshold
// sweep: its repetitions are journaled, the campaign run after it starts
// from them, and its results are byte-identical to a fresh run's. The
// predicted repetitions of the points near the threshold exceed those of
// the points far from it.
func TestPlanPilotReused(t *testing.T) {
	s := thresholdWith(t, 0.004)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "d")
	p, err := RunPlan(ctx, dir, s, Local(s, 2), PlanOptions{Pilot: 2 * time.Second, Ranks: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.PilotRuns == 0 || p.Done != p.PilotRuns || p.Timed == 0 {
		t.Fatalf("plan %+v", p)
	}
	kept, err := ReadPlan(dir)
	if err != nil || kept.CoreHours != p.CoreHours {
		t.Fatalf("plan.json: %+v, %v", kept, err)
	}
	var b strings.Builder
	p.Write(&b)
	for _, want := range []string{"core-hours (95% interval", "ntasks = 1", "per rank"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
	if near, far := p.Points[3].Reps, p.Points[0].Reps; near <= far {
		t.Errorf("β = 0.33 expected to need %v repetitions, β = 0.02 %v", near, far)
	}
	var started Start
	o := RunOptions{Ranks: 2}
	o.Reporter = startRecorder{&started}
	if _, err := Run(ctx, dir, s, Local(s, 2), o); err != nil {
		t.Fatal(err)
	}
	if started.Done != p.PilotRuns {
		t.Errorf("the run started with %d runs done, the pilot ran %d", started.Done, p.PilotRuns)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Run(ctx, fresh, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(results(t, dir), results(t, fresh)) {
		t.Error("results after plan's pilot differ from a fresh run's")
	}
}
