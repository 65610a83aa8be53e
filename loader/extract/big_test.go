package extract

import (
	"strings"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

// TestLargeArticle guards against quadratic work: one 1 MB article must
// extract in well under a few seconds.
func TestLargeArticle(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	texts := seedTexts(t)
	var b strings.Builder
	for b.Len() < 1<<20 {
		for _, s := range texts {
			b.WriteString(s)
			b.WriteString("\n\n")
		}
	}
	x, err := New(WithTagger(nil))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d := x.Extract(graph.Article{Text: b.String()})
	el := time.Since(start)
	t.Logf("1 MB article: %d mentions, %d entities, %d relations in %v", len(d.Mentions), len(d.Entities), len(d.Relations), el)
	if el > 20*time.Second {
		t.Errorf("1 MB article took %v", el)
	}
}
