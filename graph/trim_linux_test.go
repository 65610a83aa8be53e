package graph

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// rss returns fileRSS, the file-backed resident set the trimmer reads.
func rss(t *testing.T) int64 {
	t.Helper()
	n, err := fileRSS()
	if err != nil {
		t.Skip(err)
	}
	return n
}

// TestPageoutTables checks that the trimmer finds the mapped table files
// of a store and that paging them out leaves every value readable.
func TestPageoutTables(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{BulkLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range genDocs(300, 40, 11) {
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // flushes the memtable to a table
		t.Fatal(err)
	}
	s, err = Open(dir, Options{BulkLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := dumpGraph(t, s) // reads every table page
	abs, _ := filepath.Abs(dir)
	resident := rss(t)
	n, err := pageoutFiles([]byte(abs + "/"))
	if err != nil {
		t.Skipf("MADV_PAGEOUT: %v", err)
	}
	if n == 0 {
		t.Fatal("no mapped table found")
	}
	t.Logf("%d tables paged out; file RSS %d kB before, %d kB after", n, resident>>10, rss(t)>>10)
	if after := dumpGraph(t, s); after != before {
		t.Error("values changed after paging out")
	}
}

// touchSink keeps the tests' reads of a mapping from being optimized
// away.
var touchSink int

// touch reads every page of b.
func touch(b []byte) {
	for i := 0; i < len(b); i += os.Getpagesize() {
		touchSink += int(b[i])
	}
}

// mapTable writes a table file of size bytes in a new directory, maps it
// and returns the mapping and the trimmer's prefix for the directory.
func mapTable(t *testing.T, size int) ([]byte, []byte) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "000001.sst")
	if err := os.WriteFile(path, bytes.Repeat([]byte{7}, size), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil { // clean pages: MADV_PAGEOUT frees them at once
		t.Fatal(err)
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(m) })
	abs, _ := filepath.Abs(dir)
	prefix := []byte(abs + "/")
	if _, err := pageoutFiles(prefix); err != nil {
		t.Skipf("MADV_PAGEOUT: %v", err)
	}
	return m, prefix
}

// runTrim runs trimLoop until the test ends.
func runTrim(t *testing.T, prefix []byte, every time.Duration, growth int64) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		trimLoop(prefix, stop, 5*time.Millisecond, every, growth)
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// waitPagedOut waits up to 10 s for the file-backed RSS to fall under
// limit.
func waitPagedOut(t *testing.T, limit int64, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := rss(t)
		if n < limit {
			t.Logf("file RSS %d kB", n>>10)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: file RSS %d kB after 10 s, want under %d kB", what, n>>10, limit>>10)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTrimOnGrowth checks that the trimmer pages out a table mapping once
// the file-backed resident set has grown by its threshold, and not before
// (its period is an hour here).
func TestTrimOnGrowth(t *testing.T) {
	m, prefix := mapTable(t, 48<<20)
	runTrim(t, prefix, time.Hour, 32<<20)
	time.Sleep(50 * time.Millisecond) // the first check pages out and sets the low mark
	before := rss(t)
	touch(m[:8<<20])
	time.Sleep(100 * time.Millisecond)
	if n := rss(t); n < before+6<<20 {
		t.Fatalf("8 MiB read under a 32 MiB threshold was paged out: file RSS %d kB, %d kB before", n>>10, before>>10)
	}
	// The page-out may come as soon as 32 MiB of the 48 are read, and
	// the rest (up to 16 MiB, less than the threshold) then stays.
	touch(m)
	waitPagedOut(t, before+24<<20, "48 MiB read past a 32 MiB threshold")
}

// TestTrimEvery checks that the trimmer pages out a mapping after its
// period when the resident set grows by less than the threshold.
func TestTrimEvery(t *testing.T) {
	m, prefix := mapTable(t, 16<<20)
	runTrim(t, prefix, 200*time.Millisecond, 1<<40)
	time.Sleep(50 * time.Millisecond)
	before := rss(t)
	touch(m)
	waitPagedOut(t, before+4<<20, "16 MiB read, a period of 200 ms")
}
