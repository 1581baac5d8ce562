package sshdtest

import (
	"fmt"
	"strings"
	"testing"
)

// fakeTB records how a helper ended a test.
type fakeTB struct {
	testing.TB
	how string // "skip" or "fatal"
	msg string
}

type stopped struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.how, f.msg = "skip", fmt.Sprint(args...)
	panic(stopped{})
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.how, f.msg = "fatal", fmt.Sprintf(format, args...)
	panic(stopped{})
}

func callNeed(f *fakeTB, name string) (path string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopped); !ok {
				panic(r)
			}
		}
	}()
	return Need(f, name, "/nonexistent/"+name)
}

func TestNeedMissingTool(t *testing.T) {
	const tool = "netsweep-no-such-tool"
	for _, tt := range []struct{ ci, how string }{{"", "skip"}, {"false", "skip"}, {"true", "fatal"}} {
		t.Setenv("CI", tt.ci)
		f := &fakeTB{}
		callNeed(f, tool)
		if f.how != tt.how || !strings.Contains(f.msg, tool) || !strings.Contains(f.msg, map[string]string{"skip": "SKIPPING", "fatal": "MISSING TOOL"}[tt.how]) {
			t.Errorf("CI=%q: %s %q, want %s naming the tool", tt.ci, f.how, f.msg, tt.how)
		}
	}
	t.Setenv("CI", "true")
	f := &fakeTB{}
	if p := callNeed(f, "sh"); f.how != "" || !strings.HasSuffix(p, "/sh") {
		t.Errorf("Need(sh) = %q (%s %s), want a path", p, f.how, f.msg)
	}
}
