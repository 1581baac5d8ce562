package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// thresholdSpec sweeps the transmission rate of SIR on Erdős–Rényi
// networks of mean degree 4 across its epidemic threshold: the
// transmissibility T = β/(β+γ) crosses 1/⟨k⟩ = 1/4 at β = 1/3 (Newman,
// Phys. Rev. E 66, 016128 (2002), eq. 13 for a Poisson degree
// distribution). Far below it an outbreak dies among the 2 % seeded;
// far above it reaches most of the network; near it the final size
// fluctuates most, so the points there need the most repetitions.
const thresholdSpec = `name = "threshold"
seed = 5

[network]
generator = "er"
n = 300
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seed_fraction = 0.02

[sweep]
"process.beta" = [0.02, 0.1, 0.25, 0.33, 0.45, 1.0, 4.0]

[precision]
metric = "final_size"
sem = %v
min_repetitions = 20
max_repetitions = 1000
block = 20
`

func thresholdWith(t testing.TB, sem float64) *spec.Spec {
	return parse(t, fmt.Sprintf(thresholdSpec, sem))
}

// runsByPoint returns, per point key, the repetitions the journal(s) in
// dirs cover, and fails if two records of a point overlap: a campaign
// with [precision] runs every repetition of its decided blocks once.
func runsByPoint(t testing.TB, dirs ...string) map[string]int {
	t.Helper()
	type rng struct{ start, end int }
	seen := map[string][]rng{}
	for _, dir := range dirs {
		j, err := journal.Scan(filepath.Join(dir, JournalFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range j.Records() {
			for _, o := range seen[r.Key] {
				if r.Start < o.end && o.start < r.End {
					t.Fatalf("%s: records [%d,%d) and [%d,%d) of one point overlap", dir, r.Start, r.End, o.start, o.end)
				}
			}
			seen[r.Key] = append(seen[r.Key], rng{r.Start, r.End})
		}
	}
	out := map[string]int{}
	for k, rs := range seen {
		for _, r := range rs {
			out[k] += r.end - r.start
		}
	}
	return out
}

// TestPrecisionByteIdentical runs one campaign with [precision] on 1, 2
// and 5 workers, with guided and fixed chunks, stopped and resumed, and
// as job-array shards merged by Collect: the repetitions each point runs
// and results.csv are the same in every case.
func TestPrecisionByteIdentical(t *testing.T) {
	s := thresholdWith(t, 0.004)
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 1), RunOptions{Ranks: 1}); err != nil {
		t.Fatal(err)
	}
	want, wantRuns := results(t, ref), runsByPoint(t, ref)
	check := func(name string, dirs ...string) {
		t.Helper()
		if got := results(t, dirs[0]); !bytes.Equal(got, want) {
			t.Errorf("%s: results.csv differs from 1 worker's:\n%s\n%s", name, got, want)
		}
		if got := runsByPoint(t, dirs[1:]...); fmt.Sprint(got) != fmt.Sprint(wantRuns) {
			t.Errorf("%s: ran %v repetitions per point, 1 worker %v", name, got, wantRuns)
		}
	}
	for _, tc := range []struct{ workers, chunk int }{{2, 0}, {5, 0}, {2, 1}, {5, 3}, {3, 7}} {
		dir := filepath.Join(t.TempDir(), "d")
		if _, err := Run(ctx, dir, s, Local(s, tc.workers), RunOptions{Ranks: tc.workers, Chunk: tc.chunk}); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("%d workers, chunk %d", tc.workers, tc.chunk), dir, dir)
	}

	// Stopped three times, resumed each time with another worker count.
	dir := filepath.Join(t.TempDir(), "stopped")
	for i, n := range []int{30, 200, 700} {
		rep := &stopAfter{n: n, stop: make(chan struct{})}
		o := RunOptions{Ranks: 1 + i, Chunk: 1 + i, Stop: rep.stop}
		o.Reporter = rep
		if _, err := Run(ctx, dir, s, Local(s, 1+i), o); !errors.Is(err, ErrIncomplete) {
			t.Fatalf("stop %d: %v, want ErrIncomplete", i, err)
		}
	}
	if _, err := Run(ctx, dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	check("stopped and resumed", dir, dir)

	// Shards split the points; one shard is stopped and resumed.
	for _, k := range []int{2, 3} {
		dir := t.TempDir()
		var shardDirs []string
		for i := range k {
			sd := filepath.Join(dir, ShardsDir, strconv.Itoa(i))
			shardDirs = append(shardDirs, sd)
			o := RunOptions{Ranks: 2}
			o.Shard = Shard{I: i, K: k}
			if i == 1 {
				rep := &stopAfter{n: 50, stop: make(chan struct{})}
				so := o
				so.Stop, so.Reporter = rep.stop, rep
				if _, err := Run(ctx, sd, s, Local(s, 2), so); !errors.Is(err, ErrIncomplete) {
					t.Fatalf("shard %d/%d stopped: %v", i, k, err)
				}
				if err := Collect(dir, report.Provenance{}); err == nil {
					t.Fatalf("collected %d shards with shard 1 incomplete", k)
				}
			}
			if _, err := Run(ctx, sd, s, Local(s, 2), o); err != nil {
				t.Fatal(err)
			}
		}
		if err := Collect(dir, report.Provenance{}); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("%d shards", k), append([]string{dir}, shardDirs...)...)
	}
}

// TestPrecisionThreshold runs the sweep across the SIR threshold: the
// points far from it stop at min_repetitions, those near it run more, and
// each point that stopped below max_repetitions meets its target there and
// did not one block before (it stopped at its first block that does).
func TestPrecisionThreshold(t *testing.T) {
	const target = 0.004
	s := thresholdWith(t, target)
	pr := s.Precision
	dir := filepath.Join(t.TempDir(), "d")
	if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	j, err := journal.Scan(filepath.Join(dir, JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	// prefix merges point p's records inside repetitions [0, n).
	prefix := func(p, n int) *reduce.Summary {
		sum := reduce.NewSummary(s.Layout())
		for _, r := range j.Records() {
			if r.Key == s.Point(p).Key && r.End <= n {
				x := reduce.NewSummary(s.Layout())
				if err := x.UnmarshalBinary(r.Summary); err != nil {
					t.Fatal(err)
				}
				sum.Merge(x)
			}
		}
		return sum
	}
	reps := map[float64]int{}
	for p, row := range readRows(t, dir) {
		beta, _ := strconv.ParseFloat(row["process.beta"], 64)
		n, _ := strconv.Atoi(row["reps"])
		sem, _ := strconv.ParseFloat(row["final_size_sem"], 64)
		reps[beta] = n
		if sum := prefix(p, n); sum.Reps() != int64(n) {
			t.Fatalf("β = %v: the journal holds %d of its %d repetitions", beta, sum.Reps(), n)
		}
		if n < pr.Max {
			if sem > target || row["precision_met"] != "true" {
				t.Errorf("β = %v stopped at %d < max_repetitions with sem %v > %v (precision_met %s)", beta, n, sem, target, row["precision_met"])
			}
			if n > pr.First() && pr.Met(prefix(p, n-pr.Block)) {
				t.Errorf("β = %v ran to %d but met its target at %d already", beta, n, n-pr.Block)
			}
		}
	}
	for _, beta := range []float64{0.02, 0.1, 4.0} {
		if reps[beta] != pr.Min {
			t.Errorf("β = %v, far from the threshold, ran %d repetitions, want min_repetitions = %d", beta, reps[beta], pr.Min)
		}
	}
	for _, beta := range []float64{0.25, 0.33, 0.45} {
		if reps[beta] < 10*pr.Min {
			t.Errorf("β = %v, near the threshold, ran only %d repetitions", beta, reps[beta])
		}
	}
	t.Logf("repetitions per β: %v", reps)
}

// readRows reads dir's results.csv into maps from column to value.
func readRows(t testing.TB, dir string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(results(t, dir))), "\n")
	head := strings.Split(lines[0], ",")
	var rows []map[string]string
	for _, l := range lines[1:] {
		row := map[string]string{}
		for i, v := range strings.Split(l, ",") {
			row[head[i]] = v
		}
		rows = append(rows, row)
	}
	return rows
}

// TestPrecisionTighten runs a campaign to a loose target, then in the same
// directory to a tighter one, which runs only the extra blocks, then back
// to the loose one, which runs nothing: each time results.csv is that of a
// fresh run of the same spec.
func TestPrecisionTighten(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "d")
	var before int64
	for i, sem := range []float64{0.008, 0.004, 0.008} {
		s := thresholdWith(t, sem)
		fresh := filepath.Join(t.TempDir(), "fresh")
		if _, err := Run(ctx, fresh, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
			t.Fatal(err)
		}
		var started Start
		o := RunOptions{Ranks: 2}
		o.Reporter = startRecorder{&started}
		if _, err := Run(ctx, dir, s, Local(s, 2), o); err != nil {
			t.Fatal(err)
		}
		if got, want := results(t, dir), results(t, fresh); !bytes.Equal(got, want) {
			t.Errorf("step %d (sem = %v): results differ from a fresh run's:\n%s\n%s", i, sem, got, want)
		}
		var ran int
		for _, n := range runsByPoint(t, dir) {
			ran += n
		}
		if i == 1 && started.Done != before {
			t.Errorf("tightening (sem = %v) started with %d runs done, want the %d run before", sem, started.Done, before)
		}
		if i == 2 && (int64(ran) != before || started.Total != started.Done) {
			t.Errorf("loosening the target ran %d more repetitions (start %+v)", int64(ran)-before, started)
		}
		before = int64(ran)
	}
}

// TestPrecisionStatus checks that status shows each point's precision
// against its target.
func TestPrecisionStatus(t *testing.T) {
	s := thresholdWith(t, 0.004)
	dir := filepath.Join(t.TempDir(), "d")
	if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	st, err := ReadStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	st.Write(&b, dir, true, st.Progress.Updated)
	out := b.String()
	for _, want := range []string{"precision final_size sem = 0.004: ", "complete", " met ", "  sem  target"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	done, _ := st.Totals()
	if done != st.Total() {
		t.Errorf("status: %d of %d runs", done, st.Total())
	}
}

// TestBudgetStops runs a campaign with a budget of core time that a
// fraction of it spends: the run stops resumable, having recorded at
// least the budget, the next run with the same budget refuses at once,
// and a larger one completes it to the results of a run without budget.
func TestBudgetStops(t *testing.T) {
	s := thresholdWith(t, 0.004)
	ctx := context.Background()
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Run(ctx, fresh, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	full := readCost(fresh)
	if full <= 0 {
		t.Fatalf("%s records %v core-seconds", CostFile, full)
	}
	dir := filepath.Join(t.TempDir(), "d")
	budget := full / 4 / 3600
	_, err := Run(ctx, dir, s, Local(s, 2), RunOptions{Ranks: 2, Budget: budget})
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "of its budget") {
		t.Fatalf("run with a quarter of the cost as budget: %v", err)
	}
	if spent := readCost(dir); spent < budget*3600 {
		t.Errorf("stopped having measured %v core-seconds, under the budget of %v", spent, budget*3600)
	}
	if _, err := Run(ctx, dir, s, Local(s, 2), RunOptions{Ranks: 2, Budget: budget}); !errors.Is(err, ErrIncomplete) {
		t.Errorf("a spent budget: %v", err)
	}
	if _, err := Run(ctx, dir, s, Local(s, 2), RunOptions{Ranks: 2, Budget: 1000}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(results(t, dir), results(t, fresh)) {
		t.Error("results after a budget stop differ from a run without budget")
	}
}
