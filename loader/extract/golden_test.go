package extract

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden")

// TestGolden compares what the rules (without the statistical tagger, so
// that model updates do not churn these files) extract from each seed
// article with testdata/golden/<name>.golden. Refresh with -update and
// review the diff.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../../data/*.txt")
	if len(files) == 0 {
		t.Skip("no seed articles")
	}
	x, err := New(WithTagger(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := describe(x.Extract(graph.Article{Text: string(src)}), name)
			path := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("extraction of %s changed; diff against %s (refresh with -update):\n%s", name, path, got)
			}
		})
	}
}
