// Package reduce provides mergeable, order-independent summaries of per-run
// metric values, one per parameter point, their encoding for messages and
// the journal, and compact tables of them.
//
// # Exactness
//
// A Summary keeps, per metric, the count n, Σx and Σx² as exact fixed-point
// integers (superaccumulators), the minimum and maximum, and counts on fixed
// histogram bins. Σx is held in units of 2^-1074 (the smallest subnormal) in
// 68 limbs, Σx² in units of 2^-2148 in 134 limbs, each limb an int64 carrying
// 32 payload bits, enough for 2^63 values anywhere in the float64 range,
// negative ones included. Nothing is ever rounded while accumulating, and
// every part of a summary (integer sums, counts, min, max) is combined by an
// associative, commutative operation. So a campaign's summaries, and the
// Stats computed from them, are bit-identical whatever the number of ranks,
// the chunk size, the order in which chunks finish or where a resumed run
// restarted. Stats rounds each statistic once, from the exact rationals
// (math/big); −0 is recorded as +0 so that MIN and MAX reductions cannot
// depend on order either. Log-bin placement (math.Log) and the Student t
// quantile are floating-point code, identical for one build on one
// architecture; ranks of different architectures could place a value within
// an ulp of a log-bin edge differently. Add costs O(1): it changes at most 8 limbs, one
// histogram count and the extremes, and normalises carries only once every
// 2^30 additions.
//
// # Higher moments and conditions
//
// A Layout may ask for more (Layout.Moments, Layout.Given): exact Σx³ (in
// units of 2^-3222, 199 limbs) and Σx⁴ (2^-4296, 265 limbs) per metric, from
// which Summary.Moments computes the skewness, kurtosis and Binder cumulant
// with one rounding each; and a second set of sums over the repetitions
// whose metric equals a value (Summary.GivenStats), such as the final size
// of major outbreaks only. A summary that merged one made without these
// (a version 1 encoding: a journal record of an older run) no longer knows
// them, and says so, while its other statistics stay exact. A layout
// without them encodes exactly as before.
//
// # Wire formats
//
// Summary.AppendBinary writes one summary compactly for chunk messages and
// the journal: counts, then per metric min and max and the sparse non-zero
// normalised limbs and histogram counts as varints (see AppendBinary for the
// layout). The encoding is canonical, so equal summaries give equal bytes;
// Summary.UnmarshalBinary accepts nothing else and rejects corrupt input with
// an error.
//
// A Table keeps each point's summary as that encoding, so it costs what
// the point's data needs (about 0.3 kB for one repetition of five
// metrics) instead of a dense Summary's ~16 kB; it decodes a point only to
// merge into it or to read it. netsweep's runtime sends each chunk's
// encoding to rank 0, which merges it into such a table: no rank holds a
// dense summary per point.
//
// Table.Flat writes a whole table as fixed-length, dense slices for MPI
// reductions (not used by netsweep's runtime):
// int64 sums to reduce with MPI_SUM (counts, normalised limbs, histogram
// counts) and float64 minima and maxima to reduce with MPI_MIN and MPI_MAX.
// Normalised limbs are below 2^32, so up to 2^30 tables can be summed
// elementwise without overflow; Table.SetFlat reads the reduced slices back
// and normalises them.
package reduce
