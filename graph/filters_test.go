package graph

import (
	"errors"
	"math/bits"
	"os"
	"path/filepath"
	"testing"
)

// reopenWith closes s and opens dir again for writing, in BulkLoad mode
// when bulk is set.
func reopenWith(t *testing.T, s *Store, dir string, bulk bool) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{BulkLoad: bulk})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSavedFilters checks that Close saves the write cache's Bloom
// filters, that the next Open uses them instead of scanning the keys, and
// that a graph loaded in two sessions is the one loaded in one.
func TestSavedFilters(t *testing.T) {
	docs := uniqueDocs(160, 60, 7, "")
	first, second := docs[:100], docs[100:]
	for _, bulk := range []bool{false, true} {
		dir := t.TempDir()
		s, err := Open(dir, Options{BulkLoad: bulk})
		if err != nil {
			t.Fatal(err)
		}
		addAll(t, s, first, 16)
		s = reopenWith(t, s, dir, bulk)
		if s.saved == nil {
			t.Fatalf("bulk %v: no saved filters read after Close", bulk)
		}
		if _, err := os.Stat(filepath.Join(dir, filtersFile)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("bulk %v: the filters file is still there after Open (%v): a process killed after its first write would leave it", bulk, err)
		}
		// Every stored key of the filtered kinds is in its filter.
		scanned, err := newWriteCache(t.Context(), s.db, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name         string
			saved, built *bloom
		}{{"resolution keys", s.saved.res, scanned.resKeys}, {"relation keys", s.saved.rel, scanned.relKeys}, {"article keys", s.saved.art, scanned.artKeys.bloom}} {
			set := 0
			for i := range f.built.bits {
				b := f.built.bits[i].Load()
				if f.saved.bits[i].Load()&b != b {
					t.Fatalf("bulk %v: saved %s filter lacks bits of a stored key (word %d)", bulk, f.name, i)
				}
				set += bits.OnesCount64(b)
			}
			if set == 0 {
				t.Fatalf("bulk %v: no %s stored", bulk, f.name)
			}
		}
		addAll(t, s, second, 16)
		if s.saved != nil {
			t.Fatal("the write cache did not take the saved filters")
		}

		ref, err := Open("", Options{InMemory: true, BulkLoad: bulk})
		if err != nil {
			t.Fatal(err)
		}
		addAll(t, ref, docs, 16)
		for _, st := range []*Store{s, ref} {
			if err := st.Checkpoint(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		sameGraph(t, s, ref, "loaded in two sessions")
		ref.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSavedFiltersStale checks that filters saved before the database
// changed, or damaged, are not used, and that the store then scans.
func TestSavedFiltersStale(t *testing.T) {
	docs := uniqueDocs(150, 60, 11, "")
	dir := t.TempDir()
	path := filepath.Join(dir, filtersFile)
	s := openAt(t, dir)
	addAll(t, s, docs[:50], 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A later session writes more and saves its own filters; the first
	// file put back is then older than the database, as after a process
	// that wrote and was killed, if Open had not removed it.
	s = openAt(t, dir)
	addAll(t, s, docs[50:100], 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readFilters(dir, 0); !errors.Is(err, errStaleFilters) {
		t.Fatalf("readFilters of a file of another version: %v, want errStaleFilters", err)
	}
	s = openAt(t, dir)
	if s.saved != nil {
		t.Fatal("stale filters were read")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the stale filters file was not removed: %v", err)
	}
	addAll(t, s, docs[100:], 10)
	ref, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	addAll(t, ref, docs, 10)
	sameGraph(t, s, ref, "loaded after stale filters")

	// A damaged file is not read either, and Open does not fail.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{good[:len(good)/2], append(append([]byte{}, good...), 0), flipByte(good, len(good)-10)} {
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		s = openAt(t, dir)
		if s.saved != nil {
			t.Fatal("a damaged filters file was read")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A temporary file left by a process killed while saving is removed.
	if err := os.WriteFile(path+".tmp", good[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir)
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a half-saved filters file was left: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A read-only Open leaves the file alone.
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("a read-only Open removed the filters file: %v", err)
	}
	s = openAt(t, dir)
	if s.saved == nil {
		t.Fatal("the filters file was not read after a read-only Open")
	}
	s.Close()
}

func flipByte(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0x40
	return c
}
