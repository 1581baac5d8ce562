package campaign

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/report"
	"github.com/netsweep/netsweep/spec"
)

const testSpec = `name = "t"
seed = 3
repetitions = 60

[network]
generator = "er"
n = 400
mean_degree = 3.0

[process]
model = "sir"
beta = 1.0
gamma = 1.0

[sweep]
"process.beta" = [0.4, 0.8, 1.6]
`

func parse(t testing.TB, text string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("t.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stopAfter is a Reporter that closes stop once n chunks have finished.
type stopAfter struct {
	Nop
	n    int
	stop chan struct{}
	once sync.Once
}

func (r *stopAfter) Progress(p mpirun.Progress) {
	if p.Done >= int64(r.n) {
		r.once.Do(func() { close(r.stop) })
	}
}

// runStopped runs s in dir on ranks workers, in chunks of 2, stopped
// through RunOptions.Stop once 20 runs have finished: Run must report
// ErrIncomplete.
func runStopped(t *testing.T, dir string, s *spec.Spec, ranks int) {
	t.Helper()
	rep := &stopAfter{n: 20, stop: make(chan struct{})}
	o := RunOptions{Ranks: ranks, Chunk: 2, Stop: rep.stop}
	o.Reporter = rep
	if _, err := Run(context.Background(), dir, s, Local(s, ranks), o); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("stopped run: %v, want ErrIncomplete", err)
	}
}

func results(t testing.TB, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestStopAndResume stops a run through RunOptions.Stop, checks that Run
// reports ErrIncomplete with the finished chunks journaled, and that the
// resume runs only the rest, to results byte-identical to a run without a
// stop, on another number of workers.
func TestStopAndResume(t *testing.T) {
	s := parse(t, testSpec)
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "dir")
	runStopped(t, dir, s, 3)
	st, err := ReadStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	done, _ := st.Totals()
	if done < 20 || done >= st.Total() || st.Progress == nil || st.Progress.State != StateStopped {
		t.Fatalf("after the stop: %d of %d runs journaled, progress %+v", done, st.Total(), st.Progress)
	}

	var started Start
	o := RunOptions{Ranks: 1}
	o.Reporter = startRecorder{&started}
	out, err := Run(ctx, dir, s, Local(s, 1), o)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Resumed || started.Done != done || started.Total != 180 {
		t.Errorf("resume: %+v, started %+v; want %d runs done before", out, started, done)
	}
	if got, want := results(t, dir), results(t, ref); !bytes.Equal(got, want) {
		t.Errorf("results after stop and resume differ from an uninterrupted run's:\n%s\n%s", got, want)
	}
}

type startRecorder struct{ st *Start }

func (startRecorder) Notice(string)            {}
func (r startRecorder) Start(st Start)         { *r.st = st }
func (startRecorder) Progress(mpirun.Progress) {}

// TestOtherCampaignRefused checks that a directory holding another spec's
// journal is refused, and that Force moves it aside, never mixing the two.
func TestOtherCampaignRefused(t *testing.T) {
	ctx := context.Background()
	a, b := parse(t, testSpec), parse(t, strings.Replace(testSpec, "seed = 3", "seed = 4", 1))
	dir := filepath.Join(t.TempDir(), "dir")
	if _, err := Run(ctx, dir, a, Local(a, 1), RunOptions{Ranks: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, dir, b, Local(b, 1), RunOptions{Ranks: 1}); err == nil {
		t.Fatal("a directory of another campaign was resumed")
	}
	var notices []string
	o := RunOptions{Ranks: 1}
	o.Force = true
	o.Reporter = noticeRecorder{&notices}
	if _, err := Run(ctx, dir, b, Local(b, 1), o); err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "moved the old campaign directory") {
		t.Errorf("notices: %q", notices)
	}
	aside, _ := filepath.Glob(dir + ".replaced-*")
	if len(aside) != 1 {
		t.Fatalf("directories moved aside: %v", aside)
	}
	if _, err := os.Stat(filepath.Join(aside[0], "results.csv")); err != nil {
		t.Errorf("the old campaign's results were not kept: %v", err)
	}
}

type noticeRecorder struct{ msgs *[]string }

func (r noticeRecorder) Notice(m string)        { *r.msgs = append(*r.msgs, m) }
func (noticeRecorder) Start(Start)              {}
func (noticeRecorder) Progress(mpirun.Progress) {}

// TestCollect runs a campaign as 4 shards and checks that Collect's
// results are byte-identical to a single run's, and that a missing shard
// is named.
func TestCollect(t *testing.T) {
	s := parse(t, testSpec)
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 2), RunOptions{Ranks: 2}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 4 {
		if i == 2 {
			continue
		}
		o := RunOptions{Ranks: 1}
		o.Shard = Shard{I: i, K: 4}
		out, err := Run(ctx, filepath.Join(dir, ShardsDir, strconv.Itoa(i)), s, Local(s, 1), o)
		if err != nil || out.Results != "" {
			t.Fatalf("shard %d: %+v, %v", i, out, err)
		}
	}
	if err := Collect(dir, report.Provenance{}); err == nil || !strings.Contains(err.Error(), "lacks shards 2 of 4") {
		t.Fatalf("collect without shard 2: %v", err)
	}
	o := RunOptions{Ranks: 1}
	o.Shard = Shard{I: 2, K: 4}
	if _, err := Run(ctx, filepath.Join(dir, ShardsDir, "2"), s, Local(s, 1), o); err != nil {
		t.Fatal(err)
	}
	if err := Collect(dir, report.Provenance{}); err != nil {
		t.Fatal(err)
	}
	if got, want := results(t, dir), results(t, ref); !bytes.Equal(got, want) {
		t.Errorf("collected results differ from a single run's")
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"0/4", true}, {"3/4", true}, {"4/4", false}, {"-1/4", false}, {"0/0", false}, {"x", false}} {
		sh, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || tc.ok && sh.String() != tc.in {
			t.Errorf("ParseShard(%q) = %v, %v", tc.in, sh, err)
		}
	}
}
