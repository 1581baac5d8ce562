package campaign

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/netsweep/netsweep/report"
)

// A budget of core-hours for a running campaign (RunOptions.Budget). The
// controller times every chunk on its rank (mpirun.Result.Elapsed); the
// campaign adds those times up, keeps the sum in DIR/cost.json across
// runs, and stops handing out chunks once it reaches the budget. The
// chunks in flight finish and are journaled, and Run returns an error
// wrapping ErrIncomplete and ErrBudgetSpent: a larger budget resumes the
// campaign. A run that starts with its budget spent hands out nothing.

// ErrBudgetSpent reports a campaign stopped because its runs have spent
// their budget: running it again with the same budget would do nothing,
// a larger one resumes it. Its errors wrap ErrIncomplete too.
var ErrBudgetSpent = errors.New("budget spent")

// CostFile is the file of a campaign directory that holds the core time
// its runs have measured.
const CostFile = "cost.json"

// cost is the content of cost.json.
type cost struct {
	CoreSeconds float64 `json:"core_seconds"`
}

// budget is a Run's budget: the core time measured so far and the stop it
// closes when that reaches the limit.
type budget struct {
	limit float64 // core-seconds; 0: no budget
	spent float64
	stop  chan struct{}
	once  sync.Once
}

// readCost reads the core time measured by earlier runs in dir.
func readCost(dir string) float64 {
	data, err := os.ReadFile(filepath.Join(dir, CostFile))
	if err != nil {
		return 0
	}
	var c cost
	if json.Unmarshal(data, &c) != nil {
		return 0
	}
	return c.CoreSeconds
}

// writeCost keeps the core time measured so far in dir.
func (c *Campaign) writeCost() {
	data, _ := json.Marshal(cost{CoreSeconds: c.budget.spent})
	report.WriteFileAtomic(filepath.Join(c.dir, CostFile), append(data, '\n'))
}

// spend adds a chunk's core time and closes the budget's stop once the
// budget is spent.
func (b *budget) spend(seconds float64) {
	b.spent += seconds
	if b.limit > 0 && b.spent >= b.limit {
		b.once.Do(func() { close(b.stop) })
	}
}

// over says why the campaign stopped for its budget.
func (b *budget) over(dir string) error {
	return overBudget(fmt.Sprintf("the campaign stopped before it was complete: it has spent %s of its budget of %s core-hours (measured in %s); raise --budget to go on",
		hours(b.spent/3600), hours(b.limit/3600), filepath.Join(dir, CostFile)))
}

// overBudget is the error of a run stopped by its budget: it matches
// ErrBudgetSpent and ErrIncomplete.
type overBudget string

func (e overBudget) Error() string { return string(e) }

func (e overBudget) Is(target error) bool {
	return target == ErrBudgetSpent || target == ErrIncomplete
}

// either returns a channel closed when a or b is, and a function that
// ends its goroutine. One already closed gives a channel already closed,
// not one that a goroutine closes later: a run that starts with its
// budget spent must hand out nothing, even to the first requests.
func either(a, b <-chan struct{}) (<-chan struct{}, func()) {
	if a == nil {
		return b, func() {}
	}
	if isClosed(a) || isClosed(b) {
		out := make(chan struct{})
		close(out)
		return out, func() {}
	}
	out, done := make(chan struct{}), make(chan struct{})
	go func() {
		select {
		case <-a:
		case <-b:
		case <-done:
			return
		}
		close(out)
	}()
	return out, func() { close(done) }
}
