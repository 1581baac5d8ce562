package sim

import "testing"

// TestStreamKey checks that StreamSeed, now computed through StreamKey,
// gives the seeds it always gave (its four SplitMix64 rounds written out),
// and that a StreamKey gives them for every repetition, one at a time
// (Seed) and in a run (Seeds).
func TestStreamKey(t *testing.T) {
	for _, campaign := range []uint64{0, 1, 3, 1 << 63} {
		for _, key := range []uint64{0, 5, 0x9e3779b97f4a7c15} {
			k := NewStreamKey(campaign, key)
			for _, rep := range []int{0, 1, 2, 999, 1 << 40} {
				for _, stream := range []uint64{StreamNetwork, StreamProcess} {
					h := mix(0x6e657473776565, campaign)
					h = mix(h, key)
					h = mix(h, uint64(rep))
					want := mix(h, stream)
					if got := StreamSeed(campaign, key, rep, stream); got != want {
						t.Fatalf("StreamSeed(%d, %d, %d, %d) = %d, want %d", campaign, key, rep, stream, got, want)
					}
					if got := k.Seed(rep, stream); got != want {
						t.Fatalf("NewStreamKey(%d, %d).Seed(%d, %d) = %d, want %d", campaign, key, rep, stream, got, want)
					}
					var seeds [3]uint64
					k.Seeds(rep, stream, seeds[:])
					for i, got := range seeds {
						if want := k.Seed(rep+i, stream); got != want {
							t.Fatalf("NewStreamKey(%d, %d).Seeds(%d, %d)[%d] = %d, want %d", campaign, key, rep, stream, i, got, want)
						}
					}
				}
			}
		}
	}
}
