package cluster

import (
	"strings"
	"testing"
)

// TestScriptEnv: exports sorted by name, every value one quoted word.
func TestScriptEnv(t *testing.T) {
	j := Job{Cluster: Config{Modules: []string{"gcc/12", "a b"}, Env: map[string]string{"Z": "1", "A": "x y"}, Workdir: "/w d"}}
	e := j.ScriptEnv()
	if strings.Join(e.Modules, ",") != "gcc/12,'a b'" || len(e.Env) != 2 || e.Env[0] != (EnvVar{"A", "'x y'"}) || e.Env[1] != (EnvVar{"Z", "1"}) || e.Workdir != "'/w d'" || e.Budget != "" {
		t.Errorf("ScriptEnv = %+v", e)
	}
}

// TestPathProblems: empty, unsafe and option-like paths are refused, one
// problem each; good ones are not.
func TestPathProblems(t *testing.T) {
	if p := (Job{Spec: "s.toml", Dir: "/d", Script: "/d/job.sh"}).PathProblems(); len(p) != 0 {
		t.Errorf("good paths: %v", p)
	}
	p := (Job{Spec: "", Dir: "-d", Script: "a\nb"}).PathProblems()
	if len(p) != 3 || p[0].Key != "spec" || p[1].Key != "dir" || !strings.Contains(p[1].Reason, "./-d") || p[2].Key != "script" {
		t.Errorf("bad paths: %v", p)
	}
	if RenderError("x", "n", nil) != nil || RenderError("x", "n", p) == nil {
		t.Error("RenderError")
	}
}
