package graph

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rssFileKB returns the file-backed resident set of this process.
func rssFileKB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, _ := strconv.Atoi(strings.Fields(rest)[0])
			return n
		}
	}
	t.Skip("no RssFile")
	return 0
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
	rss := rssFileKB(t)
	n, err := pageoutFiles([]byte(abs + "/"))
	if err != nil {
		t.Skipf("MADV_PAGEOUT: %v", err)
	}
	if n == 0 {
		t.Fatal("no mapped table found")
	}
	t.Logf("%d tables paged out; RssFile %d kB before, %d kB after", n, rss, rssFileKB(t))
	if after := dumpGraph(t, s); after != before {
		t.Error("values changed after paging out")
	}
}
