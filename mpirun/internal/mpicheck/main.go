//go:build mpi

// Command mpicheck checks the MPI communicator of package mpirun on every
// rank of an MPI launch. It is built and run by mpirun's integration test:
//
//	go build -tags mpi -o /tmp/mpicheck ./mpirun/internal/mpicheck
//	mpirun -np 3 /tmp/mpicheck -mode conformance
//
// Each rank prints "mpicheck: rank R of N: ok" and exits 0 when its checks
// pass; a failing rank prints the failure and aborts the whole launch.
//
// Modes:
//
//	conformance  the Comm conformance suite (internal/commtest), then a
//	             recoverable nil-pointer panic, to show that MPI left Go's
//	             signal handlers alone
//	errors       calls MPI rejects (send to and receive from rank Size,
//	             collectives with root Size) must return errors that carry
//	             MPI's message, after which the communicator still works
//	abort        rank Size-1 calls Abort(3) while the others wait in Recv
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/mpirun/internal/commtest"
)

func main() {
	mode := flag.String("mode", "conformance", "conformance, errors or abort")
	verbose := flag.Bool("v", false, "report each step of the conformance suite")
	flag.Parse()
	c, err := mpirun.Init()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mpicheck:", err)
		os.Exit(1)
	}
	switch *mode {
	case "conformance":
		var logf func(string, ...any)
		if *verbose {
			logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
		}
		err = conformance(c, logf)
	case "errors":
		err = mpiErrors(c)
	case "abort":
		err = abort(c)
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err != nil {
		fmt.Printf("mpicheck: rank %d of %d: FAIL: %v\n", c.Rank(), c.Size(), err)
		os.Stdout.Sync()
		c.Abort(1)
		os.Exit(1)
	}
	if err := mpirun.Finalize(); err != nil {
		fmt.Printf("mpicheck: rank %d of %d: FAIL: %v\n", c.Rank(), c.Size(), err)
		os.Exit(1)
	}
	if _, err := c.Recv(mpirun.AnySource, mpirun.AnyTag); err == nil {
		fmt.Printf("mpicheck: rank %d of %d: FAIL: Recv after Finalize returned no error\n", c.Rank(), c.Size())
		os.Exit(1)
	}
	fmt.Printf("mpicheck: rank %d of %d: ok\n", c.Rank(), c.Size())
}

func conformance(c mpirun.Comm, logf func(string, ...any)) error {
	if err := commtest.Run(c, logf); err != nil {
		return err
	}
	if _, err := mpirun.Init(); err == nil {
		return fmt.Errorf("a second Init returned no error")
	}
	return nilPanic()
}

// nilPanic dereferences a nil pointer, which Go turns into a recoverable
// panic through its SIGSEGV handler, unless MPI replaced that handler.
func nilPanic() (err error) {
	defer func() {
		if recover() == nil {
			err = fmt.Errorf("nil dereference did not panic")
		}
	}()
	var p *int
	_ = *p
	return nil
}

func mpiErrors(c mpirun.Comm) error {
	n := c.Size()
	wantMPI := func(call string, err error) error {
		if err == nil {
			return fmt.Errorf("%s returned no error", call)
		}
		if !strings.Contains(err.Error(), "MPI error code") {
			return fmt.Errorf("%s: error does not come from MPI: %v", call, err)
		}
		fmt.Printf("mpicheck: rank %d: %s: %v\n", c.Rank(), call, err)
		return nil
	}
	if err := wantMPI("Send to rank Size", c.Send(n, 1, []byte("x"))); err != nil {
		return err
	}
	_, err := c.Recv(n, 1)
	if err := wantMPI("Recv from rank Size", err); err != nil {
		return err
	}
	_, err = c.Bcast(n, []byte("x"))
	if err := wantMPI("Bcast from root Size", err); err != nil {
		return err
	}
	if err := wantMPI("ReduceFloat64 to root Size", c.ReduceFloat64(n, mpirun.OpSum, []float64{1})); err != nil {
		return err
	}
	if err := c.Send(0, -2, nil); err == nil {
		return fmt.Errorf("Send with tag -2 returned no error")
	}
	// The communicator still works.
	got, err := c.Bcast(0, []byte("still alive"))
	if err != nil {
		return err
	}
	if string(got) != "still alive" {
		return fmt.Errorf("Bcast after errors: got %q", got)
	}
	return nil
}

func abort(c mpirun.Comm) error {
	if c.Rank() == c.Size()-1 {
		return c.Abort(3)
	}
	m, err := c.Recv(mpirun.AnySource, mpirun.AnyTag)
	if err != nil {
		return err
	}
	return fmt.Errorf("Recv returned %v, want to be ended by Abort", m)
}
