package journal

import "fmt"

// EstimateSize returns the approximate size in bytes of a journal of
// chunks chunk records whose summaries average avgSummaryBytes, without
// failures: for checking a disk has room before a campaign starts. Each
// record adds a 9-byte frame and at most 4 fixed varints (point, start,
// end, failure count) and the summary's length varint; the header is
// counted as 4 KiB.
func EstimateSize(chunks int, avgSummaryBytes int) int64 {
	if chunks < 0 || avgSummaryBytes < 0 {
		return 0
	}
	const perRecord = frameOverhead + 4*5 + 5
	return 4096 + int64(chunks)*(perRecord+int64(avgSummaryBytes))
}

func spaceErr(path string, err error) error {
	return fmt.Errorf("journal: could not tell free space for %s: %w", path, err)
}
