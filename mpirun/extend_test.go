package mpirun

import (
	"fmt"
	"math"
	"sync"
	"testing"
)

// TestExtend grows every point's work block by block, point p to
// 10·(p+1) repetitions, on several rank counts and chunk sizes: Extend is
// called only once all of a point's repetitions handed out are reported,
// every repetition runs once, and the run ends once nothing extends.
func TestExtend(t *testing.T) {
	for _, size := range []int{1, 2, 5} {
		for _, chunk := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("ranks=%d/chunk=%d", size, chunk), func(t *testing.T) {
				const points, block = 4, 5
				job := newCountJob(points, 0)
				var mu sync.Mutex
				reported := make([]int, points)
				decided := make([]int, points)
				var work []Chunk
				for p := range points {
					work = append(work, Chunk{Point: p, End: block})
					decided[p] = block
				}
				opts := Options{Work: work, Chunk: chunk,
					OnResult: func(r *Result) error {
						mu.Lock()
						reported[r.Chunk.Point] += r.Chunk.Len()
						mu.Unlock()
						return nil
					},
					Extend: func(p int) ([]Chunk, float64, error) {
						mu.Lock()
						defer mu.Unlock()
						if reported[p] != decided[p] {
							t.Errorf("point %d extended with %d of its %d repetitions reported", p, reported[p], decided[p])
						}
						if decided[p] >= 10*(p+1) {
							return nil, 0, nil
						}
						n := decided[p]
						decided[p] += block
						return []Chunk{{Point: p, Start: n, End: n + block}}, float64(p), nil
					}}
				table, err := runLocal(t, size, job, opts)
				if err != nil {
					t.Fatal(err)
				}
				for p := range points {
					if st := table.Point(p).Stats(0); st.N != int64(10*(p+1)) {
						t.Errorf("point %d: %d repetitions, want %d", p, st.N, 10*(p+1))
					}
					for rep := range 10 * (p + 1) {
						if n := job.ran[[2]int{p, rep}]; n != 1 {
							t.Errorf("point %d rep %d ran %d times", p, rep, n)
						}
					}
				}
				if len(job.ran) != 100 {
					t.Errorf("%d repetitions ran, want 100", len(job.ran))
				}
			})
		}
	}
}

// TestPushPriority: extensions go before the initial work, the larger
// priority first, equal priorities in the order pushed.
func TestPushPriority(t *testing.T) {
	s := newScheduler([]Chunk{{Point: 0, End: 2}, {Point: 1, End: 2}}, 1, 1)
	s.push(single(Chunk{Point: 2, End: 1}), 1)
	s.push(single(Chunk{Point: 3, End: 1}), 5)
	s.push(single(Chunk{Point: 4, End: 1}), math.NaN())
	s.push(single(Chunk{Point: 5, End: 1}), 1)
	var order []int
	for {
		tk, ok := s.next(-1)
		if !ok {
			break
		}
		order = append(order, tk.Point)
	}
	if got, want := fmt.Sprint(order), "[4 3 2 5 0 0 1 1]"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
	if s.remaining != 0 {
		t.Errorf("%d repetitions remaining", s.remaining)
	}
}
