package spec

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// fieldIndex returns the index of the field of struct type t whose toml tag
// is name, or -1.
func fieldIndex(t reflect.Type, name string) int {
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if tag == name {
			return i
		}
	}
	return -1
}

// fieldNames lists the toml names of the fields of struct pointer dst.
func fieldNames(dst any) []string {
	t := reflect.TypeOf(dst).Elem()
	var names []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); tag != "" {
			names = append(names, tag)
		}
	}
	sort.Strings(names)
	return names
}

// hasField tells whether struct pointer dst has a field named name in TOML.
func hasField(dst any, name string) bool {
	return fieldIndex(reflect.TypeOf(dst).Elem(), name) >= 0
}

// setField sets the field of struct pointer dst whose toml tag is name to
// the TOML value v. It returns "" on success, else what is wrong.
func setField(dst any, name string, v any) string {
	sv := reflect.ValueOf(dst).Elem()
	i := fieldIndex(sv.Type(), name)
	if i < 0 {
		return fmt.Sprintf("unknown key; known keys are %s", strings.Join(fieldNames(dst), ", "))
	}
	return assign(sv.Field(i), v)
}

func assign(f reflect.Value, v any) string {
	switch f.Kind() {
	case reflect.Int, reflect.Int64:
		n, msg := toInt(v)
		if msg != "" {
			return msg
		}
		f.SetInt(n)
	case reflect.Float64:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return "want a finite number"
			}
			f.SetFloat(x)
		case int64:
			f.SetFloat(float64(x))
		default:
			return "want a number"
		}
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return "want a string"
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return "want true or false"
		}
		f.SetBool(b)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return "want a list"
		}
		s := reflect.MakeSlice(f.Type(), len(list), len(list))
		for i, x := range list {
			if msg := assign(s.Index(i), x); msg != "" {
				return fmt.Sprintf("element %d: %s", i+1, msg)
			}
		}
		f.Set(s)
	case reflect.Map:
		table, ok := v.(map[string]any)
		if !ok || f.Type().Key().Kind() != reflect.String {
			return "want a table"
		}
		m := reflect.MakeMapWithSize(f.Type(), len(table))
		for k, x := range table {
			e := reflect.New(f.Type().Elem()).Elem()
			if msg := assign(e, x); msg != "" {
				return fmt.Sprintf("%s: %s", k, msg)
			}
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		f.Set(m)
	default:
		return "cannot be set from a spec"
	}
	return ""
}

// toInt converts a TOML integer, or a float with an integral value (as a
// range of values may produce), to int64.
func toInt(v any) (int64, string) {
	switch x := v.(type) {
	case int64:
		return x, ""
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, "want an integer"
		}
		return int64(x), ""
	}
	return 0, "want an integer"
}
