//go:build mpi

// Command mpibench measures the raw message rates of package mpirun's MPI
// communicator that the controller's throughput rests on:
//
//	go build -tags mpi -o /tmp/mpibench ./mpirun/internal/mpibench
//	mpirun -np 3 /tmp/mpibench -n 20000
//
// It runs three phases, each ending in a reduction:
//
//	roundtrip  every worker rank (1..N-1, and with -self rank 0's own worker
//	           goroutine) sends n small requests to rank 0's controller
//	           goroutine, waiting for each reply; rank 0 reports round
//	           trips per second over all workers
//	stream     every worker rank sends n small messages without waiting;
//	           rank 0 reports messages received per second
//	idle       rank 0's controller waits in Recv for -idle while the workers
//	           sleep; rank 0 reports the CPU it used meanwhile, as a
//	           fraction of one core
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/netsweep/netsweep/mpirun"
)

const (
	tagReq = 1 + iota
	tagRep
	tagStream
	tagWake
)

func main() {
	n := flag.Int("n", 20000, "messages per worker in each phase")
	self := flag.Bool("self", true, "rank 0 also runs a worker goroutine (as a campaign does)")
	idle := flag.Duration("idle", 2*time.Second, "length of the idle phase")
	flag.Parse()
	c, err := mpirun.Init()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mpibench:", err)
		os.Exit(1)
	}
	if err := run(c, *n, *self, *idle); err != nil {
		fmt.Fprintf(os.Stderr, "mpibench: rank %d: %v\n", c.Rank(), err)
		c.Abort(1)
		os.Exit(1)
	}
	if err := mpirun.Finalize(); err != nil {
		fmt.Fprintln(os.Stderr, "mpibench:", err)
		os.Exit(1)
	}
}

func run(c mpirun.Comm, n int, self bool, idle time.Duration) error {
	workers := c.Size() - 1
	if self || c.Size() == 1 {
		workers++
	}
	worker := func() error {
		req := binary.LittleEndian.AppendUint64(nil, uint64(c.Rank()))
		for range n {
			if err := c.Send(0, tagReq, req); err != nil {
				return err
			}
			if _, err := c.Recv(0, tagRep); err != nil {
				return err
			}
		}
		return nil
	}
	// A reduction alone is no barrier (a non-root rank may leave it as
	// soon as its part is sent); a broadcast from the root after it is.
	barrier := func() error {
		if err := c.ReduceInt64(0, mpirun.OpSum, []int64{1}); err != nil {
			return err
		}
		_, err := c.Bcast(0, nil)
		return err
	}

	// Round trips.
	start := time.Now()
	if c.Rank() == 0 {
		var wdone chan error
		if workers == c.Size() {
			wdone = make(chan error, 1)
			go func() { wdone <- worker() }()
		}
		rep := make([]byte, 16)
		for range workers * n {
			m, err := c.Recv(mpirun.AnySource, tagReq)
			if err != nil {
				return err
			}
			if err := c.Send(m.Source, tagRep, rep); err != nil {
				return err
			}
		}
		el := time.Since(start)
		if wdone != nil {
			if err := <-wdone; err != nil {
				return err
			}
		}
		fmt.Printf("mpibench: np=%d roundtrip: %d workers x %d = %d round trips in %v: %.0f round trips/s (%.1f µs each)\n",
			c.Size(), workers, n, workers*n, el.Round(time.Millisecond),
			float64(workers*n)/el.Seconds(), el.Seconds()/float64(workers*n)*1e6)
	} else if err := worker(); err != nil {
		return err
	}
	if err := barrier(); err != nil {
		return err
	}

	// One-way stream to rank 0.
	if c.Size() > 1 {
		start = time.Now()
		if c.Rank() == 0 {
			for range (c.Size() - 1) * n {
				if _, err := c.Recv(mpirun.AnySource, tagStream); err != nil {
					return err
				}
			}
			el := time.Since(start)
			k := (c.Size() - 1) * n
			fmt.Printf("mpibench: np=%d stream: %d messages in %v: %.0f messages/s received by rank 0\n",
				c.Size(), k, el.Round(time.Millisecond), float64(k)/el.Seconds())
		} else {
			msg := make([]byte, 16)
			for range n {
				if err := c.Send(0, tagStream, msg); err != nil {
					return err
				}
			}
		}
		if err := barrier(); err != nil {
			return err
		}
	}

	// Idle controller.
	if c.Rank() == 0 {
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		t0 := time.Now()
		if c.Size() > 1 {
			if _, err := c.Recv(mpirun.AnySource, tagWake); err != nil {
				return err
			}
		} else {
			time.Sleep(idle)
		}
		el := time.Since(t0)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime) - syscall.TimevalToNsec(ru0.Utime) +
			syscall.TimevalToNsec(ru1.Stime) - syscall.TimevalToNsec(ru0.Stime))
		fmt.Printf("mpibench: np=%d idle: rank 0 waited %v in Recv using %v of CPU (%.1f%% of a core)\n",
			c.Size(), el.Round(time.Millisecond), cpu.Round(time.Millisecond), 100*cpu.Seconds()/el.Seconds())
	} else if c.Rank() == 1 {
		time.Sleep(idle)
		if err := c.Send(0, tagWake, nil); err != nil {
			return err
		}
	}
	return barrier()
}
