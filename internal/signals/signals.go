// Package signals is the one owner of a command's SIGINT, SIGTERM and
// SIGUSR1: it cancels the command's context, or first stops a run
// gracefully.
package signals

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Owner is the one owner of the process's SIGINT, SIGTERM and SIGUSR1.
//
// Until a command asks for a graceful stop, the first of them cancels the
// command's context: there is nothing to finish; a command that has not
// returned a second later (blocked on a FIFO, expanding a huge spec) is
// ended with status 128+signal. A run asks with Graceful:
// from then on the first signal closes the run's stop channel (no chunk is
// handed out; those in flight finish and are journaled) and a second one,
// or the end of the grace period, cancels the context, abandoning the
// chunks still in flight.
//
// A scheduler often delivers one stop twice (Slurm signals every process of
// a job and srun passes the signal on as well), so a second signal within
// dupWindow of the first is taken as the same one.
type Owner struct {
	cancel context.CancelFunc
	stderr io.Writer
	sigs   chan os.Signal
	done   chan struct{}

	mu       sync.Mutex
	stop     chan struct{} // the graceful run's; nil until a run asks
	grace    time.Duration
	first    time.Time // when the first signal arrived; zero before
	graceEnd *time.Timer
	exiting  bool // a signal came before any run asked for a graceful stop
	handles  bool // the command returns soon after a cancel; see Handles
	closed   bool // Close was called: the process is no longer ended
}

// exitWait is how long a command that has nothing to finish may take to
// return after a signal cancelled it, before the process ends.
const exitWait = time.Second

// dupWindow is how soon after the first signal a second one counts as the
// same stop delivered twice.
const dupWindow = time.Second

// Own starts watching the signals and returns the context they
// cancel and the owner.
func Own(parent context.Context, stderr io.Writer) (context.Context, *Owner) {
	ctx, cancel := context.WithCancel(parent)
	s := &Owner{cancel: cancel, stderr: stderr, sigs: make(chan os.Signal, 4), done: make(chan struct{})}
	signal.Notify(s.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1)
	go s.watch()
	return context.WithValue(ctx, signalsKey{}, s), s
}

// Close stops watching; signals then have their default effect.
func (s *Owner) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	signal.Stop(s.sigs)
	close(s.done)
	s.cancel()
}

func (s *Owner) watch() {
	for {
		select {
		case sig := <-s.sigs:
			s.handle(sig, time.Now())
		case <-s.done:
			return
		}
	}
}

func (s *Owner) handle(sig os.Signal, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stop == nil:
		// Nothing to finish: cancel, and if the command does not return
		// within exitWait (it is blocked reading a FIFO, or expanding a
		// huge spec), end the process.
		s.cancel()
		if !s.exiting {
			s.exiting = true
			code := 128 + int(sig.(syscall.Signal))
			time.AfterFunc(exitWait, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				if s.stop == nil && !s.handles && !s.closed {
					fmt.Fprintf(s.stderr, "netsweep: %v: stopped\n", sig)
					os.Exit(code)
				}
			})
		}
	case s.first.IsZero():
		s.first = now
		fmt.Fprintf(s.stderr, "\nnetsweep: %v: finishing the chunks in flight (up to %v), then stopping; signal again to stop at once\n", sig, s.grace)
		close(s.stop)
		s.graceEnd = time.AfterFunc(s.grace, func() {
			fmt.Fprintf(s.stderr, "netsweep: grace period over: stopping at once\n")
			s.cancel()
		})
	case now.Sub(s.first) < dupWindow:
		// The same stop, delivered twice.
	default:
		fmt.Fprintf(s.stderr, "netsweep: %v: stopping at once\n", sig)
		s.graceEnd.Stop()
		s.cancel()
	}
}

type signalsKey struct{}

// Graceful asks the signal owner of ctx, if any, for a graceful stop with
// the grace period given, and returns the channel a signal closes. Without
// an owner (a test calling a command directly), the channel never closes.
func Graceful(ctx context.Context, grace time.Duration) <-chan struct{} {
	s, ok := ctx.Value(signalsKey{}).(*Owner)
	if !ok {
		return make(chan struct{})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop == nil {
		s.stop, s.grace = make(chan struct{}), grace
	}
	return s.stop
}

// ForRank sets the signals of an MPI rank. A rank's standard output and
// error are pipes to mpirun or srun: when a scheduler stops the job, the
// launcher may end first, and writing a message must not kill the rank
// before it has journaled the chunks in flight (Go's default for a broken
// pipe on fd 1 or 2), so every rank ignores SIGPIPE. Ranks other than 0
// ignore SIGUSR1, SIGINT and SIGTERM too (mpirun, srun and Slurm deliver
// them to every rank): only the controller acts on them, and it tells the
// others to stop through the protocol.
func ForRank(rank int) {
	signal.Ignore(syscall.SIGPIPE)
	if rank != 0 {
		signal.Ignore(syscall.SIGUSR1, syscall.SIGINT, syscall.SIGTERM)
	}
}

// Handles tells the signal owner of ctx, if any, that the command now
// looks after a child or a connection and returns soon after ctx is
// cancelled, saying what was left (launch waits for mpirun to end): a
// signal then only cancels, and never ends the process.
func Handles(ctx context.Context) {
	if s, ok := ctx.Value(signalsKey{}).(*Owner); ok {
		s.mu.Lock()
		s.handles = true
		s.mu.Unlock()
	}
}
