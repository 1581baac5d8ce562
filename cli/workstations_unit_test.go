package cli

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseLaunchFlags(t *testing.T) {
	o, err := parseLaunchFlags([]string{"s.toml", "--np", "4", "--out", "/r/o", "--hosts", "a:2,b:2", "--", "--chunk", "5", "--deadline", "1h"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Spec != "s.toml" || o.NP != 4 || o.Out != "/r/o" || o.SSH.Hosts != "a:2,b:2" || !reflect.DeepEqual(o.RunArgs, []string{"--chunk", "5", "--deadline", "1h"}) {
		t.Errorf("parseLaunchFlags = %+v", o)
	}
	for _, bad := range [][]string{
		{},
		{"a.toml", "b.toml"},
		{"s.toml", "--np", "-1"},
		{"s.toml", "--net", "10.0.0.0"},
		{"s.toml", "--net", "10.0.0.0/33"},
		{"s.toml", "--net", "eth0"},
		{"s.toml", "--keepalive", "100ms"},
		{"s.toml", "--", "--out", "x"},
		{"s.toml", "--", "--out=x"},
		{"s.toml", "--bogus"},
	} {
		if _, err := parseLaunchFlags(bad); err == nil {
			t.Errorf("parseLaunchFlags(%q): no error", bad)
		}
	}
}

// TestDeployWithoutHosts: deploy says what to add to a spec without hosts.
func TestDeployWithoutHosts(t *testing.T) {
	plain := writeSpec(t, "name = \"p\"\nseed = 1\nrepetitions = 2\n[network]\ngenerator = \"er\"\nn = 10\nmean_degree = 2.0\n[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n")
	code, msg := netsweep(t, "deploy", plain, "--binary", os.Args[0])
	if code != exitUsage || !strings.Contains(msg, "hosts") {
		t.Errorf("deploy without hosts: exit %d, %s", code, msg)
	}
}
