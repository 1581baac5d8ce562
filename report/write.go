package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
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
	Name       string     `json:"name"`
	Params     []string   `json:"params"`
	Metrics    []string   `json:"metrics"`
	Points     []Point    `json:"points"`
	Provenance Provenance `json:"provenance"`
}

// Point is one row of results.json.
type Point struct {
	Index   int                           `json:"index"`
	Params  map[string]any                `json:"params"`
	Reps    int64                         `json:"reps"`
	Failed  int64                         `json:"failed"`
	Metrics map[string]map[string]*number `json:"metrics"`
	// Precision, with [precision] only: see precision.go.
	Precision *PointPrecision `json:"precision,omitempty"`
}

// number is a float64 that encodes NaN as null, since JSON has no NaN.
type number float64

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
	w := csv.NewWriter(&buf)
	header := append([]string(nil), s.Params...)
	header = append(header, "reps", "failed")
	for _, m := range t.Layout.Metrics {
		for _, c := range StatColumns {
			header = append(header, m+"_"+c)
		}
	}
	header = append(header, precisionHeader(s)...)
	w.Write(header)
	for i, sum := range t.Points {
		row := make([]string, 0, len(header))
		for _, v := range s.Points[i].Values {
			row = append(row, formatParam(v))
		}
		row = append(row, strconv.FormatInt(sum.Reps(), 10), strconv.FormatInt(sum.Failed(), 10))
		for j := range t.Layout.Metrics {
			for _, x := range statValues(sum.Stats(j)) {
				row = append(row, FormatFloat(x))
			}
		}
		row = append(row, precisionCells(s, sum)...)
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// JSON renders results.json for spec s, table t and provenance prov.
func JSON(s *spec.Spec, t *reduce.Table, prov Provenance) ([]byte, error) {
	f := File{Name: s.Name, Params: s.Params, Metrics: t.Layout.Metrics, Provenance: prov}
	if f.Params == nil {
		f.Params = []string{}
	}
	for i, sum := range t.Points {
		p := Point{Index: i, Params: map[string]any{}, Reps: sum.Reps(), Failed: sum.Failed(), Metrics: map[string]map[string]*number{}}
		for j, k := range s.Params {
			p.Params[k] = s.Points[i].Values[j]
		}
		for j, m := range t.Layout.Metrics {
			stats := map[string]*number{}
			for c, x := range statValues(sum.Stats(j)) {
				n := number(x)
				stats[StatColumns[c]] = &n
			}
			p.Metrics[m] = stats
		}
		p.Precision = pointPrecision(s, sum)
		f.Points = append(f.Points, p)
	}
	return json.MarshalIndent(f, "", "  ")
}

// Write writes results.csv and results.json into dir, each atomically: a
// reader sees the old file or the new one, never half of one.
func Write(dir string, s *spec.Spec, t *reduce.Table, prov Provenance) error {
	js, err := JSON(s, t, prov)
	if err != nil {
		return fmt.Errorf("could not encode results.json: %w", err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "results.csv"), CSV(s, t)); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, "results.json"), append(js, '\n'))
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}
