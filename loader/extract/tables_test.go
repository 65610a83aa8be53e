package extract

import (
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/loader/text"
)

// TestWordSet checks that a wordSet's filtered test agrees with its map on
// the set's own words, on their changed forms and on every token of the
// seed articles.
func TestWordSet(t *testing.T) {
	sets := []*wordSet{orgHeads, placeHeads, titles, nonNames, nonNamesTitled, sportsWords, functionWords, teamVerbsAfter, connectors}
	var words []string
	for _, s := range sets {
		for w := range s.m {
			words = append(words, w, strings.ToLower(w), strings.ToUpper(w), w+"s", w[:len(w)-1], "x"+w, w+strings.Repeat("x", 20))
		}
	}
	for _, src := range seedTexts(t) {
		for _, tk := range text.AppendTokens(nil, src) {
			words = append(words, tk.Text, strings.ToLower(tk.Text))
		}
	}
	words = append(words, "", "v", "\xff", strings.Repeat("a", 40))
	hits := 0
	for _, s := range sets {
		for _, w := range words {
			if got, want := s.has(w), s.m[w]; got != want {
				t.Fatalf("has(%q) = %v, want %v", w, got, want)
			} else if got {
				hits++
			}
		}
	}
	if hits == 0 {
		t.Fatal("no word found in any set")
	}
}
