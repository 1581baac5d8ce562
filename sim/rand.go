package sim

import (
	"math"
	"math/bits"
)

// Rand is a xoshiro256++ generator (Blackman & Vigna 2021, "Scrambled linear
// pseudorandom number generators", ACM TOMS 47(4)). It is small, fast and
// passes BigCrush; it is not safe for concurrent use. Rand implements
// math/rand/v2's Source, so rand.New(r) gives the standard library's
// distributions on the same stream.
type Rand struct {
	s0, s1, s2, s3 uint64
}

// Streams of one repetition: the network and the process each draw from
// their own stream, so changing one model never changes the other's draws.
const (
	StreamNetwork uint64 = 1
	StreamProcess uint64 = 2
)

// splitmix64 advances *x and returns the next SplitMix64 output (Steele,
// Lea & Flood 2014), the seeding procedure recommended for xoshiro.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// mix hashes v into h with one SplitMix64 round.
func mix(h, v uint64) uint64 {
	x := h ^ v
	return splitmix64(&x)
}

// StreamSeed derives the seed of one random stream of one repetition from
// the campaign seed, a key and the repetition's index. The spec package
// passes the hash of the settings that decide the stream (a point's
// network settings for the network stream, all its settings for the
// process stream), so a repetition draws the same numbers whichever worker
// runs it, in whatever order or chunk, and whichever other points the
// campaign has.
func StreamSeed(campaign, key uint64, rep int, stream uint64) uint64 {
	return NewStreamKey(campaign, key).Seed(rep, stream)
}

// StreamKey is the part of StreamSeed that the campaign seed and the key
// decide, for the seeds of many repetitions of one point at half the
// cost: NewStreamKey(campaign, key).Seed(rep, stream) is
// StreamSeed(campaign, key, rep, stream).
type StreamKey uint64

// NewStreamKey returns the StreamKey of a campaign seed and a key.
func NewStreamKey(campaign, key uint64) StreamKey {
	return StreamKey(mix(mix(0x6e657473776565, campaign), key)) // "netswee"
}

// Seed returns the seed of stream of repetition rep.
func (k StreamKey) Seed(rep int, stream uint64) uint64 {
	return mix(mix(uint64(k), uint64(rep)), stream)
}

// Seeds fills seeds with the seeds of stream of repetitions rep, rep+1,
// ...: Seed's, in one loop (raw.parquet's layout derives 10^5 of them a
// campaign of 10^5 repetitions).
func (k StreamKey) Seeds(rep int, stream uint64, seeds []uint64) {
	for i := range seeds {
		seeds[i] = mix(mix(uint64(k), uint64(rep+i)), stream)
	}
}

// NewRand returns a generator seeded from seed through SplitMix64.
func NewRand(seed uint64) *Rand {
	r := new(Rand)
	r.Seed(seed)
	return r
}

// Seed resets r to the stream that NewRand(seed) starts.
func (r *Rand) Seed(seed uint64) {
	x := seed
	r.s0 = splitmix64(&x)
	r.s1 = splitmix64(&x)
	r.s2 = splitmix64(&x)
	r.s3 = splitmix64(&x)
}

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	result := bits.RotateLeft64(r.s0+r.s3, 23) + r.s0
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return result
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *Rand) Float64() float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}

// Float64Open returns a uniform number in (0, 1), never zero, for logarithms.
func (r *Rand) Float64Open() float64 {
	return (float64(r.Uint64()>>12) + 0.5) * 0x1p-52
}

// Exp returns an exponential variate with rate 1.
func (r *Rand) Exp() float64 {
	return -math.Log(r.Float64Open())
}

// IntN returns a uniform integer in [0, n) without modulo bias (Lemire 2019,
// "Fast random integer generation in an interval", ACM TOMACS 29(1)).
// It panics if n <= 0.
func (r *Rand) IntN(n int) int {
	if n <= 0 {
		panic("sim: IntN with n <= 0")
	}
	bound := uint64(n)
	hi, lo := bits.Mul64(r.Uint64(), bound)
	if lo < bound {
		thresh := -bound % bound
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), bound)
		}
	}
	return int(hi)
}
