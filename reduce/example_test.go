package reduce_test

import (
	"fmt"

	"github.com/netsweep/netsweep/reduce"
)

// A table keeps each point's summary encoded; chunks merge into it
// exactly, from summaries or from their encodings (as a worker sends
// them), and Point decodes a point for reading.
func ExampleTable() {
	l := &reduce.Layout{Metrics: []string{"final_size"}}
	t := reduce.NewTable(l, 2)
	a, b := reduce.NewSummary(l), reduce.NewSummary(l)
	a.Add([]float64{0.25})
	b.Add([]float64{0.75})
	t.Add(1, a)
	if err := t.AddBinary(1, b.AppendBinary(nil)); err != nil {
		panic(err)
	}
	st := t.Point(1).Stats(0)
	fmt.Println(t.Point(0).Reps(), st.N, st.Mean, st.Max)
	// Output: 0 2 0.5 0.75
}
