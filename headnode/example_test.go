package headnode_test

import (
	"fmt"

	"github.com/netsweep/netsweep/headnode"
	"github.com/netsweep/netsweep/internal/shell"
)

// The remote netsweep runs with the environment that sshd does not pass
// on; every argument reaches the remote shell quoted.
func ExampleCommand() {
	args := headnode.Command("netsweep", []string{"SLURM_CONF=/etc/slurm/slurm.conf"}, "status", "/home/ann/netsweep/my sweep")
	fmt.Println(shell.Join(args))
	// Output: env SLURM_CONF=/etc/slurm/slurm.conf netsweep status '/home/ann/netsweep/my sweep'
}

// A session resolves the options of a command and, when the local
// directory has one, its record; what the options set wins.
func ExampleNewSession() {
	rec := &headnode.Record{Target: "ann@head.example.org:22", Dir: "/home/ann/netsweep/sir", Netsweep: "netsweep"}
	s, err := headnode.NewSession(headnode.Options{Netsweep: "/opt/netsweep/bin/netsweep"}, rec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Target, s.Dir, s.Netsweep, s.SSH.UseAgent)
	// Output: ann@head.example.org:22 /home/ann/netsweep/sir /opt/netsweep/bin/netsweep true
}
