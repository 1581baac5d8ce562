package remote_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/netsweep/netsweep/remote"
)

// A campaign is submitted in one connection; results are collected later,
// redialing when the connection drops.
func Example() {
	ctx := context.Background()
	t, err := remote.ParseTarget("alice@login.hpc.example.org")
	if err != nil {
		log.Fatal(err)
	}
	opts := remote.Options{KeyFile: "/home/alice/.config/netsweep/keys/hpc", ConnectTimeout: 10 * time.Second}

	c, err := remote.Dial(ctx, t, opts)
	if err != nil {
		log.Fatal(err) // an unknown host key says to retry with --accept-host-key
	}
	if err := c.Upload(ctx, "sweep.toml", "campaigns/sweep.toml", 0o600); err != nil {
		log.Fatal(err)
	}
	out, _, err := c.Run(ctx, []string{"sbatch", "--parsable", "campaigns/sweep.sbatch"}, nil)
	if err != nil {
		log.Fatal(err) // an *remote.ExitError carries sbatch's stderr
	}
	fmt.Printf("job %s", out)
	c.Close()

	// Later, from another network:
	err = remote.WithClient(ctx, t, opts, 5, func(c *remote.Client) error {
		return c.Download(ctx, "campaigns/sweep/results.csv", "results.csv")
	})
	if err != nil {
		log.Fatal(err)
	}
}
