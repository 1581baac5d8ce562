//go:build mpi

// The MPI communicator: a thin cgo binding to MPI_COMM_WORLD. Keep the
// exported API in sync with mpi_stub.go, which replaces this file in builds
// without the mpi tag. The pkg-config package (ompi-c or mpich) is chosen in
// mpi_ompi.go and mpi_mpich.go.
//
// Concurrency. The Comm contract lets several goroutines of a rank (rank 0's
// controller and worker) call Send and Recv at once, and Go moves goroutines
// between OS threads, so MPI is initialised with MPI_THREAD_SERIALIZED and
// every MPI call is made with mpiWorld.mu held. No call that waits for another
// rank holds the mutex while it waits:
//
//   - Recv polls MPI_Iprobe (and the self queue) with the mutex held only for
//     the probe; between probes it releases the mutex and backs off: it spins
//     for spinFor, then sleeps from minSleep doubling to maxSleep, and
//     idleSleep once idle for idleAfter. An idle
//     rank-0 controller thus costs a few per cent of a core, not the whole
//     core that Open MPI's busy-waiting MPI_Recv would take from rank 0's own
//     worker, while a busy controller finds the next message in the spin
//     phase. Once probed, the message is read with MPI_Recv under the same
//     hold of the mutex, so no other goroutine can take it in between (this
//     is the one wait under the mutex: the transfer of a message that has
//     already arrived, or whose sender is already sending it).
//   - Send posts MPI_Isend and polls MPI_Test the same way.
//   - Bcast and the reductions use the nonblocking collectives MPI_Ibcast and
//     MPI_Ireduce (MPI-3) and poll MPI_Test the same way.
//
// The rule this gives: a goroutine waiting in a collective never stops
// another goroutine of its rank from sending or receiving, so a worker may
// enter the final reduction while its rank's controller is still answering
// other ranks' requests (and the other way round). What the Comm contract
// still demands is that collectives be called by one goroutine per rank, in
// the same order on every rank.
//
// MPI moves messages only inside MPI calls. A Send can complete while its
// data still waits in the sender's queue (Open MPI queues eager messages
// when the receiver's shared-memory FIFO is full), so a rank that sends and
// then computes for long without calling the communicator can hold its last
// messages back. A worker that follows each Send with a Recv, as the
// campaign worker does, keeps them moving.
//
// Messages a rank sends to itself never reach MPI: they go through an
// in-process queue, which Recv checks before probing MPI.
//
// Message sizes. MPI counts are C ints, so a message or broadcast of more
// than maxCount bytes is sent as one element of a derived datatype (two
// blocks: q chunks of chunkBytes and the remainder), whose type signature is
// still a run of MPI_BYTE; the receiver reads its size with
// MPI_Get_elements_x. Reductions of more than maxCount values are done in
// pieces. maxCount is 2^31-1; the environment variable
// NETSWEEP_MPI_MAX_COUNT lowers it, which tests use to exercise the large
// message path with small messages.

package mpirun

/*
#include <stdint.h>
#include <mpi.h>

// The MPI handles are macros that cgo cannot always use directly (Open MPI
// defines them as addresses of globals), so every call goes through a small
// wrapper that names MPI_COMM_WORLD and the datatypes itself.

static int ns_init(int *provided) {
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static int ns_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static int ns_finalize(void) { return MPI_Finalize(); }
static int ns_errors_return(void) {
	return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}
static int ns_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int ns_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int ns_tag_ub(int *ub) {
	int *v, flag;
	int rc = MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag);
	*ub = (rc == MPI_SUCCESS && flag) ? *v : 32767;
	return rc;
}
static int ns_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static int ns_error_string(int code, char *buf, int *len) {
	return MPI_Error_string(code, buf, len);
}
static int ns_any_source(void) { return MPI_ANY_SOURCE; }
static int ns_any_tag(void) { return MPI_ANY_TAG; }

// ns_bytes gives the datatype and count for n bytes: MPI_BYTE when n fits in
// maxcount, else one element of a committed struct type that the caller
// frees with ns_free_type.
static int ns_bytes(MPI_Count n, MPI_Count maxcount, MPI_Count chunk,
		MPI_Datatype *t, int *count) {
	if (n <= maxcount) {
		*t = MPI_BYTE;
		*count = (int)n;
		return MPI_SUCCESS;
	}
	MPI_Datatype blk;
	int rc = MPI_Type_contiguous((int)chunk, MPI_BYTE, &blk);
	if (rc != MPI_SUCCESS) return rc;
	int lens[2] = {(int)(n / chunk), (int)(n % chunk)};
	MPI_Aint disp[2] = {0, (MPI_Aint)((n / chunk) * chunk)};
	MPI_Datatype types[2] = {blk, MPI_BYTE};
	rc = MPI_Type_create_struct(2, lens, disp, types, t);
	MPI_Type_free(&blk);
	if (rc != MPI_SUCCESS) return rc;
	rc = MPI_Type_commit(t);
	if (rc != MPI_SUCCESS) {
		MPI_Type_free(t);
		return rc;
	}
	*count = 1;
	return MPI_SUCCESS;
}
static void ns_free_type(MPI_Datatype *t) {
	if (*t != MPI_BYTE) MPI_Type_free(t);
}

static int ns_isend(void *buf, MPI_Count n, MPI_Count maxcount, MPI_Count chunk,
		int dst, int tag, MPI_Request *req) {
	MPI_Datatype t;
	int count;
	int rc = ns_bytes(n, maxcount, chunk, &t, &count);
	if (rc != MPI_SUCCESS) return rc;
	// A derived type may be freed once the operation is posted.
	rc = MPI_Isend(buf, count, t, dst, tag, MPI_COMM_WORLD, req);
	ns_free_type(&t);
	return rc;
}

static int ns_test(MPI_Request *req, int *done) {
	return MPI_Test(req, done, MPI_STATUS_IGNORE);
}

// ns_iprobe probes for a message and, if there is one, gives its source,
// tag and size in bytes.
static int ns_iprobe(int src, int tag, int *found, int *source, int *tagout,
		MPI_Count *n) {
	MPI_Status st;
	int rc = MPI_Iprobe(src, tag, MPI_COMM_WORLD, found, &st);
	if (rc != MPI_SUCCESS || !*found) return rc;
	*source = st.MPI_SOURCE;
	*tagout = st.MPI_TAG;
	int count;
	rc = MPI_Get_count(&st, MPI_BYTE, &count);
	if (rc != MPI_SUCCESS) return rc;
	if (count != MPI_UNDEFINED) {
		*n = count;
		return MPI_SUCCESS;
	}
	return MPI_Get_elements_x(&st, MPI_BYTE, n);
}

static int ns_recv(void *buf, MPI_Count n, MPI_Count maxcount, MPI_Count chunk,
		int src, int tag) {
	MPI_Datatype t;
	int count;
	int rc = ns_bytes(n, maxcount, chunk, &t, &count);
	if (rc != MPI_SUCCESS) return rc;
	rc = MPI_Recv(buf, count, t, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	ns_free_type(&t);
	return rc;
}

static int ns_ibcast_int64(int64_t *v, int root, MPI_Request *req) {
	return MPI_Ibcast(v, 1, MPI_INT64_T, root, MPI_COMM_WORLD, req);
}

static int ns_ibcast_bytes(void *buf, MPI_Count n, MPI_Count maxcount,
		MPI_Count chunk, int root, MPI_Request *req) {
	MPI_Datatype t;
	int count;
	int rc = ns_bytes(n, maxcount, chunk, &t, &count);
	if (rc != MPI_SUCCESS) return rc;
	rc = MPI_Ibcast(buf, count, t, root, MPI_COMM_WORLD, req);
	ns_free_type(&t);
	return rc;
}

static MPI_Op ns_op(int op) {
	switch (op) {
	case 0: return MPI_SUM;
	case 1: return MPI_MIN;
	case 2: return MPI_MAX;
	}
	return MPI_OP_NULL;
}

// ns_ireduce reduces in place at root; kind 0 is int64, 1 is float64.
static int ns_ireduce(void *buf, int n, int kind, int op, int root, int isroot,
		MPI_Request *req) {
	MPI_Datatype t = kind == 0 ? MPI_INT64_T : MPI_DOUBLE;
	if (isroot) {
		return MPI_Ireduce(MPI_IN_PLACE, buf, n, t, ns_op(op), root,
			MPI_COMM_WORLD, req);
	}
	return MPI_Ireduce(buf, NULL, n, t, ns_op(op), root, MPI_COMM_WORLD, req);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Enabled reports whether this binary was built with MPI (the mpi build tag).
// Keep in sync with mpi_stub.go.
const Enabled = true

// Polling schedule of Recv, Send and the collectives; see the file comment.
const (
	spinFor  = 50 * time.Microsecond
	minSleep = 20 * time.Microsecond
	maxSleep = time.Millisecond
	// A call idle for idleAfter sleeps idleSleep at a time: a controller
	// waiting on long chunks then costs a fraction of a per cent of a core
	// (each wake-up is expensive on a virtual machine), and answers within
	// idleSleep, which is nothing next to chunks that long.
	idleAfter = 50 * time.Millisecond
	idleSleep = 10 * time.Millisecond
)

// chunkBytes is the block of the derived datatype for large messages.
const chunkBytes = 1 << 30

var (
	errFinalized = errors.New("mpirun: MPI communicator used after Finalize")

	// initMu guards the process's one MPI lifetime: Init, then Finalize.
	initMu    sync.Mutex
	theWorld  *mpiWorld
	initState int // 0 before Init, 1 initialised, 2 finalised
	// mainThread runs functions on the OS thread that called
	// MPI_Init_thread, where MPI_Finalize must also be called.
	mainThread chan func()
)

// mpiWorld is MPI_COMM_WORLD seen from this process. It implements Comm.
type mpiWorld struct {
	rank, size int
	tagUB      int
	maxCount   int64 // largest count passed to one MPI call

	// mu serialises every MPI call (MPI_THREAD_SERIALIZED).
	mu        sync.Mutex
	finalized bool

	// The self queue: messages this rank sent to itself. selfWake is closed
	// and replaced whenever a message is queued.
	selfMu   sync.Mutex
	selfQ    []Message
	selfWake chan struct{}
}

var _ Comm = (*mpiWorld)(nil)

// Init initialises MPI with MPI_THREAD_SERIALIZED, makes MPI errors on
// MPI_COMM_WORLD return instead of aborting, and returns the world
// communicator. A process initialises MPI once: a second Init, or an Init
// after Finalize, returns an error.
func Init() (Comm, error) {
	initMu.Lock()
	defer initMu.Unlock()
	switch initState {
	case 1:
		return nil, errors.New("mpirun: MPI is already initialised")
	case 2:
		return nil, errors.New("mpirun: MPI cannot be initialised again after Finalize")
	}
	maxCount := int64(math.MaxInt32)
	if s := os.Getenv("NETSWEEP_MPI_MAX_COUNT"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > math.MaxInt32 {
			return nil, fmt.Errorf("mpirun: bad NETSWEEP_MPI_MAX_COUNT=%q: want an integer in [1, %d]", s, math.MaxInt32)
		}
		maxCount = n
	}
	// Open MPI installs backtrace handlers for SIGSEGV, SIGBUS, SIGFPE and
	// SIGABRT where none is installed, and warns where one is. The Go
	// runtime handles these signals itself (nil-pointer panics), so ask
	// Open MPI to leave them alone unless the user says otherwise. The MPI
	// check program verifies that a nil dereference still panics.
	if _, ok := os.LookupEnv("OMPI_MCA_opal_signal"); !ok {
		os.Setenv("OMPI_MCA_opal_signal", "")
	}

	mainThread = make(chan func())
	res := make(chan error)
	w := &mpiWorld{maxCount: maxCount, selfWake: make(chan struct{})}
	go func() {
		// This goroutine keeps the thread that initialised MPI until
		// Finalize; it is never unlocked, so the thread exits with it.
		runtime.LockOSThread()
		res <- w.start()
		for f := range mainThread {
			f()
		}
	}()
	if err := <-res; err != nil {
		close(mainThread)
		return nil, err
	}
	initState = 1
	theWorld = w
	return w, nil
}

// start runs on the main MPI thread.
func (w *mpiWorld) start() error {
	var provided C.int
	if rc := C.ns_init(&provided); rc != C.MPI_SUCCESS {
		// The error handler is still MPI_ERRORS_ARE_FATAL here, so this
		// is rare; MPI_Error_string may be called before MPI_Init.
		return w.mpiError("MPI_Init_thread", rc)
	}
	if provided < C.ns_thread_serialized() {
		C.ns_finalize()
		return fmt.Errorf("mpirun: MPI provides thread level %d, below MPI_THREAD_SERIALIZED (%d): rebuild the MPI library with thread support", provided, C.ns_thread_serialized())
	}
	if rc := C.ns_errors_return(); rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Comm_set_errhandler", rc)
	}
	var rank, size, ub C.int
	if rc := C.ns_rank(&rank); rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Comm_rank", rc)
	}
	if rc := C.ns_size(&size); rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Comm_size", rc)
	}
	if rc := C.ns_tag_ub(&ub); rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Comm_get_attr(MPI_TAG_UB)", rc)
	}
	w.rank, w.size, w.tagUB = int(rank), int(size), int(ub)
	return nil
}

// Finalize calls MPI_Finalize on the thread that initialised MPI; after it
// every call on the world communicator returns an error. Every rank must
// call it once its communication is done, with no Send, Recv or collective
// in progress.
func Finalize() error {
	initMu.Lock()
	defer initMu.Unlock()
	if initState != 1 {
		return errors.New("mpirun: Finalize without a successful Init")
	}
	w := theWorld
	w.mu.Lock()
	defer w.mu.Unlock()
	w.finalized = true
	initState = 2
	done := make(chan C.int)
	mainThread <- func() { done <- C.ns_finalize() }
	rc := <-done
	close(mainThread)
	if rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Finalize", rc)
	}
	return nil
}

// mpiError describes a failed MPI call. It calls MPI, so the caller holds
// w.mu (or is the main thread during Init).
func (w *mpiWorld) mpiError(call string, rc C.int) error {
	buf := make([]byte, C.MPI_MAX_ERROR_STRING)
	var n C.int
	msg := "unknown error"
	if C.ns_error_string(rc, (*C.char)(unsafe.Pointer(&buf[0])), &n) == C.MPI_SUCCESS && n > 0 {
		msg = string(buf[:n])
	}
	return fmt.Errorf("mpirun: %s failed on rank %d: %s (MPI error code %d)", call, w.rank, msg, int(rc))
}

func (w *mpiWorld) Rank() int { return w.rank }
func (w *mpiWorld) Size() int { return w.size }

func (w *mpiWorld) checkTag(call string, tag int, wildcard bool) error {
	if (tag >= 0 && tag <= w.tagUB) || (wildcard && tag == AnyTag) {
		return nil
	}
	return fmt.Errorf("mpirun: %s: bad tag: tag=%d: MPI tags lie in [0, %d]", call, tag, w.tagUB)
}

// lock takes the MPI mutex, failing after Finalize.
func (w *mpiWorld) lock() error {
	w.mu.Lock()
	if w.finalized {
		w.mu.Unlock()
		return errFinalized
	}
	return nil
}

// poller is the back-off of one waiting call.
type poller struct {
	start time.Time
	sleep time.Duration
}

// wait pauses before the next poll. wake, if not nil, ends a long sleep
// early (a message to self was queued).
func (p *poller) wait(wake <-chan struct{}) {
	if p.start.IsZero() {
		p.start = time.Now()
	}
	if p.sleep == 0 && time.Since(p.start) < spinFor {
		runtime.Gosched()
		return
	}
	p.sleep = min(max(2*p.sleep, minSleep), maxSleep)
	if time.Since(p.start) > idleAfter {
		p.sleep = idleSleep
	}
	if p.sleep < maxSleep {
		// Go's timers round sub-millisecond sleeps up to about a
		// millisecond when the process is otherwise idle; nanosleep
		// does not.
		ts := syscall.NsecToTimespec(int64(p.sleep))
		syscall.Nanosleep(&ts, nil)
		return
	}
	t := time.NewTimer(p.sleep)
	select {
	case <-t.C:
	case <-wake:
		t.Stop()
	}
}

// waitRequest polls req until it completes; the caller must not hold w.mu.
func (w *mpiWorld) waitRequest(call string, req *C.MPI_Request) error {
	var p poller
	for {
		if err := w.lock(); err != nil {
			return err
		}
		var done C.int
		rc := C.ns_test(req, &done)
		if rc != C.MPI_SUCCESS {
			err := w.mpiError(call, rc)
			w.mu.Unlock()
			return err
		}
		w.mu.Unlock()
		if done != 0 {
			return nil
		}
		p.wait(nil)
	}
}

// Send delivers a copy of data to rank dst with tag, which must lie in
// [0, MPI_TAG_UB]. It returns once MPI no longer needs data: at once for small
// messages, and for large ones possibly only when dst has begun to receive
// it, as MPI_Send does. A message to the caller's own rank is queued in
// process. A dst of Size or more is reported by MPI as an error.
func (w *mpiWorld) Send(dst, tag int, data []byte) error {
	if err := w.checkTag("send", tag, false); err != nil {
		return err
	}
	if dst < 0 {
		return fmt.Errorf("mpirun: send to rank %d of %d", dst, w.size)
	}
	if dst == w.rank {
		return w.sendSelf(tag, data)
	}
	var pin runtime.Pinner
	defer pin.Unpin()
	var buf unsafe.Pointer
	if len(data) > 0 {
		pin.Pin(&data[0])
		buf = unsafe.Pointer(&data[0])
	}
	if err := w.lock(); err != nil {
		return err
	}
	var req C.MPI_Request
	rc := C.ns_isend(buf, C.MPI_Count(len(data)), C.MPI_Count(w.maxCount), chunkBytes, C.int(dst), C.int(tag), &req)
	if rc != C.MPI_SUCCESS {
		err := w.mpiError("MPI_Isend", rc)
		w.mu.Unlock()
		return err
	}
	w.mu.Unlock()
	return w.waitRequest("MPI_Isend", &req)
}

func (w *mpiWorld) isFinalized() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.finalized
}

func (w *mpiWorld) sendSelf(tag int, data []byte) error {
	if w.isFinalized() {
		return errFinalized
	}
	msg := Message{Source: w.rank, Tag: tag, Data: append([]byte(nil), data...)}
	w.selfMu.Lock()
	w.selfQ = append(w.selfQ, msg)
	close(w.selfWake)
	w.selfWake = make(chan struct{})
	w.selfMu.Unlock()
	return nil
}

// takeSelf removes and returns the first queued message to self matching
// tag, and otherwise returns the channel that the next queued message
// closes.
func (w *mpiWorld) takeSelf(tag int) (Message, bool, <-chan struct{}) {
	w.selfMu.Lock()
	defer w.selfMu.Unlock()
	for i, m := range w.selfQ {
		if tag == AnyTag || m.Tag == tag {
			w.selfQ = append(w.selfQ[:i], w.selfQ[i+1:]...)
			return m, true, nil
		}
	}
	return Message{}, false, w.selfWake
}

// Recv waits for a message from src (or AnySource) with tag (or AnyTag) and
// returns it. While it waits it holds no lock, so other goroutines of the
// rank may send, receive and take part in collectives. A src of Size or
// more is reported by MPI as an error.
func (w *mpiWorld) Recv(src, tag int) (Message, error) {
	if err := w.checkTag("recv", tag, true); err != nil {
		return Message{}, err
	}
	if src < 0 && src != AnySource {
		return Message{}, fmt.Errorf("mpirun: recv from rank %d of %d", src, w.size)
	}
	mpiSrc := C.int(src)
	if src == AnySource {
		mpiSrc = C.ns_any_source()
	}
	mpiTag := C.int(tag)
	if tag == AnyTag {
		mpiTag = C.ns_any_tag()
	}
	var p poller
	for {
		var wake <-chan struct{}
		if src == AnySource || src == w.rank {
			m, ok, ch := w.takeSelf(tag)
			if ok {
				return m, nil
			}
			wake = ch
		}
		if src == w.rank {
			if w.isFinalized() {
				return Message{}, errFinalized
			}
		} else if m, ok, err := w.probeRecv(mpiSrc, mpiTag); err != nil || ok {
			return m, err
		}
		p.wait(wake)
	}
}

// probeRecv receives a matching message from MPI if one has arrived.
func (w *mpiWorld) probeRecv(src, tag C.int) (Message, bool, error) {
	if err := w.lock(); err != nil {
		return Message{}, false, err
	}
	defer w.mu.Unlock()
	var found, source, gotTag C.int
	var n C.MPI_Count
	if rc := C.ns_iprobe(src, tag, &found, &source, &gotTag, &n); rc != C.MPI_SUCCESS {
		return Message{}, false, w.mpiError("MPI_Iprobe", rc)
	}
	if found == 0 {
		return Message{}, false, nil
	}
	if int64(n) > int64(math.MaxInt) || n < 0 {
		return Message{}, false, fmt.Errorf("mpirun: recv: message of %d bytes from rank %d is too large", int64(n), int(source))
	}
	data := make([]byte, int(n))
	var buf unsafe.Pointer
	if n > 0 {
		buf = unsafe.Pointer(&data[0])
	}
	// With w.mu held since the probe, the first message from source with
	// gotTag is still the probed one.
	if rc := C.ns_recv(buf, n, C.MPI_Count(w.maxCount), chunkBytes, source, gotTag); rc != C.MPI_SUCCESS {
		return Message{}, false, w.mpiError("MPI_Recv", rc)
	}
	return Message{Source: int(source), Tag: int(gotTag), Data: data}, true, nil
}

// Bcast returns a copy of root's data on every rank; data is ignored
// elsewhere. It broadcasts the length, then the bytes.
func (w *mpiWorld) Bcast(root int, data []byte) ([]byte, error) {
	var pin runtime.Pinner
	defer pin.Unpin()
	n := new(C.int64_t)
	if w.rank == root {
		*n = C.int64_t(len(data))
	}
	pin.Pin(n)
	if err := w.lock(); err != nil {
		return nil, err
	}
	var req C.MPI_Request
	if rc := C.ns_ibcast_int64(n, C.int(root), &req); rc != C.MPI_SUCCESS {
		err := w.mpiError("MPI_Ibcast", rc)
		w.mu.Unlock()
		return nil, err
	}
	w.mu.Unlock()
	if err := w.waitRequest("MPI_Ibcast", &req); err != nil {
		return nil, err
	}
	if *n < 0 || int64(*n) > int64(math.MaxInt) {
		return nil, fmt.Errorf("mpirun: bcast: bad length %d from root %d", int64(*n), root)
	}
	var out []byte
	if w.rank == root {
		out = append([]byte(nil), data...)
	} else {
		out = make([]byte, int(*n))
	}
	if len(out) == 0 {
		return out, nil
	}
	pin.Pin(&out[0])
	if err := w.lock(); err != nil {
		return nil, err
	}
	if rc := C.ns_ibcast_bytes(unsafe.Pointer(&out[0]), C.MPI_Count(len(out)), C.MPI_Count(w.maxCount), chunkBytes, C.int(root), &req); rc != C.MPI_SUCCESS {
		err := w.mpiError("MPI_Ibcast", rc)
		w.mu.Unlock()
		return nil, err
	}
	w.mu.Unlock()
	if err := w.waitRequest("MPI_Ibcast", &req); err != nil {
		return nil, err
	}
	return out, nil
}

// ReduceInt64 combines data element-wise over all ranks with op (MPI_SUM,
// MPI_MIN or MPI_MAX on MPI_INT64_T) and leaves the result in root's data;
// other ranks' data is unchanged.
func (w *mpiWorld) ReduceInt64(root int, op Op, data []int64) error {
	return reduceMPI(w, root, op, data, 0)
}

// ReduceFloat64 is ReduceInt64 for float64 values (MPI_DOUBLE).
func (w *mpiWorld) ReduceFloat64(root int, op Op, data []float64) error {
	return reduceMPI(w, root, op, data, 1)
}

func reduceMPI[T int64 | float64](w *mpiWorld, root int, op Op, data []T, kind C.int) error {
	if op != OpSum && op != OpMin && op != OpMax {
		return fmt.Errorf("mpirun: reduce: bad op: op=%d", int(op))
	}
	isRoot := C.int(0)
	if w.rank == root {
		isRoot = 1
	}
	for len(data) > 0 {
		n := min(int64(len(data)), w.maxCount)
		var pin runtime.Pinner
		pin.Pin(&data[0])
		if err := w.lock(); err != nil {
			pin.Unpin()
			return err
		}
		var req C.MPI_Request
		rc := C.ns_ireduce(unsafe.Pointer(&data[0]), C.int(n), kind, C.int(op), C.int(root), isRoot, &req)
		if rc != C.MPI_SUCCESS {
			err := w.mpiError("MPI_Ireduce", rc)
			w.mu.Unlock()
			pin.Unpin()
			return err
		}
		w.mu.Unlock()
		err := w.waitRequest("MPI_Ireduce", &req)
		pin.Unpin()
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Abort asks MPI to end every rank with status code (MPI_Abort). It returns
// only if that fails.
func (w *mpiWorld) Abort(code int) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if rc := C.ns_abort(C.int(code)); rc != C.MPI_SUCCESS {
		return w.mpiError("MPI_Abort", rc)
	}
	return fmt.Errorf("mpirun: MPI_Abort(%d) returned", code)
}
