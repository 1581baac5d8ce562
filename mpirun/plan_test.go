package mpirun

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/cluster"
)

func TestArgs(t *testing.T) {
	base := []string{"--hostfile", "/o/hosts", "--mca", "plm_rsh_agent", "/o/ssh-wrapper", "--mca", "plm_rsh_no_tree_spawn", "1", "--mca", "btl", "tcp,self"}
	same := func(name string, n int) RankHost {
		return RankHost{Name: name, Ranks: n, Binary: "/d/netsweep-mpi", Spec: "/d/spec.toml"}
	}
	own := func(name string, n int) RankHost {
		return RankHost{Name: name, Ranks: n, Binary: "/d/" + name + "/netsweep-mpi", Spec: "/d/" + name + "/spec.toml"}
	}
	cat := func(parts ...[]string) []string {
		var a []string
		for _, p := range parts {
			a = append(a, p...)
		}
		return a
	}
	for _, tc := range []struct {
		name string
		plan Plan
		want []string
	}{
		{
			"one directory for all",
			Plan{Hosts: []RankHost{same("tom", 2), same("dick", 2), same("harry", 2)}},
			cat(base, []string{"--map-by", "slot", "-np", "6", "/d/netsweep-mpi", "run", "/d/spec.toml", "--out", "/r/out"}),
		},
		{
			"fewer ranks, net, keepalive, run flags",
			Plan{Net: "10.1.0.0/24", KeepAlive: 5 * time.Second, RunArgs: []string{"--chunk", "10"},
				Hosts: []RankHost{same("tom", 2), same("dick", 1), same("harry", 0)}},
			cat(base, []string{
				"--mca", "oob_tcp_keepalive_time", "5", "--mca", "oob_tcp_keepalive_intvl", "5", "--mca", "oob_tcp_keepalive_probes", "3",
				"--mca", "oob_tcp_if_include", "10.1.0.0/24", "--mca", "btl_tcp_if_include", "10.1.0.0/24",
				"--map-by", "slot", "-np", "3", "/d/netsweep-mpi", "run", "/d/spec.toml", "--out", "/r/out", "--chunk", "10"}),
		},
		{
			"a directory per host: one app context each, in order",
			Plan{Hosts: []RankHost{own("tom", 2), own("dick", 1), own("harry", 0)}},
			cat(base, []string{
				"-np", "2", "--host", "tom:2", "/d/tom/netsweep-mpi", "run", "/d/tom/spec.toml", "--out", "/r/out", ":",
				"-np", "1", "--host", "dick:1", "/d/dick/netsweep-mpi", "run", "/d/dick/spec.toml", "--out", "/r/out"}),
		},
		{
			"forwarded variables go to every app context",
			Plan{Forward: []string{"NETSWEEP_FAULTS"}, Hosts: []RankHost{own("tom", 1), own("dick", 1)}},
			cat(base, []string{
				"-x", "NETSWEEP_FAULTS", "-np", "1", "--host", "tom:1", "/d/tom/netsweep-mpi", "run", "/d/tom/spec.toml", "--out", "/r/out", ":",
				"-x", "NETSWEEP_FAULTS", "-np", "1", "--host", "dick:1", "/d/dick/netsweep-mpi", "run", "/d/dick/spec.toml", "--out", "/r/out"}),
		},
		{
			"odd characters stay single arguments",
			Plan{RunArgs: []string{"--deadline", "2h 30m"}, Hosts: []RankHost{{Name: "a", Ranks: 2, Binary: "/d/it's here/netsweep-mpi", Spec: "/d/$HOME/spec.toml"}}},
			cat(base, []string{"--map-by", "slot", "-np", "2", "/d/it's here/netsweep-mpi", "run", "/d/$HOME/spec.toml", "--out", "/r/out", "--deadline", "2h 30m"}),
		},
	} {
		tc.plan.Hostfile, tc.plan.Agent, tc.plan.Out = "/o/hosts", "/o/ssh-wrapper", "/r/out"
		if got := Args(tc.plan); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestAssignRanks(t *testing.T) {
	slots := []int{2, 1, 3}
	for _, tc := range []struct {
		np   int
		want []int // ranks per host; nil: an error
	}{
		{0, []int{2, 1, 3}},
		{6, []int{2, 1, 3}},
		{2, []int{2, 0, 0}},
		{4, []int{2, 1, 1}},
		{7, nil},
		{1, nil},
	} {
		got, err := AssignRanks(slots, tc.np)
		if tc.want == nil {
			if err == nil {
				t.Errorf("np=%d: no error", tc.np)
			}
			continue
		}
		if err != nil {
			t.Errorf("np=%d: %v", tc.np, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("np=%d: ranks %v, want %v", tc.np, got, tc.want)
		}
	}
}

func TestHostfile(t *testing.T) {
	got := Hostfile([]RankHost{{Name: "tom", Ranks: 2}, {Name: "dick", Ranks: 0}, {Name: "10.0.0.7", Ranks: 1}})
	if want := "tom slots=2\n10.0.0.7 slots=1\n"; got != want {
		t.Errorf("Hostfile = %q, want %q", got, want)
	}
	// What launch writes, the spec's hostfile reader reads back.
	back, err := cluster.ParseHostfile(strings.NewReader(got))
	if err != nil || len(back) != 2 || back[0] != (cluster.Host{Name: "tom", Slots: 2}) || back[1] != (cluster.Host{Name: "10.0.0.7", Slots: 1}) {
		t.Errorf("ParseHostfile(Hostfile) = %v, %v", back, err)
	}
}
