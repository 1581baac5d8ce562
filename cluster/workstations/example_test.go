package workstations_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/netsweep/netsweep/cluster/workstations"
)

// The ssh wrapper mpirun starts its daemons with checks host keys
// strictly against one known_hosts file.
func ExampleWrapperScript() {
	script := workstations.WrapperScript(workstations.WrapperConfig{
		SSH: "/usr/bin/ssh", KnownHosts: "/home/ann/.ssh/known_hosts", User: "ann", Port: 22, KeepAlive: 10 * time.Second,
	})
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		if strings.HasPrefix(line, "exec ") {
			fmt.Println(line)
		}
	}
	// Output: exec /usr/bin/ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/home/ann/.ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o ServerAliveInterval=10 -o ServerAliveCountMax=3 -o ConnectTimeout=15 -l ann -p 22 "$@"
}

func ExampleValidCIDR() {
	fmt.Println(workstations.ValidCIDR("10.1.0.0/24"), workstations.ValidCIDR("eth0"))
	// Output: true false
}
