// Package commtest is the conformance suite of mpirun.Comm: every rank of a
// communicator runs Run, which checks each method against the contract in
// mpirun/comm.go. It is shared by the tests of the in-process communicator
// and by the MPI check program run under mpirun.
package commtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/netsweep/netsweep/mpirun"
)

// Run runs the whole suite on rank c.Rank(); every rank of the communicator
// must call it at the same time. It returns the first failure found on this
// rank; the other ranks may then wait forever, so the caller should end the
// run (Abort, or a timeout) when Run fails. If logf is not nil, Run reports
// the start of each step through it.
func Run(c mpirun.Comm, logf func(format string, args ...any)) error {
	steps := []struct {
		name string
		f    func(mpirun.Comm) error
	}{
		{"basics", basics},
		{"self-send", selfSend},
		{"point-to-point", pointToPoint},
		{"large and empty messages", largeMessages},
		{"controller and worker on one rank", controllerWorker},
		{"collective beside a pending recv", collectiveBesideRecv},
		{"bcast", bcast},
		{"reduce int64", reduceInt64},
		{"reduce float64", reduceFloat64},
	}
	for _, s := range steps {
		if logf != nil {
			logf("commtest: rank %d of %d: %s", c.Rank(), c.Size(), s.name)
		}
		err := s.f(c)
		if err == nil {
			// No rank may start sending the next step's messages while
			// another still receives with wildcards in this one.
			err = barrier(c)
		}
		if err != nil {
			return fmt.Errorf("commtest: rank %d of %d: %s: %w", c.Rank(), c.Size(), s.name, err)
		}
	}
	return nil
}

// barrier returns on each rank once every rank has called it: rank 0's
// reduction ends only when all have joined it, and the others' broadcast
// only after rank 0's reduction.
func barrier(c mpirun.Comm) error {
	if err := c.ReduceInt64(0, mpirun.OpSum, []int64{1}); err != nil {
		return fmt.Errorf("barrier: %w", err)
	}
	if _, err := c.Bcast(0, nil); err != nil {
		return fmt.Errorf("barrier: %w", err)
	}
	return nil
}

// pattern returns n bytes that depend on seed, so a message in the wrong
// place or truncated is seen.
func pattern(seed, n int) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func enc(vs ...int) []byte {
	b := make([]byte, 0, 8*len(vs))
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, uint64(int64(v)))
	}
	return b
}

func dec(b []byte, n int) ([]int, error) {
	if len(b) != 8*n {
		return nil, fmt.Errorf("message of %d bytes, want %d", len(b), 8*n)
	}
	vs := make([]int, n)
	for i := range vs {
		vs[i] = int(int64(binary.LittleEndian.Uint64(b[8*i:])))
	}
	return vs, nil
}

func basics(c mpirun.Comm) error {
	if c.Size() < 1 || c.Rank() < 0 || c.Rank() >= c.Size() {
		return fmt.Errorf("rank %d, size %d", c.Rank(), c.Size())
	}
	for _, dst := range []int{c.Size(), c.Size() + 7, -3} {
		if err := c.Send(dst, 1, []byte("x")); err == nil {
			return fmt.Errorf("Send to rank %d of %d returned no error", dst, c.Size())
		}
	}
	return nil
}

func expect(m mpirun.Message, src, tag int, data []byte) error {
	if m.Source != src || m.Tag != tag || !bytes.Equal(m.Data, data) {
		return fmt.Errorf("got message from %d tag %d with %d bytes %.16q, want from %d tag %d with %d bytes %.16q",
			m.Source, m.Tag, len(m.Data), m.Data, src, tag, len(data), data)
	}
	return nil
}

func selfSend(c mpirun.Comm) error {
	me := c.Rank()
	a := []byte("first on 10")
	big := pattern(me, 1<<20)
	sends := []struct {
		tag  int
		data []byte
	}{{10, a}, {11, []byte("only on 11")}, {10, []byte("second on 10")}, {12, nil}, {13, big}}
	for _, s := range sends {
		if err := c.Send(me, s.tag, s.data); err != nil {
			return err
		}
	}
	a[0] = 'X' // Send must have copied it.
	recvs := []struct {
		src, tag int
		want     int // index into sends
	}{{me, 11, 1}, {me, 10, 0}, {mpirun.AnySource, 10, 2}, {me, 12, 3}, {mpirun.AnySource, mpirun.AnyTag, 4}}
	for _, r := range recvs {
		m, err := c.Recv(r.src, r.tag)
		if err != nil {
			return err
		}
		want := sends[r.want].data
		if r.want == 0 {
			want = []byte("first on 10")
		}
		if err := expect(m, me, sends[r.want].tag, want); err != nil {
			return fmt.Errorf("Recv(%d, %d): %w", r.src, r.tag, err)
		}
	}
	return nil
}

// others returns the other ranks, starting after the caller's.
func others(c mpirun.Comm) []int {
	var rs []int
	for k := 1; k < c.Size(); k++ {
		rs = append(rs, (c.Rank()+k)%c.Size())
	}
	return rs
}

// sendAll runs send in a goroutine, so a rank receives while it sends
// (a large Send may wait until its receiver has begun to receive).
func sendAll(send func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- send() }()
	return done
}

func pointToPoint(c mpirun.Comm) error {
	const k = 20
	me := c.Rank()
	done := sendAll(func() error {
		for _, dst := range others(c) {
			for i := range k {
				// Tag 20 first, so Recv(src, 21) must skip them.
				if err := c.Send(dst, 20, enc(me, dst, i)); err != nil {
					return err
				}
				if err := c.Send(dst, 21, enc(me, dst, i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	// By source and tag, in order.
	for _, src := range others(c) {
		for i := range k {
			m, err := c.Recv(src, 21)
			if err != nil {
				return err
			}
			if err := expect(m, src, 21, enc(src, me, i)); err != nil {
				return fmt.Errorf("Recv(%d, 21) number %d: %w", src, i, err)
			}
		}
	}
	// From any source: each source's messages in order.
	next := make([]int, c.Size())
	for range (c.Size() - 1) * k {
		m, err := c.Recv(mpirun.AnySource, 20)
		if err != nil {
			return err
		}
		if m.Source == me || m.Source < 0 || m.Source >= c.Size() {
			return fmt.Errorf("Recv(AnySource, 20): message from rank %d", m.Source)
		}
		if err := expect(m, m.Source, 20, enc(m.Source, me, next[m.Source])); err != nil {
			return fmt.Errorf("Recv(AnySource, 20): %w", err)
		}
		next[m.Source]++
	}
	return <-done
}

func largeMessages(c mpirun.Comm) error {
	const n = 1 << 20
	me := c.Rank()
	done := sendAll(func() error {
		for _, dst := range others(c) {
			if err := c.Send(dst, 30, pattern(1000*me+dst, n)); err != nil {
				return err
			}
			if err := c.Send(dst, 31, []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
	// The k-th send of rank r goes to r+k, and the k-th receive of r+k is
	// from r, so the ranks progress in lockstep even where each Send waits
	// for its receiver, as MPI_Send may for large messages.
	for _, src := range slices.Backward(others(c)) {
		m, err := c.Recv(src, 30)
		if err != nil {
			return err
		}
		if err := expect(m, src, 30, pattern(1000*src+me, n)); err != nil {
			return err
		}
	}
	seen := make([]bool, c.Size())
	for range c.Size() - 1 {
		m, err := c.Recv(mpirun.AnySource, mpirun.AnyTag)
		if err != nil {
			return err
		}
		if m.Tag != 31 || len(m.Data) != 0 || m.Source == me || seen[m.Source] {
			return fmt.Errorf("Recv(AnySource, AnyTag): %d bytes from %d with tag %d, want an empty message with tag 31 from a new source", len(m.Data), m.Source, m.Tag)
		}
		seen[m.Source] = true
	}
	return <-done
}

// controllerWorker mimics a campaign: rank 0 runs a controller goroutine
// answering requests from every rank's worker, rank 0's own included.
func controllerWorker(c mpirun.Comm) error {
	const perWorker = 50
	me := c.Rank()
	var ctl <-chan error
	if me == 0 {
		ctl = sendAll(func() error {
			for range c.Size() * perWorker {
				m, err := c.Recv(mpirun.AnySource, 40)
				if err != nil {
					return err
				}
				vs, err := dec(m.Data, 2)
				if err != nil {
					return err
				}
				if vs[0] != m.Source {
					return fmt.Errorf("controller: request %v from rank %d", vs, m.Source)
				}
				if err := c.Send(m.Source, 41, enc(vs[0], vs[1], 7*vs[1])); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for i := range perWorker {
		if err := c.Send(0, 40, enc(me, i)); err != nil {
			return err
		}
		m, err := c.Recv(0, 41)
		if err != nil {
			return err
		}
		if err := expect(m, 0, 41, enc(me, i, 7*i)); err != nil {
			return fmt.Errorf("worker reply %d: %w", i, err)
		}
	}
	if ctl != nil {
		return <-ctl
	}
	return nil
}

// collectiveBesideRecv has rank 0 enter a reduction while its controller
// goroutine still has to answer the other ranks before they can join it.
func collectiveBesideRecv(c mpirun.Comm) error {
	me := c.Rank()
	var ctl <-chan error
	if me == 0 {
		ctl = sendAll(func() error {
			for range c.Size() - 1 {
				m, err := c.Recv(mpirun.AnySource, 50)
				if err != nil {
					return err
				}
				if err := c.Send(m.Source, 51, m.Data); err != nil {
					return err
				}
			}
			return nil
		})
	} else {
		if err := c.Send(0, 50, enc(me)); err != nil {
			return err
		}
		m, err := c.Recv(0, 51)
		if err != nil {
			return err
		}
		if err := expect(m, 0, 51, enc(me)); err != nil {
			return err
		}
	}
	v := []int64{1, int64(me)}
	if err := c.ReduceInt64(0, mpirun.OpSum, v); err != nil {
		return err
	}
	if me == 0 {
		n := int64(c.Size())
		if want := []int64{n, n * (n - 1) / 2}; !slices.Equal(v, want) {
			return fmt.Errorf("sum %v, want %v", v, want)
		}
		return <-ctl
	}
	return nil
}

func bcast(c mpirun.Comm) error {
	for root := range c.Size() {
		for _, n := range []int{0, 1, 1000, 1 << 20} {
			data := []byte("ignored on non-root ranks")
			if c.Rank() == root {
				data = pattern(root*7+n, n)
			}
			got, err := c.Bcast(root, data)
			if err != nil {
				return err
			}
			if want := pattern(root*7+n, n); !bytes.Equal(got, want) {
				return fmt.Errorf("Bcast(%d) of %d bytes: got %d bytes %.16q", root, n, len(got), got)
			}
		}
	}
	return nil
}

// The values rank r contributes; every rank computes every rank's values to
// know the expected result.
func int64Values(r, size int) []int64 {
	v := []int64{
		int64(r),
		-int64(r) - 1,
		int64((r*37)%11 - 5),
		(int64(1) << 40) * int64(r+1),
		math.MinInt64 / 8,
		0,
	}
	if r == size-1 {
		v[5] = math.MaxInt64 / 2
	}
	return v
}

func float64Values(r, size int) []float64 {
	v := []float64{
		float64(r) + 0.5,
		-1.25 * float64(r),
		float64(r),
		-0.25 * float64(r),
		1e300 * float64(r%2),
		math.Ldexp(1, -1070) * float64(r+1), // subnormal
	}
	if r == size-1 {
		v[2] = math.Inf(1)
	}
	if r == 0 {
		v[3] = math.Inf(-1)
	}
	return v
}

// fold combines every rank's values with op, in rank order. The test values
// are chosen so that every order of combination gives the same result.
func fold[T int64 | float64](size int, op mpirun.Op, values func(r, size int) []T) []T {
	acc := values(0, size)
	for r := 1; r < size; r++ {
		for i, x := range values(r, size) {
			switch op {
			case mpirun.OpSum:
				acc[i] += x
			case mpirun.OpMin:
				acc[i] = min(acc[i], x)
			case mpirun.OpMax:
				acc[i] = max(acc[i], x)
			}
		}
	}
	return acc
}

func reduceInt64(c mpirun.Comm) error {
	return reduce(c, int64Values, c.ReduceInt64)
}

func reduceFloat64(c mpirun.Comm) error {
	return reduce(c, float64Values, c.ReduceFloat64)
}

func reduce[T int64 | float64](c mpirun.Comm, values func(r, size int) []T, f func(int, mpirun.Op, []T) error) error {
	me, size := c.Rank(), c.Size()
	for root := range size {
		for _, op := range []mpirun.Op{mpirun.OpSum, mpirun.OpMin, mpirun.OpMax} {
			v := values(me, size)
			if err := f(root, op, v); err != nil {
				return err
			}
			want := values(me, size)
			if me == root {
				want = fold(size, op, values)
			}
			if !slices.Equal(v, want) {
				return fmt.Errorf("%v to root %d: got %v, want %v", op, root, v, want)
			}
		}
	}
	// Empty, and long enough to be split where MPI counts are lowered.
	if err := f(0, mpirun.OpSum, nil); err != nil {
		return err
	}
	const n = 100_000
	v := make([]T, n)
	for i := range v {
		v[i] = T(i%1000 + me)
	}
	if err := f(size-1, mpirun.OpMax, v); err != nil {
		return err
	}
	for i, x := range v {
		want := T(i%1000 + me)
		if me == size-1 {
			want = T(i%1000 + size - 1)
		}
		if x != want {
			return fmt.Errorf("long max to root %d: element %d is %v, want %v", size-1, i, x, want)
		}
	}
	return nil
}
