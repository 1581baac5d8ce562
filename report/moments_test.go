package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// TestMomentsAndGiven checks the columns and fields that [output] moments
// and given add, and the histograms in results.json.
func TestMomentsAndGiven(t *testing.T) {
	s, err := spec.Parse("r.toml", []byte(gridSpec+"[output]\nmoments = true\ngiven = { major = 1 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	tab := reduce.NewTable(s.Layout(), s.NumPoints())
	sum := reduce.NewSummary(s.Layout())
	for j := range 4 { // final sizes 0, 0.25, 0.5, 0.75; major from the second on
		sum.Add([]float64{float64(j) / 4, float64(min(j, 1))})
	}
	tab.Add(0, sum)
	rows, err := csv.NewReader(bytes.NewReader(CSV(s, tab))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	base := len(s.Params) + 2 + 2*len(StatColumns)
	if col["given_reps"] != base || col["final_size_skewness"] != base+1 || col["final_size_given_mean"] != base+4 {
		t.Errorf("header %v", rows[0])
	}
	for c, want := range map[string]string{"given_reps": "3", "final_size_given_mean": "0.5", "final_size_skewness": "0",
		"final_size_given_min": "0.25", "final_size_binder": "0.3333333333333333", "major_given_std": "0"} {
		if got := rows[1][col[c]]; got != want {
			t.Errorf("%s = %q, want %q", c, got, want)
		}
	}
	if got := rows[2][col["final_size_given_mean"]]; got != "NaN" {
		t.Errorf("empty point: given mean %q, want NaN", got)
	}
	js, err := JSON(s, tab, Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(js, &f); err != nil {
		t.Fatal(err)
	}
	if f.Given == nil || f.Given.Metric != "major" || f.Given.Value != 1 {
		t.Errorf("given %+v", f.Given)
	}
	if v, err := f.Points[0].Stat("final_size", "given_mean"); err != nil || v != 0.5 {
		t.Errorf("given_mean %v %v", v, err)
	}
	if p := f.Points[0]; p.GivenReps == nil || *p.GivenReps != 3 {
		t.Errorf("given_reps %v", p.GivenReps)
	}
	edges := f.Bins["final_size"]
	h := f.Points[0].Hists["final_size"]
	if len(edges) != 201 || edges[0] != 0 || edges[len(edges)-1] != 1 || h.First != 0 || len(h.Counts) != 151 {
		t.Fatalf("final_size: %d edges from %v, counts from bin %d for %d bins", len(edges), edges[0], h.First, len(h.Counts))
	}
	var total int64 = h.Under + h.Over
	for j := range len(edges) - 1 {
		c := h.Count(j)
		total += c
		if c != 0 && (edges[j] > 0.75 || edges[j+1] <= 0) {
			t.Errorf("count %d in [%v, %v)", c, edges[j], edges[j+1])
		}
	}
	if total != 4 {
		t.Errorf("histogram counts %d values, want 4", total)
	}
	if got := f.Stats(); len(got) != len(StatColumns)+2*len(MomentColumns)+len(StatColumns) {
		t.Errorf("Stats %v", got)
	}
}
