package campaign_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
)

const exampleSpec = `name = "example"
seed = 1
repetitions = 20

[network]
generator = "er"
n = 500
mean_degree = 3.0

[process]
model = "sir"
beta = 1.0
gamma = 1.0

[sweep]
"process.beta" = [0.5, 1.0]
`

// printer is a Reporter that prints the start of a run and ignores the
// progress of each chunk.
type printer struct{}

func (printer) Notice(msg string) { fmt.Println("notice:", msg) }
func (printer) Start(st campaign.Start) {
	fmt.Printf("%d points × %d repetitions, %d of %d runs done before\n", st.Points, st.Reps, st.Done, st.Total)
}
func (printer) Progress(mpirun.Progress) {}

// Run a campaign on two local workers, then read its directory's status.
func Example() {
	s, err := spec.Parse("example.toml", []byte(exampleSpec))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "campaign-example")
	defer os.RemoveAll(dir)

	opts := campaign.RunOptions{Ranks: 2, Runtime: "embedded"}
	opts.Reporter = printer{}
	out, err := campaign.Run(context.Background(), dir, s, campaign.Local(s, 2), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("results:", filepath.Base(out.Results))

	st, err := campaign.ReadStatus(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	done, failed := st.Totals()
	fmt.Printf("status: %d of %d runs done, %d failed, %s\n", done, st.Total(), failed, st.Progress.State)
	// Output:
	// 2 points × 20 repetitions, 0 of 40 runs done before
	// results: results.csv
	// status: 40 of 40 runs done, 0 failed, complete
}

// Run the shards of a job array, each in its own directory, and merge
// them into the campaign's results.
func ExampleCollect() {
	s, _ := spec.Parse("example.toml", []byte(exampleSpec))
	dir, _ := os.MkdirTemp("", "campaign-example")
	defer os.RemoveAll(dir)

	for i := range 3 {
		sdir := filepath.Join(dir, campaign.ShardsDir, fmt.Sprint(i))
		opts := campaign.RunOptions{Ranks: 1, Runtime: "embedded"}
		opts.Shard = campaign.Shard{I: i, K: 3}
		if _, err := campaign.Run(context.Background(), sdir, s, campaign.Local(s, 1), opts); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := campaign.Collect(dir, campaign.RunOptions{}.Provenance); err != nil {
		fmt.Println(err)
		return
	}
	_, err := os.Stat(filepath.Join(dir, "results.csv"))
	fmt.Println("merged:", err == nil)
	// Output:
	// merged: true
}
