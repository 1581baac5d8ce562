package sim

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestRegisterDuplicate: a second model of a taken name panics, naming it.
func TestRegisterDuplicate(t *testing.T) {
	for _, register := range []func(){
		func() {
			RegisterProcess(ProcessModel{Name: "sir", Doc: "again", New: func(Params, int) (Process, error) { return nil, nil }})
		},
		func() {
			RegisterGenerator(GeneratorModel{Name: "er", Doc: "again", New: func(Params) (Generator, error) { return nil, nil }})
		},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "registered already") {
					t.Errorf("panic %q, want one saying the name is registered already", msg)
				}
			}()
			register()
		}()
	}
	if keys, _ := ProcessKeys("sir"); !slices.Contains(keys, "beta") {
		t.Errorf("the built-in sir was replaced: keys %v", keys)
	}
}

// TestRegisterIncomplete: a model without a name, doc or New, or with a
// key given twice, panics.
func TestRegisterIncomplete(t *testing.T) {
	newProc := func(Params, int) (Process, error) { return nil, nil }
	for _, m := range []ProcessModel{
		{Doc: "no name", New: newProc},
		{Name: "nodoc", New: newProc},
		{Name: "nonew", Doc: "no New"},
		{Name: "twice", Doc: "a key twice", New: newProc, Keys: []Key{{"a", Int}, {"a", Int}}},
		{Name: "nokind", Doc: "a key without a kind", New: newProc, Keys: []Key{{"a", 0}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v registered", m)
				}
			}()
			RegisterProcess(m)
		}()
	}
}

// TestGeneratorCommonKeys: every generator reads n and metrics.
func TestGeneratorCommonKeys(t *testing.T) {
	for _, name := range GeneratorNames() {
		m, _ := LookupGenerator(name)
		if m.Keys[0] != (Key{"n", Int}) || m.Keys[len(m.Keys)-1] != (Key{"metrics", Strings}) {
			t.Errorf("%s: keys %v, want n first and metrics last", name, m.Keys)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		in   any
		want any
		err  string
	}{
		{Int, int64(3), int64(3), ""},
		{Int, 3.0, int64(3), ""},
		{Int, 3.5, nil, "want an integer"},
		{Int, "3", nil, "want an integer"},
		{Float, int64(2), 2.0, ""},
		{Float, 0.5, 0.5, ""},
		{Float, "x", nil, "want a number"},
		{String, "a", "a", ""},
		{String, int64(1), nil, "want a string"},
		{Bool, true, true, ""},
		{Bool, "yes", nil, "want true or false"},
		{Ints, []any{int64(1), 2.0}, []int64{1, 2}, ""},
		{Floats, []any{int64(1), 2.5}, []float64{1, 2.5}, ""},
		{Floats, []any{1.0, "a"}, nil, "element 2: want a number"},
		{Strings, []any{}, []string{}, ""},
		{Strings, "a", nil, "want a list"},
	} {
		got, err := tc.kind.Canonical(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("kind %d: Canonical(%#v) = %v, %v; want error %q", tc.kind, tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !equalValues(got, tc.want) {
			t.Errorf("kind %d: Canonical(%#v) = %#v, %v; want %#v", tc.kind, tc.in, got, err, tc.want)
		}
	}
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case []int64:
		return slices.Equal(x, b.([]int64))
	case []float64:
		return slices.Equal(x, b.([]float64))
	case []string:
		y := b.([]string)
		return slices.Equal(x, y) && (x == nil) == (y == nil)
	}
	return a == b
}

func TestDecode(t *testing.T) {
	var c struct {
		N     int       `toml:"n"`
		Rate  float64   `toml:"rate"`
		Times []float64 `toml:"times"`
		Degs  []int     `toml:"degs"`
		Kept  string    `toml:"kept"`
	}
	c.Kept = "default"
	err := Decode(Params{"n": int64(4), "rate": int64(2), "times": []float64{1, 2}, "degs": []any{int64(1), 3.0}}, &c)
	if err != nil || c.N != 4 || c.Rate != 2 || !slices.Equal(c.Times, []float64{1, 2}) || !slices.Equal(c.Degs, []int{1, 3}) || c.Kept != "default" {
		t.Errorf("Decode: %+v, %v", c, err)
	}
	var pe *ParamError
	if err := Decode(Params{"rate": "fast"}, &c); !errors.As(err, &pe) || pe.Key != "rate" || pe.Reason != "want a number" {
		t.Errorf("a string for a float: %v", err)
	}
	if err := Decode(Params{"other": int64(1)}, &c); !errors.As(err, &pe) || pe.Key != "other" {
		t.Errorf("a key no field takes: %v", err)
	}
}
