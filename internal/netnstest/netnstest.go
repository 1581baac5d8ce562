// Package netnstest makes test hosts out of Linux network namespaces: each
// host is a namespace with one veth link to a bridge in the root
// namespace, on a private /24 that the test assigns. Nothing is routed
// beyond the bridge, so no traffic leaves the machine.
package netnstest

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test network: the bridge holds .1, host i (from 0) holds .(i+2).
// 10.231.0.0/24 is private (RFC 1918) and only ever assigned here.
const (
	Prefix = "nsw-"           // every namespace and link this package makes
	Subnet = "10.231.0"       // the /24's first three octets
	CIDR   = Subnet + ".0/24" // for Open MPI's *_if_include
	Bridge = Prefix + "br0"
	Gate   = Subnet + ".1" // the bridge's address in the root namespace
)

// Host is one test host.
type Host struct {
	NS   string // network namespace, nsw-hI
	Addr string // its address, 10.231.0.(I+2)
	Veth string // the root namespace's end of its link, nsw-vI; down = cut off
}

// Need finds ip and checks for root, skipping the test loudly without
// them, or failing it under CI=true.
func Need(tb testing.TB) string {
	tb.Helper()
	missing := ""
	ip, err := exec.LookPath("ip")
	if err != nil {
		for _, p := range []string{"/usr/sbin/ip", "/sbin/ip"} {
			if _, err := os.Stat(p); err == nil {
				ip = p
			}
		}
		if ip == "" {
			missing = "ip (Debian: apt-get install iproute2) not found"
		}
	}
	if os.Geteuid() != 0 {
		missing = "network namespaces need root"
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("MISSING under CI=true: %s", missing)
		}
		tb.Skipf("SKIPPING: %s; run the tests as root with iproute2 to cover networks of workstations", missing)
	}
	return ip
}

// Setup creates n hosts and removes them, with every process left in
// them, when the test ends. Leftovers of an earlier run that died without
// cleaning up are removed first.
func Setup(tb testing.TB, n int) []Host {
	tb.Helper()
	if n < 1 || n > 200 {
		tb.Fatalf("netnstest: %d hosts: want 1 to 200", n)
	}
	ip := Need(tb)
	hosts := make([]Host, n)
	for i := range hosts {
		hosts[i] = Host{NS: fmt.Sprintf("%sh%d", Prefix, i+1), Addr: fmt.Sprintf("%s.%d", Subnet, i+2), Veth: fmt.Sprintf("%sv%d", Prefix, i+1)}
	}
	teardown := func() {
		for _, h := range hosts {
			killAll(h.NS, nil)
			exec.Command(ip, "link", "del", h.Veth).Run()
			exec.Command(ip, "netns", "del", h.NS).Run()
		}
		exec.Command(ip, "link", "del", Bridge).Run()
	}
	teardown()
	tb.Cleanup(teardown)
	run := func(args ...string) {
		tb.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			tb.Fatalf("netnstest: ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("link", "add", Bridge, "type", "bridge")
	run("addr", "add", Gate+"/24", "dev", Bridge)
	run("link", "set", Bridge, "up")
	for _, h := range hosts {
		run("netns", "add", h.NS)
		run("link", "add", h.Veth, "type", "veth", "peer", "name", "eth0", "netns", h.NS)
		run("link", "set", h.Veth, "master", Bridge, "up")
		run("-n", h.NS, "addr", "add", h.Addr+"/24", "dev", "eth0")
		run("-n", h.NS, "link", "set", "eth0", "up")
		run("-n", h.NS, "link", "set", "lo", "up")
	}
	return hosts
}

// Cut takes h's link down: h vanishes from the network, as a workstation
// whose cable is pulled.
func (h Host) Cut(tb testing.TB) { h.link(tb, "down") }

// Restore brings h's link back up.
func (h Host) Restore(tb testing.TB) { h.link(tb, "up") }

func (h Host) link(tb testing.TB, state string) {
	tb.Helper()
	if out, err := exec.Command("ip", "link", "set", h.Veth, state).CombinedOutput(); err != nil {
		tb.Fatalf("netnstest: ip link set %s %s: %v\n%s", h.Veth, state, err, out)
	}
}

// Processes returns the ids and names of the processes in h's namespace.
func (h Host) Processes() map[int]string {
	out, _ := exec.Command("ip", "netns", "pids", h.NS).Output()
	ps := map[int]string{}
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		ps[pid] = strings.TrimSpace(string(comm))
	}
	return ps
}

// KillAll kills, by id, every process in h's namespace whose name is not
// in keep (e.g. "sshd"), and returns the names of those it killed.
func (h Host) KillAll(keep ...string) []string { return killAll(h.NS, keep) }

func killAll(ns string, keep []string) []string {
	h := Host{NS: ns}
	var killed []string
	for try := 0; try < 50; try++ {
		left := 0
		for pid, name := range h.Processes() {
			if contains(keep, name) {
				continue
			}
			if try == 0 {
				killed = append(killed, name)
			}
			syscall.Kill(pid, syscall.SIGKILL)
			left++
		}
		if left == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return killed
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
