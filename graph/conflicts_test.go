package graph_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/extract"
)

var (
	extractorOnce sync.Once
	extractor     *extract.Extractor
	extractorErr  error
)

// loadArticles runs made-up articles through the real extractor into an
// in-memory store.
func loadArticles(t *testing.T, texts ...string) *graph.Store {
	t.Helper()
	extractorOnce.Do(func() { extractor, extractorErr = extract.New() })
	if extractorErr != nil {
		t.Fatal(extractorErr)
	}
	s, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i, txt := range texts {
		a := graph.Article{ExternalID: string(rune('a' + i)), Text: txt, Title: "t" + string(rune('a'+i)),
			Outlet: "outlet" + string(rune('a'+i)), URL: "https://example.org/" + string(rune('a'+i))}
		if _, err := s.AddDoc(context.Background(), extractor.Extract(a)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// conflictsOf returns the conflicts of the named entity, each as
// "kind|A text|B text" with the evidence texts cut from the articles.
func conflictsOf(t *testing.T, s *graph.Store, kind graph.Kind, name string) []string {
	t.Helper()
	ctx := context.Background()
	l, err := s.Entities(ctx, graph.EntityFilter{Kind: kind, Search: name}, graph.Page{First: 5})
	if err != nil || len(l.Items) == 0 || l.Items[0].Name != name {
		var got []string
		for _, e := range l.Items {
			got = append(got, e.Name)
		}
		t.Fatalf("entity %q not found (%v): %v", name, err, got)
	}
	cs, err := s.Conflicts(ctx, l.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		part := func(ev graph.Evidence) string {
			a, err := s.Article(ctx, ev.Article)
			if err != nil {
				t.Fatal(err)
			}
			r := []rune(a.Text)
			if ev.Span.Start < ev.Sentence.Start || ev.Span.End > ev.Sentence.End || ev.Sentence.End > len(r) {
				t.Errorf("evidence %+v outside its sentence", ev)
			}
			return string(r[ev.Span.Start:ev.Span.End])
		}
		if c.A.Article == 0 || c.B.Article == 0 {
			t.Errorf("conflict without both sources: %+v", c)
		}
		out = append(out, c.Kind+"|"+part(c.A)+"|"+part(c.B))
	}
	t.Logf("conflicts(%s) = %q", name, out)
	return out
}

func hasConflict(cs []string, kind string, a, b string) bool {
	for _, c := range cs {
		f := strings.Split(c, "|")
		if f[0] == kind && (strings.Contains(f[1], a) && strings.Contains(f[2], b) || strings.Contains(f[1], b) && strings.Contains(f[2], a)) {
			return true
		}
	}
	return false
}

// A place gets number conflicts from sentences that mention it, without a
// speaker; counted-noun synonyms compare.
func TestConflictsPlaceNumbers(t *testing.T) {
	s := loadArticles(t,
		"Floods hit the city of Valencia on Monday. Rescue teams said 4,000 people were evacuated from Valencia by Tuesday.",
		"Officials said 9,500 residents were evacuated from Valencia after the river burst its banks.",
		"About 2,000 soldiers were deployed to Valencia, the army said.",
		"The government said 6,000 troops were deployed to Valencia to help with the floods.",
	)
	cs := conflictsOf(t, s, graph.KindPlace, "Valencia")
	if !hasConflict(cs, "number", "4,000 people", "9,500 residents") {
		t.Errorf("people vs residents evacuated from the city not flagged: %q", cs)
	}
	if !hasConflict(cs, "number", "2,000 soldiers", "6,000 troops") {
		t.Errorf("soldiers vs troops deployed not flagged: %q", cs)
	}
	if hasConflict(cs, "number", "people", "troops") || hasConflict(cs, "number", "residents", "soldiers") {
		t.Errorf("different counted things compared: %q", cs)
	}
}

// Qualifiers: "more than 30,000" holds with "35,000"; "about 5,000" holds
// with "5,300"; "more than 30,000" cannot hold with "20,000".
func TestConflictsQualifiers(t *testing.T) {
	s := loadArticles(t,
		"More than 30,000 sheep were sold at the Tripoli market this year, the farmers' union said.",
		"Some 35,000 sheep were sold at the Tripoli market, according to the council.",
		"A local newspaper reported that 20,000 sheep were sold at the Tripoli market.",
	)
	cs := conflictsOf(t, s, graph.KindPlace, "Tripoli")
	if hasConflict(cs, "number", "30,000", "35,000") {
		t.Errorf("'more than 30,000' vs 'some 35,000' flagged: %q", cs)
	}
	if !hasConflict(cs, "number", "30,000", "20,000") {
		t.Errorf("'more than 30,000' vs '20,000' not flagged: %q", cs)
	}
	if !hasConflict(cs, "number", "35,000", "20,000") {
		t.Errorf("'some 35,000' vs '20,000' not flagged: %q", cs)
	}
	s = loadArticles(t,
		"About 5,000 fans attended the match in Tripoli on Saturday.",
		"Police said 5,300 fans attended the match in Tripoli.",
		"Up to 6,000 fans attended the match in Tripoli, organisers said.",
	)
	cs = conflictsOf(t, s, graph.KindPlace, "Tripoli")
	if len(cs) != 0 {
		t.Errorf("compatible figures flagged: %q", cs)
	}
}

// Two numbers of one unit that count different things (evacuated vs
// living there) are not compared.
func TestConflictsDifferentThings(t *testing.T) {
	s := loadArticles(t,
		"Authorities said 12,000 people had been evacuated from Goma since the fire began.",
		"About 40,000 people live in Goma, a town surrounded by forest.",
		"Some 8,000 people were evacuated from Goma on Sunday, the fire service said.",
	)
	cs := conflictsOf(t, s, graph.KindPlace, "Goma")
	if hasConflict(cs, "number", "40,000", "12,000") || hasConflict(cs, "number", "40,000", "8,000") {
		t.Errorf("people living vs people evacuated compared: %q", cs)
	}
	if !hasConflict(cs, "number", "12,000", "8,000") {
		t.Errorf("12,000 vs some 8,000 evacuated not flagged: %q", cs)
	}
}

// Side oppositions: the same move to opposite banks, a bracketed gloss
// read as the side; moving from one bank of a river is moving to the
// other, so "from the west bank" agrees with "to the eastern bank".
func TestConflictsSides(t *testing.T) {
	s := loadArticles(t,
		"The rebel brigade withdrew to the eastern bank of the Volta River on Tuesday, the army said.",
		"The rebel brigade has retreated to the right [western] bank of the Volta River, officials said.",
		"The rebel brigade pulled its fighters from the west bank of the Volta River overnight.",
	)
	cs := conflictsOf(t, s, graph.KindPlace, "Volta River")
	if !hasConflict(cs, "opposition", "to the eastern bank", "to the right [western] bank") {
		t.Errorf("east vs [western] bank not flagged: %q", cs)
	}
	if !hasConflict(cs, "opposition", "from the west bank", "to the right [western] bank") {
		t.Errorf("from the west bank vs to the western bank not flagged: %q", cs)
	}
	if hasConflict(cs, "opposition", "to the eastern bank", "from the west bank") {
		t.Errorf("consistent moves flagged: %q", cs)
	}
	// different actors moving to opposite banks: no opposition
	s = loadArticles(t,
		"Government troops advanced to the western bank of the Volta River, the Ghana News Agency said.",
		"Togo moved its border police to the eastern bank of the Volta River, Reuters reported.",
	)
	if cs := conflictsOf(t, s, graph.KindPlace, "Volta River"); len(cs) != 0 {
		t.Errorf("different actors flagged: %q", cs)
	}
}

// Antonym verbs with the entity in the same role: captured vs lost, a verb
// and its negation.
func TestConflictsVerbs(t *testing.T) {
	s := loadArticles(t,
		"Rebel fighters captured Aleppo on Monday, the United Nations said.",
		"Rebel fighters lost Aleppo after a week of fighting, according to a United Nations official.",
		"Rebel fighters never entered the city of Aleppo, the United Nations said.",
		"Rebel fighters entered Aleppo on Tuesday, United Nations monitors said.",
	)
	cs := conflictsOf(t, s, graph.KindPlace, "Aleppo")
	if !hasConflict(cs, "opposition", "captured Aleppo", "lost Aleppo") {
		t.Errorf("captured vs lost not flagged: %q", cs)
	}
	if !hasConflict(cs, "opposition", "entered Aleppo", "entered the city of Aleppo") {
		t.Errorf("entered vs did not enter not flagged: %q", cs)
	}
	if hasConflict(cs, "opposition", "captured", "entered") {
		t.Errorf("different verb classes compared: %q", cs)
	}
}
