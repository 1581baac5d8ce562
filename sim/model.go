package sim

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Kind is the type of the value a model key takes in a spec.
type Kind int

// The kinds of a key's value, and the Go type of its canonical value in
// Params.
const (
	Int     Kind = iota + 1 // int64; a float with an integral value is accepted
	Float                   // float64, finite; an integer is accepted
	String                  // string
	Bool                    // bool
	Ints                    // []int64
	Floats                  // []float64
	Strings                 // []string
)

// Key is a key a model reads from its table, and the kind of its value.
type Key struct {
	Name string
	Kind Kind
}

// Params are the settings of one model: each key that is set, with its
// canonical value (see Kind and Canonical). A key that is not set is
// absent. Params are what a model decodes (see Decode) and what a
// campaign's identity is computed from.
type Params map[string]any

// ProcessModel describes a process for RegisterProcess.
type ProcessModel struct {
	Name string // the value of [process] model
	Doc  string // one line for the spec reference (netsweep models)
	Keys []Key  // the keys of [process] it reads, besides "model"
	// New decodes and validates params (canonical, keys among Keys) for
	// networks of n nodes and returns a process. It reports a bad value
	// with a *ParamError, so that a spec names the key and its line.
	New func(params Params, n int) (Process, error)
	// Thresholds lists keys, among Keys, that only set a threshold on
	// draws every value of the key shares (a percolation's occupation: an
	// edge is occupied when its uniform draw is below it). Points that
	// differ only in these keys draw from the same process stream, and a
	// process that implements Coupled computes all of them from one pass.
	Thresholds []string
}

// Coupled is a Process whose model has Thresholds keys: RunCoupled runs
// procs, processes of its model that differ only in those keys (the
// receiver among them), from one draw of r, on g, writing procs[i]'s
// metrics to outs[i]. Each out must be what procs[i].Run would write from
// the same stream: the draws do not depend on the thresholds.
type Coupled interface {
	Process
	RunCoupled(g *Graph, r *Rand, procs []Process, outs [][]float64) error
}

// GeneratorModel describes a network generator for RegisterGenerator.
type GeneratorModel struct {
	Name string // the value of [network] generator
	Doc  string // one line for the spec reference (netsweep models)
	// Keys are the keys of [network] it reads, besides "generator".
	// RegisterGenerator puts "n" (Int) first if it is missing and adds
	// "metrics" (see NetworkSettings.NewMetrics): every generator reads
	// them.
	Keys []Key
	// New decodes and validates params and returns a generator. It
	// reports a bad value with a *ParamError. NetworkSettings.New has
	// checked n and metrics, and passes every key but metrics, which the
	// spec runtime measures itself (NetworkSettings.NewMetrics).
	New func(params Params) (Generator, error)
	// Bytes, if not nil, estimates the memory of one generated graph and
	// its scratch space for valid params (metrics left out, as for New).
	Bytes func(params Params) int64
	// Resolve, if not nil, is called by a spec with each point's params
	// as written, and the spec's directory, before New: it reads what
	// keys name outside the spec (a network file), rewrites a relative
	// path to an absolute one, and sets keys that identify what it read
	// (the file's sha256, its n), so that they are part of the point's
	// identity. Its note, if any, is for the user (what was read). It
	// reports bad input with a *ParamError.
	Resolve func(params Params, dir string) (note string, err error)
	// Locators lists keys, among Keys, that only say where to find an
	// input that other keys identify (a file's path, beside its sha256):
	// identities leave them out, so a moved file keeps its campaign.
	Locators []string
}

var (
	processes  = map[string]ProcessModel{}
	generators = map[string]GeneratorModel{}
)

// RegisterProcess makes process m available to specs. It adds the
// intervention keys (InterventionKeys) to m's keys: immunise and
// immunise_by always, seed_by if m reads seeds (or, as compartmental,
// initial). ProcessSettings.New
// handles them before m.New sees the rest; seed_by needs a built-in
// process that places seeds. It is meant to be
// called from init functions; it panics if m is incomplete, declares an
// intervention key with another kind, or its name is taken.
func RegisterProcess(m ProcessModel) {
	checkModel("process", m.Name, m.Doc, m.Keys, m.New != nil)
	if _, dup := processes[m.Name]; dup {
		panic(fmt.Sprintf("sim: RegisterProcess: a process named %q is registered already", m.Name))
	}
	// A model may list the intervention keys (one whose keys come from
	// LookupProcess of another does): they are the wrapper's.
	var keys []Key
	for _, k := range m.Keys {
		i := slices.IndexFunc(InterventionKeys, func(iv Key) bool { return iv.Name == k.Name })
		if i < 0 {
			keys = append(keys, k)
		} else if InterventionKeys[i] != k {
			panic(fmt.Sprintf("sim: RegisterProcess: process %q declares intervention key %q with kind %d", m.Name, k.Name, k.Kind))
		}
	}
	for _, k := range InterventionKeys {
		if k.Name != "seed_by" || hasKey(keys, "seeds") || hasKey(keys, "initial") {
			keys = append(keys, k)
		}
	}
	m.Keys = keys
	processes[m.Name] = m
}

// RegisterGenerator makes generator m available to specs. It is meant to
// be called from init functions; it panics if m is incomplete or its name
// is taken.
func RegisterGenerator(m GeneratorModel) {
	checkModel("generator", m.Name, m.Doc, m.Keys, m.New != nil)
	if _, dup := generators[m.Name]; dup {
		panic(fmt.Sprintf("sim: RegisterGenerator: a generator named %q is registered already", m.Name))
	}
	keys := m.Keys
	if !hasKey(keys, "n") {
		keys = append([]Key{{"n", Int}}, keys...)
	}
	if !hasKey(keys, "metrics") {
		keys = append(keys, Key{"metrics", Strings})
	}
	m.Keys = append([]Key(nil), keys...)
	generators[m.Name] = m
}

func checkModel(what, name, doc string, keys []Key, hasNew bool) {
	switch {
	case name == "":
		panic("sim: a " + what + " needs a name")
	case doc == "":
		panic(fmt.Sprintf("sim: %s %q needs a one-line doc", what, name))
	case !hasNew:
		panic(fmt.Sprintf("sim: %s %q needs a New function", what, name))
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if k.Name == "" || k.Name == "model" || k.Name == "generator" || seen[k.Name] || k.Kind < Int || k.Kind > Strings {
			panic(fmt.Sprintf("sim: %s %q: bad or repeated key %q (kind %d)", what, name, k.Name, k.Kind))
		}
		seen[k.Name] = true
	}
}

func hasKey(keys []Key, name string) bool {
	for _, k := range keys {
		if k.Name == name {
			return true
		}
	}
	return false
}

func keyNames(keys []Key) []string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return names
}

// LookupProcess returns the registered process name.
func LookupProcess(name string) (ProcessModel, bool) {
	m, ok := processes[name]
	m.Keys = append([]Key(nil), m.Keys...)
	return m, ok
}

// LookupGenerator returns the registered generator name.
func LookupGenerator(name string) (GeneratorModel, bool) {
	m, ok := generators[name]
	m.Keys = append([]Key(nil), m.Keys...)
	return m, ok
}

// ProcessNames lists the registered models in alphabetical order.
func ProcessNames() []string { return sortedKeys(processes) }

// ProcessKeys returns the [process] keys model name reads, besides "model",
// and whether the model exists.
func ProcessKeys(name string) ([]string, bool) {
	m, ok := processes[name]
	return keyNames(m.Keys), ok
}

// ProcessDoc returns a one-line description of model name.
func ProcessDoc(name string) string { return processes[name].Doc }

// GeneratorNames lists the registered generators in alphabetical order.
func GeneratorNames() []string { return sortedKeys(generators) }

// GeneratorKeys returns the [network] keys generator name reads, besides
// "generator", and whether the generator exists.
func GeneratorKeys(name string) ([]string, bool) {
	m, ok := generators[name]
	return keyNames(m.Keys), ok
}

// GeneratorDoc returns a one-line description of generator name.
func GeneratorDoc(name string) string { return generators[name].Doc }

// Canonical converts v, a value as TOML decodes it (int64, float64,
// string, bool, or []any of those), to the canonical value of kind k. Its
// error says what is wrong with v ("want an integer").
func (k Kind) Canonical(v any) (any, error) {
	switch k {
	case Int:
		return toInt(v)
	case Float:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("want a finite number")
			}
			return x, nil
		case int64:
			return float64(x), nil
		}
		return nil, fmt.Errorf("want a number")
	case String:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a string")
	case Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("want true or false")
	case Ints:
		return canonicalList[int64](v, Int)
	case Floats:
		return canonicalList[float64](v, Float)
	case Strings:
		return canonicalList[string](v, String)
	}
	return nil, fmt.Errorf("cannot be set from a spec")
}

func canonicalList[T any](v any, elem Kind) (any, error) {
	switch x := v.(type) {
	case []T:
		return append(make([]T, 0, len(x)), x...), nil
	case []any:
		out := make([]T, len(x))
		for i, e := range x {
			c, err := elem.Canonical(e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %v", i+1, err)
			}
			out[i] = c.(T)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list")
}

// toInt converts a TOML integer, or a float with an integral value (as a
// range of values may produce), to int64.
func toInt(v any) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("want an integer")
		}
		return int64(x), nil
	}
	return nil, fmt.Errorf("want an integer")
}

// TOML returns the canonical value v of kind k as TOML decodes it:
// int64, float64, string, bool or []any; for nil, the zero value of k.
func (k Kind) TOML(v any) any {
	rv := reflect.ValueOf(v)
	if v == nil {
		switch k {
		case Int:
			return int64(0)
		case Float:
			return float64(0)
		case String:
			return ""
		case Bool:
			return false
		}
		return []any{}
	}
	if rv.Kind() != reflect.Slice {
		return v
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

// Decode sets the fields of the struct dst points to from params: the
// field whose toml tag is a key (in dst's struct or in a struct it
// embeds) gets that key's value, converted to the
// field's type (int, int64, float64, string, bool, or slices of int,
// float64 and string). Fields of keys not set keep their values. A value
// of the wrong type, or a key no field takes, is a *ParamError.
func Decode(params Params, dst any) error {
	sv := reflect.ValueOf(dst)
	if sv.Kind() != reflect.Pointer || sv.Elem().Kind() != reflect.Struct {
		panic("sim: Decode needs a pointer to a struct")
	}
	sv = sv.Elem()
	for _, name := range sortedKeys(params) {
		path := fieldByTag(sv.Type(), name)
		if path == nil {
			return badParam(name, params[name], "not a key of this model")
		}
		f := sv.FieldByIndex(path)
		kind := kindOfType(f.Type())
		if kind == 0 {
			panic(fmt.Sprintf("sim: Decode: the field of key %s has type %s, which no key kind fits", name, f.Type()))
		}
		c := params[name]
		if !kind.isCanonical(c) {
			var err error
			if c, err = kind.Canonical(c); err != nil {
				return badParam(name, params[name], "%v", err)
			}
		}
		setCanonical(f, c)
	}
	return nil
}

// isCanonical tells whether v has the Go type of kind k's canonical values.
func (k Kind) isCanonical(v any) bool {
	var ok bool
	switch k {
	case Int:
		_, ok = v.(int64)
	case Float:
		_, ok = v.(float64)
	case String:
		_, ok = v.(string)
	case Bool:
		_, ok = v.(bool)
	case Ints:
		_, ok = v.([]int64)
	case Floats:
		_, ok = v.([]float64)
	case Strings:
		_, ok = v.([]string)
	}
	return ok
}

// fieldPaths caches fieldByTag: Decode runs for every point of a grid,
// and a type's fields never change. Its values are only read.
var fieldPaths sync.Map // fieldKey → []int

type fieldKey struct {
	t    reflect.Type
	name string
}

// fieldByTag returns the index path of the field of struct type t whose
// toml tag is name, looking into embedded structs, or nil.
func fieldByTag(t reflect.Type, name string) []int {
	k := fieldKey{t, name}
	if path, ok := fieldPaths.Load(k); ok {
		return path.([]int)
	}
	path := findFieldByTag(t, name)
	fieldPaths.Store(k, path)
	return path
}

func findFieldByTag(t reflect.Type, name string) []int {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("toml"), ","); tag == name {
			return []int{i}
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if sub := findFieldByTag(f.Type, name); sub != nil {
				return append([]int{i}, sub...)
			}
		}
	}
	return nil
}

// kindOfType returns the kind of key a field of type t takes, or 0.
func kindOfType(t reflect.Type) Kind {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return Int
	case reflect.Float64:
		return Float
	case reflect.String:
		return String
	case reflect.Bool:
		return Bool
	case reflect.Slice:
		switch kindOfType(t.Elem()) {
		case Int:
			return Ints
		case Float:
			return Floats
		case String:
			return Strings
		}
	}
	return 0
}

func setCanonical(f reflect.Value, c any) {
	switch x := c.(type) {
	case int64:
		f.SetInt(x)
	case float64:
		f.SetFloat(x)
	case string:
		f.SetString(x)
	case bool:
		f.SetBool(x)
	default:
		cv := reflect.ValueOf(c)
		s := reflect.MakeSlice(f.Type(), cv.Len(), cv.Len())
		for i := range cv.Len() {
			setCanonical(s.Index(i), cv.Index(i).Interface())
		}
		f.Set(s)
	}
}

// keysOf returns the keys named by the toml tags of struct type T's fields,
// in names' order, with their kinds; it panics on a name no field has.
func keysOf[T any](names ...string) []Key {
	t := reflect.TypeFor[T]()
	keys := make([]Key, len(names))
	for i, name := range names {
		path := fieldByTag(t, name)
		if path == nil {
			panic("sim: no field for key " + name)
		}
		keys[i] = Key{name, kindOfType(t.FieldByIndex(path).Type)}
	}
	return keys
}

// processFrom returns a ProcessModel.New that decodes the params into a
// new T and passes it to build.
func processFrom[T any](build func(c *T, n int) (Process, error)) func(Params, int) (Process, error) {
	return func(params Params, n int) (Process, error) {
		var c T
		if err := Decode(params, &c); err != nil {
			return nil, err
		}
		return build(&c, n)
	}
}

// generatorFrom returns a GeneratorModel.New that decodes the params into
// a new T and passes it to build.
func generatorFrom[T any](build func(c *T) (Generator, error)) func(Params) (Generator, error) {
	return func(params Params) (Generator, error) {
		var c T
		if err := Decode(params, &c); err != nil {
			return nil, err
		}
		return build(&c)
	}
}

// bytesFrom returns a GeneratorModel.Bytes that decodes the params into a
// new T and passes it to bytes.
func bytesFrom[T any](bytes func(c *T) int64) func(Params) int64 {
	return func(params Params) int64 {
		var c T
		if err := Decode(params, &c); err != nil {
			return 0
		}
		return bytes(&c)
	}
}
