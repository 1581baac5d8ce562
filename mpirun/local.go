package mpirun

import (
	"errors"
	"fmt"
	"sync"
)

// ErrAborted is returned by the Local communicator's calls once Abort has
// been called on any rank.
var ErrAborted = errors.New("mpirun: communicator aborted")

// NewLocal returns the size ranks of an in-process communicator whose ranks
// are goroutines: comms[i] is rank i's view.
func NewLocal(size int) []Comm {
	if size < 1 {
		panic("mpirun: NewLocal with size < 1")
	}
	w := &world{size: size, boxes: make([]*mailbox, size), slots: make([]any, size)}
	w.cond = sync.NewCond(&w.mu)
	comms := make([]Comm, size)
	for i := range comms {
		b := &mailbox{}
		b.cond = sync.NewCond(&b.mu)
		w.boxes[i] = b
		comms[i] = &local{w: w, rank: i}
	}
	return comms
}

type world struct {
	size  int
	boxes []*mailbox

	// Collective state: ranks deposit into slots, then wait for the round
	// to fill; the last rank out of a round resets it.
	mu      sync.Mutex
	cond    *sync.Cond
	slots   []any
	arrived int
	leaving int
	round   uint64
	aborted bool
}

type mailbox struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []Message
	aborted bool
}

type local struct {
	w    *world
	rank int
}

func (c *local) Rank() int { return c.rank }
func (c *local) Size() int { return c.w.size }

func (c *local) Send(dst, tag int, data []byte) error {
	if dst < 0 || dst >= c.w.size {
		return fmt.Errorf("mpirun: send to rank %d of %d", dst, c.w.size)
	}
	b := c.w.boxes[dst]
	msg := Message{Source: c.rank, Tag: tag, Data: append([]byte(nil), data...)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.aborted {
		return ErrAborted
	}
	b.queue = append(b.queue, msg)
	b.cond.Broadcast()
	return nil
}

func (c *local) Recv(src, tag int) (Message, error) {
	b := c.w.boxes[c.rank]
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		if b.aborted {
			return Message{}, ErrAborted
		}
		for i, m := range b.queue {
			if (src == AnySource || m.Source == src) && (tag == AnyTag || m.Tag == tag) {
				b.queue = append(b.queue[:i], b.queue[i+1:]...)
				return m, nil
			}
		}
		b.cond.Wait()
	}
}

// exchange deposits v for this rank and returns every rank's deposit once
// all have arrived. The returned slice must not be kept after the next
// collective.
func (c *local) exchange(v any) ([]any, error) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	// Wait for the previous round to empty out.
	for w.leaving > 0 && !w.aborted {
		w.cond.Wait()
	}
	if w.aborted {
		return nil, ErrAborted
	}
	round := w.round
	w.slots[c.rank] = v
	w.arrived++
	if w.arrived == w.size {
		w.leaving = w.size
		w.arrived = 0
		w.round++
		w.cond.Broadcast()
	}
	for w.round == round && !w.aborted {
		w.cond.Wait()
	}
	if w.aborted {
		return nil, ErrAborted
	}
	all := append([]any(nil), w.slots...)
	w.leaving--
	if w.leaving == 0 {
		clear(w.slots)
		w.cond.Broadcast()
	}
	return all, nil
}

// barrier waits until every rank has reached it.
func (c *local) barrier() error {
	_, err := c.exchange(nil)
	return err
}

func (c *local) Bcast(root int, data []byte) ([]byte, error) {
	all, err := c.exchange(data)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), all[root].([]byte)...)
	return out, c.barrier()
}

func (c *local) ReduceInt64(root int, op Op, data []int64) error {
	return reduceLocal(c, root, op, data)
}

func (c *local) ReduceFloat64(root int, op Op, data []float64) error {
	return reduceLocal(c, root, op, data)
}

func reduceLocal[T int64 | float64](c *local, root int, op Op, data []T) error {
	all, err := c.exchange(data)
	if err != nil {
		return err
	}
	if c.rank == root {
		for r, v := range all {
			other := v.([]T)
			if len(other) != len(data) {
				return fmt.Errorf("mpirun: reduce: rank %d passed %d values, root %d", r, len(other), len(data))
			}
			if r == root {
				continue
			}
			for i, x := range other {
				switch op {
				case OpSum:
					data[i] += x
				case OpMin:
					data[i] = min(data[i], x)
				case OpMax:
					data[i] = max(data[i], x)
				}
			}
		}
	}
	// Nobody may change its buffer until the root has read it.
	return c.barrier()
}

func (c *local) Abort(code int) error {
	w := c.w
	w.mu.Lock()
	w.aborted = true
	w.cond.Broadcast()
	w.mu.Unlock()
	for _, b := range w.boxes {
		b.mu.Lock()
		b.aborted = true
		b.cond.Broadcast()
		b.mu.Unlock()
	}
	return nil
}
