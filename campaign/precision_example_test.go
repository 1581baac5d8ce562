package campaign_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/spec"
)

// A campaign with [precision]: each point runs blocks of 20 repetitions
// until the standard error of its final size is at most 0.01. The far
// subcritical point (β = 0.05) stops at min_repetitions; the one near the
// threshold (β = 1/3 for mean degree 4) runs more. The counts are the same
// on any number of workers.
func Example_precision() {
	text := strings.Replace(exampleSpec, "repetitions = 20\n", "", 1)
	text = strings.Replace(text, "mean_degree = 3.0", "mean_degree = 4.0", 1)
	text = strings.Replace(text, `"process.beta" = [0.5, 1.0]`, `"process.beta" = [0.05, 0.4]`, 1)
	text += "\n[precision]\nmetric = \"final_size\"\nsem = 0.01\nmin_repetitions = 20\nmax_repetitions = 2000\nblock = 20\n"
	s, err := spec.Parse("precision.toml", []byte(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	tmp, _ := os.MkdirTemp("", "precision-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "campaign")
	if _, err := campaign.Run(context.Background(), dir, s, campaign.Local(s, 2), campaign.RunOptions{Ranks: 2}); err != nil {
		fmt.Println(err)
		return
	}
	st, err := campaign.ReadStatus(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p := range s.NumPoints() {
		fmt.Printf("β = %v: %d repetitions, met %v\n", s.Point(p).Values[0], st.Done[p], st.Met[p])
	}
	// Output:
	// β = 0.05: 20 repetitions, met true
	// β = 0.4: 180 repetitions, met true
}
