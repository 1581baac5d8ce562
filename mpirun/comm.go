package mpirun

// Wildcards for Recv.
const (
	AnySource = -1
	AnyTag    = -1
)

// Op is a reduction operation.
type Op int

const (
	OpSum Op = iota
	OpMin
	OpMax
)

func (op Op) String() string {
	switch op {
	case OpSum:
		return "sum"
	case OpMin:
		return "min"
	case OpMax:
		return "max"
	}
	return "op?"
}

// Message is one received point-to-point message.
type Message struct {
	Source int
	Tag    int
	Data   []byte
}

// Comm is a communicator of Size ranks, seen from one of them.
//
// Send and Recv may be called concurrently by several goroutines of the same
// rank (rank 0 runs a controller and a worker); a message sent to the
// caller's own rank is delivered like any other. Collectives (Bcast and the
// reductions) must be called by exactly one goroutine on every rank, in the
// same order.
type Comm interface {
	Rank() int
	Size() int
	// Send delivers a copy of data to rank dst with tag; it may return
	// before dst receives it.
	Send(dst, tag int, data []byte) error
	// Recv blocks until a message from src (or AnySource) with tag (or
	// AnyTag) arrives and returns it. Messages from one source with one tag
	// arrive in the order they were sent.
	Recv(src, tag int) (Message, error)
	// Bcast returns root's data on every rank; data is ignored elsewhere.
	Bcast(root int, data []byte) ([]byte, error)
	// ReduceInt64 combines data element-wise over all ranks with op and
	// leaves the result in root's data. Every rank passes the same length.
	ReduceInt64(root int, op Op, data []int64) error
	// ReduceFloat64 is ReduceInt64 for float64 values.
	ReduceFloat64(root int, op Op, data []float64) error
	// Abort ends every rank with status code, as far as it can.
	Abort(code int) error
}
