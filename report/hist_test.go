package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlotHist(t *testing.T) {
	s, tab := fixture(t)
	dir := t.TempDir()
	if err := Write(dir, s, tab, Provenance{}); err != nil {
		t.Fatal(err)
	}
	f, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []HistOptions{
		{Metric: "final_size"},
		{Metric: "final_size", Where: map[string]string{"network.n": "100"}, LogY: true},
		{Metric: "final_size", LogX: true, LogY: true},
	} {
		path := filepath.Join(dir, "h.svg")
		os.Remove(path)
		if err := PlotHist(f, o, path); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
			t.Errorf("%+v: %v", o, err)
		}
	}
	for _, tc := range []struct {
		o    HistOptions
		want string
	}{
		{HistOptions{Metric: "size"}, "not a metric"},
		{HistOptions{Metric: "final_size", Where: map[string]string{"n": "1"}}, "not a swept parameter"},
		{HistOptions{Metric: "final_size", Where: map[string]string{"network.n": "7"}}, "no point"},
	} {
		if err := PlotHist(f, tc.o, filepath.Join(dir, "x.png")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	// --stat: the median instead of the mean.
	if err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size", Series: "network.n", Stat: "q50", LogX: true}, filepath.Join(dir, "q.png")); err != nil {
		t.Error(err)
	}
	if err := Plot(f, PlotOptions{X: "process.beta", Y: "final_size", Series: "network.n", Stat: "binder"}, filepath.Join(dir, "b.png")); err == nil {
		t.Error("--stat binder accepted without [output] moments")
	}
}
