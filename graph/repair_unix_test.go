//go:build unix

package graph

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenAfterKillDuringLogCreation checks that a database a process was
// killed in while Badger created a log file (left empty) opens, read-write
// and read-only, with its data; Badger alone refuses it.
func TestOpenAfterKillDuringLogCreation(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	docs := genDocs(20, 10, 3)
	for _, d := range docs {
		if _, err := s.AddDoc(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	want, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{true, false} {
		for _, name := range []string{"000099.vlog", "00099.mem"} {
			if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s, err := Open(dir, Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("read-only %v: %v", ro, err)
		}
		got, err := s.Stats(context.Background())
		if err != nil || got != want {
			t.Errorf("read-only %v: stats %+v, %v; want %+v", ro, got, err, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// While another process (here: this one) holds the database, nothing
	// is removed.
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.WriteFile(filepath.Join(dir, "000099.vlog"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if removed := removeEmptyLogs(dir); removed != nil {
		t.Errorf("removed %v from a database in use", removed)
	}
	os.Remove(filepath.Join(dir, "000099.vlog"))
}
