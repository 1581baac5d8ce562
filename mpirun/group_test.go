package mpirun

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// groupJob is a countJob whose points form groups of size (points g*size
// to g*size+size-1), as the points of a sweep over a process parameter
// share their networks. Its runners count the "networks" they build: one
// whenever a call's (group, rep) differs from the last call's.
type groupJob struct {
	*countJob
	size   int
	builds *int64 // under countJob.mu
}

func newGroupJob(points, reps, size int) groupJob {
	return groupJob{countJob: newCountJob(points, reps), size: size, builds: new(int64)}
}

func (j groupJob) NetworkGroup(point int) int { return point / j.size }
func (j groupJob) NewRunner() Runner {
	return &groupRunner{countRunner: countRunner{j.countJob}, j: j, last: [2]int{-1, -1}}
}

type groupRunner struct {
	countRunner
	j    groupJob
	last [2]int // the (group, rep) of the network held
}

func (r *groupRunner) Run(point, rep int, out []float64) error {
	if net := [2]int{r.j.NetworkGroup(point), rep}; net != r.last {
		r.j.mu.Lock()
		*r.j.builds++
		r.j.mu.Unlock()
		r.last = net
	}
	return r.countRunner.Run(point, rep, out)
}

// TestGroupsShareBuilds runs groups of points on several ranks and chunk
// sizes: every repetition runs once, each (group, repetition) is built
// once, the summaries equal those of chunks run alone, and every result
// is one point's, with the same range as the other points of its group.
func TestGroupsShareBuilds(t *testing.T) {
	for _, size := range []int{1, 2, 3, 5} {
		for _, chunk := range []int{0, 1, 7} {
			t.Run(fmt.Sprintf("ranks=%d/chunk=%d", size, chunk), func(t *testing.T) {
				job := newGroupJob(6, 25, 3)
				ranges := map[[3]int]int{} // {group, start, end} → results
				table, err := runLocal(t, size, job, Options{Work: job.work(), Chunk: chunk, OnResult: func(r *Result) error {
					ranges[[3]int{job.NetworkGroup(r.Chunk.Point), r.Chunk.Start, r.Chunk.End}]++
					return nil
				}})
				if err != nil {
					t.Fatal(err)
				}
				if len(job.ran) != 6*25 {
					t.Fatalf("%d repetitions ran, want 150", len(job.ran))
				}
				for key, n := range job.ran {
					if n != 1 {
						t.Fatalf("point %d rep %d ran %d times", key[0], key[1], n)
					}
				}
				// The same summaries, byte for byte, as chunks run alone.
				alone := newCountJob(6, 25)
				want, err := runLocal(t, 1, alone, Options{Work: alone.work(), Chunk: 1})
				if err != nil {
					t.Fatal(err)
				}
				for p := range 6 {
					if !bytes.Equal(table.Binary(p), want.Binary(p)) {
						t.Errorf("point %d: summary differs from chunks run alone", p)
					}
				}
				if *job.builds != 2*25 {
					t.Errorf("built %d networks, want 2 groups × 25 repetitions", *job.builds)
				}
				for r, n := range ranges {
					if n != 3 {
						t.Errorf("group %d reps [%d,%d): %d results, want one per point", r[0], r[1], r[2], n)
					}
				}
			})
		}
	}
}

// TestGroupFailuresPerPoint: a panic in one point's repetition fails that
// point's repetition alone; the other points of its group run on.
func TestGroupFailuresPerPoint(t *testing.T) {
	job := newGroupJob(4, 20, 4)
	job.panics = func(point, rep int) bool { return point == 2 && rep%5 == 0 }
	failed := map[int]int{} // per point
	table, err := runLocal(t, 2, job, Options{Work: job.work(), OnResult: func(r *Result) error {
		for _, f := range r.Failures {
			if f.Point != r.Chunk.Point || f.Rep%5 != 0 {
				t.Errorf("result of point %d carries failure %+v", r.Chunk.Point, f)
			}
			failed[f.Point]++
		}
		return nil
	}})
	if err != nil || len(failed) != 1 || failed[2] != 4 {
		t.Fatalf("failures per point %v (want 4 at point 2), err %v", failed, err)
	}
	for p := range 4 {
		want := int64(0)
		if p == 2 {
			want = 4
		}
		if s := table.Point(p); s.Reps() != 20-want || s.Failed() != want {
			t.Errorf("point %d: %d reps, %d failed", p, s.Reps(), s.Failed())
		}
	}
}

// TestGroupWork: chunks of one group become one task where their ranges
// line up, in the place of the first; the others stay alone.
func TestGroupWork(t *testing.T) {
	work := []Chunk{{0, 0, 10}, {1, 0, 10}, {2, 0, 10}, {3, 4, 10}, {4, 0, 10}, {5, 0, 0}, {5, 2, 10}}
	group := func(p int) int { return []int{0, 1, 0, 0, 1, 0}[p] }
	got := groupWork(work, group, nil)
	want := []task{
		{Chunk: Chunk{0, 0, 10}, points: []int{0, 2}},
		{Chunk: Chunk{1, 0, 10}, points: []int{1, 4}},
		{Chunk: Chunk{3, 4, 10}},
		{Chunk: Chunk{5, 2, 10}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groupWork:\n got %v\nwant %v", got, want)
	}
	if got := groupWork(work[:3], nil, nil); len(got) != 3 {
		t.Errorf("without groups: %v", got)
	}
	// A group of more than maxTaskPoints points makes tasks of at most
	// that many, in order.
	var many []Chunk
	for p := range 2*maxTaskPoints + 1 {
		many = append(many, Chunk{p, 0, 3})
	}
	got = groupWork(many, func(int) int { return 0 }, nil)
	if len(got) != 3 || len(got[0].Points()) != maxTaskPoints || len(got[1].Points()) != maxTaskPoints ||
		len(got[2].Points()) != 1 || got[1].Point != maxTaskPoints || got[2].Point != 2*maxTaskPoints {
		t.Errorf("a group of %d points: %d tasks %v", len(many), len(got), got)
	}
	// A TaskSizer lets a group (a coupled sweep) keep more points in one
	// task, within [maxTaskPoints, MaxTaskPoints]; other groups keep the
	// default.
	for _, c := range []struct{ size, tasks int }{{2*maxTaskPoints + 1, 1}, {5, 3}, {2 * MaxTaskPoints, 1}} {
		got = groupWork(many, func(int) int { return 0 }, func(int) int { return c.size })
		if len(got) != c.tasks {
			t.Errorf("a group of %d points, task size %d: %d tasks, want %d", len(many), c.size, len(got), c.tasks)
		}
	}
	big := make([]Chunk, MaxTaskPoints+1)
	for p := range big {
		big[p] = Chunk{p, 0, 3}
	}
	got = groupWork(big, func(int) int { return 0 }, func(int) int { return 1 << 20 })
	if len(got) != 2 || len(got[0].Points()) != MaxTaskPoints {
		t.Errorf("a group of %d points asking for 2^20 a task: %d tasks", len(big), len(got))
	}
}

// TestGroupedGuidedChunks: a task of several points is cut by repetitions
// summed over its points, and each cut keeps all its points.
func TestGroupedGuidedChunks(t *testing.T) {
	s := newTaskScheduler([]task{{Chunk: Chunk{0, 0, 100}, points: []int{0, 1, 2, 3}}}, 2, 0)
	var sizes []int
	for {
		c, ok := s.next(-1)
		if !ok {
			break
		}
		if len(c.Points()) != 4 {
			t.Fatalf("task %v lost points", c)
		}
		sizes = append(sizes, c.Len())
	}
	// 400 repetitions on 2 ranks: 100 summed over 4 points = 25 each,
	// then ceil(300/4/4) = 19, ...
	if sizes[0] != 25 || sizes[1] != 19 || sizes[len(sizes)-1] != 1 {
		t.Errorf("chunk sizes %v", sizes)
	}
	if s.remaining != 0 {
		t.Errorf("%d repetitions left", s.remaining)
	}
}

// TestRawGuidedChunks: a guided task of a job that keeps raw values holds
// at most rawTaskValues of them, the points' repetitions times the
// metrics kept; a fixed chunk size stands.
func TestRawGuidedChunks(t *testing.T) {
	work := []task{{Chunk: Chunk{0, 0, 100000}, points: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}}
	s := newTaskScheduler(work, 3, 0)
	s.rawValues = 2
	most, total := 0, 0
	for {
		c, ok := s.next(-1)
		if !ok {
			break
		}
		most, total = max(most, c.Len()), total+c.Len()
	}
	// Guided alone would start at 10^6 / 6 / 10 = 16667 repetitions.
	if want := rawTaskValues / 20; most != want || total != 100000 {
		t.Errorf("raw tasks of up to %d repetitions, %d in all; want up to %d, 100000", most, total, want)
	}
	s = newTaskScheduler(work, 3, 1000)
	s.rawValues = 2
	if c, _ := s.next(-1); c.Len() != 1000 {
		t.Errorf("a fixed chunk of 1000 cut to %d", c.Len())
	}
}

func TestGroupProtocolRoundTrip(t *testing.T) {
	tk := task{Chunk: Chunk{4, 10, 20}, points: []int{4, 7, 9}}
	got, stop, err := decodeTask(encodeTask(tk))
	if err != nil || stop || !reflect.DeepEqual(got, tk) {
		t.Fatalf("task: %v %v %v", got, stop, err)
	}
	one := single(Chunk{1, 2, 3})
	if got, stop, err := decodeTask(encodeTask(one)); err != nil || stop || !reflect.DeepEqual(got, one) {
		t.Fatalf("one-point task: %v %v %v", got, stop, err)
	}
	rs := []*Result{
		{Chunk: Chunk{4, 10, 20}, Summary: []byte{1}},
		{Chunk: Chunk{7, 10, 20}, Summary: []byte{2, 3}, Failures: []Failure{{Point: 7, Rep: 12, Seed: 5, Message: "panic: x"}}},
	}
	back, err := decodeResults(encodeResults(rs))
	if err != nil || !reflect.DeepEqual(back, rs) {
		t.Fatalf("results: %+v, %v", back, err)
	}
	if !tk.reportedBy([]*Result{rs[0], rs[1], {Chunk: Chunk{9, 10, 20}}}) || tk.reportedBy(rs) || tk.reportedBy([]*Result{rs[0], rs[1], {Chunk: Chunk{9, 10, 19}}}) {
		t.Errorf("reportedBy accepts results of another task, or refuses its own")
	}
	if back, err := decodeResults(encodeResults(nil)); back != nil || err != nil {
		t.Fatalf("empty request: %v %v", back, err)
	}
	for _, bad := range [][]byte{{2}, {2, 1, 1}, {2, 2, 1}, {2, 5, 1, 1, 1}} {
		if _, _, err := decodeTask(bad); err == nil {
			t.Errorf("decodeTask(%v) accepted", bad)
		}
		if _, err := decodeResults(bad); err == nil {
			t.Errorf("decodeResults(%v) accepted", bad)
		}
	}
}

func FuzzDecodeTask(f *testing.F) {
	f.Add(encodeTask(task{Chunk: Chunk{1, 2, 3}, points: []int{1, 5}}))
	f.Add(encodeResults([]*Result{{Chunk: Chunk{1, 2, 3}}, {Chunk: Chunk{5, 2, 3}, Failures: []Failure{{Message: "m"}}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeTask(b)
		decodeResults(b)
	})
}

// slowGroupJob's repetitions take 1 ms per point.
type slowGroupJob struct{ groupJob }

func (j slowGroupJob) NewRunner() Runner { return slowGroupRunner{j.groupJob.NewRunner()} }

type slowGroupRunner struct{ Runner }

func (r slowGroupRunner) Run(point, rep int, out []float64) error {
	time.Sleep(time.Millisecond)
	return r.Runner.Run(point, rep, out)
}

// TestGroupChunkTime: a task's time is the sum of its points' estimates,
// so the tasks of a group of 4 points, 1 ms per point and repetition, are
// cut to about MaxChunkTime / 4 ms repetitions, not MaxChunkTime / 1 ms.
func TestGroupChunkTime(t *testing.T) {
	job := slowGroupJob{newGroupJob(4, 100, 4)}
	longest := 0
	_, err := runLocal(t, 2, job, Options{Work: job.work(), MaxChunkTime: 40 * time.Millisecond, OnResult: func(r *Result) error {
		longest = max(longest, r.Chunk.Len())
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	// 10 repetitions at 4 ms each fill 40 ms; a slowed machine only
	// shortens them, and 40 would be a quarter of the estimate.
	if longest > 12 {
		t.Errorf("a task of %d repetitions; at 4 ms a repetition, 40 ms holds 10", longest)
	}
}
