package journal

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAppend appends records of realistic sizes with the default
// group-commit policy (write(2) per record, fsync every second in the
// background), and with an fsync on every Append for comparison.
func BenchmarkAppend(b *testing.B) {
	for _, policy := range []struct {
		name string
		d    time.Duration
	}{{"group", DefaultSyncInterval}, {"fsync-each", 0}} {
		for _, size := range []int{200, 2000} {
			b.Run(fmt.Sprintf("%s/summary=%d", policy.name, size), func(b *testing.B) {
				chunks := testChunks(256, size, 40)
				w, err := Create(filepath.Join(b.TempDir(), "journal"), testHeader, WithSyncInterval(policy.d))
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(size))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := w.Append(chunks[i%len(chunks)]); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Sync(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
				w.Close()
			})
		}
	}
}

// BenchmarkFsync measures one fsync of a freshly appended record: the
// price Sync pays, and the cost the group commit spreads over a second.
func BenchmarkFsync(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "journal"), testHeader, WithSyncInterval(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	c := testChunks(1, 1000, 41)[0]
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := w.Append(c); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := w.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan reads a 10,000-record journal, as `netsweep status` does.
func BenchmarkScan(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal")
	writeJournal(b, path, testChunks(10000, 500, 42))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Scan(path); err != nil {
			b.Fatal(err)
		}
	}
}
