package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// TestJSONStreamed checks that results.json, written a point at a time,
// has the bytes of MarshalIndent of the whole File (as it was written
// before), with and without [output] moments and given, and with no
// points.
func TestJSONStreamed(t *testing.T) {
	s, tab := fixture(t)
	sm, err := spec.Parse("r.toml", []byte(gridSpec+"[output]\nmoments = true\ngiven = { major = 1 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	tm := reduce.NewTable(sm.Layout(), sm.NumPoints())
	sum := reduce.NewSummary(sm.Layout())
	for j := range 5 {
		sum.Add([]float64{float64(j) / 4, float64(min(j, 1))})
	}
	tm.Add(2, sum)
	prov := Provenance{Ranks: 2, SpecSHA256: s.SHA256}
	for name, c := range map[string]struct {
		s *spec.Spec
		t *reduce.Table
	}{"plain": {s, tab}, "moments and given": {sm, tm}, "no points": {s, reduce.NewTable(s.Layout(), 0)}} {
		got, err := JSON(c.s, c.t, prov)
		if err != nil {
			t.Fatal(err)
		}
		f := File{Name: c.s.Name, Params: c.s.Params, Metrics: c.t.Layout.Metrics, Provenance: prov, Bins: map[string][]float64{}}
		if f.Params == nil {
			f.Params = []string{}
		}
		if g := c.t.Layout.Given; g != nil {
			f.Given = &Condition{Metric: g.Metric, Value: g.Value}
		}
		for j, m := range c.t.Layout.Metrics {
			f.Bins[m] = c.t.Layout.Edges(j)
		}
		f.Points = []Point{}
		for i := range c.t.Len() {
			f.Points = append(f.Points, jsonPoint(c.s, c.t.Layout, extraColumns(c.t.Layout), i, c.t.Point(i)))
		}
		whole, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if want := compactArrays(whole); !bytes.Equal(got, want) {
			t.Errorf("%s: streamed results.json differs from the whole File's:\n got %s\nwant %s", name, got, want)
		}
	}
}
