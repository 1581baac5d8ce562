package signals

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHandle walks the owner through a graceful stop: the first signal
// closes the stop channel, the same one delivered twice changes nothing,
// a later one cancels the context.
func TestHandle(t *testing.T) {
	var stderr bytes.Buffer
	ctx, s := Own(context.Background(), &stderr)
	defer s.Close()
	stop := Graceful(ctx, time.Hour)
	if Graceful(ctx, time.Minute) != stop {
		t.Fatal("a second Graceful gave another channel")
	}
	t0 := time.Now()
	s.handle(syscall.SIGUSR1, t0)
	select {
	case <-stop:
	default:
		t.Fatal("the first signal did not close the stop channel")
	}
	s.handle(syscall.SIGTERM, t0.Add(dupWindow/2))
	if ctx.Err() != nil {
		t.Fatal("a duplicate delivery cancelled the context")
	}
	s.handle(syscall.SIGTERM, t0.Add(2*dupWindow))
	if ctx.Err() == nil {
		t.Fatal("a second signal did not cancel the context")
	}
	if !strings.Contains(stderr.String(), "finishing the chunks in flight") || !strings.Contains(stderr.String(), "stopping at once") {
		t.Errorf("stderr: %q", &stderr)
	}
	// Without an owner the channel never closes.
	if c := Graceful(context.Background(), time.Second); c == nil {
		t.Error("Graceful without an owner gave nil")
	}
}

// TestCancelBeforeGraceful: without a graceful run, a signal cancels.
func TestCancelBeforeGraceful(t *testing.T) {
	ctx, s := Own(context.Background(), &bytes.Buffer{})
	defer s.Close()
	s.handle(syscall.SIGINT, time.Now())
	if ctx.Err() == nil {
		t.Fatal("the signal did not cancel the context")
	}
}

// TestHandlesNeverExits: a command that said it Handles cancellation is
// cancelled by a signal and never ended (this test binary would exit with
// status 130 a second after the signal otherwise).
func TestHandlesNeverExits(t *testing.T) {
	ctx, s := Own(context.Background(), &bytes.Buffer{})
	defer s.Close()
	Handles(ctx)
	s.handle(syscall.SIGINT, time.Now())
	if ctx.Err() == nil {
		t.Fatal("the signal did not cancel the context")
	}
	time.Sleep(exitWait + 300*time.Millisecond)
}
