package mpirun

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RankHost is one host of an mpirun launch over ssh: its ranks and its
// deployed copies of netsweep-mpi and the spec.
type RankHost struct {
	Name   string
	Ranks  int
	Binary string // deployed netsweep-mpi
	Spec   string // deployed spec
}

// Plan is everything Args needs to start a campaign with Open MPI's
// mpirun on a network of workstations.
type Plan struct {
	Hostfile string // --hostfile
	Agent    string // plm_rsh_agent: the ssh wrapper
	Net      string // CIDR for oob and btl tcp; "" = Open MPI's choice
	// KeepAlive is the TCP keepalive of mpirun's links to its daemons: a
	// daemon silent for 3 intervals is lost and mpirun ends the job, so a
	// vanished host fails the run instead of hanging it. 0 = Open MPI's
	// default (300 s idle, then 9 probes 20 s apart).
	KeepAlive time.Duration
	Hosts     []RankHost // in rank order; hosts with 0 ranks are left out
	// Forward names environment variables passed on to every rank (-x):
	// a remote rank's environment is otherwise its ssh session's.
	Forward []string
	Out     string   // --out of 'run'
	RunArgs []string // more flags of 'run'
}

// Args builds mpirun's arguments for p. Every daemon is started by mpirun
// itself through the wrapper (no tree spawn: the wrapper, key and
// known_hosts exist only on the launching machine); MPI traffic goes over
// TCP. When every host has its copies at the same paths, one app context
// of all ranks is mapped over the hostfile by slot; otherwise each host
// gets its own app context (--host NAME:N), in order, so rank 0 is on the
// first host.
func Args(p Plan) []string {
	a := []string{
		"--hostfile", p.Hostfile,
		"--mca", "plm_rsh_agent", p.Agent,
		"--mca", "plm_rsh_no_tree_spawn", "1",
		"--mca", "btl", "tcp,self",
	}
	if s := int(p.KeepAlive / time.Second); s > 0 {
		ka := strconv.Itoa(s)
		a = append(a, "--mca", "oob_tcp_keepalive_time", ka, "--mca", "oob_tcp_keepalive_intvl", ka, "--mca", "oob_tcp_keepalive_probes", "3")
	}
	if p.Net != "" {
		a = append(a, "--mca", "oob_tcp_if_include", p.Net, "--mca", "btl_tcp_if_include", p.Net)
	}
	// -x belongs to an app context: each gets its own.
	var forward []string
	for _, name := range p.Forward {
		forward = append(forward, "-x", name)
	}
	hosts := usedHosts(p.Hosts)
	total := 0
	for _, h := range hosts {
		total += h.Ranks
	}
	prog := func(h RankHost) []string {
		return append([]string{h.Binary, "run", h.Spec, "--out", p.Out}, p.RunArgs...)
	}
	same := true
	for _, h := range hosts {
		same = same && h.Binary == hosts[0].Binary && h.Spec == hosts[0].Spec
	}
	if same && len(hosts) > 0 {
		a = append(a, forward...)
		a = append(a, "--map-by", "slot", "-np", strconv.Itoa(total))
		return append(a, prog(hosts[0])...)
	}
	for i, h := range hosts {
		if i > 0 {
			a = append(a, ":")
		}
		a = append(a, forward...)
		a = append(a, "-np", strconv.Itoa(h.Ranks), "--host", h.Name+":"+strconv.Itoa(h.Ranks))
		a = append(a, prog(h)...)
	}
	return a
}

// usedHosts returns the hosts with at least one rank, in order.
func usedHosts(hosts []RankHost) []RankHost {
	var used []RankHost
	for _, h := range hosts {
		if h.Ranks > 0 {
			used = append(used, h)
		}
	}
	return used
}

// AssignRanks gives np ranks to hosts with the given slots, in order,
// filling each host's slots before the next, and returns the ranks of
// each; np = 0 fills every slot. Rank 0 only hands out work, so a launch
// needs at least 2 ranks.
func AssignRanks(slots []int, np int) ([]int, error) {
	total := 0
	for _, s := range slots {
		total += s
	}
	if np == 0 {
		np = total
	}
	if np > total {
		return nil, fmt.Errorf("--np %d: the hosts have only %d slots; add slots (NAME:SLOTS) or hosts", np, total)
	}
	if np < 2 {
		return nil, fmt.Errorf("--np %d: need at least 2 ranks (rank 0 only hands out work)", np)
	}
	ranks := make([]int, len(slots))
	left := np
	for i, s := range slots {
		ranks[i] = min(s, left)
		left -= ranks[i]
	}
	return ranks, nil
}

// Hostfile is an Open MPI hostfile for hosts: "NAME slots=RANKS" lines in
// rank order, hosts with 0 ranks left out.
func Hostfile(hosts []RankHost) string {
	var b strings.Builder
	for _, h := range usedHosts(hosts) {
		fmt.Fprintf(&b, "%s slots=%d\n", h.Name, h.Ranks)
	}
	return b.String()
}
