package reduce

import (
	"encoding/binary"
	"errors"
	"math"
)

// PLACEHOLDER until the exact summaries land: AppendBinary, UnmarshalBinary,
// Flat and SetFlat with float sums in fixed point.

func (s *Summary) AppendBinary(b []byte) []byte {
	b = binary.AppendVarint(b, s.n)
	b = binary.AppendVarint(b, s.failed)
	for i := range s.sum {
		for _, v := range []float64{s.sum[i], s.sumsq[i], s.min[i], s.max[i]} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	return b
}

func (s *Summary) UnmarshalBinary(b []byte) error {
	var k int
	s.n, k = binary.Varint(b)
	b = b[k:]
	s.failed, k = binary.Varint(b)
	b = b[k:]
	if len(b) != 32*len(s.sum) {
		return errors.New("reduce: bad summary")
	}
	for i := range s.sum {
		for _, p := range []*float64{&s.sum[i], &s.sumsq[i], &s.min[i], &s.max[i]} {
			*p = math.Float64frombits(binary.LittleEndian.Uint64(b))
			b = b[8:]
		}
	}
	return nil
}

const fix = 1 << 30

func (t *Table) Flat() ([]int64, []float64, []float64) {
	var ints []int64
	var mins, maxs []float64
	for _, s := range t.Points {
		ints = append(ints, s.n, s.failed)
		for i := range s.sum {
			ints = append(ints, int64(s.sum[i]*fix), int64(s.sumsq[i]*fix))
		}
		mins = append(mins, s.min...)
		maxs = append(maxs, s.max...)
	}
	return ints, mins, maxs
}

func (t *Table) SetFlat(ints []int64, mins, maxs []float64) error {
	for _, s := range t.Points {
		s.n, s.failed = ints[0], ints[1]
		ints = ints[2:]
		for i := range s.sum {
			s.sum[i], s.sumsq[i] = float64(ints[0])/fix, float64(ints[1])/fix
			ints = ints[2:]
		}
		copy(s.min, mins)
		copy(s.max, maxs)
		mins, maxs = mins[len(s.min):], maxs[len(s.max):]
	}
	return nil
}

func (t *Table) Merge(o *Table) {
	for i, s := range t.Points {
		s.Merge(o.Points[i])
	}
}
