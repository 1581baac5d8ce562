// Distributions of the time a node spends in a state (an infectious
// period), for the event-driven non-Markovian SIR of I. Z. Kiss, J. C.
// Miller and P. L. Simon, "Mathematics of Epidemics on Networks",
// Springer (2017), appendix A.1.3 (fast_nonMarkov_SIR). Each is given by
// its mean and, where it has one, a shape, so that a sweep over the
// distribution keeps the mean fixed.
//
// Gamma variates by G. Marsaglia and W. W. Tsang, "A simple method for
// generating gamma variables", ACM TOMS 26(3) 363-372 (2000), with their
// boost U^(1/k) for shapes below 1.

package sim

import (
	"math"
	"slices"
)

// Infectious-period distributions, the values of the key infectious.
const (
	PeriodExponential = "exponential" // rate gamma, or mean period_mean: the Markovian model
	PeriodFixed       = "fixed"       // exactly period_mean
	PeriodGamma       = "gamma"       // mean period_mean, shape period_shape (scale mean/shape)
	PeriodLognormal   = "lognormal"   // mean period_mean, period_shape the SD of its logarithm
	PeriodWeibull     = "weibull"     // mean period_mean, shape period_shape
)

var periodNames = []string{PeriodExponential, PeriodFixed, PeriodGamma, PeriodLognormal, PeriodWeibull}

// Bounds on period_shape, so that every draw is finite and positive
// (Weibull draws are E^(1/k) for E ~ Exp(1); lognormal ones exp(σZ)).
const (
	maxShape          = 1e3
	minWeibullShape   = 0.1
	maxLognormalSigma = 5
)

// periodKeys are the keys that give an infectious period a distribution
// other than the exponential of rate gamma.
type periodKeys struct {
	Infectious  string  `toml:"infectious"`   // the period's distribution; "" means exponential
	PeriodMean  float64 `toml:"period_mean"`  // its mean; for exponential, instead of gamma
	PeriodShape float64 `toml:"period_shape"` // gamma, weibull: shape k; lognormal: SD of the log
}

// period draws infectious periods. The zero value is not valid; markov
// means exponential with rate 1/mean, drawn by the caller's fast path.
type period struct {
	name        string
	mean, shape float64
	// scale is the Weibull scale mean/Γ(1+1/k), the lognormal location
	// ln(mean) - σ²/2, or the gamma scale mean/k.
	scale float64
	// d and c are Marsaglia and Tsang's constants for shape k, or k+1
	// if k < 1.
	d, c float64
}

// newPeriod validates the period keys c and the recovery rate gamma (0
// when not set). markov is true when the period is exponential, with rate
// rate: the Markovian model, which the caller draws itself.
func newPeriod(c periodKeys, gamma float64) (p period, markov bool, rate float64, err error) {
	name := c.Infectious
	if name == "" {
		name = PeriodExponential
	}
	if !slices.Contains(periodNames, name) {
		return period{}, false, 0, badParam("infectious", c.Infectious, "unknown distribution; choose one of %v", periodNames)
	}
	if name == PeriodExponential {
		switch {
		case c.PeriodShape != 0:
			return period{}, false, 0, badParam("period_shape", c.PeriodShape, "an exponential period has no shape; choose infectious=gamma or weibull")
		case c.PeriodMean != 0 && gamma != 0:
			return period{}, false, 0, badParam("period_mean", c.PeriodMean, "give either gamma=%g or period_mean, not both", gamma)
		case c.PeriodMean != 0:
			if err := checkRate("period_mean", c.PeriodMean, true); err != nil {
				return period{}, false, 0, err
			}
			return period{}, true, 1 / c.PeriodMean, nil
		}
		if err := checkRate("gamma", gamma, true); err != nil {
			return period{}, false, 0, err
		}
		return period{}, true, gamma, nil
	}
	if gamma != 0 {
		return period{}, false, 0, badParam("gamma", gamma, "gamma is the rate of an exponential period; with infectious=%s give period_mean", name)
	}
	if err := checkRate("period_mean", c.PeriodMean, true); err != nil {
		return period{}, false, 0, err
	}
	p = period{name: name, mean: c.PeriodMean, shape: c.PeriodShape}
	k := c.PeriodShape
	switch name {
	case PeriodFixed:
		if k != 0 {
			return period{}, false, 0, badParam("period_shape", k, "a fixed period has no shape")
		}
	case PeriodGamma:
		if !(k > 0 && k <= maxShape) {
			return period{}, false, 0, badParam("period_shape", k, "the gamma shape must lie in (0, %g]", float64(maxShape))
		}
		p.scale = p.mean / k
		p.d = k - 1.0/3
		if k < 1 {
			p.d = k + 1 - 1.0/3 // boosted: G(k) = G(k+1)·U^(1/k)
		}
		p.c = 1 / math.Sqrt(9*p.d)
	case PeriodLognormal:
		if !(k > 0 && k <= maxLognormalSigma) {
			return period{}, false, 0, badParam("period_shape", k, "the SD of the log period must lie in (0, %g]", float64(maxLognormalSigma))
		}
		p.scale = math.Log(p.mean) - k*k/2
	case PeriodWeibull:
		if !(k >= minWeibullShape && k <= maxShape) {
			return period{}, false, 0, badParam("period_shape", k, "the Weibull shape must lie in [%g, %g]", minWeibullShape, float64(maxShape))
		}
		p.scale = p.mean / math.Gamma(1+1/k)
	}
	return p, false, 0, nil
}

// draw returns one period. A fixed period draws nothing from r.
func (p *period) draw(r *Rand) float64 {
	switch p.name {
	case PeriodExponential:
		return expZig(r) * p.mean // only for tests: SIR draws these itself
	case PeriodFixed:
		return p.mean
	case PeriodGamma:
		x := p.gammaUnit(r)
		if p.shape < 1 {
			x *= math.Pow(r.Float64Open(), 1/p.shape)
		}
		return x * p.scale
	case PeriodLognormal:
		return math.Exp(p.scale + p.shape*normal(r))
	case PeriodWeibull:
		return p.scale * math.Pow(expZig(r), 1/p.shape)
	}
	panic("sim: period.draw on an unset period")
}

// gammaUnit returns a gamma variate of shape d+1/3 and scale 1 (Marsaglia
// and Tsang 2000, section 6).
func (p *period) gammaUnit(r *Rand) float64 {
	for {
		x := normal(r)
		v := 1 + p.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64Open()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+p.d*(1-v+math.Log(v)) {
			return p.d * v
		}
	}
}
