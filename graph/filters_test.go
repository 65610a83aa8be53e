package graph

import (
	"bytes"
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

// usedSavedFilters makes s write (an article it already holds, which
// changes nothing but the ID leases) and reports whether its write cache
// took the saved filters; the file is gone after that first write.
func usedSavedFilters(t *testing.T, s *Store, dir string, stored Doc) bool {
	t.Helper()
	addAll(t, s, []Doc{stored}, 1)
	if _, err := os.Stat(filepath.Join(dir, filtersFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the filters file is still there after the first write (%v): a process killed now would leave it", err)
	}
	return s.cache.saved
}

// TestSavedFilters checks that Close saves the write cache's Bloom
// filters, that the next session's first write uses them instead of
// scanning the keys, that a session that writes nothing leaves the file
// as it was, and that a graph loaded in two sessions is the one loaded in
// one.
func TestSavedFilters(t *testing.T) {
	docs := uniqueDocs(160, 60, 7, "")
	first, second := docs[:100], docs[100:]
	for _, bulk := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, filtersFile)
		s, err := Open(dir, Options{BulkLoad: bulk})
		if err != nil {
			t.Fatal(err)
		}
		addAll(t, s, first, 16)
		s = reopenWith(t, s, dir, bulk)
		saved, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("bulk %v: no filters saved at Close, or Open took them: %v", bulk, err)
		}
		// A session that only reads neither takes nor saves the filters.
		if _, err := s.Stats(t.Context()); err != nil {
			t.Fatal(err)
		}
		s = reopenWith(t, s, dir, bulk)
		if again, err := os.ReadFile(path); err != nil || !bytes.Equal(again, saved) {
			t.Fatalf("bulk %v: a session that wrote nothing changed the filters file (%v)", bulk, err)
		}
		// Every stored key of the filtered kinds is in its filter.
		f, err := readFilters(dir, s.db.MaxVersion())
		if err != nil {
			t.Fatalf("bulk %v: %v", bulk, err)
		}
		scanned, err := newWriteCache(t.Context(), s.db, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			name         string
			saved, built *bloom
		}{{"resolution keys", f.res, scanned.resKeys}, {"relation keys", f.rel, scanned.relKeys}, {"article keys", f.art, scanned.artKeys.bloom}} {
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
		if !usedSavedFilters(t, s, dir, first[0]) {
			t.Fatalf("bulk %v: the write cache did not take the saved filters", bulk)
		}
		addAll(t, s, second, 16)

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
	// that wrote and was killed, if the first write had not removed it.
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
	if usedSavedFilters(t, s, dir, docs[0]) {
		t.Fatal("stale filters were read")
	}
	addAll(t, s, docs[100:], 10)
	ref, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	addAll(t, ref, docs, 10)
	sameGraph(t, s, ref, "loaded after stale filters")

	// A damaged file is not read either, and the write does not fail.
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
		if usedSavedFilters(t, s, dir, docs[0]) {
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
	good, err = os.ReadFile(path)
	if err != nil {
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
	if !usedSavedFilters(t, s, dir, docs[0]) {
		t.Fatal("the filters file was not read after a read-only Open")
	}
	s.Close()
}

func flipByte(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0x40
	return c
}
