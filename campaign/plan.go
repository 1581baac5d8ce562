package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netsweep/netsweep/journal"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

// What a campaign will cost, before it is submitted ('netsweep plan').
//
// A short pilot runs, on the local cores and into the campaign's own
// directory, the first repetitions left of a spread of points, which the
// controller times chunk by chunk; they are
// journaled like any run's, so the campaign reuses them. From the pilot's
// times per repetition (and, with [precision], the variances of the
// repetitions recorded, the pilot's included) Plan predicts each point's
// repetitions and its cost, and sums them into the core-hours left with
// a 95 % interval.

// PlanOptions say how Plan runs its pilot and what it recommends.
type PlanOptions struct {
	OpenOptions
	// Pilot is the pilot's wall time; 0 means 60 s.
	Pilot time.Duration
	// Ranks is the executor's number of ranks, for the pilot's provenance.
	Ranks int
	// Within is the wall time the Slurm recommendation aims for; 0 means
	// 12 h.
	Within time.Duration
	// PerJob is the most ranks Plan recommends for one Slurm job before
	// it recommends a job array; 0 means 256.
	PerJob int
	// Cores lists the core counts of the wall-time table; nil means
	// 1, 16, 64, 256 and 1024.
	Cores []int
}

// Plan is what a campaign is expected to cost.
type Plan struct {
	Spec       *spec.Spec    `json:"-"`
	SpecSHA256 string        `json:"spec_sha256"`     // of the spec planned
	Pilot      time.Duration `json:"pilot_ns"`        // the pilot's wall time
	PilotRuns  int64         `json:"pilot_runs"`      // repetitions the pilot ran, journaled
	Done       int64         `json:"done_runs"`       // repetitions recorded, the pilot's included
	Timed      int           `json:"points_timed"`    // points the pilot timed
	Runs       float64       `json:"runs_left"`       // repetitions left, expected
	RunsLo     float64       `json:"runs_left_lo"`    // 95 % interval of Runs
	RunsHi     float64       `json:"runs_left_hi"`    //
	CoreHours  float64       `json:"core_hours"`      // core-hours left, expected
	Lo         float64       `json:"core_hours_lo"`   // 95 % interval of CoreHours
	Hi         float64       `json:"core_hours_hi"`   //
	Memory     int64         `json:"memory_per_rank"` // bytes, for the largest network
	Wall       []WallTime    `json:"wall"`
	Slurm      SlurmAdvice   `json:"slurm"`
	Points     []PointPlan   `json:"points"`
}

// PointPlan is one point's part of a Plan.
type PointPlan struct {
	Done     int64         `json:"done"`       // repetitions recorded
	Reps     float64       `json:"reps"`       // repetitions it is expected to need in all
	RepsLo   float64       `json:"reps_lo"`    // 95 % interval of Reps
	RepsHi   float64       `json:"reps_hi"`    //
	PerRep   time.Duration `json:"per_rep_ns"` // core time of a repetition
	PerRepSE time.Duration `json:"per_rep_se_ns"`
	Timed    int           `json:"timed"` // repetitions the pilot timed; 0: estimated from the nearest timed point
}

// WallTime is the expected wall time on a number of cores.
type WallTime struct {
	Cores    int           `json:"cores"`
	Time, Hi time.Duration `json:"-"`
}

// SlurmAdvice is Plan's recommendation for [cluster] on Slurm.
type SlurmAdvice struct {
	Within      time.Duration `json:"within_ns"`
	Time        string        `json:"time"`         // HH:MM:SS
	NTasks      int           `json:"ntasks"`       // per job
	ArrayShards int           `json:"array_shards"` // 0: one job
	// Serial is set when one point's chain of blocks alone takes longer
	// than Within: more ranks do not help it.
	Serial time.Duration `json:"serial_ns"`
}

// pilotRounds are the repetitions of each point the pilot runs round by
// round, until its time is up: every point's first 2, then 8, and so on.
var pilotRounds = []int{2, 8, 32, 128, 512, 2048}

// PlanFile is the file of a campaign directory where Plan keeps its last
// estimate, for 'submit --budget'.
const PlanFile = "plan.json"

// Default plan settings.
const (
	DefaultPilot  = 60 * time.Second
	DefaultWithin = 12 * time.Hour
	pilotPoints   = 64  // most points the pilot times
	defaultPerJob = 256 // ranks of one Slurm job before a job array
	// machineNoise widens the interval for the difference between the
	// pilot's cores and the campaign's: a shared machine, another node.
	machineNoise = 0.15
)

// RunPlan runs the pilot of the campaign of s in dir with exec and
// returns the plan, also written to dir/plan.json.
func RunPlan(ctx context.Context, dir string, s *spec.Spec, exec Executor, o PlanOptions) (*Plan, error) {
	if o.Pilot <= 0 {
		o.Pilot = DefaultPilot
	}
	c, err := Open(dir, s, o.OpenOptions)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	start := time.Now()
	times := make([][]Timed, s.NumPoints())
	var ran int64
	opts := mpirun.Options{
		Work: pilotWork(s, c.Work()), Base: c.Base(), Deadline: start.Add(o.Pilot),
		OnResult: func(r *mpirun.Result) error {
			if err := c.Record(r); err != nil {
				return err
			}
			if n := r.Chunk.Len(); n > 0 {
				times[r.Chunk.Point] = append(times[r.Chunk.Point], Timed{Reps: n, Elapsed: r.Elapsed})
				ran += int64(n)
			}
			return nil
		},
	}
	cpu0, cpuOK := cpuTime()
	if _, err := exec(ctx, opts); err != nil && !errors.Is(err, mpirun.ErrStopped) {
		return nil, err
	}
	if cpu1, ok := cpuTime(); ok && cpuOK {
		calibrate(times, cpu1-cpu0)
	}
	if err := c.Close(); err != nil {
		return nil, err
	}
	j, err := journal.Scan(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, journalAdvice(err)
	}
	p, err := Estimate(s, j.Records(), times, o)
	if err != nil {
		return nil, err
	}
	p.Pilot, p.PilotRuns = time.Since(start), ran
	data, _ := json.MarshalIndent(p, "", "  ")
	if err := report.WriteFileAtomic(filepath.Join(dir, PlanFile), append(data, '\n')); err != nil {
		return nil, err
	}
	return p, nil
}

// calibrate scales the pilot's chunk times so that they sum to the CPU
// time the pilot used: on a machine shared with other work a chunk's wall
// time includes the time its rank waited for a core, which the
// campaign's own cores will not. The scale is at most 1 (a pilot that
// waited for nothing keeps its times) and at least 1/50.
func calibrate(times [][]Timed, cpu float64) {
	var wall float64
	for _, ts := range times {
		for _, t := range ts {
			wall += t.Elapsed.Seconds()
		}
	}
	if wall <= 0 || cpu <= 0 {
		return
	}
	f := min(1, max(0.02, cpu/wall))
	for _, ts := range times {
		for i := range ts {
			ts[i].Elapsed = time.Duration(float64(ts[i].Elapsed) * f)
		}
	}
}

// ReadPlan reads the plan that RunPlan kept in dir.
func ReadPlan(dir string) (*Plan, error) {
	data, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PlanFile), err)
	}
	return &p, nil
}

// pilotWork chooses the pilot's repetitions from the work left: of at
// most pilotPoints points spread over the grid, the first repetitions
// left, in rounds (pilotRounds) and, in each, in an order that spreads the points over the grid (van der Corput),
// so a pilot cut short still times points across it.
func pilotWork(s *spec.Spec, work []mpirun.Chunk) []mpirun.Chunk {
	byPoint := map[int][]mpirun.Chunk{}
	for _, w := range work {
		byPoint[w.Point] = append(byPoint[w.Point], w)
	}
	var points []int
	for p := range byPoint {
		points = append(points, p)
	}
	sort.Ints(points)
	if len(points) > pilotPoints {
		spread := make([]int, pilotPoints)
		for i := range spread {
			spread[i] = points[i*(len(points)-1)/(pilotPoints-1)]
		}
		points = spread
	}
	points = spreadOrder(points)
	var out []mpirun.Chunk
	prev := 0
	for _, upto := range pilotRounds {
		for _, p := range points {
			out = append(out, slice(byPoint[p], prev, upto)...)
		}
		prev = upto
	}
	return out
}

// slice returns the repetitions from the from-th to before the to-th of
// the chunks ws, in order, as chunks.
func slice(ws []mpirun.Chunk, from, to int) []mpirun.Chunk {
	var out []mpirun.Chunk
	k := 0 // repetitions of ws before w
	for _, w := range ws {
		a, b := max(from-k, 0), min(to-k, w.Len())
		if a < b {
			out = append(out, mpirun.Chunk{Point: w.Point, Start: w.Start + a, End: w.Start + b})
		}
		k += w.Len()
	}
	return out
}

// spreadOrder orders xs by the bit-reversed rank of their index (van der
// Corput), so every prefix of the order is spread over xs.
func spreadOrder(xs []int) []int {
	type item struct {
		key float64
		x   int
	}
	items := make([]item, len(xs))
	for i, x := range xs {
		k, f := 0.0, 0.5
		for n := i; n > 0; n >>= 1 {
			if n&1 == 1 {
				k += f
			}
			f /= 2
		}
		items[i] = item{k, x}
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].key < items[b].key })
	out := make([]int, len(xs))
	for i, it := range items {
		out[i] = it.x
	}
	return out
}

// Timed is a chunk the pilot timed: its repetitions and its wall time.
type Timed struct {
	Reps    int
	Elapsed time.Duration
}

// Estimate predicts the cost of the campaign of s from the records of its
// journal and the chunks that a pilot timed, per point.
func Estimate(s *spec.Spec, records []journal.Chunk, times [][]Timed, o PlanOptions) (*Plan, error) {
	if o.Within <= 0 {
		o.Within = DefaultWithin
	}
	if o.PerJob <= 0 {
		o.PerJob = defaultPerJob
	}
	if o.Cores == nil {
		o.Cores = []int{1, 16, 64, 256, 1024}
	}
	n := s.NumPoints()
	p := &Plan{Spec: s, SpecSHA256: s.SHA256, Memory: s.MemoryBytes(), Points: make([]PointPlan, n)}
	cov := part(s, Shard{}, records)
	type est struct{ mean, se, sd float64 } // seconds
	timed := make([]*est, n)
	for i := range s.NumPoints() {
		ts := times[i]
		p.Points[i].Done = cov.done[i]
		p.Done += cov.done[i]
		if len(ts) == 0 {
			continue
		}
		// The mean time per repetition, and the variance of a
		// repetition's time from the chunks' means (a chunk of k
		// repetitions has a mean of variance σ²/k).
		var sum float64
		var reps int
		for _, t := range ts {
			sum += t.Elapsed.Seconds()
			reps += t.Reps
		}
		m := sum / float64(reps)
		var ss float64
		for _, t := range ts {
			ss += float64(t.Reps) * sq(t.Elapsed.Seconds()/float64(t.Reps)-m)
		}
		sd := 0.0
		if len(ts) > 1 {
			sd = math.Sqrt(ss / float64(len(ts)-1))
		}
		timed[i] = &est{m, sd / math.Sqrt(float64(reps)), sd}
		p.Points[i].Timed = reps
		p.Timed++
	}
	if p.Timed == 0 {
		if cov.gaps == nil {
			return p, nil // complete: nothing left to cost
		}
		return nil, errors.New("the pilot timed no repetition; give it more time (--pilot)")
	}
	var variance float64
	var serial float64 // seconds: the longest chain of blocks on unlimited cores
	for i := range s.NumPoints() {
		e := timed[i]
		if e == nil {
			// The nearest timed points by index, on each side.
			var lo, hi *est
			for d := 1; lo == nil && hi == nil; d++ {
				if i-d >= 0 && timed[i-d] != nil {
					lo = timed[i-d]
				}
				if i+d < n && timed[i+d] != nil {
					hi = timed[i+d]
				}
			}
			switch {
			case lo == nil:
				e = &est{hi.mean, hi.se, hi.sd}
			case hi == nil:
				e = &est{lo.mean, lo.se, lo.sd}
			default:
				e = &est{(lo.mean + hi.mean) / 2, math.Max(math.Hypot(lo.se, hi.se)/2, math.Abs(lo.mean-hi.mean)/2), math.Max(lo.sd, hi.sd)}
			}
		}
		pp := &p.Points[i]
		pp.PerRep, pp.PerRepSE = seconds(e.mean), seconds(e.se)
		pp.Reps, pp.RepsLo, pp.RepsHi = predictReps(s, i, cov)
		left := math.Max(0, pp.Reps-float64(pp.Done))
		lo, hi := math.Max(0, pp.RepsLo-float64(pp.Done)), math.Max(0, pp.RepsHi-float64(pp.Done))
		p.Runs += left
		p.RunsLo += lo
		p.RunsHi += hi
		p.CoreHours += left * e.mean / 3600
		// The time per repetition is uncertain by its standard error, the
		// repetitions by their interval, and each future repetition varies.
		dn := (hi - lo) / (2 * 1.96)
		variance += sq(left*e.se) + sq(dn*e.mean) + left*sq(e.sd)
		chain := e.mean
		if pr := s.Precision; pr != nil {
			chain = math.Ceil(hi/float64(pr.Block)) * e.mean
		}
		serial = math.Max(serial, chain)
	}
	half := 1.96 * math.Sqrt(variance) / 3600
	p.Lo = math.Max(0, p.CoreHours-half) / (1 + machineNoise)
	p.Hi = (p.CoreHours + half) * (1 + machineNoise)
	for _, cores := range o.Cores {
		p.Wall = append(p.Wall, WallTime{Cores: cores, Time: wall(p.CoreHours, serial, cores), Hi: wall(p.Hi, serial*(1+machineNoise), cores)})
	}
	p.Slurm = advise(s, p.Hi, serial*(1+machineNoise), o)
	return p, nil
}

func sq(x float64) float64 { return x * x }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// wall is the wall time of hours core-hours on cores cores, and at least
// the longest serial chain.
func wall(hours, serial float64, cores int) time.Duration {
	return seconds(math.Max(hours*3600/float64(cores), serial))
}

// predictReps returns the repetitions point i is expected to need in all,
// with a 95 % interval: the spec's count, or with [precision] the first
// decision whose precision the variance of its recorded repetitions says
// meets the target (the variance's estimate from m repetitions has a
// relative standard error of about 1/√(2(m−1)), and the repetitions go
// as the variance).
func predictReps(s *spec.Spec, i int, cov coverage) (reps, lo, hi float64) {
	pr := s.Precision
	if pr == nil {
		r := float64(s.Repetitions)
		return r, r, r
	}
	if cov.final[i] {
		r := float64(cov.want[i])
		return r, r, r
	}
	sum, _ := sumOf(s, cov.chosen[i])
	m := sum.Reps()
	if m < 2 {
		return float64(pr.First()), float64(pr.First()), float64(pr.Max)
	}
	// With n repetitions the precision reached scales as 1/√n.
	need := float64(m) * sq(pr.Ratio(sum))
	rel := 1.96 * 2 / math.Sqrt(2*float64(m-1))
	snap := func(x float64) float64 {
		n := pr.First()
		for float64(n) < x && n < pr.Max {
			n = pr.Next(n)
		}
		return float64(n)
	}
	return snap(need), snap(need * math.Max(0, 1-rel)), snap(need * (1 + rel))
}

// advise recommends [cluster] keys for a campaign of at most hi
// core-hours to finish within o.Within.
func advise(s *spec.Spec, hi, serial float64, o PlanOptions) SlurmAdvice {
	a := SlurmAdvice{Within: o.Within}
	within := o.Within.Seconds()
	if serial > within {
		a.Serial = seconds(serial)
	}
	// Ranks so that the work fits in 90 % of the time.
	ranks := max(1, int(math.Ceil(hi*3600/(0.9*within))))
	if ranks > o.PerJob {
		a.ArrayShards = (ranks + o.PerJob - 1) / o.PerJob
		if s.Precision != nil {
			a.ArrayShards = min(a.ArrayShards, s.NumPoints()) // shards split points
		} else {
			a.ArrayShards = min(a.ArrayShards, s.Repetitions)
		}
		ranks = (ranks + a.ArrayShards - 1) / a.ArrayShards
	}
	a.NTasks = ranks
	t := math.Max(hi*3600/float64(ranks*max(a.ArrayShards, 1)), serial) * 1.1
	t = math.Min(math.Ceil(t/900)*900, within) // whole quarter hours, at most within
	h := int(t) / 3600
	a.Time = fmt.Sprintf("%02d:%02d:00", h, int(t)%3600/60)
	return a
}

// Write writes the plan as 'netsweep plan' prints it.
func (p *Plan) Write(w io.Writer) {
	s := p.Spec
	fmt.Fprintf(w, "campaign   %s: %d points\n", s.Name, s.NumPoints())
	fmt.Fprintf(w, "pilot      %d runs in %s (journaled); %d points timed\n", p.PilotRuns, FormatDuration(p.Pilot), p.Timed)
	fmt.Fprintf(w, "done       %d runs recorded\n", p.Done)
	fmt.Fprintf(w, "runs left  %.0f (95%% interval %.0f to %.0f)\n", p.Runs, p.RunsLo, p.RunsHi)
	fmt.Fprintf(w, "cost       %s core-hours (95%% interval %s to %s)\n", hours(p.CoreHours), hours(p.Lo), hours(p.Hi))
	fmt.Fprintf(w, "memory     %s per rank for the largest network\n", FormatBytes(p.Memory))
	for _, wt := range p.Wall {
		fmt.Fprintf(w, "wall time  %s on %d cores (at most %s)\n", FormatDuration(wt.Time), wt.Cores, FormatDuration(wt.Hi))
	}
	a := p.Slurm
	fmt.Fprintf(w, "\nfor Slurm, to finish within %s (paste into [cluster]):\n", FormatDuration(a.Within))
	fmt.Fprintf(w, "  time = %q\n  ntasks = %d\n", a.Time, a.NTasks)
	if a.ArrayShards > 0 {
		fmt.Fprintf(w, "  array_shards = %d\n", a.ArrayShards)
	}
	if a.Serial > 0 {
		fmt.Fprintf(w, "  (one point's blocks in sequence take %s, longer than that: raise block or lower the target)\n", FormatDuration(a.Serial))
	}
}

// hours writes core-hours with three significant digits.
func hours(h float64) string {
	return fmt.Sprintf("%.3g", h)
}

// ParseCoreHours reads a budget in core-hours: "500h" or "500".
func ParseCoreHours(v string) (float64, error) {
	h, err := strconv.ParseFloat(strings.TrimSuffix(v, "h"), 64)
	if err != nil || !(h > 0) || math.IsInf(h, 0) {
		return 0, fmt.Errorf("want core-hours above 0, such as 500h")
	}
	return h, nil
}

// CheckBudget refuses the campaign of s in dir when the plan that
// 'netsweep plan' kept there expects it to cost more than coreHours, or
// when there is no plan of s there.
func CheckBudget(dir string, s *spec.Spec, coreHours float64) error {
	p, err := ReadPlan(dir)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no estimate of the campaign's cost in %s; run 'netsweep plan %s --out %s' first", filepath.Join(dir, PlanFile), s.Path, dir)
	}
	if err != nil {
		return err
	}
	if p.SpecSHA256 != s.SHA256 {
		return fmt.Errorf("the estimate in %s is of another version of %s; run 'netsweep plan %s --out %s' again", filepath.Join(dir, PlanFile), s.Path, s.Path, dir)
	}
	return p.Budget(coreHours)
}

// Budget checks an estimate against a budget in core-hours: an error when
// its expected cost exceeds it.
func (p *Plan) Budget(coreHours float64) error {
	if p.CoreHours > coreHours {
		return fmt.Errorf("the campaign is expected to need %s core-hours (95%% interval %s to %s), more than the budget of %s; lower its cost or raise --budget",
			hours(p.CoreHours), hours(p.Lo), hours(p.Hi), hours(coreHours))
	}
	return nil
}
