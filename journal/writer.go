package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSyncInterval bounds how long an appended record may stay
// written but not fsync'd.
const DefaultSyncInterval = time.Second

// Option configures Create, Open and OpenAppend.
type Option func(*options)

type options struct {
	interval time.Duration
	spec     string
	salvage  bool
}

func makeOptions(opts []Option) options {
	o := options{interval: DefaultSyncInterval}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithSyncInterval sets the group-commit interval: a background goroutine
// fsyncs the file every d while records are waiting. d <= 0 fsyncs in
// every Append instead (slow; for tests and the paranoid).
func WithSyncInterval(d time.Duration) Option {
	return func(o *options) { o.interval = d }
}

// WithSpec makes Open refuse, before repairing anything, a journal whose
// SpecSHA256 is not sha (the error wraps ErrSpecMismatch).
func WithSpec(sha string) Option {
	return func(o *options) { o.spec = sha }
}

// WithSalvage makes Open accept a journal damaged in the middle: it keeps
// the records before the first damage and truncates the file there,
// dropping the intact records after it (their chunks are run again).
// For a `--salvage` flag, after a user has seen Open's refusal.
func WithSalvage() Option {
	return func(o *options) { o.salvage = true }
}

// Writer appends chunk records to a journal. Its methods are for one
// goroutine (the controller); the background fsync goroutine it starts
// is synchronized internally.
type Writer struct {
	path     string
	f        *os.File
	interval time.Duration
	buf      []byte
	size     atomic.Int64 // bytes written by write(2), all intact records
	closed   bool

	// Injected in tests; f.WriteAt and f.Sync otherwise.
	writeAt func([]byte, int64) (int, error)
	fsync   func() error

	syncMu sync.Mutex // serializes fsyncs; guards synced
	synced int64      // bytes known to be on stable storage

	// errMu is separate from syncMu so Append never waits for an fsync.
	errMu sync.Mutex
	err   error // sticky failure: fsync, or truncation after a failed write

	stop chan struct{}
	done chan struct{}
}

func newWriter(path string, f *os.File, size int64, o options) *Writer {
	w := &Writer{path: path, f: f, interval: o.interval, writeAt: f.WriteAt, fsync: f.Sync, synced: size}
	w.size.Store(size)
	if w.interval > 0 {
		w.stop, w.done = make(chan struct{}), make(chan struct{})
		go w.loop()
	}
	return w
}

// Create creates a journal at path holding header h and returns its
// writer; it fails if path exists. The header is written and fsync'd
// under a temporary name and linked into place, so a journal is never
// seen without a complete header.
func Create(path string, h Header, opts ...Option) (*Writer, error) {
	o := makeOptions(opts)
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return nil, fmt.Errorf("journal: could not create: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a successful link, only the extra name goes
	data := appendPrefix(nil, h)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("journal: could not write the header of %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("journal: could not fsync the header of %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("journal: could not write the header of %s: %w", path, err)
	}
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("journal: %s already exists: resume it with Open, or use --force to start fresh", path)
		}
		return nil, fmt.Errorf("journal: could not create: %w", err)
	}
	f, err := openLocked(path)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(tmpName); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: could not remove the temporary name of %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: could not fsync directory %s after creating %s: %w", dir, path, err)
	}
	return newWriter(path, f, int64(len(data)), o), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Append writes c's record to the file with one write(2) before it
// returns, so a killed process loses no appended record, together with
// the records that AppendMore has kept for it; it is fsync'd within the
// sync interval, or by Sync or Close. A failed write leaves the file as
// it was (the partial records are truncated away, and the kept records
// dropped), and Append may be retried. After a failed fsync every call
// fails.
func (w *Writer) Append(c Chunk) error {
	if err := w.add(c); err != nil {
		return err
	}
	return w.flush()
}

// AppendMore is Append for a record that others follow at once (the
// chunks of one message of the workers'): it keeps the record, to be
// written by the next Append, Sync or Close in the same write(2). Until
// then a killed process loses it.
func (w *Writer) AppendMore(c Chunk) error {
	return w.add(c)
}

// add encodes c's record after the records kept.
func (w *Writer) add(c Chunk) error {
	if w.closed {
		return fmt.Errorf("journal: %s: append after Close", w.path)
	}
	if err := w.stickyErr(); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	at := len(w.buf)
	w.buf = appendChunk(w.buf, &c)
	if size := len(w.buf) - at; size-frameOverhead > MaxRecordSize {
		w.buf = w.buf[:at]
		return fmt.Errorf("journal: chunk of point %.12s, repetitions [%d,%d), is %d bytes: over the %d-byte record limit", c.Key, c.Start, c.End, size, MaxRecordSize)
	}
	return nil
}

// flush writes the records kept, in one write(2).
func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	off := w.size.Load()
	n, err := w.writeAt(w.buf, off)
	w.buf = w.buf[:0]
	if err != nil {
		if n > 0 {
			if terr := w.f.Truncate(off); terr != nil {
				w.setErr(fmt.Errorf("journal: could not truncate %s to offset %d after a failed write (%v): %w", w.path, off, err, terr))
				return w.stickyErr()
			}
		}
		return fmt.Errorf("journal: could not append to %s: %w", w.path, err)
	}
	w.size.Add(int64(n))
	if w.interval <= 0 {
		return w.Sync()
	}
	return nil
}

// Sync fsyncs every record appended so far; when it returns nil they are
// on stable storage.
func (w *Writer) Sync() error {
	if w.closed {
		return fmt.Errorf("journal: %s: Sync after Close", w.path)
	}
	if err := w.flush(); err != nil {
		return err
	}
	return w.sync()
}

func (w *Writer) sync() error {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	if err := w.stickyErr(); err != nil {
		return err
	}
	target := w.size.Load() // everything written before the fsync starts
	if target <= w.synced {
		return nil
	}
	if err := w.fsync(); err != nil {
		// After a failed fsync the kernel may have dropped the dirty
		// pages: nothing since the last good fsync can be trusted.
		w.setErr(fmt.Errorf("journal: could not fsync %s: %w: records since offset %d may be lost; rerun to resume from the journal", w.path, err, w.synced))
		return w.stickyErr()
	}
	w.synced = target
	return nil
}

func (w *Writer) setErr(err error) {
	w.errMu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.errMu.Unlock()
}

func (w *Writer) stickyErr() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// loop is the group commit: every interval, fsync what was written.
func (w *Writer) loop() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.sync() // a failure is sticky and reported by the next call
		}
	}
}

// Size returns the bytes written so far (header and records).
func (w *Writer) Size() int64 { return w.size.Load() }

// Synced returns the bytes known to be fsync'd.
func (w *Writer) Synced() int64 {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	return w.synced
}

// Close stops the group commit, fsyncs and closes the file.
func (w *Writer) Close() error {
	if w.closed {
		return fmt.Errorf("journal: %s: writer already closed", w.path)
	}
	ferr := w.flush() // the records AppendMore kept
	w.closed = true
	if w.stop != nil {
		close(w.stop)
		<-w.done
	}
	err := w.sync()
	if ferr != nil {
		err = ferr
	}
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal: could not close %s: %w", w.path, cerr)
	}
	return err
}
