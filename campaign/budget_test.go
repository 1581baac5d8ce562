package campaign

import "testing"

// TestEitherClosedAtOnce: a stop already closed gives a channel closed
// when either returns, not later (TestMPIBudget once ran a chunk through
// that gap under load).
func TestEitherClosedAtOnce(t *testing.T) {
	spent := make(chan struct{})
	close(spent)
	for _, pair := range [][2]chan struct{}{{make(chan struct{}), spent}, {spent, make(chan struct{})}} {
		out, end := either(pair[0], pair[1])
		select {
		case <-out:
		default:
			t.Error("either of a closed channel is not closed at once")
		}
		end()
	}
}
