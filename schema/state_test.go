package schema

import (
	"context"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/graph"
)

// sliceStore serves one article for slice.
type sliceStore struct {
	Store
	a graph.Article
}

func (s sliceStore) Article(_ context.Context, id graph.ArticleID) (graph.Article, error) {
	if id != s.a.ID {
		return graph.Article{}, graph.ErrNotFound
	}
	return s.a, nil
}

// FuzzSlice checks that slice cuts an article's text at code-point offsets
// as a []rune conversion does, clamped to the text, for ASCII, other
// UTF-8 and invalid text (compared as the JSON response carries them: an
// invalid byte becomes U+FFFD).
func FuzzSlice(f *testing.F) {
	f.Add("Zelensky met Scholz in Berlin.", 13, 19)
	f.Add("«Київ» — це столиця, said Ms Müller.", 1, 5)
	f.Add("naïve café \xff\xfe résumé", 6, 14)
	f.Add("€", 0, 9)
	f.Add("abc", 2, 1)
	f.Add("日本", -3, 1)
	f.Fuzz(func(t *testing.T, txt string, start, end int) {
		s := &Schema{store: sliceStore{a: graph.Article{ID: 1, Text: txt}}}
		ctx := withRequestState(context.Background(), false)
		got, err := s.slice(ctx, 1, graph.Span{Start: start, End: end})
		if err != nil {
			t.Fatal(err)
		}
		rs := []rune(txt)
		want := ""
		if a, b := max(start, 0), min(end, len(rs)); a < b {
			want = string(rs[a:b])
		}
		var g string
		if err := json.Unmarshal(appendString(nil, got), &g); err != nil || g != want {
			t.Errorf("slice(%q, %d, %d) = %q, encoded as %q, want %q", txt, start, end, got, g, want)
		}
		if utf8.ValidString(txt) && got != want {
			t.Errorf("slice(%q, %d, %d) = %q, want %q", txt, start, end, got, want)
		}
	})
}
