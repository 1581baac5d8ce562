package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseHost(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Host // zero: an error is wanted
	}{
		{"tom", Host{"tom", 1}},
		{"tom:2", Host{"tom", 2}},
		{"10.231.0.2:4", Host{"10.231.0.2", 4}},
		{"node-1.lab.example.org:16", Host{"node-1.lab.example.org", 16}},
		{"tom:4096", Host{"tom", 4096}},
		{"", Host{}},
		{":2", Host{}},
		{"tom:", Host{}},
		{"tom:0", Host{}},
		{"tom:-1", Host{}},
		{"tom:4097", Host{}},
		{"tom:2:22", Host{}},
		{"me@tom", Host{}},
		{"-oProxyCommand=x", Host{}},
		{".tom", Host{}},
		{"tom dick", Host{}},
		{"tom;rm", Host{}},
		{"tom_1", Host{}},
		{"[::1]", Host{}},
	} {
		got, err := ParseHost(tc.in)
		if tc.want == (Host{}) {
			if err == nil {
				t.Errorf("ParseHost(%q) = %v, want an error", tc.in, got)
			} else if !strings.HasPrefix(err.Error(), "cluster: bad host ") {
				t.Errorf("ParseHost(%q): error %q does not say what is wrong", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseHost(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseHostfile(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Host // nil: an error is wanted
	}{
		{"openmpi", "tom slots=2\ndick slots=2\nharry\n", []Host{{"tom", 2}, {"dick", 2}, {"harry", 1}}},
		{"colon", "tom:2\n  dick:3  \n", []Host{{"tom", 2}, {"dick", 3}}},
		{"comments", "# lab\n\ntom slots=2 # fast\n\t\n", []Host{{"tom", 2}}},
		{"empty", "# nothing\n", nil},
		{"duplicate", "tom\ndick\ntom slots=2\n", nil},
		{"bad key", "tom max_slots=2\n", nil},
		{"both", "tom:2 slots=2\n", nil},
		{"bad slots", "tom slots=0\n", nil},
		{"bad name", "t@m\n", nil},
	} {
		got, err := ParseHostfile(strings.NewReader(tc.in))
		if tc.want == nil {
			if err == nil {
				t.Errorf("%s: ParseHostfile = %v, want an error", tc.name, got)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%s: ParseHostfile = %v, %v; want %v", tc.name, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: host %d = %v, want %v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
	_, err := ParseHostfile(strings.NewReader("tom\ntom\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("duplicate host: error %v does not name both lines", err)
	}
}

func TestHostList(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lab.hosts"), []byte("a slots=2\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Workstations{Hostfile: "lab.hosts"}
	hosts, err := c.HostList(dir)
	if err != nil || len(hosts) != 2 || hosts[0] != (Host{"a", 2}) || hosts[1] != (Host{"b", 1}) {
		t.Errorf("HostList from a hostfile = %v, %v", hosts, err)
	}
	c = Workstations{Hosts: []string{"x:3", "y"}}
	hosts, err = c.HostList("/nonexistent")
	if err != nil || len(hosts) != 2 || hosts[0] != (Host{"x", 3}) || hosts[1] != (Host{"y", 1}) {
		t.Errorf("HostList from hosts = %v, %v", hosts, err)
	}
	if _, err := (&Workstations{Hostfile: "missing"}).HostList(dir); err == nil {
		t.Error("HostList: no error for a missing hostfile")
	}
	if _, err := (&Workstations{}).HostList(dir); err == nil {
		t.Error("HostList: no error without hosts")
	}
}

func TestDeployPath(t *testing.T) {
	h := Host{"tom", 2}
	for _, tc := range []struct{ dir, want string }{
		{"", "/tmp/netsweep-ann/sir"},
		{"/scratch/{user}/{name}/{host}", "/scratch/ann/sir/tom"},
		{"/opt/netsweep/", "/opt/netsweep"},
	} {
		c := Workstations{Hosts: []string{"tom:2"}, DeployDir: tc.dir}
		if got := c.DeployPath(h, "ann", "sir"); got != tc.want {
			t.Errorf("deploy_dir %q: DeployPath = %q, want %q", tc.dir, got, tc.want)
		}
	}
}

func TestValidateWorkstations(t *testing.T) {
	ok := []Config{
		{Workstations: Workstations{Hosts: []string{"tom:2", "dick:2", "harry:2"}}},
		{Workstations: Workstations{Hostfile: "lab.hosts", DeployDir: "/scratch/{user}/{name}/{host}", SSHUser: "ann", SSHPort: 2222}},
		{Time: "10", Workstations: Workstations{Hosts: []string{"tom"}, SharedFS: true}},
	}
	for i, c := range ok {
		if errs := c.Validate(); errs != nil {
			t.Errorf("case %d: Validate() = %v, want no errors (no time needed without Slurm)", i, errs)
		}
	}
	for _, tc := range []struct {
		key string
		c   Config
	}{
		{"hosts[1]", Config{Workstations: Workstations{Hosts: []string{"tom", "me@dick"}}}},
		{"hosts[0]", Config{Workstations: Workstations{Hosts: []string{"tom:0"}}}},
		{"hosts[1]", Config{Workstations: Workstations{Hosts: []string{"tom:2", "tom:1"}}}},
		{"hostfile", Config{Workstations: Workstations{Hosts: []string{"tom"}, Hostfile: "h"}}},
		{"hostfile", Config{Workstations: Workstations{Hostfile: "a\nb"}}},
		{"deploy_dir", Config{Workstations: Workstations{Hosts: []string{"tom"}, DeployDir: "netsweep"}}},
		{"deploy_dir", Config{Workstations: Workstations{Hosts: []string{"tom"}, DeployDir: "~/netsweep"}}},
		{"deploy_dir", Config{Workstations: Workstations{Hosts: []string{"tom"}, DeployDir: "/"}}},
		{"deploy_dir", Config{Workstations: Workstations{Hosts: []string{"tom"}, DeployDir: "/x/{home}"}}},
		{"deploy_dir", Config{Workstations: Workstations{Hosts: []string{"tom"}, DeployDir: "/x\n"}}},
		{"ssh_user", Config{Workstations: Workstations{Hosts: []string{"tom"}, SSHUser: "-oProxyCommand=x"}}},
		{"ssh_user", Config{Workstations: Workstations{Hosts: []string{"tom"}, SSHUser: "a b"}}},
		{"ssh_port", Config{Workstations: Workstations{Hosts: []string{"tom"}, SSHPort: 70000}}},
		{"ssh_port", Config{Workstations: Workstations{Hosts: []string{"tom"}, SSHPort: -1}}},
		{"hosts", Config{Time: "10", Workstations: Workstations{SSHPort: 2222}}},
		{"time", Config{}},
	} {
		errs := tc.c.Validate()
		if len(errs) != 1 || errs[0].Key != tc.key {
			t.Errorf("%+v: want one error for %s, got %v", tc.c, tc.key, errs)
		}
	}
}
