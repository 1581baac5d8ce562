package sim

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Exact results for epidemics on small graphs, from the full Markov chain
// over node states. Each helper starts from one seed chosen uniformly.

func pow3(n int) int {
	p := 1
	for range n {
		p *= 3
	}
	return p
}

// sirStates decodes a base-3 SIR configuration (0 S, 1 I, 2 R).
func sirDigits(s, n int) []int {
	d := make([]int, n)
	for i := range d {
		d[i] = s % 3
		s /= 3
	}
	return d
}

// infectedNeighbours counts the infected neighbours of v in config d.
func infectedNeighbours(g *Graph, d []int, v int) int {
	m := 0
	for _, w := range g.Neighbors(int32(v)) {
		if d[w] == 1 {
			m++
		}
	}
	return m
}

// exactSIR returns the joint distribution P[final][peak] of the number ever
// infected and the largest number infected at once, for continuous-time
// Markovian SIR (beta per edge, gamma per node) on a small graph, from the
// embedded jump chain: from each configuration the next event is recovery
// of I node v with probability gamma/R or infection of S node v with
// probability beta·m_v/R, R the total rate. Every event raises the sum of
// the node states (S=0, I=1, R=2) by one, so mass flows level by level.
func exactSIR(g *Graph, beta, gamma float64) [][]float64 {
	n := g.N
	ns := pow3(n)
	mass := make([][]float64, ns) // mass[s][peak]
	for s := range mass {
		mass[s] = make([]float64, n+1)
	}
	p3 := make([]int, n)
	for i := range p3 {
		p3[i] = pow3(i)
	}
	for v := range n {
		mass[p3[v]][1] += 1 / float64(n)
	}
	final := make([][]float64, n+1)
	for i := range final {
		final[i] = make([]float64, n+1)
	}
	for level := 1; level <= 2*n; level++ {
		for s := range ns {
			d := sirDigits(s, n)
			sum, inf, ever := 0, 0, 0
			for _, x := range d {
				sum += x
				if x == 1 {
					inf++
				}
				if x > 0 {
					ever++
				}
			}
			if sum != level {
				continue
			}
			for peak, m := range mass[s] {
				if m == 0 {
					continue
				}
				if inf == 0 {
					final[ever][peak] += m
					continue
				}
				rate := 0.0
				for v := range n {
					switch d[v] {
					case 0:
						rate += beta * float64(infectedNeighbours(g, d, v))
					case 1:
						rate += gamma
					}
				}
				for v := range n {
					switch d[v] {
					case 0:
						if k := infectedNeighbours(g, d, v); k > 0 {
							mass[s+p3[v]][max(peak, inf+1)] += m * beta * float64(k) / rate
						}
					case 1:
						mass[s+p3[v]][peak] += m * gamma / rate
					}
				}
			}
		}
	}
	return final
}

// exactDiscrete runs the discrete-time chain (see discrete.go for the update
// order) for steps 0..T from one uniform seed. sir selects SIR (recovered
// stay out) or SIS. It returns, for every step, the distribution of the
// number infected, and for SIR the joint distribution P[final][peak] of
// the runs that ended by step T, and their mean duration.
func exactDiscrete(g *Graph, beta, gamma float64, sir bool, T int) (infAt [][]float64, final [][]float64, meanDuration float64) {
	n := g.N
	type key struct{ s, peak int }
	p3 := make([]int, n)
	for i := range p3 {
		p3[i] = pow3(i)
	}
	cur := map[key]float64{}
	for v := range n {
		cur[key{p3[v], 1}] += 1 / float64(n)
	}
	final = make([][]float64, n+1)
	for i := range final {
		final[i] = make([]float64, n+1)
	}
	for t := 0; t <= T; t++ {
		dist := make([]float64, n+1)
		next := map[key]float64{}
		for k, m := range cur {
			d := sirDigits(k.s, n)
			inf, ever := 0, 0
			for _, x := range d {
				if x == 1 {
					inf++
				}
				if x > 0 {
					ever++
				}
			}
			dist[inf] += m
			if inf == 0 {
				if sir {
					final[ever][k.peak] += m
					meanDuration += m * float64(t)
				} else {
					next[k] += m // absorbed
				}
				continue
			}
			// Nodes that may change, with the probability that they do.
			var who []int
			var prob []float64
			for v := range n {
				switch d[v] {
				case 0:
					if k := infectedNeighbours(g, d, v); k > 0 {
						who = append(who, v)
						prob = append(prob, 1-math.Pow(1-beta, float64(k)))
					}
				case 1:
					who = append(who, v)
					prob = append(prob, gamma)
				}
			}
			for mask := range 1 << len(who) {
				p := m
				e := append([]int(nil), d...)
				for i, v := range who {
					if mask>>i&1 == 1 {
						p *= prob[i]
						switch {
						case d[v] == 0:
							e[v] = 1
						case sir:
							e[v] = 2
						default:
							e[v] = 0
						}
					} else {
						p *= 1 - prob[i]
					}
				}
				if p == 0 {
					continue
				}
				s, ni := 0, 0
				for v := range n {
					s += e[v] * p3[v]
					if e[v] == 1 {
						ni++
					}
				}
				next[key{s, max(k.peak, ni)}] += p
			}
		}
		infAt = append(infAt, dist)
		cur = next
	}
	return infAt, final, meanDuration
}

// exactSIS returns, for continuous-time Markovian SIS on a small graph
// started from one uniform seed, the distribution of the number infected at
// each of the times, from p(t) = p(0)·exp(Qt) over all 2^n configurations.
func exactSIS(g *Graph, beta, gamma float64, times []float64) [][]float64 {
	n := g.N
	ns := 1 << n
	q := mat.NewDense(ns, ns, nil)
	for s := range ns {
		out := 0.0
		for v := range n {
			if s>>v&1 == 1 {
				q.Set(s, s&^(1<<v), gamma)
				out += gamma
				continue
			}
			k := 0
			for _, w := range g.Neighbors(int32(v)) {
				k += s >> w & 1
			}
			if k > 0 {
				q.Set(s, s|1<<v, beta*float64(k))
				out += beta * float64(k)
			}
		}
		q.Set(s, s, -out)
	}
	p0 := mat.NewDense(1, ns, nil)
	for v := range n {
		p0.Set(0, 1<<v, 1/float64(n))
	}
	return evolve(q, p0, times, func(s int) int {
		c := 0
		for v := range n {
			c += s >> v & 1
		}
		return c
	})
}

// exactSISComplete returns the same for SIS on the complete graph K_n, from
// the birth–death chain of the number infected i: i → i+1 at rate
// beta·i·(n-i), i → i-1 at rate gamma·i.
func exactSISComplete(n int, beta, gamma float64, seeds int, times []float64) [][]float64 {
	q := mat.NewDense(n+1, n+1, nil)
	for i := 1; i <= n; i++ {
		up, down := beta*float64(i*(n-i)), gamma*float64(i)
		if i < n {
			q.Set(i, i+1, up)
		}
		q.Set(i, i-1, down)
		q.Set(i, i, -up-down)
	}
	p0 := mat.NewDense(1, n+1, nil)
	p0.Set(0, seeds, 1)
	return evolve(q, p0, times, func(s int) int { return s })
}

// evolve returns the distribution of count(state) at each time, for the
// chain with generator q from p0.
func evolve(q, p0 *mat.Dense, times []float64, count func(int) int) [][]float64 {
	ns, _ := q.Dims()
	var res [][]float64
	var qt, e, pt mat.Dense
	for _, t := range times {
		qt.Scale(t, q)
		e.Exp(&qt)
		pt.Mul(p0, &e)
		dist := make([]float64, count(ns-1)+1)
		for s := range ns {
			dist[count(s)] += pt.At(0, s)
		}
		res = append(res, dist)
	}
	return res
}

// meanVar returns the mean and variance of a distribution over 0..len-1.
func distMoments(p []float64) (mean, variance float64) {
	for k, pk := range p {
		mean += float64(k) * pk
	}
	for k, pk := range p {
		variance += (float64(k) - mean) * (float64(k) - mean) * pk
	}
	return mean, variance
}

// checkProbabilities compares observed frequencies with exact
// probabilities: each within 4 binomial SEs (plus 1e-4 for p near 0).
func checkProbabilities(t *testing.T, what string, exact, counts []float64, runs int) {
	t.Helper()
	for k, p := range exact {
		got := counts[k] / float64(runs)
		tol := 4*math.Sqrt(p*(1-p)/float64(runs)) + 1e-4
		if math.Abs(got-p) > tol {
			t.Errorf("%s[%d]: frequency %.4f, exact %.4f ± %.4f", what, k, got, p, tol)
		}
	}
}

// checkMean compares a sample mean with an exact mean and SD: within 4 SEs.
func checkMean(t *testing.T, what string, got, mean, sd float64, runs int) {
	t.Helper()
	tol := 4*sd/math.Sqrt(float64(runs)) + 1e-9
	if math.Abs(got-mean) > tol {
		t.Errorf("%s: sample mean %.5f, exact %.5f ± %.5f", what, got, mean, tol)
	}
}
