package graph

import (
	"strings"
	"testing"
)

func TestWordCount(t *testing.T) {
	for _, s := range []string{"", " ", "Anna", " Anna  Novak ", "Anna\tNovak\nJr", "a\u00a0b", "a\u2003b c", "\u0085x", "Émile Zola-Durand"} {
		if got, want := wordCount(s), len(strings.Fields(s)); got != want {
			t.Errorf("wordCount(%q) = %d, strings.Fields gives %d", s, got, want)
		}
	}
}
