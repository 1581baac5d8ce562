package remote

import (
	"context"
	"fmt"
	"time"
)

// WithRetry calls fn up to attempts times while it fails with a connection
// error (IsConnError), waiting 1s, 2s, 4s, ... (at most 30s) in between;
// fn should dial afresh on each call (see WithClient). Any other error —
// a remote command that failed, a refused host key or login — is returned
// at once, as is ctx's error when ctx ends.
func WithRetry(ctx context.Context, attempts int, fn func() error) error {
	return retry(ctx, attempts, time.Second, fn)
}

// WithClient dials t, calls fn with the client and closes it, redialing
// under WithRetry when the connection fails. fn must be safe to repeat
// (status queries, downloads).
func WithClient(ctx context.Context, t Target, opts Options, attempts int, fn func(*Client) error) error {
	opts.Retries = 0 // WithClient does the retrying
	return WithRetry(ctx, attempts, func() error {
		c, err := Dial(ctx, t, opts)
		if err != nil {
			return err
		}
		defer c.Close()
		return fn(c)
	})
}

const maxRetryDelay = 30 * time.Second

func retry(ctx context.Context, attempts int, delay time.Duration, fn func() error) error {
	if attempts < 1 {
		attempts = 1
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("remote: gave up retrying: %w (last error: %v)", ctx.Err(), err)
			case <-t.C:
			}
			delay = min(2*delay, maxRetryDelay)
		}
		err = fn()
		if err == nil || !IsConnError(err) || ctx.Err() != nil {
			return err
		}
	}
	if attempts == 1 {
		return err
	}
	return fmt.Errorf("remote: gave up after %d attempts: %w", attempts, err)
}
