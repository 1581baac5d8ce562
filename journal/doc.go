// Package journal provides the append-only, crash-tolerant file in which a
// campaign's controller records every completed chunk, so a campaign
// killed at any moment resumes without rerunning finished work.
//
// # On-disk format (version 1)
//
// A journal is a 10-byte prefix, the ASCII magic "NSJOURNAL" and the
// format version byte (1), followed by framed records: first one header
// record, then chunk records in the order they were appended. Every
// record is framed as
//
//	length  uint32, little-endian: bytes of payload
//	type    1 byte: 1 header, 2 chunk
//	payload length bytes
//	crc     uint32, little-endian: CRC-32C (Castagnoli) of type and payload
//
// so a frame is 9 bytes longer than its payload; a length above
// MaxRecordSize (256 MiB) is damage. Payload fields are unsigned varints
// (encoding/binary's Uvarint), byte strings are a varint length then the
// bytes, and seeds are 8-byte little-endian integers.
//
//	header: spec_sha256 (string), meta (bytes)
//	chunk:  point, start, end (varints; repetitions [start,end)),
//	        summary (bytes), nfailures (varint), then per failure:
//	        rep (varint), seed (uint64), message (string)
//
// A payload must be consumed exactly; a record whose CRC matches but which
// does not decode, or has another type, is an error (a bug or a newer
// format), never skipped.
//
// # Torn tails and corruption
//
// Records only ever go at the end of the file, so a crash can only damage
// the end: a process killed by SIGKILL leaves every completed write(2) in
// the page cache, and a lost node or power can leave the last records
// partly written, or the file extended with zeros. Open therefore accepts
// a damaged (truncated, bad length, CRC mismatch) record only as the last
// thing in the file: it looks for an intact chunk record starting at any
// byte offset after the damage, and
//
//   - if there is none, the damage is a torn tail: the bytes from the
//     damaged record on are dropped, the file is truncated there and
//     fsync'd, and Journal.Repaired says where, how many bytes and why;
//   - if there is one, the journal is corrupt in the middle (a bad disk,
//     a stray write): Open fails and leaves the file alone, since dropping
//     the damaged record silently would leave the rest unverifiable.
//     The error wraps ErrDamaged. WithSalvage overrides this: it keeps
//     the records before the damage and truncates there, for a user who
//     has seen the refusal (netsweep run --salvage, which keeps a copy).
//
// Trying every offset, not just the next frame boundary, matters because
// damage to a length field hides where the next record starts. A chance
// intact record inside the garbage needs a matching type byte, a length
// that fits and a 32-bit CRC match, so the test errs to the side of
// refusing. Dropped records cost only time: their repetitions are run
// again on resume. A damaged header is always an error (wrapping
// ErrUnreadable, like a file that is no journal of this format). (A
// filesystem that after a power loss shows later unsynced pages but not
// earlier ones would also look corrupt in the middle; only bytes written
// since the last fsync can be affected, and WithSalvage recovers from
// it.)
//
// Scan reads the same way without locking, truncating or writing, so
// `netsweep status` can read a journal that another process is appending
// to: a record being written shows as a torn tail, counted in TornBytes.
//
// # Durability: group commit
//
// Writer.Append encodes the record and writes it with a single pwrite(2)
// before returning; nothing is held in user space, so a killed process
// loses only the chunks whose results had not yet reached Append. Fsync is
// batched: a background goroutine started by the writer fsyncs every
// sync interval (DefaultSyncInterval, 1s; WithSyncInterval) when records
// are waiting, so on a node or power loss at most about one interval of
// appended records is lost. Sync fsyncs at once, and a record appended
// before a Sync that returned nil is on stable storage; Close syncs too.
// With an interval <= 0 every Append fsyncs. The background fsync never
// blocks Append. A failed fsync is sticky: every later call returns it,
// because after a failed fsync the kernel may have dropped the dirty
// pages and nothing since the last good fsync can be trusted.
//
// Create writes and fsyncs the header under a temporary name and links it
// into place (failing if the journal exists), then fsyncs the directory,
// so a journal never exists without its header. Create and Open take an
// exclusive flock on the file for as long as it is open, so two
// controllers cannot append to one journal (ErrInUse); on filesystems
// without flock they go on unlocked.
//
// # Concurrency
//
// A Writer and the Journal it came from are for one goroutine (the
// controller); only the fsync goroutine runs beside it, and it is
// synchronized internally. Any number of processes may Scan at once.
package journal
