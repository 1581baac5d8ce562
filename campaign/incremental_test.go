package campaign

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netsweep/netsweep/spec"
)

// design is one version of a spec under edit: its repetitions and its
// points, as a [sweep] grid or as [[points]].
type design struct {
	reps    int
	betas   []float64 // [sweep] process.beta, or the points' betas
	degrees []float64 // [sweep] network.mean_degree, or the points' degrees
	listed  bool      // [[points]]: (betas[i], degrees[i])
}

func (d design) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "name = \"grow\"\nseed = 21\nrepetitions = %d\n\n[network]\ngenerator = \"er\"\nn = 150\nmean_degree = 3.0\n\n"+
		"[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n", d.reps)
	list := func(xs []float64) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = fmt.Sprintf("%.1f", x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	if d.listed {
		for i := range d.betas {
			fmt.Fprintf(&b, "\n[[points]]\n\"process.beta\" = %.1f\n\"network.mean_degree\" = %.1f\n", d.betas[i], d.degrees[i])
		}
	} else {
		fmt.Fprintf(&b, "\n[sweep]\n\"process.beta\" = %s\n\"network.mean_degree\" = %s\n", list(d.betas), list(d.degrees))
	}
	return b.String()
}

// points lists the (beta, degree) pairs of d.
func (d design) points() [][2]float64 {
	var out [][2]float64
	if d.listed {
		for i := range d.betas {
			out = append(out, [2]float64{d.betas[i], d.degrees[i]})
		}
		return out
	}
	for _, b := range d.betas {
		for _, k := range d.degrees {
			out = append(out, [2]float64{b, k})
		}
	}
	return out
}

// pick returns k distinct values of pool in random order.
func pick(r *rand.Rand, pool []float64, k int) []float64 {
	p := append([]float64(nil), pool...)
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p[:k]
}

func randomDesign(r *rand.Rand) design {
	betaPool := []float64{0.2, 0.4, 0.6, 0.8, 1.0, 1.2}
	degPool := []float64{2, 3, 4}
	d := design{reps: 2 + r.IntN(10)}
	if r.IntN(3) == 0 {
		d.listed = true
		for range 1 + r.IntN(5) {
			d.betas = append(d.betas, betaPool[r.IntN(len(betaPool))])
			d.degrees = append(d.degrees, degPool[r.IntN(len(degPool))])
		}
		return d
	}
	d.betas = pick(r, betaPool, 1+r.IntN(4))
	d.degrees = pick(r, degPool, 1+r.IntN(2))
	return d
}

// TestIncremental runs a random sequence of edited specs (more or fewer
// repetitions; values inserted, removed and reordered; [[points]] instead
// of a grid) on one directory, with random worker counts and chunk sizes,
// and checks after each that results.csv is byte-identical to a fresh run
// of the edited spec, and that a step that only grows the campaign runs
// only the repetitions no earlier step ran.
func TestIncremental(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	dir := filepath.Join(t.TempDir(), "grown")
	most := map[[2]float64]int{} // per point: the most repetitions run so far
	for step := range 25 {
		d := randomDesign(r)
		s := parse(t, d.text())
		fresh := filepath.Join(t.TempDir(), "fresh")
		if _, err := Run(context.Background(), fresh, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
			t.Fatal(err)
		}

		workers := 1 + r.IntN(3)
		var started Start
		o := RunOptions{Ranks: workers, Chunk: r.IntN(4)}
		o.Reporter = startRecorder{&started}
		if _, err := Run(context.Background(), dir, s, Local(s, workers), o); err != nil {
			t.Fatalf("step %d: %v\n%s", step, err, d.text())
		}
		if got, want := results(t, dir), results(t, fresh); !bytes.Equal(got, want) {
			t.Fatalf("step %d: results on the grown directory differ from a fresh run's:\n%s\n%s\nspec:\n%s", step, got, want, d.text())
		}

		grows, wantDone := true, int64(0)
		seen := map[[2]float64]bool{}
		for _, p := range d.points() {
			if seen[p] {
				continue // a point listed twice runs once per listing, from the same records
			}
			seen[p] = true
			if most[p] > d.reps {
				grows = false
			}
			wantDone += int64(min(most[p], d.reps))
		}
		if len(seen) == len(d.points()) && grows && started.Done != wantDone {
			t.Errorf("step %d: %d repetitions reused, want %d (every repetition run before)", step, started.Done, wantDone)
		}
		if started.Done > wantDone*int64(len(d.points())) {
			t.Errorf("step %d: %d repetitions reused, more than were run", step, started.Done)
		}
		for p := range seen {
			most[p] = max(most[p], d.reps)
		}
	}
}

// TestPointIndependentOfOthers: a point's row of results.csv is the same
// whichever other points the spec lists, and in whatever order.
func TestPointIndependentOfOthers(t *testing.T) {
	row := func(d design, beta float64) string {
		t.Helper()
		s := parse(t, d.text())
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(results(t, dir)), "\n")[1:] {
			// The columns: process.beta, network.mean_degree, reps, ...
			f := strings.SplitN(line, ",", 2)
			if len(f) == 2 && f[0] == fmt.Sprint(beta) {
				return f[1]
			}
		}
		t.Fatalf("no row for beta %v", beta)
		return ""
	}
	a := row(design{reps: 30, betas: []float64{0.4, 0.8}, degrees: []float64{3}}, 0.4)
	b := row(design{reps: 30, betas: []float64{1.2, 0.2, 0.4}, degrees: []float64{3}}, 0.4)
	if a != b {
		t.Errorf("the row of beta = 0.4 depends on the other points:\n%s\n%s", a, b)
	}
}

// TestShardsGrow runs a campaign as a job array of 2 shards, then the same
// spec with more repetitions and a point more as an array of 3 shards in
// the same shard directories: Collect gives a fresh run's results, and the
// second array reuses every repetition the first ran.
func TestShardsGrow(t *testing.T) {
	small := design{reps: 8, betas: []float64{0.4, 0.8}, degrees: []float64{3}}
	big := design{reps: 14, betas: []float64{0.4, 0.6, 0.8}, degrees: []float64{3}}
	dir := t.TempDir()
	runShards := func(d design, k int) int64 {
		s := parse(t, d.text())
		var reused int64
		for i := range k {
			var started Start
			o := RunOptions{Ranks: 1}
			o.Shard = Shard{I: i, K: k}
			o.Reporter = startRecorder{&started}
			if _, err := Run(context.Background(), filepath.Join(dir, ShardsDir, fmt.Sprint(i)), s, Local(s, 1), o); err != nil {
				t.Fatal(err)
			}
			reused += started.Done
		}
		return reused
	}
	runShards(small, 2)
	// Shard i of 3 finds in shards/i the records of shard i of 2 that fall
	// inside its own block: of 14 repetitions, blocks [0,4) [4,9) [9,14)
	// against the first array's [0,4) [4,8) of 8.
	if reused := runShards(big, 3); reused != 2*(4+4) {
		t.Errorf("the second array reused %d repetitions, want 16", reused)
	}
	s := parse(t, big.text())
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Run(context.Background(), fresh, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	if err := Collect(dir, RunOptions{}.Provenance); err != nil {
		t.Fatal(err)
	}
	if got, want := results(t, dir), results(t, fresh); !bytes.Equal(got, want) {
		t.Errorf("collected results of the grown array differ from a fresh run's:\n%s\n%s", got, want)
	}
}

// TestPercolationSweepCoupled: a sweep over occupation runs as one coupled
// pass per network (sim.Coupled), and each point's row is still the one a
// spec with that point alone gives, for bond and site percolation, with
// shared and independent realisations.
func TestPercolationSweepCoupled(t *testing.T) {
	spec := func(model, occupations, extra string) string {
		return fmt.Sprintf("name = \"perc\"\nseed = 4\nrepetitions = 40\n\n[network]\ngenerator = \"er\"\nn = 300\nmean_degree = 2.5\n%s\n"+
			"[process]\nmodel = %q\noccupation = 0.5\n\n[sweep]\n\"process.occupation\" = %s\n", extra, model, occupations)
	}
	rows := func(text string) map[string]string {
		t.Helper()
		return rowsByFirst(t, parse(t, text), 7)
	}
	for _, model := range []string{"bond_percolation", "site_percolation"} {
		for _, extra := range []string{"", "realisations = \"independent\"\n"} {
			sweep := rows(spec(model, "[0.9, 0.2, 0.5, 0.35]", extra))
			for occ, row := range sweep {
				alone := rows(spec(model, "["+occ+"]", extra))
				if alone[occ] != row {
					t.Errorf("%s %s occupation %s: in the sweep %s, alone %s", model, extra, occ, row, alone[occ])
				}
			}
		}
	}
}

// TestPercolationCurveOneTask: a curve of more occupations than a task
// holds by default (mpirun's 32) is one task, so each repetition builds
// its network and runs its pass once (spec.Spec.TaskPoints), and its rows
// are still those of the points alone.
func TestPercolationCurveOneTask(t *testing.T) {
	text := "name = \"curve\"\nseed = 5\nrepetitions = 12\n\n[network]\ngenerator = \"er\"\nn = 200\nmean_degree = 3.0\n\n" +
		"[process]\nmodel = \"bond_percolation\"\noccupation = 0.5\n\n[sweep]\n\"process.occupation\" = %s\n"
	s := parse(t, fmt.Sprintf(text, "{ start = 0.025, stop = 1.0, num = 40 }"))
	if got := s.TaskPoints(s.NetworkGroup(0)); got != 40 {
		t.Errorf("TaskPoints of a 40-point curve: %d, want 40", got)
	}
	sir := parse(t, "name = \"sir\"\nseed = 1\nrepetitions = 2\n[network]\ngenerator = \"er\"\nn = 50\nmean_degree = 2.0\n[process]\nmodel = \"sir\"\nbeta = 1.0\ngamma = 1.0\n[sweep]\n\"process.beta\" = [0.5, 1.0]\n")
	if got := sir.TaskPoints(0); got != 0 {
		t.Errorf("TaskPoints of a SIR sweep: %d, want 0 (no coupled points)", got)
	}
	curve := rowsByFirst(t, s, 5)
	if len(curve) != 40 {
		t.Fatalf("%d rows, want 40", len(curve))
	}
	for _, occ := range []string{"0.025", "0.4", "0.825", "1"} {
		alone := rowsByFirst(t, parse(t, fmt.Sprintf(text, "["+occ+"]")), 5)
		if curve[occ] == "" || alone[occ] != curve[occ] {
			t.Errorf("occupation %s: in the curve %q, alone %q", occ, curve[occ], alone[occ])
		}
	}
}

// rowsByFirst runs s on two workers in chunks of chunk repetitions and
// returns its results.csv rows by their first column (the swept value).
func rowsByFirst(t *testing.T, s *spec.Spec, chunk int) map[string]string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), dir, s, Local(s, 2), RunOptions{Ranks: 2, Chunk: chunk}); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(results(t, dir))), "\n")[1:] {
		f := strings.SplitN(line, ",", 2)
		out[f[0]] = f[1]
	}
	return out
}
