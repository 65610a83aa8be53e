package graph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vlogSize is the total size of the value log files in dir.
func vlogSize(t *testing.T, dir string) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.vlog"))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// Replacing every article of a bulk load leaves the old texts in the value
// log; CollectGarbage gives the space back and the new texts stay.
func TestCollectGarbage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := Options{BulkLoad: true, valueLogFileSize: 1 << 20}
	rnd := rand.New(rand.NewPCG(7, 8))
	text := func() string {
		var b strings.Builder
		for b.Len() < 3000 { // random letters: S2 leaves them over the value threshold
			b.WriteByte(byte('a' + rnd.IntN(26)))
			if rnd.IntN(7) == 0 {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
	const n = 800
	load := func() map[string]string {
		s, err := Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		want := map[string]string{}
		docs := make([]Doc, n)
		for i := range docs {
			docs[i] = Doc{Article: Article{ExternalID: fmt.Sprint("a", i), Text: text()}}
			want[docs[i].Article.ExternalID] = docs[i].Article.Text
		}
		for i := 0; i < n; i += 100 {
			if _, errs := s.AddDocs(ctx, docs[i:i+100]); errs[0] != nil {
				t.Fatal(errs[0])
			}
		}
		return want
	}
	load()
	want := load() // the same IDs, other texts: every article replaced
	before := vlogSize(t, dir)

	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	// A compaction of the whole tree drops the old versions and notes
	// their values as garbage (the compaction of level 0 at Close has
	// already seen some).
	if err := s.db.Flatten(1); err != nil {
		t.Fatal(err)
	}
	rewritten, err := s.CollectGarbage(ctx)
	if err != nil || rewritten == 0 {
		t.Fatalf("CollectGarbage = %d, %v; want files rewritten", rewritten, err)
	}
	if err := s.Close(); err != nil { // the file being written is cut to its size
		t.Fatal(err)
	}
	after := vlogSize(t, dir)
	if after > before*3/4 {
		t.Errorf("value log %d bytes before, %d after %d files rewritten; want a quarter less at least", before, after, rewritten)
	}
	t.Logf("value log %d -> %d bytes, %d files rewritten", before, after, rewritten)

	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.CollectGarbage(ctx); n != 0 || err != nil {
		t.Errorf("read-only CollectGarbage = %d, %v", n, err)
	}
	for ext, text := range want {
		a, err := s.ArticleByExternalID(ctx, ext)
		if err != nil || a.Text != text {
			t.Fatalf("article %s after collecting: %v (text %d bytes, want %d)", ext, err, len(a.Text), len(text))
		}
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Articles != n {
		t.Errorf("stats %+v, %v; want %d articles", st, err, n)
	}
}
