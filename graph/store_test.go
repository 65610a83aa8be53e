package graph_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

func openStore(tb testing.TB) *graph.Store {
	tb.Helper()
	s, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s
}

// docBuilder assembles a Doc sentence by sentence with code-point spans.
type docBuilder struct {
	d     graph.Doc
	runes int
}

func newDoc(ext string) *docBuilder {
	return &docBuilder{d: graph.Doc{Article: graph.Article{ExternalID: ext, Title: ext, URL: "https://www.example.com/" + ext}}}
}

// sentence appends a sentence and returns its index.
func (b *docBuilder) sentence(s string) int {
	if b.d.Article.Text != "" {
		b.d.Article.Text += " "
		b.runes++
	}
	n := len([]rune(s))
	b.d.Sentences = append(b.d.Sentences, graph.Span{Start: b.runes, End: b.runes + n})
	b.d.Article.Text += s
	b.runes += n
	return len(b.d.Sentences) - 1
}

func (b *docBuilder) entity(k graph.Kind, name string, keys ...string) int {
	b.d.Entities = append(b.d.Entities, graph.LocalEntity{Kind: k, Name: name, Aliases: []string{name}, Keys: keys})
	return len(b.d.Entities) - 1
}

func (b *docBuilder) number(v float64, unit string, keys ...string) int {
	b.d.Entities = append(b.d.Entities, graph.LocalEntity{Kind: graph.KindNumber, Name: fmt.Sprint(v, " ", unit), Value: &v, Unit: unit, Keys: keys})
	return len(b.d.Entities) - 1
}

// mention marks the first occurrence of surface in sentence si.
func (b *docBuilder) mention(tb testing.TB, ent, si int, surface string) {
	tb.Helper()
	sp := b.d.Sentences[si]
	sent := string([]rune(b.d.Article.Text)[sp.Start:sp.End])
	i := strings.Index(sent, surface)
	if i < 0 {
		tb.Fatalf("%q not in sentence %q", surface, sent)
	}
	start := sp.Start + len([]rune(sent[:i]))
	b.d.Mentions = append(b.d.Mentions, graph.LocalMention{Entity: ent, Span: graph.Span{Start: start, End: start + len([]rune(surface))}, Text: surface, Sentence: si})
}

func (b *docBuilder) relation(t graph.RelType, label string, src, dst, si int) {
	b.d.Relations = append(b.d.Relations, graph.LocalRelation{Type: t, Label: label, Source: src, Target: dst, Sentence: si, Span: b.d.Sentences[si]})
}

func add(tb testing.TB, s *graph.Store, d graph.Doc) graph.AddResult {
	tb.Helper()
	res, err := s.AddDoc(context.Background(), d)
	if err != nil {
		tb.Fatalf("AddDoc(%s): %v", d.Article.ExternalID, err)
	}
	return res
}

func stats(tb testing.TB, s *graph.Store) graph.Stats {
	tb.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		tb.Fatalf("stats: %v", err)
	}
	return st
}

// entityByName finds the only entity of kind k whose name is name.
func entityByName(tb testing.TB, s *graph.Store, k graph.Kind, name string) graph.Entity {
	tb.Helper()
	l, err := s.Entities(context.Background(), graph.EntityFilter{Kind: k}, graph.Page{First: 1000})
	if err != nil {
		tb.Fatalf("entities: %v", err)
	}
	var found []graph.Entity
	for _, e := range l.Items {
		if e.Name == name {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("%d entities named %q of kind %v, want 1", len(found), name, k)
	}
	return found[0]
}

// briefing is a two-article scenario reused by several tests.
func briefing(tb testing.TB) (a, b graph.Doc) {
	tb.Helper()
	d := newDoc("brief-1")
	s0 := d.sentence("Maryna Hrytsenkiy, the chief of Vantor Holdings, visited Quillon on Monday.")
	s1 := d.sentence("Hrytsenkiy said 1,200 people work in Quillon.")
	p := d.entity(graph.KindPerson, "Maryna Hrytsenkiy", "person:maryna hrytsenkiy", "person:hrytsenkiy")
	o := d.entity(graph.KindOrg, "Vantor Holdings", "org:vantor holdings")
	q := d.entity(graph.KindPlace, "Quillon", "place:quillon")
	n := d.number(1200, "people", "number:1200 people")
	d.mention(tb, p, s0, "Maryna Hrytsenkiy")
	d.mention(tb, o, s0, "Vantor Holdings")
	d.mention(tb, q, s0, "Quillon")
	d.mention(tb, p, s1, "Hrytsenkiy")
	d.mention(tb, n, s1, "1,200 people")
	d.mention(tb, q, s1, "Quillon")
	d.relation(graph.RelRole, "Chief", p, o, s0)
	d.relation(graph.RelCoMentioned, "", q, p, s0)
	d.relation(graph.RelCoMentioned, "", p, q, s1)
	d.relation(graph.RelStated, "said", p, n, s1)

	e := newDoc("brief-2")
	e.d.Article.Outlet = "Other Wire"
	e.d.Article.Published = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	t0 := e.sentence("Vantor Holdings chief Hrytsenkiy met Ilse Brennick in Marlow.")
	p2 := e.entity(graph.KindPerson, "Hrytsenkiy", "person:hrytsenkiy")
	o2 := e.entity(graph.KindOrg, "Vantor Holdings", "org:vantor holdings")
	b2 := e.entity(graph.KindPerson, "Ilse Brennick", "person:ilse brennick")
	m2 := e.entity(graph.KindPlace, "Marlow", "place:marlow")
	e.mention(tb, o2, t0, "Vantor Holdings")
	e.mention(tb, p2, t0, "Hrytsenkiy")
	e.mention(tb, b2, t0, "Ilse Brennick")
	e.mention(tb, m2, t0, "Marlow")
	e.relation(graph.RelRole, "chief", p2, o2, t0)
	e.relation(graph.RelAction, "met", p2, b2, t0)
	e.relation(graph.RelCoMentioned, "", b2, m2, t0)
	return d.d, e.d
}

func TestAddDocReadBack(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, b := briefing(t)
	ra := add(t, s, a)
	rb := add(t, s, b)
	if ra.Status != graph.StatusCreated || rb.Status != graph.StatusCreated || ra.Article == rb.Article {
		t.Fatalf("results %+v %+v", ra, rb)
	}
	got, err := s.ArticleByExternalID(ctx, "brief-1")
	if err != nil || got.ID != ra.Article || got.Text != a.Article.Text || got.Hash == "" {
		t.Fatalf("ArticleByExternalID = %+v, %v", got, err)
	}
	if id, ok, err := s.HasHash(ctx, got.Hash); err != nil || !ok || id != ra.Article {
		t.Errorf("HasHash = %d %v %v", id, ok, err)
	}
	if _, err := s.Article(ctx, 9999); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Article(9999) error = %v, want ErrNotFound", err)
	}

	want := graph.Stats{Articles: 2, Entities: 6, Mentions: 10, Relations: 5}
	if st := stats(t, s); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	p := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")
	if p.MentionCount != 3 || p.ArticleCount != 2 {
		t.Errorf("person counts = %d mentions, %d articles; want 3, 2", p.MentionCount, p.ArticleCount)
	}
	full, err := s.Entity(ctx, p.ID)
	if err != nil || len(full.Merges) != 1 || full.Merges[0].Key != "person:hrytsenkiy" || full.Merges[0].Article != rb.Article {
		t.Errorf("merges = %+v, %v", full.Merges, err)
	}

	ms, err := s.ArticleMentions(ctx, ra.Article, graph.Page{First: 100})
	if err != nil || ms.Total != 6 || len(ms.Items) != 6 {
		t.Fatalf("article mentions = %+v, %v", ms, err)
	}
	text := []rune(a.Article.Text)
	for i, m := range ms.Items {
		if i > 0 && m.Span.Start < ms.Items[i-1].Span.Start {
			t.Errorf("mentions not by start: %v after %v", m.Span, ms.Items[i-1].Span)
		}
		if string(text[m.Span.Start:m.Span.End]) != m.Text {
			t.Errorf("mention %q at %v spells %q", m.Text, m.Span, string(text[m.Span.Start:m.Span.End]))
		}
		if m.Sentence.Start > m.Span.Start || m.Sentence.End < m.Span.End {
			t.Errorf("mention %v outside its sentence %v", m.Span, m.Sentence)
		}
	}

	rels, err := s.EntityRelations(ctx, p.ID, []graph.RelType{graph.RelRole}, graph.Page{})
	if err != nil || len(rels.Items) != 1 {
		t.Fatalf("role relations = %+v, %v", rels, err)
	}
	r := rels.Items[0]
	if r.Label != "chief" || r.Sentences != 2 || r.Articles != 2 || r.Outlets != 2 || len(r.Evidence) != 2 {
		t.Errorf("aggregated role = %+v", r)
	}
	co, err := s.Relations(ctx, graph.RelCoMentioned, graph.Page{})
	if err != nil || co.Total != 2 {
		t.Fatalf("co-mentioned = %+v, %v", co, err)
	}
	for _, r := range co.Items {
		if r.Source >= r.Target {
			t.Errorf("co-mentioned not normalized: %d -> %d", r.Source, r.Target)
		}
		if r.Source == p.ID && (r.Sentences != 2 || r.Articles != 1) {
			t.Errorf("co-mentioned person-place = %+v, want 2 sentences in 1 article", r)
		}
	}
	all, err := s.EntityRelations(ctx, p.ID, nil, graph.Page{})
	if err != nil || all.Total != 4 {
		t.Errorf("all relations of person: total %d, %v; want 4", all.Total, err)
	}

	sentEnts, err := s.SentenceEntities(ctx, ra.Article, a.Sentences[1])
	if err != nil || len(sentEnts) != 3 {
		t.Errorf("sentence entities = %v, %v; want 3", sentEnts, err)
	}
	claims, err := s.Claims(ctx, p.ID, graph.Page{})
	if err != nil || claims.Total != 1 || claims.Items[0].Type != graph.RelStated {
		t.Errorf("claims = %+v, %v", claims, err)
	}
	arts, err := s.EntityArticles(ctx, p.ID, graph.Page{First: 1})
	if err != nil || arts.Total != 2 || len(arts.Items) != 1 || !arts.HasNext {
		t.Fatalf("entity articles page 1 = %+v, %v", arts, err)
	}
	arts2, err := s.EntityArticles(ctx, p.ID, graph.Page{First: 1, After: arts.Cursors[0]})
	if err != nil || len(arts2.Items) != 1 || arts2.HasNext || arts2.Items[0].ID == arts.Items[0].ID {
		t.Errorf("entity articles page 2 = %+v, %v", arts2, err)
	}
}

func TestAddDocIdempotent(t *testing.T) {
	s := openStore(t)
	a, b := briefing(t)
	add(t, s, a)
	add(t, s, b)
	before := stats(t, s)
	p := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")
	res := add(t, s, a)
	if res.Status != graph.StatusUnchanged {
		t.Errorf("status = %v, want unchanged", res.Status)
	}
	// Same text under another external ID is still the same article.
	a.Article.ExternalID = "copy"
	if res := add(t, s, a); res.Status != graph.StatusUnchanged {
		t.Errorf("copy status = %v, want unchanged", res.Status)
	}
	if after := stats(t, s); after != before {
		t.Errorf("stats changed: %+v -> %+v", before, after)
	}
	if p2 := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy"); p2.MentionCount != p.MentionCount {
		t.Errorf("mention count changed: %d -> %d", p.MentionCount, p2.MentionCount)
	}
}

func TestAddDocReplace(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, b := briefing(t)
	ra := add(t, s, a)
	add(t, s, b)

	// A new version of brief-1 drops Quillon and the number.
	d := newDoc("brief-1")
	s0 := d.sentence("Maryna Hrytsenkiy, the chief of Vantor Holdings, resigned.")
	p := d.entity(graph.KindPerson, "Maryna Hrytsenkiy", "person:maryna hrytsenkiy", "person:hrytsenkiy")
	o := d.entity(graph.KindOrg, "Vantor Holdings", "org:vantor holdings")
	d.mention(t, p, s0, "Maryna Hrytsenkiy")
	d.mention(t, o, s0, "Vantor Holdings")
	d.relation(graph.RelRole, "chief", p, o, s0)
	// Build the search index before the replace, so the replace has to
	// update it.
	if l, err := s.Entities(ctx, graph.EntityFilter{Search: "quillon"}, graph.Page{}); err != nil || l.Total != 1 {
		t.Fatalf("search before replace = %+v, %v; want Quillon", l, err)
	}
	res := add(t, s, d.d)
	if res.Status != graph.StatusReplaced || res.Article != ra.Article {
		t.Fatalf("replace result = %+v, want replaced %d", res, ra.Article)
	}

	// Fresh store with the final versions only must have the same totals.
	ref := openStore(t)
	add(t, ref, b)
	add(t, ref, d.d)
	if got, want := stats(t, s), stats(t, ref); got != want {
		t.Errorf("stats after replace = %+v, want %+v", got, want)
	}
	if _, ok, _ := s.HasHash(ctx, hashOf(a.Article.Text)); ok {
		t.Error("old text hash still stored")
	}
	l, err := s.Entities(ctx, graph.EntityFilter{Kind: graph.KindPlace}, graph.Page{})
	if err != nil || l.Total != 1 || l.Items[0].Name != "Marlow" {
		t.Errorf("places after replace = %+v, %v; want Marlow only", l, err)
	}
	if l, err := s.Entities(ctx, graph.EntityFilter{Search: "quillon"}, graph.Page{}); err != nil || l.Total != 0 {
		t.Errorf("search for a removed entity = %+v, %v; want none", l, err)
	}
	if n, err := s.Numbers(ctx, graph.NumberFilter{}, graph.Page{}); err != nil || n.Total != 0 {
		t.Errorf("numbers after replace = %+v, %v; want none", n, err)
	}
	pe := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")
	if pe.MentionCount != 2 || pe.ArticleCount != 2 {
		t.Errorf("person after replace: %d mentions, %d articles; want 2, 2", pe.MentionCount, pe.ArticleCount)
	}
	rels, err := s.EntityRelations(ctx, pe.ID, []graph.RelType{graph.RelRole}, graph.Page{})
	if err != nil || len(rels.Items) != 1 || rels.Items[0].Articles != 2 || rels.Items[0].Sentences != 2 || len(rels.Items[0].Evidence) != 2 {
		t.Errorf("role after replace = %+v, %v", rels, err)
	}
	art, err := s.Article(ctx, res.Article)
	if err != nil || art.Text != d.d.Article.Text {
		t.Errorf("article after replace = %q, %v", art.Text, err)
	}
}

func hashOf(text string) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(text)))
}

// countdownCtx is a context whose Err starts failing after n calls, to
// make AddDoc fail in the middle of its transaction.
type countdownCtx struct {
	context.Context
	n int
}

func (c *countdownCtx) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestAddDocAtomic(t *testing.T) {
	a, _ := briefing(t)
	bad := a
	bad.Mentions = append([]graph.LocalMention(nil), a.Mentions...)
	bad.Mentions[3].Span.End = 10000
	cases := []struct {
		name    string
		ctx     context.Context
		doc     graph.Doc
		wantErr error
	}{
		{"span out of text", context.Background(), bad, graph.ErrInvalid},
		{"cancelled mid-write", &countdownCtx{Context: context.Background(), n: 3}, a, context.Canceled},
		{"cancelled before", &countdownCtx{Context: context.Background(), n: 0}, a, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t)
			if _, err := s.AddDoc(c.ctx, c.doc); !errors.Is(err, c.wantErr) {
				t.Fatalf("AddDoc error = %v, want %v", err, c.wantErr)
			}
			if st := stats(t, s); st != (graph.Stats{}) {
				t.Errorf("stats after failed write = %+v, want zero", st)
			}
			ctx := context.Background()
			if l, err := s.Entities(ctx, graph.EntityFilter{}, graph.Page{}); err != nil || len(l.Items) != 0 {
				t.Errorf("entities after failed write = %+v, %v", l.Items, err)
			}
			if l, err := s.Entities(ctx, graph.EntityFilter{Search: "hrytsenkiy"}, graph.Page{}); err != nil || len(l.Items) != 0 {
				t.Errorf("search after failed write = %+v, %v", l.Items, err)
			}
			if _, err := s.ArticleByExternalID(ctx, "brief-1"); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("article after failed write: %v", err)
			}
			// The same doc goes in cleanly afterwards.
			add(t, s, a)
			if st := stats(t, s); st.Articles != 1 || st.Entities != 4 {
				t.Errorf("stats after retry = %+v", st)
			}
		})
	}
}

func TestAddDocTooBig(t *testing.T) {
	cases := []struct {
		name     string
		entities int // distinct entities, one mention each
		mentions int // mentions of one more entity
	}{
		{"too many keys for one transaction", 40000, 0},
		{"mention list over the value limit", 0, 150000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t)
			d := newDoc("huge")
			si := d.sentence(strings.Repeat("ab ", c.entities+c.mentions))
			for i := 0; i < c.entities; i++ {
				e := d.entity(graph.KindOrg, fmt.Sprintf("Ab %d", i), fmt.Sprintf("org:ab %d", i))
				d.d.Mentions = append(d.d.Mentions, graph.LocalMention{Entity: e, Span: graph.Span{Start: 3 * i, End: 3*i + 2}, Text: "ab", Sentence: si})
			}
			e := d.entity(graph.KindOrg, "Ab", "org:ab")
			for i := c.entities; i < c.entities+c.mentions; i++ {
				d.d.Mentions = append(d.d.Mentions, graph.LocalMention{Entity: e, Span: graph.Span{Start: 3 * i, End: 3*i + 2}, Text: "ab", Sentence: si})
			}
			_, err := s.AddDoc(context.Background(), d.d)
			if err == nil || !strings.Contains(err.Error(), "too big") || len(err.Error()) > 300 {
				t.Fatalf("AddDoc error = %.300v, want a short 'too big'", err)
			}
			if st := stats(t, s); st != (graph.Stats{}) {
				t.Errorf("stats after too-big doc = %+v, want zero", st)
			}
			if l, err := s.Entities(context.Background(), graph.EntityFilter{Search: "ab"}, graph.Page{}); err != nil || l.Total != 0 {
				t.Errorf("search after too-big doc: %d found, %v", l.Total, err)
			}
		})
	}
}

func TestResolution(t *testing.T) {
	ctx := context.Background()
	person := func(ext, name string, keys ...string) graph.Doc {
		d := newDoc(ext)
		si := d.sentence(name + " spoke in part " + ext + ".")
		e := d.entity(graph.KindPerson, name, keys...)
		d.mention(t, e, si, name)
		return d.d
	}
	cases := []struct {
		name     string
		docs     []graph.Doc
		entities int    // PERSON entities at the end
		lastKey  string // the merge key recorded for the last doc ("" = new entity)
	}{
		{"shared key merges", []graph.Doc{person("1", "Ilse Brennick", "p:ilse brennick", "p:brennick"), person("2", "Brennick", "p:brennick")}, 1, "p:brennick"},
		{"first matching key wins", []graph.Doc{person("1", "Ilse Brennick", "p:ilse brennick", "p:brennick"), person("2", "I. Brennick", "p:i brennick", "p:brennick")}, 1, "p:brennick"},
		{"no key in common", []graph.Doc{person("1", "Ilse Brennick", "p:ilse brennick"), person("2", "Otto Marlow", "p:otto marlow")}, 2, ""},
		{"ambiguous key skipped", []graph.Doc{
			person("1", "Ilse Brennick", "p:ilse brennick", "p:brennick"),
			person("2", "Otto Brennick", "p:otto brennick"),
			person("3", "Otto Brennick", "p:otto brennick", "p:brennick"), // now two hold p:brennick
			person("4", "Brennick", "p:brennick")}, 3, ""},
		{"ambiguous then specific", []graph.Doc{
			person("1", "Ilse Brennick", "p:ilse brennick", "p:brennick"),
			person("2", "Otto Brennick", "p:otto brennick"),
			person("3", "Otto Brennick", "p:otto brennick", "p:brennick"),
			person("4", "O. Brennick", "p:brennick", "p:otto brennick")}, 2, "p:otto brennick"},
		{"no keys", []graph.Doc{person("1", "Ilse Brennick"), person("2", "Ilse Brennick")}, 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t)
			var last graph.AddResult
			for _, d := range c.docs {
				last = add(t, s, d)
			}
			l, err := s.Entities(ctx, graph.EntityFilter{Kind: graph.KindPerson}, graph.Page{First: 100})
			if err != nil || l.Total != c.entities || len(l.Items) != c.entities {
				t.Fatalf("persons = %d (total %d), %v; want %d", len(l.Items), l.Total, err, c.entities)
			}
			var key string
			for _, e := range l.Items {
				full, err := s.Entity(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range full.Merges {
					if m.Article == last.Article {
						key = m.Key
					}
				}
			}
			if key != c.lastKey {
				t.Errorf("last doc merged by %q, want %q", key, c.lastKey)
			}
		})
	}

	t.Run("same kind only", func(t *testing.T) {
		s := openStore(t)
		d := newDoc("k")
		si := d.sentence("Marlow met Marlow.")
		p := d.entity(graph.KindPerson, "Marlow", "marlow")
		q := d.entity(graph.KindPlace, "Marlow", "marlow")
		d.mention(t, p, si, "Marlow")
		d.d.Mentions = append(d.d.Mentions, graph.LocalMention{Entity: q, Span: graph.Span{Start: 11, End: 17}, Text: "Marlow", Sentence: si})
		add(t, s, d.d)
		if st := stats(t, s); st.Entities != 2 {
			t.Errorf("entities = %d, want 2 (kinds differ)", st.Entities)
		}
	})

	t.Run("longer name wins and aliases dedupe", func(t *testing.T) {
		s := openStore(t)
		add(t, s, person("1", "Brennick", "p:brennick"))
		add(t, s, person("2", "Ilse Brennick", "p:brennick"))
		add(t, s, person("3", "Brennick", "p:brennick"))
		e := entityByName(t, s, graph.KindPerson, "Ilse Brennick")
		if len(e.Aliases) != 2 || e.MentionCount != 3 || e.ArticleCount != 3 {
			t.Errorf("entity = %+v", e)
		}
	})
}

func TestPagination(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	const n = 7
	for i := 0; i < n; i++ {
		d := newDoc(fmt.Sprintf("doc-%d", i))
		si := d.sentence(fmt.Sprintf("Ilse Brennick opened office %d in Marlow.", i))
		p := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
		q := d.entity(graph.KindPlace, "Marlow", "pl:marlow")
		o := d.entity(graph.KindOrg, fmt.Sprintf("Office %d Group", i), fmt.Sprintf("org:office %d", i))
		d.mention(t, p, si, "Ilse Brennick")
		d.mention(t, q, si, "Marlow")
		d.d.Mentions = append(d.d.Mentions, graph.LocalMention{Entity: o, Span: graph.Span{Start: 0, End: 4}, Text: "Ilse", Sentence: si})
		add(t, s, d.d)
	}
	type lister func(graph.Page) (ids []string, cursors []string, hasNext bool, total int, err error)
	cases := []struct {
		name string
		want int
		list lister
	}{
		{"articles", n, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Articles(ctx, graph.ArticleFilter{}, p)
			var ids []string
			for _, a := range l.Items {
				ids = append(ids, a.ExternalID)
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
		{"articles filtered", n, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Articles(ctx, graph.ArticleFilter{Search: "OFFICE marlow", Outlet: "Example.com"}, p)
			var ids []string
			for _, a := range l.Items {
				ids = append(ids, a.ExternalID)
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
		{"articles filtered out", 0, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Articles(ctx, graph.ArticleFilter{Search: "office zebra"}, p)
			return nil, l.Cursors, l.HasNext, l.Total, err
		}},
		{"orgs", n, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Entities(ctx, graph.EntityFilter{Kind: graph.KindOrg}, p)
			var ids []string
			for _, e := range l.Items {
				ids = append(ids, e.Name)
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
		{"all entities", n + 2, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Entities(ctx, graph.EntityFilter{}, p)
			var ids []string
			for _, e := range l.Items {
				ids = append(ids, e.Name)
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
		{"entity search", n, func(p graph.Page) ([]string, []string, bool, int, error) {
			l, err := s.Entities(ctx, graph.EntityFilter{Search: "office group"}, p)
			var ids []string
			for _, e := range l.Items {
				ids = append(ids, e.Name)
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
		{"place mentions", n, func(p graph.Page) ([]string, []string, bool, int, error) {
			e := entityByName(t, s, graph.KindPlace, "Marlow")
			l, err := s.EntityMentions(ctx, e.ID, p)
			var ids []string
			for _, m := range l.Items {
				ids = append(ids, fmt.Sprint(m.Article, m.Span))
			}
			return ids, l.Cursors, l.HasNext, l.Total, err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen := map[string]bool{}
			after := ""
			for page := 0; ; page++ {
				ids, cursors, hasNext, total, err := c.list(graph.Page{First: 2, After: after})
				if err != nil {
					t.Fatal(err)
				}
				if total != c.want {
					t.Errorf("page %d total = %d, want %d", page, total, c.want)
				}
				for _, id := range ids {
					if seen[id] {
						t.Errorf("item %q seen twice", id)
					}
					seen[id] = true
				}
				if !hasNext {
					break
				}
				if page > c.want || len(cursors) == 0 {
					t.Fatalf("pagination does not end")
				}
				after = cursors[len(cursors)-1]
			}
			if len(seen) != c.want {
				t.Errorf("saw %d items, want %d", len(seen), c.want)
			}
		})
	}
	if _, err := s.Articles(ctx, graph.ArticleFilter{}, graph.Page{After: "!!not a cursor"}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("bad cursor error = %v, want ErrInvalid", err)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	d := newDoc("s1")
	s0 := d.sentence("Maryna Hrytsenkiy met Jürgen Schöllmann and Hrytsenko Partners in Khmelnova.")
	s1 := d.sentence("Hrytsenkiy and Schöllmann spoke twice; Hrytsenkiy spoke again.")
	p := d.entity(graph.KindPerson, "Maryna Hrytsenkiy", "p:maryna hrytsenkiy")
	j := d.entity(graph.KindPerson, "Jürgen Schöllmann", "p:jurgen schollmann")
	o := d.entity(graph.KindOrg, "Hrytsenko Partners", "o:hrytsenko partners")
	k := d.entity(graph.KindPlace, "Khmelnova", "pl:khmelnova")
	d.mention(t, p, s0, "Maryna Hrytsenkiy")
	d.mention(t, j, s0, "Jürgen Schöllmann")
	d.mention(t, o, s0, "Hrytsenko Partners")
	d.mention(t, k, s0, "Khmelnova")
	d.mention(t, p, s1, "Hrytsenkiy")
	d.mention(t, j, s1, "Schöllmann")
	add(t, s, d.d)

	// The index is built by the first search; later writes update it.
	if l, err := s.Entities(ctx, graph.EntityFilter{Search: "brennick"}, graph.Page{}); err != nil || l.Total != 0 {
		t.Fatalf("search before add = %+v, %v", l, err)
	}
	d2 := newDoc("s2")
	t0 := d2.sentence("Ilse Brennick arrived.")
	d2.mention(t, d2.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick"), t0, "Ilse Brennick")
	add(t, s, d2.d)

	cases := []struct {
		query string
		kind  graph.Kind
		want  []string // ranked prefix of the result
		total int      // -1: don't check
	}{
		{"Maryna Hrytsenkiy", 0, []string{"Maryna Hrytsenkiy"}, 1},
		{"hrytsenky", 0, []string{"Maryna Hrytsenkiy", "Hrytsenko Partners"}, 2},
		{"HRYTSENKIY", graph.KindOrg, []string{"Hrytsenko Partners"}, 1},
		{"hryt", 0, []string{"Maryna Hrytsenkiy", "Hrytsenko Partners"}, 2},
		{"schollmann", 0, []string{"Jürgen Schöllmann"}, 1},
		{"jurgen", graph.KindPerson, []string{"Jürgen Schöllmann"}, 1},
		{"hmelnova", 0, []string{"Khmelnova"}, 1},
		{"khmelnva", 0, []string{"Khmelnova"}, 1},
		{"marina hritsenkyi", 0, []string{"Maryna Hrytsenkiy"}, 1},
		{"partners", 0, []string{"Hrytsenko Partners"}, 1},
		{"brenick", 0, []string{"Ilse Brennick"}, 1},
		{"nobody", 0, nil, 0},
		{"  ,.;  ", 0, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			l, err := s.Entities(ctx, graph.EntityFilter{Search: c.query, Kind: c.kind}, graph.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range l.Items {
				got = append(got, e.Name)
			}
			if len(got) < len(c.want) {
				t.Fatalf("search %q = %q, want prefix %q", c.query, got, c.want)
			}
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Errorf("search %q = %q, want prefix %q", c.query, got, c.want)
					break
				}
			}
			if c.total >= 0 && l.Total != c.total {
				t.Errorf("search %q total = %d, want %d (%q)", c.query, l.Total, c.total, got)
			}
		})
	}
}

func TestNeighborsAndPaths(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	// A chain: Brennick -ROLE-> Vantor -co-> Marlow -co-> Quillon; Brennick -co-> Otto.
	d := newDoc("n1")
	s0 := d.sentence("Ilse Brennick leads Vantor Holdings with Otto Marlow.")
	s1 := d.sentence("Vantor Holdings built a plant in Quillon near Ostbrook.")
	s2 := d.sentence("Ilse Brennick and Otto Marlow toured Ostbrook.")
	b := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
	v := d.entity(graph.KindOrg, "Vantor Holdings", "o:vantor")
	o := d.entity(graph.KindPerson, "Otto Marlow", "p:otto marlow")
	q := d.entity(graph.KindPlace, "Quillon", "pl:quillon")
	w := d.entity(graph.KindPlace, "Ostbrook", "pl:ostbrook")
	d.mention(t, b, s0, "Ilse Brennick")
	d.mention(t, v, s0, "Vantor Holdings")
	d.mention(t, o, s0, "Otto Marlow")
	d.mention(t, v, s1, "Vantor Holdings")
	d.mention(t, q, s1, "Quillon")
	d.mention(t, w, s1, "Ostbrook")
	d.mention(t, b, s2, "Ilse Brennick")
	d.mention(t, o, s2, "Otto Marlow")
	d.mention(t, w, s2, "Ostbrook")
	d.relation(graph.RelRole, "leads", b, v, s0)
	d.relation(graph.RelCoMentioned, "", b, v, s0)
	d.relation(graph.RelCoMentioned, "", b, o, s0)
	d.relation(graph.RelCoMentioned, "", b, o, s2)
	d.relation(graph.RelCoMentioned, "", v, q, s1)
	d.relation(graph.RelLocatedIn, "", q, w, s1)
	add(t, s, d.d)
	id := func(kind graph.Kind, name string) graph.EntityID { return entityByName(t, s, kind, name).ID }
	B, V, O, Q, W := id(graph.KindPerson, "Ilse Brennick"), id(graph.KindOrg, "Vantor Holdings"), id(graph.KindPerson, "Otto Marlow"), id(graph.KindPlace, "Quillon"), id(graph.KindPlace, "Ostbrook")

	nb, err := s.Neighbors(ctx, B, 1, nil, 10)
	if err != nil || len(nb) != 2 {
		t.Fatalf("neighbors depth 1 = %+v, %v", nb, err)
	}
	if nb[0].Entity != O || nb[0].Sentences != 2 || nb[1].Entity != V || len(nb[1].Types) != 2 || nb[1].Via != B {
		t.Errorf("neighbors depth 1 = %+v; want Marlow (2 sentences) then Vantor (ROLE, CO_MENTIONED)", nb)
	}
	nb, err = s.Neighbors(ctx, B, 3, []graph.Kind{graph.KindPlace}, 10)
	if err != nil || len(nb) != 2 || nb[0].Entity != Q || nb[0].Depth != 2 || nb[0].Via != V || nb[1].Entity != W || nb[1].Depth != 3 {
		t.Errorf("place neighbors depth 3 = %+v, %v", nb, err)
	}
	if _, err := s.Neighbors(ctx, 999, 1, nil, 10); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("neighbors of missing entity: %v", err)
	}

	paths, err := s.Paths(ctx, B, W, 4, 10)
	if err != nil || len(paths) != 1 || len(paths[0]) != 3 {
		t.Fatalf("paths = %+v, %v; want one of 3 hops", paths, err)
	}
	hop := paths[0][0]
	if hop.From != B || hop.To != V || hop.Relation.Type != graph.RelRole || len(hop.Relation.Evidence) == 0 {
		t.Errorf("first hop = %+v; want typed ROLE with evidence", hop)
	}
	if last := paths[0][2]; last.To != W || last.Relation.Type != graph.RelLocatedIn {
		t.Errorf("last hop = %+v", last)
	}
	if paths, err := s.Paths(ctx, B, W, 2, 10); err != nil || len(paths) != 0 {
		t.Errorf("paths within 2 hops = %+v, %v; want none", paths, err)
	}
}

func TestNumbers(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	values := []struct {
		v    float64
		unit string
	}{{-3, "degrees"}, {5, "people"}, {120, "people"}, {2000, "People"}, {2000, "tanks"}, {1e6, "people"}}
	d := newDoc("nums")
	for i, x := range values {
		si := d.sentence(fmt.Sprintf("Item %d counts %g %s.", i, x.v, x.unit))
		e := d.number(x.v, x.unit, fmt.Sprintf("n:%g %s", x.v, strings.ToLower(x.unit)))
		d.mention(t, e, si, fmt.Sprintf("%g %s", x.v, x.unit))
	}
	add(t, s, d.d)
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		name   string
		filter graph.NumberFilter
		want   []string
	}{
		{"all", graph.NumberFilter{}, []string{"-3 degrees", "5 people", "120 people", "2000 People", "2000 tanks", "1e+06 people"}},
		{"unit", graph.NumberFilter{Unit: "PEOPLE"}, []string{"5 people", "120 people", "2000 People", "1e+06 people"}},
		{"range", graph.NumberFilter{Min: f(0), Max: f(2000)}, []string{"5 people", "120 people", "2000 People", "2000 tanks"}},
		{"unit and range", graph.NumberFilter{Unit: "people", Min: f(100), Max: f(1000)}, []string{"120 people"}},
		{"below zero", graph.NumberFilter{Max: f(-1)}, []string{"-3 degrees"}},
		{"empty range", graph.NumberFilter{Min: f(3000), Max: f(4000)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			after := ""
			for {
				l, err := s.Numbers(ctx, c.filter, graph.Page{First: 2, After: after})
				if err != nil {
					t.Fatal(err)
				}
				if l.Total != len(c.want) {
					t.Errorf("total = %d, want %d", l.Total, len(c.want))
				}
				for _, m := range l.Items {
					got = append(got, m.Text)
				}
				if !l.HasNext {
					break
				}
				after = l.Cursors[len(l.Cursors)-1]
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("numbers = %q, want %q", got, c.want)
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, _ := briefing(t)
	add(t, s, a)
	_, err = graph.Open(dir, graph.Options{})
	if !errors.Is(err, graph.ErrLocked) || !strings.Contains(err.Error(), dir) {
		t.Errorf("second open error = %v, want ErrLocked naming %s", err, dir)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := briefing(t)
	ra := add(t, s, a)
	want := stats(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := stats(t, s); got != want {
		t.Errorf("stats after reopen = %+v, want %+v", got, want)
	}
	rb := add(t, s, b)
	if rb.Article == ra.Article || rb.Article == 0 {
		t.Errorf("article IDs %d and %d after reopen", ra.Article, rb.Article)
	}
	if e := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy"); e.ArticleCount != 2 {
		t.Errorf("entity after reopen: %+v", e)
	}
	if _, err := s.Article(ctx, rb.Article); err != nil {
		t.Error(err)
	}
}

func TestClaimsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	for i, day := range []int{3, 20, 9} {
		d := newDoc(fmt.Sprintf("claim-%d", i))
		d.d.Article.Published = time.Date(2024, 5, day, 0, 0, 0, 0, time.UTC)
		si := d.sentence(fmt.Sprintf("Ilse Brennick said topic %d matters.", i))
		p := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
		o := d.entity(graph.KindOrg, fmt.Sprintf("Topic %d Board", i), fmt.Sprintf("o:topic %d", i))
		d.mention(t, p, si, "Ilse Brennick")
		d.d.Mentions = append(d.d.Mentions, graph.LocalMention{Entity: o, Span: graph.Span{Start: 19, End: 26}, Text: "topic", Sentence: si})
		d.relation(graph.RelStated, "said", p, o, si)
		add(t, s, d.d)
	}
	p := entityByName(t, s, graph.KindPerson, "Ilse Brennick")
	var got []int
	after := ""
	for {
		l, err := s.Claims(ctx, p.ID, graph.Page{First: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 3 {
			t.Errorf("total = %d, want 3", l.Total)
		}
		for _, r := range l.Items {
			a, err := s.Article(ctx, r.Evidence[0].Article)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, a.Published.Day())
		}
		if !l.HasNext {
			break
		}
		after = l.Cursors[len(l.Cursors)-1]
	}
	if fmt.Sprint(got) != "[20 9 3]" {
		t.Errorf("claims by day = %v, want [20 9 3]", got)
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := briefing(t)
	add(t, s, a)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := graph.Open(dir, graph.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if st := stats(t, ro); st.Articles != 1 {
		t.Errorf("read-only stats = %+v", st)
	}
	if l, err := ro.Entities(ctx, graph.EntityFilter{Search: "vantor"}, graph.Page{}); err != nil || l.Total != 1 {
		t.Errorf("read-only search = %+v, %v", l, err)
	}
	if _, err := ro.AddDoc(ctx, b); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("AddDoc on read-only store: %v, want ErrInvalid", err)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, _ := briefing(t)
	add(t, s, a)
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"hash not hex", func() error { _, _, err := s.HasHash(ctx, "zz"); return err }, graph.ErrInvalid},
		{"missing entity", func() error { _, err := s.Entity(ctx, 12345); return err }, graph.ErrNotFound},
		{"missing external id", func() error { _, err := s.ArticleByExternalID(ctx, "nope"); return err }, graph.ErrNotFound},
		{"bad kind", func() error { _, err := s.Entities(ctx, graph.EntityFilter{Kind: 99}, graph.Page{}); return err }, graph.ErrInvalid},
		{"bad relation type", func() error { _, err := s.Relations(ctx, 99, graph.Page{}); return err }, graph.ErrInvalid},
		{"cursor of another list", func() error {
			l, err := s.Relations(ctx, 0, graph.Page{First: 1})
			if err != nil {
				return err
			}
			_, err = s.Entities(ctx, graph.EntityFilter{}, graph.Page{After: l.Cursors[0]})
			return err
		}, graph.ErrInvalid},
		{"search cursor garbage", func() error {
			_, err := s.Entities(ctx, graph.EntityFilter{Search: "vantor"}, graph.Page{After: "AAAA"})
			return err
		}, graph.ErrInvalid},
		{"mention out of range", func() error {
			d := a
			d.Article.ExternalID, d.Article.Text = "other", a.Article.Text+" More."
			d.Mentions = append([]graph.LocalMention{{Entity: 7, Span: graph.Span{Start: 0, End: 1}}}, a.Mentions...)
			_, err := s.AddDoc(ctx, d)
			return err
		}, graph.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, c.want) {
				t.Errorf("error = %v, want %v", err, c.want)
			}
		})
	}
}

func TestEntityRelationsPages(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	d := newDoc("hub")
	si := d.sentence("Ilse Brennick met A1, A2, A3, A4 and A5.")
	hub := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
	d.mention(t, hub, si, "Ilse Brennick")
	for i := 1; i <= 5; i++ {
		e := d.entity(graph.KindPerson, fmt.Sprintf("A%d", i), fmt.Sprintf("p:a%d", i))
		d.mention(t, e, si, fmt.Sprintf("A%d", i))
		d.relation(graph.RelAction, "met", hub, e, si)
		d.relation(graph.RelCoMentioned, "", e, hub, si)
	}
	add(t, s, d.d)
	h := entityByName(t, s, graph.KindPerson, "Ilse Brennick")
	seen := map[string]bool{}
	after := ""
	for {
		l, err := s.EntityRelations(ctx, h.ID, nil, graph.Page{First: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 10 {
			t.Errorf("total = %d, want 10", l.Total)
		}
		for _, r := range l.Items {
			k := fmt.Sprint(r.Type, r.Source, r.Target)
			if seen[k] {
				t.Errorf("relation %s twice", k)
			}
			seen[k] = true
		}
		if !l.HasNext {
			break
		}
		after = l.Cursors[len(l.Cursors)-1]
	}
	if len(seen) != 10 {
		t.Errorf("saw %d relations, want 10", len(seen))
	}
	only, err := s.EntityRelations(ctx, h.ID, []graph.RelType{graph.RelAction}, graph.Page{})
	if err != nil || only.Total != 5 {
		t.Errorf("ACTION relations = %d, %v; want 5", only.Total, err)
	}
}

func TestPathsSeveral(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	// Two routes of two hops from Brennick to Marlow, through A1 and A2.
	d := newDoc("routes")
	s0 := d.sentence("Ilse Brennick met A1 and A2.")
	s1 := d.sentence("A1 and A2 visited Otto Marlow.")
	b := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
	a1 := d.entity(graph.KindPerson, "A1", "p:a1")
	a2 := d.entity(graph.KindPerson, "A2", "p:a2")
	m := d.entity(graph.KindPerson, "Otto Marlow", "p:otto marlow")
	d.mention(t, b, s0, "Ilse Brennick")
	d.mention(t, a1, s0, "A1")
	d.mention(t, a2, s0, "A2")
	d.mention(t, a1, s1, "A1")
	d.mention(t, a2, s1, "A2")
	d.mention(t, m, s1, "Otto Marlow")
	d.relation(graph.RelAction, "met", b, a1, s0)
	d.relation(graph.RelAction, "met", b, a2, s0)
	d.relation(graph.RelCoMentioned, "", a1, m, s1)
	d.relation(graph.RelCoMentioned, "", a2, m, s1)
	add(t, s, d.d)
	B, M := entityByName(t, s, graph.KindPerson, "Ilse Brennick").ID, entityByName(t, s, graph.KindPerson, "Otto Marlow").ID
	cases := []struct {
		limit, want int
	}{{10, 2}, {1, 1}}
	for _, c := range cases {
		t.Run(fmt.Sprint("limit ", c.limit), func(t *testing.T) {
			paths, err := s.Paths(ctx, B, M, 3, c.limit)
			if err != nil || len(paths) != c.want {
				t.Fatalf("paths = %+v, %v; want %d", paths, err, c.want)
			}
			for _, p := range paths {
				if len(p) != 2 || p[0].From != B || p[1].To != M || p[0].To != p[1].From {
					t.Errorf("path %+v is not a 2-hop chain from %d to %d", p, B, M)
				}
				if p[0].Relation.Type != graph.RelAction || p[1].Relation.Type != graph.RelCoMentioned {
					t.Errorf("hop types %v, %v", p[0].Relation.Type, p[1].Relation.Type)
				}
			}
		})
	}
	if nb, err := s.Neighbors(ctx, B, 2, nil, 2); err != nil || len(nb) != 2 {
		t.Errorf("neighbors with limit 2 = %+v, %v", nb, err)
	}
	if p, err := s.Paths(ctx, B, B, 3, 10); err != nil || len(p) != 0 {
		t.Errorf("paths to itself = %+v, %v", p, err)
	}
}

func TestConflicts(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	article := func(ext string, workers float64, verb string) graph.Doc {
		d := newDoc(ext)
		si := d.sentence(fmt.Sprintf("Ilse Brennick %s Vantor Holdings employs %g workers.", verb, workers))
		p := d.entity(graph.KindPerson, "Ilse Brennick", "p:ilse brennick")
		o := d.entity(graph.KindOrg, "Vantor Holdings", "o:vantor holdings")
		n := d.number(workers, "workers", fmt.Sprintf("n:%g workers", workers))
		d.mention(t, p, si, "Ilse Brennick")
		d.mention(t, o, si, "Vantor Holdings")
		d.mention(t, n, si, fmt.Sprintf("%g workers", workers))
		d.relation(graph.RelStated, verb, p, o, si)
		d.relation(graph.RelAction, "employs", o, n, si)
		d.relation(graph.RelAction, "has", o, n, si) // a second link to the same number is not a second conflict
		return d.d
	}
	add(t, s, article("c1", 1200, "said"))
	add(t, s, article("c2", 1204, "said")) // within 1%: no conflict
	add(t, s, article("c3", 1500, "denied"))
	o := entityByName(t, s, graph.KindOrg, "Vantor Holdings")
	cs, err := s.Conflicts(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range cs {
		kinds[c.Kind]++
		if c.A.Article == c.B.Article {
			t.Errorf("conflict %+v within one article", c)
		}
	}
	if kinds["number"] != 2 || kinds["opposition"] != 1 {
		t.Errorf("conflicts = %+v; want 2 number (1200 and 1204 vs 1500), 1 opposition", cs)
	}
	p := entityByName(t, s, graph.KindPerson, "Ilse Brennick")
	// her own sentences give the numbers too
	if cs, err := s.Conflicts(ctx, p.ID); err != nil || len(cs) != 3 || cs[2].Kind != "opposition" {
		t.Errorf("person conflicts = %+v, %v; want 2 number, one opposition", cs, err)
	}
	if _, err := s.Conflicts(ctx, 9999); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("conflicts of missing entity: %v", err)
	}
}

// TestByID checks the batch reads against the one-at-a-time ones.
func TestByID(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, b := briefing(t)
	ra, rb := add(t, s, a), add(t, s, b)
	p := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")
	o := entityByName(t, s, graph.KindOrg, "Vantor Holdings")
	es, err := s.EntitiesByID(ctx, []graph.EntityID{p.ID, o.ID, p.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("EntitiesByID gave %d entities, want 2 (the missing ID left out)", len(es))
	}
	for _, id := range []graph.EntityID{p.ID, o.ID} {
		one, err := s.Entity(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if sameEntity(es[id]) != sameEntity(one) {
			t.Errorf("EntitiesByID[%d] = %+v, Entity = %+v", id, es[id], one)
		}
	}
	as, err := s.ArticlesByID(ctx, []graph.ArticleID{rb.Article, ra.Article, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 {
		t.Fatalf("ArticlesByID gave %d articles, want 2", len(as))
	}
	for _, id := range []graph.ArticleID{ra.Article, rb.Article} {
		one, err := s.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", as[id]) != fmt.Sprintf("%+v", one) {
			t.Errorf("ArticlesByID[%d] = %+v, Article = %+v", id, as[id], one)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.EntitiesByID(cctx, []graph.EntityID{p.ID}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled EntitiesByID: %v, want context.Canceled", err)
	}
}

// sameEntity prints an entity for comparison, its value and not the
// pointer to it.
func sameEntity(e graph.Entity) string {
	v := "nil"
	if e.Value != nil {
		v = fmt.Sprint(*e.Value)
	}
	e.Value = nil
	return fmt.Sprintf("%+v value=%s", e, v)
}

// TestReadCacheFollowsWrites reads an entity and its neighbours, writes an
// article that changes both, and checks that the reads see the change (the
// Store caches decoded reads per snapshot).
func TestReadCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, b := briefing(t)
	add(t, s, a)
	p := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")
	before, err := s.Entity(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := s.Neighbors(ctx, p.ID, 1, nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	before.Aliases = append(before.Aliases[:0], "changed by the caller") // must not reach the cache
	add(t, s, b)
	after, err := s.Entity(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.MentionCount <= before.MentionCount || after.ArticleCount != 2 {
		t.Errorf("after a second article: %d mentions in %d articles, before %d", after.MentionCount, after.ArticleCount, before.MentionCount)
	}
	for _, al := range after.Aliases {
		if al == "changed by the caller" {
			t.Errorf("a caller's change to Aliases reached the store: %q", after.Aliases)
		}
	}
	nb2, err := s.Neighbors(ctx, p.ID, 1, nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb2) <= len(nb) {
		t.Errorf("neighbours: %d before the second article, %d after; want more", len(nb), len(nb2))
	}
	es, err := s.EntitiesByID(ctx, []graph.EntityID{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if es[p.ID].MentionCount != after.MentionCount {
		t.Errorf("EntitiesByID: %d mentions, Entity: %d", es[p.ID].MentionCount, after.MentionCount)
	}
}

// TestRelationSentencesCountedOnce adds, in one AddDocs call, an article
// that relates two entities twice in one sentence (once each way, which a
// co-mention does not tell apart) and once in another, then an article
// that relates them once: the relation has 3 sentences, 2 articles and
// one piece of evidence per sentence, in article and sentence order.
func TestRelationSentencesCountedOnce(t *testing.T) {
	s := openStore(t)
	a := newDoc("twice")
	s0 := a.sentence("Ada Quill met officials of the Harbor Board and the Harbor Board thanked Ada Quill.")
	s1 := a.sentence("Ada Quill left the Harbor Board.")
	p, o := a.entity(graph.KindPerson, "Ada Quill", "ada quill"), a.entity(graph.KindOrg, "Harbor Board", "harbor board")
	a.mention(t, p, s0, "Ada Quill")
	a.mention(t, o, s0, "Harbor Board")
	a.mention(t, p, s1, "Ada Quill")
	a.mention(t, o, s1, "Harbor Board")
	a.relation(graph.RelCoMentioned, "", p, o, s0)
	a.relation(graph.RelCoMentioned, "", o, p, s0)
	a.relation(graph.RelCoMentioned, "", p, o, s1)
	b := newDoc("once")
	b0 := b.sentence("The Harbor Board named Ada Quill.")
	p, o = b.entity(graph.KindPerson, "Ada Quill", "ada quill"), b.entity(graph.KindOrg, "Harbor Board", "harbor board")
	b.mention(t, p, b0, "Ada Quill")
	b.mention(t, o, b0, "Harbor Board")
	b.relation(graph.RelCoMentioned, "", o, p, b0)
	res, errs := s.AddDocs(context.Background(), []graph.Doc{a.d, b.d})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
	}
	l, err := s.Relations(context.Background(), graph.RelCoMentioned, graph.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 {
		t.Fatalf("%d co-mention relations, want 1: %+v", len(l.Items), l.Items)
	}
	r := l.Items[0]
	if r.Sentences != 3 || r.Articles != 2 {
		t.Errorf("sentences %d, articles %d; want 3, 2", r.Sentences, r.Articles)
	}
	want := []graph.Evidence{
		{Article: res[0].Article, Sentence: a.d.Sentences[s0], Span: a.d.Sentences[s0]},
		{Article: res[0].Article, Sentence: a.d.Sentences[s1], Span: a.d.Sentences[s1]},
		{Article: res[1].Article, Sentence: b.d.Sentences[b0], Span: b.d.Sentences[b0]},
	}
	if fmt.Sprint(r.Evidence) != fmt.Sprint(want) {
		t.Errorf("evidence %v, want %v", r.Evidence, want)
	}
}
