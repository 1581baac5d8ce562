package cli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGivenMajorFinalSize runs SIR on G(n,p), n = 20000, mean degree
// c = 5, beta = gamma (transmissibility T = 1/2), from one seed, with
// [output] given = { major = 1 }. A major outbreak infects a fraction
// S = 1 − exp(−cTS) = 0.8926 (M. E. J. Newman, Phys. Rev. E 66, 016128
// (2002), eq. 19, Poisson degrees), which depends on T alone; but with
// exponential infectious periods an outbreak from one seed is major with
// probability P = 1 − q, q = E_τ[exp(−c(1−e^{−τ})(1−q))] = (1 − e^{−a})/a
// with a = c(1−q), so P = 0.7347, not S (J. C. Kenah and J. M. Robins,
// Phys. Rev. E 76, 036113 (2007)). The mean final size of all runs is
// about P·S = 0.656, and the conditional mean must be S. Run-to-run SD of
// a major outbreak at n = 2·10^4 is about 0.004, so the mean of ~45 has
// SE < 0.001 and the tolerance 0.005 rejects the unconditional mean by
// far; the share of major outbreaks (binomial SD 0.057 for 60) must be
// within 0.15 of P.
func TestGivenMajorFinalSize(t *testing.T) {
	if testing.Short() {
		t.Skip("a 20000-node sweep")
	}
	spec := writeSpec(t, `name = "given"
seed = 2002
repetitions = 60

[network]
generator = "er"
n = 20000
mean_degree = 5.0

[process]
model = "sir"
beta = 1.0
gamma = 1.0
seeds = 1
metrics = ["final_size", "major"]

[output]
given = { major = 1 }
`)
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	row := readCSV(t, filepath.Join(out, "results.csv"))[0]
	const c, T = 5.0, 0.5
	S := 1.0
	for range 200 {
		S = 1 - math.Exp(-c*T*S)
	}
	q := 0.5
	for range 500 {
		a := c * (1 - q)
		q = (1 - math.Exp(-a)) / a
	}
	P := 1 - q
	got, err := strconv.ParseFloat(row["final_size_given_mean"], 64)
	if err != nil {
		t.Fatalf("final_size_given_mean: %v (row %v)", err, row)
	}
	all, _ := strconv.ParseFloat(row["final_size_mean"], 64)
	n, _ := strconv.Atoi(row["given_reps"])
	t.Logf("mean final size given a major outbreak %.5f (of %d runs, %d major, P = %.4f), all runs %.5f; theory %.5f", got, 60, n, P, all, S)
	if math.Abs(got-S) > 0.005 {
		t.Errorf("mean final size given major %.5f, theory %.5f: off by more than 0.005", got, S)
	}
	if p := float64(n) / 60; math.Abs(p-P) > 0.15 {
		t.Errorf("%d of 60 outbreaks major (%.3f), theory %.4f", n, p, P)
	}
	if row["major_given_min"] != "1" || row["major_given_max"] != "1" {
		t.Errorf("major given major: min %s max %s, want 1", row["major_given_min"], row["major_given_max"])
	}
}

const momentsSpec = `name = "moments"
seed = 5
repetitions = 30

[network]
generator = "er"
n = 400
mean_degree = 3.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seeds = 1

[sweep]
"process.beta" = [0.3, 0.6]
`

// TestMomentsColumns checks what [output] moments and given add to
// results.csv: byte-identical for any number of workers and chunk size;
// the columns of a spec without them unchanged, the new ones after them;
// and on resuming a campaign started without them, the new columns of its
// points empty, since the journal's records lack their sums.
func TestMomentsColumns(t *testing.T) {
	extra := "\n[output]\nmoments = true\ngiven = { major = 1 }\n"
	plainSpec := writeSpec(t, momentsSpec)
	spec := writeSpec(t, momentsSpec+extra)
	plain := reference(t, plainSpec)
	var ref []byte
	for _, args := range [][]string{{"--workers", "1"}, {"--workers", "3", "--chunk", "1"}, {"--workers", "2", "--chunk", "7"}} {
		out := filepath.Join(t.TempDir(), "out")
		if code, msg := netsweep(t, append([]string{"run", spec, "--out", out, "--quiet"}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, msg)
		}
		data, err := os.ReadFile(filepath.Join(out, "results.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = data
		} else if !bytes.Equal(ref, data) {
			t.Errorf("%v: results.csv differs from --workers 1", args)
		}
	}
	// Each line of the plain file is a prefix of the line with moments.
	pl, ml := strings.Split(string(plain), "\n"), strings.Split(string(ref), "\n")
	if len(pl) != len(ml) {
		t.Fatalf("%d lines with moments, %d without", len(ml), len(pl))
	}
	for i := range pl {
		if !strings.HasPrefix(ml[i], pl[i]) {
			t.Errorf("line %d: %q is not a prefix of %q", i, pl[i], ml[i])
		}
	}
	if !strings.Contains(ml[0], ",given_reps,final_size_skewness,final_size_kurtosis,final_size_binder,final_size_given_mean,") {
		t.Errorf("header: %s", ml[0])
	}
	// Resume: the journal of a run without them holds no higher or
	// conditional sums, so those columns stay empty, never wrong; the
	// others are those of the plain run.
	dir := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", plainSpec, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	more := writeSpec(t, strings.Replace(momentsSpec, "repetitions = 30", "repetitions = 40", 1)+extra)
	if code, msg := netsweep(t, "run", more, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, msg)
	}
	for i, row := range readCSV(t, filepath.Join(dir, "results.csv")) {
		if row["reps"] != "40" || row["given_reps"] != "" || row["final_size_binder"] != "" || row["final_size_given_mean"] != "" {
			t.Errorf("point %d after resume: reps %s given_reps %q binder %q given mean %q, want 40 and empty",
				i, row["reps"], row["given_reps"], row["final_size_binder"], row["final_size_given_mean"])
		}
	}
}

// TestBinderCritical runs bond percolation on G(n,p) at its critical point
// (mean degree c = 2, occupation T = 1/2: cT = 1) for n = 10^3, 10^4 and
// 10^5 with [output] moments = true, and checks that the Binder cumulant
// U = 1 − ⟨S⁴⟩/(3⟨S²⟩²) of the largest cluster's fraction S is the same
// at every n: in the critical window S·n^(1/3) has a limiting law (D.
// Aldous, Ann. Probab. 25, 812 (1997)), so U does not depend on n, while
// off the critical point S concentrates and U tends to 2/3. With 1000
// repetitions U moves by about 0.02 between runs of 1000 and 4000
// repetitions; n = 10^3 sits a little above the limit (corrections of
// order n^(-1/3)). Each U must lie within 0.05 of the three's mean: this
// rejects cT = 1.1 (occupation 0.55, 10% off the critical point), where U
// goes 0.42, 0.59, 0.66 (tried on purpose), and a Binder cumulant of the
// wrong moments.
func TestBinderCritical(t *testing.T) {
	if testing.Short() {
		t.Skip("3000 percolation runs up to 10^5 nodes")
	}
	spec := writeSpec(t, `name = "binder"
seed = 11
repetitions = 1000

[network]
generator = "er"
n = 1000
mean_degree = 2.0

[process]
model = "bond_percolation"
occupation = 0.5

[sweep]
"network.n" = [1000, 10000, 100000]

[output]
moments = true
`)
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	var us []float64
	for _, row := range readCSV(t, filepath.Join(out, "results.csv")) {
		u, err := strconv.ParseFloat(row["giant_fraction_binder"], 64)
		if err != nil {
			t.Fatalf("n=%s: giant_fraction_binder: %v", row["network.n"], err)
		}
		t.Logf("n=%s: U = %.4f, mean S = %s", row["network.n"], u, row["giant_fraction_mean"])
		us = append(us, u)
	}
	mean := (us[0] + us[1] + us[2]) / 3
	for i, u := range us {
		if math.Abs(u-mean) > 0.05 || u > 0.5 {
			t.Errorf("n=10^%d: U = %.4f, want within 0.05 of the mean %.4f and below 0.5", 3+i, u, mean)
		}
	}
}
