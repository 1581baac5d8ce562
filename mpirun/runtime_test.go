package mpirun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/netsweep/netsweep/reduce"
)

// countJob is a Job whose repetitions record that they ran; repetition rep
// of point p reports p*1000+rep, and panics when panics says so.
type countJob struct {
	points, reps int
	layout       *reduce.Layout
	mu           sync.Mutex
	ran          map[[2]int]int
	panics       func(point, rep int) bool
}

func newCountJob(points, reps int) *countJob {
	return &countJob{points: points, reps: reps, ran: map[[2]int]int{},
		layout: &reduce.Layout{Metrics: []string{"x"}, Hists: []reduce.Hist{{Lo: 0, Hi: 1e6, Bins: 10}}}}
}

func (j *countJob) Layout() *reduce.Layout { return j.layout }
func (j *countJob) NumPoints() int         { return j.points }
func (j *countJob) NewRunner() Runner      { return countRunner{j} }

type countRunner struct{ j *countJob }

func (r countRunner) Seed(point, rep int) uint64 { return uint64(point<<32 | rep) }
func (r countRunner) Run(point, rep int, out []float64) error {
	r.j.mu.Lock()
	r.j.ran[[2]int{point, rep}]++
	r.j.mu.Unlock()
	if r.j.panics != nil && r.j.panics(point, rep) {
		panic(fmt.Sprintf("boom at %d/%d", point, rep))
	}
	out[0] = float64(point*1000 + rep)
	return nil
}

func (j *countJob) work() []Chunk {
	w := make([]Chunk, j.points)
	for i := range w {
		w[i] = Chunk{Point: i, End: j.reps}
	}
	return w
}

// runLocal runs job on size goroutine ranks with opts on rank 0.
func runLocal(t *testing.T, size int, job Job, opts Options) (*reduce.Table, error) {
	t.Helper()
	comms := NewLocal(size)
	var wg sync.WaitGroup
	for r := 1; r < size; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Run(context.Background(), comms[r], job, Options{}); err != nil {
				t.Errorf("rank %d: %v", r, err)
			}
		}()
	}
	table, err := Run(context.Background(), comms[0], job, opts)
	wg.Wait()
	return table, err
}

func TestEveryRepetitionOnce(t *testing.T) {
	for _, size := range []int{1, 2, 3, 5} {
		for _, chunk := range []int{0, 1, 7, 1000} {
			t.Run(fmt.Sprintf("ranks=%d/chunk=%d", size, chunk), func(t *testing.T) {
				job := newCountJob(4, 25)
				var results int
				table, err := runLocal(t, size, job, Options{Work: job.work(), Chunk: chunk, OnResult: func(*Result) error { results++; return nil }})
				if err != nil {
					t.Fatal(err)
				}
				for p := range 4 {
					for rep := range 25 {
						if n := job.ran[[2]int{p, rep}]; n != 1 {
							t.Fatalf("point %d rep %d ran %d times", p, rep, n)
						}
					}
					st := table.Point(p).Stats(0)
					if st.N != 25 || st.Min != float64(p*1000) || st.Max != float64(p*1000+24) {
						t.Errorf("point %d: %+v", p, st)
					}
				}
				if chunk == 1 && results != 100 {
					t.Errorf("%d results for 100 chunks of 1", results)
				}
			})
		}
	}
}

func TestBaseAndPartialWork(t *testing.T) {
	job := newCountJob(2, 10)
	// Only reps 4..9 of point 1 remain; the rest is in Base.
	base := reduce.NewTable(job.layout, 2)
	for p := range 2 {
		for rep := range 10 {
			if p == 1 && rep >= 4 {
				continue
			}
			one := reduce.NewSummary(job.layout)
			one.Add([]float64{float64(p*1000 + rep)})
			base.Add(p, one)
		}
	}
	table, err := runLocal(t, 2, job, Options{Work: []Chunk{{Point: 1, Start: 4, End: 10}}, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	if len(job.ran) != 6 {
		t.Errorf("ran %d repetitions, want 6", len(job.ran))
	}
	for p := range 2 {
		if st := table.Point(p).Stats(0); st.N != 10 {
			t.Errorf("point %d has %d reps", p, st.N)
		}
	}
}

func TestPanicsAreFailures(t *testing.T) {
	job := newCountJob(3, 20)
	job.panics = func(point, rep int) bool { return point == 1 && rep%5 == 0 }
	var failures []Failure
	table, err := runLocal(t, 3, job, Options{Work: job.work(), OnResult: func(r *Result) error {
		failures = append(failures, r.Failures...)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(failures) != 4 {
		t.Fatalf("%d failures, want 4: %v", len(failures), failures)
	}
	for _, f := range failures {
		if f.Point != 1 || f.Rep%5 != 0 || f.Seed != uint64(1<<32|f.Rep) {
			t.Errorf("bad failure record %+v", f)
		}
		if want := fmt.Sprintf("panic: boom at 1/%d", f.Rep); len(f.Message) < len(want) || f.Message[:len(want)] != want {
			t.Errorf("message %q, want prefix %q", f.Message, want)
		}
	}
	if s := table.Point(1); s.Reps() != 16 || s.Failed() != 4 {
		t.Errorf("point 1: %d reps, %d failed", s.Reps(), s.Failed())
	}
}

func TestStopAndOnResultError(t *testing.T) {
	job := newCountJob(10, 10)
	stop := make(chan struct{})
	n := 0
	table, err := runLocal(t, 2, job, Options{Work: job.work(), Chunk: 1, Stop: stop, OnResult: func(*Result) error {
		if n++; n == 5 {
			close(stop)
		}
		return nil
	}})
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err %v, want ErrStopped", err)
	}
	var done int64
	for p := range table.Len() {
		done += table.Point(p).Reps()
	}
	if done != int64(len(job.ran)) || done >= 100 || done < 5 {
		t.Errorf("table holds %d reps, %d ran", done, len(job.ran))
	}

	job = newCountJob(10, 10)
	boom := errors.New("journal full")
	_, err = runLocal(t, 3, job, Options{Work: job.work(), Chunk: 1, OnResult: func(*Result) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
}

func TestGuidedChunks(t *testing.T) {
	s := newScheduler([]Chunk{{Point: 0, End: 100}, {Point: 1, End: 100}}, 2, 0)
	var sizes []int
	for {
		c, ok := s.next(-1)
		if !ok {
			break
		}
		sizes = append(sizes, c.Len())
	}
	// 200 reps on 2 ranks: ceil(200/4) = 50, ceil(150/4) = 38, ...; chunks
	// never cross a point and shrink towards 1 at the end.
	if sizes[0] != 50 || sizes[1] != 38 || sizes[len(sizes)-1] != 1 {
		t.Errorf("chunk sizes %v", sizes)
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	if total != 200 {
		t.Errorf("chunks cover %d reps", total)
	}
}

func TestProtocolRoundTrip(t *testing.T) {
	r := &Result{Chunk: Chunk{Point: 3, Start: 10, End: 20}, Summary: []byte{1, 2, 3},
		Failures: []Failure{{Point: 3, Rep: 12, Seed: 99, Message: "panic: x"}}}
	got, err := decodeResult(encodeResult(r))
	if err != nil || got.Chunk != r.Chunk || string(got.Summary) != string(r.Summary) || len(got.Failures) != 1 || got.Failures[0] != r.Failures[0] {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if got, err := decodeResult(encodeResult(nil)); got != nil || err != nil {
		t.Fatalf("empty request: %v %v", got, err)
	}
	c, stop, err := decodeWork(encodeWork(Chunk{Point: 1, Start: 2, End: 3}, false))
	if err != nil || stop || c != (Chunk{1, 2, 3}) {
		t.Fatalf("work: %v %v %v", c, stop, err)
	}
	for _, bad := range [][]byte{{}, {1}, {1, 0x80}, {2}, {1, 1, 1, 5, 1}} {
		if _, err := decodeResult(bad); err == nil {
			t.Errorf("decodeResult(%v) accepted", bad)
		}
	}
}

func FuzzDecodeResult(f *testing.F) {
	f.Add(encodeResult(&Result{Chunk: Chunk{1, 2, 3}, Summary: []byte("abc"), Failures: []Failure{{Message: "m"}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeResult(b)
		decodeWork(b)
	})
}

// slowJob's repetitions each take a millisecond.
type slowJob struct{ *countJob }

func (j slowJob) NewRunner() Runner { return slowRunner{countRunner{j.countJob}} }

type slowRunner struct{ countRunner }

func (r slowRunner) Run(point, rep int, out []float64) error {
	time.Sleep(time.Millisecond)
	return r.countRunner.Run(point, rep, out)
}

// TestDeadline gives a campaign of over 1 s (2000 repetitions of 1 ms on
// 2 ranks) a deadline of 300 ms: it stops handing out chunks in time,
// returns ErrStopped, and keeps what finished. The bound leaves room for a
// machine loaded by other tests, whose 1 ms sleeps take longer than the
// chunks were sized for (CI once measured 483 ms), and stays below the
// campaign's own length.
func TestDeadline(t *testing.T) {
	job := slowJob{newCountJob(4, 500)}
	start := time.Now()
	table, err := runLocal(t, 2, job, Options{Work: job.work(), Deadline: start.Add(300 * time.Millisecond)})
	took := time.Since(start)
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err %v, want ErrStopped", err)
	}
	if took > 800*time.Millisecond {
		t.Errorf("took %v with a 300 ms deadline", took)
	}
	var done int64
	for p := range table.Len() {
		done += table.Point(p).Reps()
	}
	if done == 0 || done != int64(len(job.ran)) {
		t.Errorf("%d reps in the table, %d ran", done, len(job.ran))
	}
}

// unevenJob's repetitions take 0.2 ms at point 0 and 25 ms at point 1,
// as points below and above an epidemic threshold do.
type unevenJob struct{ *countJob }

func (j unevenJob) NewRunner() Runner { return unevenRunner{countRunner{j.countJob}} }

type unevenRunner struct{ countRunner }

func (r unevenRunner) Run(point, rep int, out []float64) error {
	d := 200 * time.Microsecond
	if point == 1 {
		d = 25 * time.Millisecond
	}
	time.Sleep(d)
	return r.countRunner.Run(point, rep, out)
}

// TestDeadlineUnevenPoints runs a cheap point, then a costly one, against
// a deadline: the chunks of the costly point are sized by its own
// repetitions' time, not by the average so far, which would hand out a
// guided chunk of about 25 repetitions (0.6 s) and run far past it.
func TestDeadlineUnevenPoints(t *testing.T) {
	job := unevenJob{newCountJob(2, 100)}
	start := time.Now()
	deadline := start.Add(400 * time.Millisecond)
	_, err := runLocal(t, 2, job, Options{Work: job.work(), Deadline: deadline})
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err %v, want ErrStopped", err)
	}
	if over := time.Since(deadline); over > 150*time.Millisecond {
		t.Errorf("ran %v past the deadline; a repetition of the costly point takes 25 ms", over)
	}
	if n := len(job.ran); n < 100 {
		t.Errorf("only %d repetitions ran; the cheap point alone has 100", n)
	}
}

// TestDeadlinePassedNewPoint: once the deadline has passed, not even the
// single repetition that times a new point is handed out. Each of the 3
// points has 2 repetitions of 20 ms, one per rank, and the deadline falls
// during the first.
func TestDeadlinePassedNewPoint(t *testing.T) {
	job := slowerJob{newCountJob(3, 2)}
	_, err := runLocal(t, 2, job, Options{Work: job.work(), Deadline: time.Now().Add(10 * time.Millisecond)})
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err %v, want ErrStopped", err)
	}
	if n := len(job.ran); n != 2 {
		t.Errorf("%d repetitions ran, want the 2 handed out before the deadline", n)
	}
}

// BenchmarkController measures chunks of empty work dispatched, run,
// reported and acknowledged per second by three in-process ranks (the MPI
// figure comes from mpirun/internal/ctlbench under mpirun).
func BenchmarkController(b *testing.B) {
	job := emptyJob{&reduce.Layout{Metrics: []string{"x"}, Hists: []reduce.Hist{{Lo: 0, Hi: 1, Bins: 2}}}}
	comms := NewLocal(3)
	b.ResetTimer()
	var wg sync.WaitGroup
	for r := 1; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Run(context.Background(), comms[r], job, Options{})
		}()
	}
	start := time.Now()
	if _, err := Run(context.Background(), comms[0], job, Options{Work: []Chunk{{Point: 0, End: b.N}}, Chunk: 1}); err != nil {
		b.Fatal(err)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "chunks/s")
}

type emptyJob struct{ layout *reduce.Layout }

func (j emptyJob) Layout() *reduce.Layout { return j.layout }
func (j emptyJob) NumPoints() int         { return 1 }
func (j emptyJob) NewRunner() Runner      { return emptyRunner{} }

type emptyRunner struct{}

func (emptyRunner) Run(point, rep int, out []float64) error { out[0] = 0; return nil }
func (emptyRunner) Seed(point, rep int) uint64              { return 0 }

// slowerJob's repetitions each take 20 ms, longer than queueTime.
type slowerJob struct{ *countJob }

func (j slowerJob) NewRunner() Runner { return slowerRunner{countRunner{j.countJob}} }

type slowerRunner struct{ countRunner }

func (r slowerRunner) Run(point, rep int, out []float64) error {
	time.Sleep(20 * time.Millisecond)
	return r.countRunner.Run(point, rep, out)
}

// TestStopTakesBackQueuedWork stops a campaign of long repetitions: ranks
// hold only the chunk they run, chunks are bounded in time, so the stop
// takes effect within about one chunk and most of the work is never given
// out.
func TestStopTakesBackQueuedWork(t *testing.T) {
	job := slowerJob{newCountJob(4, 100)} // 8 s of work on 2 ranks
	stop := make(chan struct{})
	time.AfterFunc(300*time.Millisecond, func() { close(stop) })
	start := time.Now()
	table, err := runLocal(t, 2, job, Options{Work: job.work(), Stop: stop, MaxChunkTime: 200 * time.Millisecond})
	took := time.Since(start)
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("err %v, want ErrStopped", err)
	}
	if took > time.Second {
		t.Errorf("took %v to stop; chunks of at most 200 ms were in flight", took)
	}
	var done int64
	for p := range table.Len() {
		done += table.Point(p).Reps()
	}
	if done != int64(len(job.ran)) || done > 100 {
		t.Errorf("%d reps in the table, %d ran, of 400", done, len(job.ran))
	}
}
