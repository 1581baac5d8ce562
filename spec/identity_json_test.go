package spec

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/netsweep/netsweep/sim"
)

// randomString returns a short string, often plain, sometimes with what
// encoding/json escapes: quotes, backslashes, control characters, HTML
// characters, U+2028, non-ASCII and invalid UTF-8.
func randomString(r *rand.Rand) string {
	pieces := []string{"a", "beta", "n", "mean_degree", "_", "0", ".", " ", "\"", "\\", "\n", "\t", "\x00", "\x1b", "\x7f", "<", ">", "&", "é", "\u2028", "\u2029", "\xff", "\xc3", "日本", "/"}
	var b []byte
	for range r.IntN(6) {
		if r.IntN(4) == 0 {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		} else {
			b = append(b, pieces[r.IntN(4)]...)
		}
	}
	return string(b)
}

// randomFloat returns a float64 from every range encoding/json writes
// differently: zero and -0, around 1e-6 and 1e21, subnormals, the largest,
// integers and rounded decimals.
func randomFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return []float64{0, math.Copysign(0, -1), 1e-6, 1e-7, 9.999999e-7, 1e21, 9.99999e20, 1e20, 5e-324, math.MaxFloat64, -math.MaxFloat64, 0.1, 123456789012345678}[r.IntN(13)]
	case 1:
		return math.Float64frombits(r.Uint64()) // any bits; NaN and Inf included
	case 2:
		return float64(r.IntN(2000) - 1000)
	case 3:
		return round12(r.Float64())
	default:
		return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(60)-30))
	}
}

func randomValue(r *rand.Rand) any {
	switch r.IntN(10) {
	case 0:
		return r.Int64() - r.Int64()
	case 1, 2:
		return randomFloat(r)
	case 3:
		return randomString(r)
	case 4:
		return r.IntN(2) == 0
	case 5:
		if r.IntN(5) == 0 {
			return []int64(nil)
		}
		v := make([]int64, r.IntN(4))
		for i := range v {
			v[i] = r.Int64N(1<<53) - 1<<52
		}
		return v
	case 6:
		if r.IntN(5) == 0 {
			return []float64(nil)
		}
		v := make([]float64, r.IntN(4))
		for i := range v {
			v[i] = randomFloat(r)
		}
		return v
	case 7:
		if r.IntN(5) == 0 {
			return []string(nil)
		}
		v := make([]string, r.IntN(4))
		for i := range v {
			v[i] = randomString(r)
		}
		return v
	case 8:
		return uint8(r.IntN(200)) // a kind the encoder does not know: json.Marshal's
	}
	return randomFloat(r)
}

func randomParams(r *rand.Rand) sim.Params {
	if r.IntN(10) == 0 {
		return nil
	}
	p := sim.Params{}
	for range r.IntN(8) {
		p[randomString(r)] = randomValue(r)
	}
	if r.IntN(3) == 0 {
		p["path"] = randomString(r) // a locator of "file"
	}
	if r.IntN(3) == 0 {
		p["metrics"] = []string{"degree"}
	}
	return p
}

// marshalOrPanic is what mustJSON does, with the panic as a value.
func marshalOrPanic(v any) (data []byte, failed bool) {
	defer func() {
		if recover() != nil {
			failed = true
		}
	}()
	return mustJSON(v), false
}

// TestIdentityJSON checks that identityEncoder writes, for many random
// identities, the very bytes that json.Marshal of the identity structs
// (with identityParams's selection) writes: the point keys the journal
// records depend on them.
func TestIdentityJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 2026))
	var enc identityEncoder
	metrics := mustJSON([]string{"final_size", "peak"})
	hists := mustJSON([]struct{ Lo, Hi float64 }{{0, 1}, {1e-3, 1e6}})
	generators := []string{"er", "file", "rewire", "", "x\"<y>"}
	compared := 0
	for i := range 20000 {
		net := sim.NetworkSettings{Generator: generators[r.IntN(len(generators))], Params: randomParams(r)}
		drop := net.Locators()
		proc := canonicalModel{randomString(r), randomParams(r)}
		real := []string{"", RealisationsIndependent, randomString(r)}[r.IntN(3)]

		want, failed := marshalOrPanic(pointIdentity{Format: ResultFormat,
			Network:      canonicalModel{net.Generator, identityParams(net, true)},
			Realisations: real, Process: proc, Metrics: metrics, Hists: hists})
		if !failed {
			got := enc.point(&pointIdentity{Format: ResultFormat, Network: canonicalModel{net.Generator, net.Params},
				Realisations: real, Process: proc, Metrics: metrics, Hists: hists}, drop)
			if !bytes.Equal(got, want) {
				t.Fatalf("point %d:\n got %s\nwant %s", i, got, want)
			}
			compared++
		}

		want, failed = marshalOrPanic(networkIdentity{Format: ResultFormat, Network: canonicalModel{net.Generator, identityParams(net, false)}})
		if !failed {
			got := enc.network(&networkIdentity{Format: ResultFormat, Network: canonicalModel{net.Generator, net.Params}}, append(drop, "metrics"))
			if !bytes.Equal(got, want) {
				t.Fatalf("network %d:\n got %s\nwant %s", i, got, want)
			}
			compared++
		}
	}
	if compared < 20000 {
		t.Fatalf("only %d identities compared", compared)
	}
	// The reference really is json.Marshal: a valid JSON document.
	if !json.Valid(enc.buf) {
		t.Fatalf("not JSON: %s", enc.buf)
	}
}
