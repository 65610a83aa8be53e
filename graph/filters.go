package graph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"
	"github.com/klauspost/compress/zstd"
)

// Saved Bloom filters.
//
// The write cache's Bloom filters cover every stored resolution key,
// relation key, text hash and external ID key. Filling them scans those
// keys: a 10-article load into a 200,000-article database took 1.2 to
// 2.8 s with it (peak RSS 347 to 765 MiB). Close saves them to
// filtersFile instead, and the next session's first write reads them
// back when they are still those of the database:
//
//   - the file records the database's newest version (Badger's commit
//     timestamp, DB.MaxVersion) after the store's last write; any later
//     write, by a process that ended without saving them (killed, or a
//     build that does not know the file), raises it, and the file is then
//     ignored;
//   - the first write (AddDocs, where the write cache is made) reads the
//     file and removes it before anything is written, so a process
//     killed after its first write leaves no file; Close saves the
//     filters again. A session that writes nothing (a server nobody
//     sends articles to) neither reads nor saves them, and the file stays
//     valid: its version is still the database's.
//
// A filter may hold keys that are no longer stored (a filter never
// forgets; a deleted key costs a lookup), never miss one that is: every
// write that adds such a key goes through the write cache, whose filters
// are the ones saved.
const filtersFile = "newsgraph-filters"

const filtersMagic = "newsgraph-filters-1\n"

// filterSet is the write cache's three filters.
type filterSet struct {
	res, rel, art *bloom
}

func newFilterSet() filterSet {
	return filterSet{res: newBloom(bloomBits), rel: newBloom(bloomBits), art: newBloom(artBloomBits)}
}

// saveFilters writes f to dir's filtersFile, stamped with version: a
// temporary file, synced and renamed. The file is filtersMagic, then a
// zstd stream of: version (uvarint), each filter's log2 of its number of
// bits (one byte) and its words (little endian), and the CRC-32
// (Castagnoli) of all that. The filters are 20 MiB and mostly zero bits:
// compressed, those of 10,000 generated articles take 1.1 MB, of
// 200,000 6.5 MB.
func saveFilters(dir string, version uint64, f filterSet) error {
	err := writeFileSynced(dir, filtersFile+".tmp", filtersFile, func(w io.Writer) error {
		return writeFilters(w, version, f)
	})
	if err != nil {
		return fmt.Errorf("save filters: %w", err)
	}
	return nil
}

func writeFilters(out io.Writer, version uint64, f filterSet) error {
	if _, err := io.WriteString(out, filtersMagic); err != nil {
		return err
	}
	zw, err := zstd.NewWriter(out, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(zw, crc), 1<<16)
	bw.Write(binary.AppendUvarint(nil, version))
	var w [8]byte
	for _, b := range []*bloom{f.res, f.rel, f.art} {
		bw.WriteByte(byte(b.log2()))
		for i := range b.bits {
			binary.LittleEndian.PutUint64(w[:], b.bits[i].Load())
			bw.Write(w[:])
		}
	}
	if err := bw.Flush(); err != nil {
		zw.Close()
		return err
	}
	if _, err := zw.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32())); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}

// errStaleFilters: the saved filters are not those of the database.
var errStaleFilters = errors.New("saved filters are of another database version")

// readFilters reads the filters saved in dir if they were saved at
// version. os.ErrNotExist: there are none.
func readFilters(dir string, version uint64) (filterSet, error) {
	path := filepath.Join(dir, filtersFile)
	in, err := os.Open(path)
	if err != nil {
		return filterSet{}, err
	}
	defer in.Close()
	f, err := decodeFilters(bufio.NewReader(in), version)
	if errors.Is(err, errStaleFilters) {
		return filterSet{}, fmt.Errorf("%s: %w", path, err)
	}
	if err != nil {
		return filterSet{}, fmt.Errorf("%s: %w: not a complete filters file (%v)", path, errBadValue, err)
	}
	return f, nil
}

func decodeFilters(in io.Reader, version uint64) (filterSet, error) {
	magic := make([]byte, len(filtersMagic))
	if _, err := io.ReadFull(in, magic); err != nil {
		return filterSet{}, err
	}
	if string(magic) != filtersMagic {
		return filterSet{}, errors.New("no filters magic")
	}
	zr, err := zstd.NewReader(in, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return filterSet{}, err
	}
	defer zr.Close()
	// The CRC is of what was parsed, with the version encoded again (it
	// was written in its shortest form).
	crc := crc32.New(castagnoli)
	br := bufio.NewReaderSize(zr, 1<<16)
	v, err := binary.ReadUvarint(br)
	if err != nil {
		return filterSet{}, err
	}
	crc.Write(binary.AppendUvarint(nil, v))
	if v != version {
		return filterSet{}, fmt.Errorf("%w (saved at version %d, the database is at %d)", errStaleFilters, v, version)
	}
	f := newFilterSet()
	buf := make([]byte, 1<<16)
	for _, dst := range []*bloom{f.res, f.rel, f.art} {
		l, err := br.ReadByte()
		if err != nil {
			return filterSet{}, err
		}
		crc.Write([]byte{l})
		if uint(l) != dst.log2() {
			return filterSet{}, fmt.Errorf("a filter of 2^%d bits, want 2^%d", l, dst.log2())
		}
		for i := 0; i < len(dst.bits); {
			n := min(len(buf)/8, len(dst.bits)-i)
			if _, err := io.ReadFull(br, buf[:8*n]); err != nil {
				return filterSet{}, err
			}
			crc.Write(buf[:8*n])
			for j := range n {
				dst.bits[i+j].Store(binary.LittleEndian.Uint64(buf[8*j:]))
			}
			i += n
		}
	}
	var sum [4]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return filterSet{}, err
	}
	if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
		return filterSet{}, errors.New("checksum mismatch")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return filterSet{}, errors.New("data after the checksum")
	}
	return f, nil
}

// removeHalfSavedFilters removes the temporary file a process killed
// while saving the filters leaves.
func removeHalfSavedFilters(dir string) {
	os.Remove(filepath.Join(dir, filtersFile+".tmp"))
}

// takeSavedFilters reads the filters saved in dir when they are those of
// db, and removes the file whatever it held, before anything is written:
// the filters are saved again at Close. ok is false when there were none
// to use; err is a failure to remove the file.
func takeSavedFilters(db *badger.DB, dir string) (f filterSet, ok bool, err error) {
	path := filepath.Join(dir, filtersFile)
	f, rerr := readFilters(dir, db.MaxVersion())
	if errors.Is(rerr, os.ErrNotExist) {
		return filterSet{}, false, nil
	}
	if err := removeSynced(path); err != nil {
		return filterSet{}, false, fmt.Errorf("remove saved filters: %w", err)
	}
	return f, rerr == nil, nil
}
