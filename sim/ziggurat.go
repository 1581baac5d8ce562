// Exponential variates by the ziggurat method: G. Marsaglia and W. W. Tsang,
// "The Ziggurat Method for Generating Random Variables", Journal of
// Statistical Software 5(8) (2000), with 256 strips. This version draws the
// strip from the low 8 bits of one 64-bit word and the abscissa from its high
// 53 bits, so the two are independent.

package sim

import "math"

const (
	zigExpR     = 7.69711747013104972  // start of the tail
	zigExpV     = 3.949659822581572e-3 // area of each strip
	zigExpScale = 1 << 53              // range of the 53-bit abscissa
)

var (
	zigExpK [256]uint64  // acceptance thresholds
	zigExpW [256]float64 // strip widths divided by zigExpScale
	zigExpF [256]float64 // exp(-x_i) at the strip edges
)

func init() {
	// The setup of Marsaglia & Tsang's REXP, with 53-bit abscissae.
	const m = zigExpScale
	de := zigExpR
	te := de
	q := zigExpV / math.Exp(-de)
	zigExpK[0] = uint64(de / q * m)
	zigExpK[1] = 0
	zigExpW[0] = q / m
	zigExpW[255] = de / m
	zigExpF[0] = 1
	zigExpF[255] = math.Exp(-de)
	for i := 254; i >= 1; i-- {
		de = -math.Log(zigExpV/de + math.Exp(-de))
		zigExpK[i+1] = uint64(de / te * m)
		te = de
		zigExpF[i] = math.Exp(-de)
		zigExpW[i] = de / m
	}
}

// expZig returns an exponential variate with rate 1, like r.Exp but about
// three times faster: 99% of draws take one random word and no logarithm.
func expZig(r *Rand) float64 {
	for {
		u := r.Uint64()
		i := u & 0xff
		j := u >> 11
		x := float64(j) * zigExpW[i]
		if j < zigExpK[i] {
			return x
		}
		if i == 0 {
			return zigExpR + r.Exp()
		}
		if zigExpF[i]+r.Float64()*(zigExpF[i-1]-zigExpF[i]) < math.Exp(-x) {
			return x
		}
	}
}
