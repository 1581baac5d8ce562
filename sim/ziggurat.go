// Exponential variates by the ziggurat method: G. Marsaglia and W. W. Tsang,
// "The ziggurat method for generating random variables", Journal of
// Statistical Software 5(8), 2000 (256 layers, the paper's setup for efix),
// here with float64 tables and 53-bit abscissae.

package sim

import "math"

const (
	zigR = 7.697117470131487    // start of the tail, x_255 in the paper
	zigV = 3.949659822581572e-3 // area of each layer
	zigM = 9007199254740992.0   // 2^53
)

var (
	zigK [256]uint64  // j < zigK[i]: x lies inside the layer's rectangle
	zigW [256]float64 // x = j * zigW[i]
	zigF [256]float64 // exp(-x_i)
)

func init() {
	de, te := zigR, zigR
	q := zigV / math.Exp(-de)
	zigK[0] = uint64(de / q * zigM)
	zigK[1] = 0
	zigW[0] = q / zigM
	zigW[255] = de / zigM
	zigF[0] = 1
	zigF[255] = math.Exp(-de)
	for i := 254; i >= 1; i-- {
		de = -math.Log(zigV/de + math.Exp(-de))
		zigK[i+1] = uint64(de / te * zigM)
		te = de
		zigF[i] = math.Exp(-de)
		zigW[i] = de / zigM
	}
}

// expZig returns an exponential variate with rate 1. It draws one Uint64
// about 99% of the time and calls no transcendental function then; that
// fast path is small enough to inline.
func expZig(r *Rand) float64 {
	u := r.Uint64()
	if i, j := u&255, u>>11; j < zigK[i] {
		return float64(j) * zigW[i]
	}
	return expZigSlow(r, u)
}

// expZigSlow finishes a draw whose first point u fell outside its layer's
// rectangle: in the tail, in a wedge, or rejected.
func expZigSlow(r *Rand, u uint64) float64 {
	for {
		i := u & 255
		j := u >> 11
		x := float64(j) * zigW[i]
		if j < zigK[i] {
			return x
		}
		if i == 0 {
			return zigR + r.Exp()
		}
		if zigF[i]+r.Float64()*(zigF[i-1]-zigF[i]) < math.Exp(-x) {
			return x
		}
		u = r.Uint64()
	}
}
