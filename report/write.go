package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// Columns of each metric, in order, after the metric's name and an underscore.
var StatColumns = []string{"mean", "std", "sem", "min", "max", "ci95_lo", "ci95_hi", "q05", "q50", "q95"}

func statValues(st reduce.Stats) []float64 {
	return []float64{st.Mean, st.Std, st.SEM, st.Min, st.Max, st.CI95Lo, st.CI95Hi, st.Q05, st.Q50, st.Q95}
}

// MomentColumns are the statistics that [output] moments = true adds to
// each metric (reduce.Moments).
var MomentColumns = []string{"skewness", "kurtosis", "binder"}

// GivenPrefix starts the names of the statistics over the repetitions that
// meet [output] given: given_mean, given_std, ...
const GivenPrefix = "given_"

// extraColumns returns the statistics, beyond StatColumns, that layout l
// adds to each metric.
func extraColumns(l *reduce.Layout) []string {
	var c []string
	if l.Moments {
		c = append(c, MomentColumns...)
	}
	if l.Given != nil {
		for _, x := range StatColumns {
			c = append(c, GivenPrefix+x)
		}
		if l.Moments {
			for _, x := range MomentColumns {
				c = append(c, GivenPrefix+x)
			}
		}
	}
	return c
}

// extraValues returns the values of extraColumns for metric i of sum;
// unknown ones (lost to a merged record without them) are nil.
func extraValues(l *reduce.Layout, sum *reduce.Summary, i int) []*float64 {
	var v []*float64
	add := func(ok bool, xs ...float64) {
		for _, x := range xs {
			if ok {
				v = append(v, &x)
			} else {
				v = append(v, nil)
			}
		}
	}
	if l.Moments {
		m, ok := sum.Moments(i)
		add(ok, m.Skewness, m.Kurtosis, m.Binder)
	}
	if l.Given != nil {
		st, ok := sum.GivenStats(i)
		add(ok, statValues(st)...)
		if l.Moments {
			m, ok := sum.GivenMoments(i)
			add(ok, m.Skewness, m.Kurtosis, m.Binder)
		}
	}
	return v
}

// Provenance records how a results file was made.
type Provenance struct {
	SpecPath   string    `json:"spec_path"`
	SpecSHA256 string    `json:"spec_sha256"`
	SpecText   string    `json:"spec_text"`
	Seed       uint64    `json:"seed"`
	Version    string    `json:"netsweep_version"`
	Revision   string    `json:"vcs_revision"`
	GoVersion  string    `json:"go_version"`
	Host       string    `json:"host"`
	Command    []string  `json:"command"`
	Runtime    string    `json:"runtime"` // "embedded" or "mpi"
	Ranks      int       `json:"ranks"`
	Chunk      string    `json:"chunk"` // "guided" or the fixed size
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Resumed    bool      `json:"resumed,omitempty"`
	Journal    string    `json:"journal,omitempty"`
}

// File is the content of results.json.
type File struct {
	Name    string   `json:"name"`
	Params  []string `json:"params"`
	Metrics []string `json:"metrics"`
	// Given is the condition of the given_ statistics, if any.
	Given *Condition `json:"given,omitempty"`
	// Bins are the edges of each metric's histogram bins, from lo to hi;
	// each point's Hists count the values in them.
	Bins       map[string][]float64 `json:"bins,omitempty"`
	Points     []Point              `json:"points"`
	Provenance Provenance           `json:"provenance"`
}

// Condition is [output] given: the repetitions whose metric Metric equals
// Value.
type Condition struct {
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
}

// Hist is one metric's histogram at one point: Counts[j] values in
// [edges[First+j], edges[First+j+1]) of File.Bins (the bins before
// First and after the last count are empty), Under below the first edge
// and Over at or above the last.
type Hist struct {
	Under  int64   `json:"under"`
	First  int     `json:"first"`
	Counts []int64 `json:"counts"`
	Over   int64   `json:"over"`
}

// Count returns the count of bin j.
func (h *Hist) Count(j int) int64 {
	if j < h.First || j >= h.First+len(h.Counts) {
		return 0
	}
	return h.Counts[j-h.First]
}

// Point is one row of results.json.
type Point struct {
	Index   int                           `json:"index"`
	Params  map[string]any                `json:"params"`
	Reps    int64                         `json:"reps"`
	Failed  int64                         `json:"failed"`
	Metrics map[string]map[string]*number `json:"metrics"`
	// GivenReps is the number of repetitions that met [output] given, nil
	// without a condition or where it is unknown.
	GivenReps *int64          `json:"given_reps,omitempty"`
	Hists     map[string]Hist `json:"hists,omitempty"`
	// Precision, with [precision] only: see precision.go.
	Precision *PointPrecision `json:"precision,omitempty"`
}

// number is a float64 that encodes NaN as null, since JSON has no NaN.
type number float64

// UnmarshalJSON reads null as NaN, where a number is not behind a
// pointer (a pointer to one reads null as nil, without calling it).
func (n *number) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*n = number(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", data)
	}
	*n = number(f)
	return nil
}

func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', -1, 64)), nil
}

var nan = math.NaN()

// FormatFloat prints x in the shortest form that reads back exactly, and
// NaN as "NaN", which pandas reads as a missing value.
func FormatFloat(x float64) string {
	if math.IsNaN(x) {
		return "NaN"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// formatCount prints a count, or nothing where it is unknown.
func formatCount(n int64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func formatParam(v any) string {
	switch v := v.(type) {
	case float64:
		return FormatFloat(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// CSV renders the results table of t for spec s.
func CSV(s *spec.Spec, t *reduce.Table) []byte {
	var buf bytes.Buffer
	writeCSV(&buf, s, t) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// writeCSV writes results.csv to out, a row at a time.
func writeCSV(out io.Writer, s *spec.Spec, t *reduce.Table) error {
	w := csv.NewWriter(out)
	header := append([]string(nil), s.Params...)
	header = append(header, "reps", "failed")
	for _, m := range t.Layout.Metrics {
		for _, c := range StatColumns {
			header = append(header, m+"_"+c)
		}
	}
	// Columns that [output] moments and given add come after all the
	// others, so that those keep their places.
	var extra [][]string
	if t.Layout.Given != nil {
		header = append(header, "given_reps")
	}
	if cols := extraColumns(t.Layout); len(cols) > 0 {
		for _, m := range t.Layout.Metrics {
			extra = append(extra, cols)
			for _, c := range cols {
				header = append(header, m+"_"+c)
			}
		}
	}
	header = append(header, precisionHeader(s)...)
	w.Write(header)
	sum := reduce.NewSummary(t.Layout)
	for i := range t.Len() {
		t.Read(i, sum)
		row := make([]string, 0, len(header))
		for _, v := range s.PointValues(i) {
			row = append(row, formatParam(v))
		}
		row = append(row, strconv.FormatInt(sum.Reps(), 10), strconv.FormatInt(sum.Failed(), 10))
		for j := range t.Layout.Metrics {
			for _, x := range statValues(sum.Stats(j)) {
				row = append(row, FormatFloat(x))
			}
		}
		if t.Layout.Given != nil {
			n, ok := sum.GivenReps()
			row = append(row, formatCount(n, ok))
		}
		for j := range extra {
			for _, x := range extraValues(t.Layout, sum, j) {
				if x == nil {
					row = append(row, "")
				} else {
					row = append(row, FormatFloat(*x))
				}
			}
		}
		row = append(row, precisionCells(s, sum)...)
		w.Write(row)
	}
	w.Flush()
	return w.Error()
}

// JSON renders results.json for spec s, table t and provenance prov.
func JSON(s *spec.Spec, t *reduce.Table, prov Provenance) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, s, t, prov); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON writes results.json to w, without its final newline, a point
// at a time: the bytes json.MarshalIndent writes of the whole File, without
// holding the File, its encoding or more than one point's summary.
func writeJSON(w io.Writer, s *spec.Spec, t *reduce.Table, prov Provenance) error {
	f := File{Name: s.Name, Params: s.Params, Metrics: t.Layout.Metrics, Provenance: prov, Bins: map[string][]float64{}}
	if f.Params == nil {
		f.Params = []string{}
	}
	if c := t.Layout.Given; c != nil {
		f.Given = &Condition{Metric: c.Metric, Value: c.Value}
	}
	for j, m := range t.Layout.Metrics {
		f.Bins[m] = t.Layout.Edges(j)
	}
	// The File without its points, cut where they go.
	f.Points = []Point{}
	js, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	const empty = "\n  \"points\": []"
	at := bytes.Index(js, []byte(empty))
	if at < 0 {
		return fmt.Errorf("report: no points in the results' JSON")
	}
	at += len(empty) - 1
	if _, err := w.Write(compactArrays(js[:at])); err != nil {
		return err
	}
	cols := extraColumns(t.Layout)
	sum := reduce.NewSummary(t.Layout)
	for i := range t.Len() {
		t.Read(i, sum)
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		js, err := json.MarshalIndent(jsonPoint(s, t.Layout, cols, i, sum), "    ", "  ")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(compactArrays(js)); err != nil {
			return err
		}
	}
	if t.Len() > 0 {
		if _, err := io.WriteString(w, "\n  "); err != nil {
			return err
		}
	}
	_, err = w.Write(compactArrays(js[at:]))
	return err
}

// jsonPoint returns point i of results.json, of summary sum.
func jsonPoint(s *spec.Spec, l *reduce.Layout, cols []string, i int, sum *reduce.Summary) Point {
	p := Point{Index: i, Params: map[string]any{}, Reps: sum.Reps(), Failed: sum.Failed(), Metrics: map[string]map[string]*number{}}
	vals := s.PointValues(i)
	for j, k := range s.Params {
		p.Params[k] = vals[j]
	}
	for j, m := range l.Metrics {
		stats := map[string]*number{}
		for c, x := range statValues(sum.Stats(j)) {
			n := number(x)
			stats[StatColumns[c]] = &n
		}
		for c, x := range extraValues(l, sum, j) {
			var n *number
			if x != nil {
				n = (*number)(x)
			}
			stats[cols[c]] = n
		}
		p.Metrics[m] = stats
		h := sum.Histogram(j)
		if p.Hists == nil {
			p.Hists = map[string]Hist{}
		}
		bins := h[1 : len(h)-1]
		lo, hi := 0, len(bins)
		for lo < hi && bins[lo] == 0 {
			lo++
		}
		for hi > lo && bins[hi-1] == 0 {
			hi--
		}
		p.Hists[m] = Hist{Under: h[0], First: lo, Counts: slices.Clone(bins[lo:hi]), Over: h[len(h)-1]}
	}
	if n, ok := sum.GivenReps(); ok {
		p.GivenReps = &n
	}
	p.Precision = pointPrecision(s, sum)
	return p
}

// compactArrays puts each array of numbers of MarshalIndent's output (the
// histograms' edges and counts) on one line, not one line per number.
func compactArrays(js []byte) []byte {
	return numberArray.ReplaceAllFunc(js, func(m []byte) []byte {
		f := bytes.Fields(m[1 : len(m)-1])
		return append(append([]byte{'['}, bytes.Join(f, []byte(" "))...), ']')
	})
}

// numberArray matches a JSON array of numbers as MarshalIndent writes it.
var numberArray = regexp.MustCompile(`\[\n[ ]*-?[0-9][-+.eE0-9]*(,\n[ ]*-?[0-9][-+.eE0-9]*)*\n[ ]*\]`)

// Write writes results.csv and results.json into dir, each atomically: a
// reader sees the old file or the new one, never half of one.
// Both are written a point at a time, so memory does not grow with the
// number of points.
func Write(dir string, s *spec.Spec, t *reduce.Table, prov Provenance) error {
	if err := writeFileAtomic(filepath.Join(dir, "results.csv"), func(w io.Writer) error { return writeCSV(w, s, t) }); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "results.json"), func(w io.Writer) error {
		if err := writeJSON(w, s, t, prov); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	})
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path. The data go in one write: progress.json's few
// hundred bytes, written every few seconds, need no buffer.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomic is WriteFileAtomic of what write writes, buffered.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	return writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// writeAtomic writes what write writes to the file to a temporary file
// beside path, syncs it and renames it over path; path is left alone if
// write fails.
func writeAtomic(path string, write func(io.Writer) error) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	defer a.abort()
	if err := write(a.f); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return a.commit()
}

// atomicFile is a file being written in place of path: a temporary file
// beside it, renamed over it once complete (commit), or removed (abort).
type atomicFile struct {
	f    *os.File
	path string
	done bool // committed or aborted
}

// createAtomic creates the temporary file of path.
func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("could not write %s: %w", path, err)
	}
	return &atomicFile{f: f, path: path}, nil
}

// commit syncs and closes the file and renames it over path.
func (a *atomicFile) commit() error {
	if a.done {
		return fmt.Errorf("could not write %s: its file was already closed", a.path)
	}
	a.done = true
	tmp := a.f.Name()
	err := a.f.Sync()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", a.path, err)
	}
	return nil
}

// abort closes and removes the file, unless committed; path is left
// alone.
func (a *atomicFile) abort() {
	if !a.done {
		a.done = true
		a.f.Close()
		os.Remove(a.f.Name())
	}
}
