package schema

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

// fakeStore is a small in-memory Store over fixed data. Cursors are
// 1-based positions; "bad" cursors return graph.ErrInvalid as the real
// store does.
type fakeStore struct {
	articles  []graph.Article
	entities  []graph.Entity
	mentions  []graph.Mention
	relations []graph.Relation
	neighbors map[graph.EntityID][]graph.Neighbor

	entityCalls  atomic.Int64 // Entity calls, to check per-request caching
	batchCalls   atomic.Int64 // EntitiesByID and ArticlesByID calls
	articleCalls atomic.Int64 // Article calls
	fail         error        // returned by every method when set
}

func runeIndex(text, sub string, nth int) graph.Span {
	rs, srs := []rune(text), []rune(sub)
	for i := 0; i+len(srs) <= len(rs); i++ {
		if string(rs[i:i+len(srs)]) == sub {
			if nth == 0 {
				return graph.Span{Start: i, End: i + len(srs)}
			}
			nth--
		}
	}
	panic("fake: " + sub + " not in text")
}

// newFake builds two articles about invented people, with a non-ASCII
// name before the mentions so that byte and code-point offsets differ.
func newFake() *fakeStore {
	f := &fakeStore{neighbors: map[graph.EntityID][]graph.Neighbor{}}
	t1 := "Zoë Ångström, chief executive of Acme Corp, said in Springfield that about 3,000 people work there. Ångström spoke on Monday."
	t2 := "Acme Corp opened a plant near Springfield, the company said."
	f.articles = []graph.Article{
		{ID: 1, ExternalID: "one", URL: "https://news.example/one", Title: "Acme grows", Outlet: "Example News",
			Published: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), Text: t1, Hash: "h1"},
		{ID: 2, ExternalID: "two", Title: "Plant opens", Text: t2, Hash: "h2"},
	}
	three := 3000.0
	f.entities = []graph.Entity{
		{ID: 1, Kind: graph.KindPerson, Name: "Zoë Ångström", Aliases: []string{"Zoë Ångström", "Ångström"}, MentionCount: 2, ArticleCount: 1},
		{ID: 2, Kind: graph.KindOrg, Name: "Acme Corp", Aliases: []string{"Acme Corp"}, MentionCount: 2, ArticleCount: 2,
			Merges: []graph.Merge{{Article: 2, Name: "Acme Corp", Key: "org:acme"}}},
		{ID: 3, Kind: graph.KindPlace, Name: "Springfield", Aliases: []string{"Springfield"}, MentionCount: 2, ArticleCount: 2},
		{ID: 4, Kind: graph.KindNumber, Name: "3,000 people", Value: &three, Unit: "people", MentionCount: 1, ArticleCount: 1},
	}
	s1 := graph.Span{Start: 0, End: runeIndex(t1, "there.", 0).End}
	s2 := graph.Span{Start: s1.End + 1, End: len([]rune(t1))}
	s3 := graph.Span{Start: 0, End: len([]rune(t2))}
	mention := func(a graph.ArticleID, e graph.EntityID, text, sub string, nth int, sent graph.Span, q string) graph.Mention {
		sp := runeIndex(text, sub, nth)
		return graph.Mention{Article: a, Entity: e, Span: sp, Text: sub, Sentence: sent, Qualifier: q}
	}
	f.mentions = []graph.Mention{
		mention(1, 1, t1, "Zoë Ångström", 0, s1, ""),
		mention(1, 2, t1, "Acme Corp", 0, s1, ""),
		mention(1, 3, t1, "Springfield", 0, s1, ""),
		mention(1, 4, t1, "3,000 people", 0, s1, "about"),
		mention(1, 1, t1, "Ångström", 1, s2, ""),
		mention(2, 2, t2, "Acme Corp", 0, s3, ""),
		mention(2, 3, t2, "Springfield", 0, s3, ""),
	}
	f.relations = []graph.Relation{
		{Type: graph.RelRole, Label: "chief executive", Source: 1, Target: 2, Sentences: 1, Articles: 1, Outlets: 1,
			Evidence: []graph.Evidence{{Article: 1, Sentence: s1, Span: runeIndex(t1, "Zoë Ångström, chief executive of Acme Corp", 0)}}},
		{Type: graph.RelStated, Label: "said", Source: 1, Target: 3, Sentences: 1, Articles: 1, Outlets: 1,
			Evidence: []graph.Evidence{{Article: 1, Sentence: s1, Span: s1}}},
		{Type: graph.RelCoMentioned, Source: 2, Target: 3, Sentences: 2, Articles: 2, Outlets: 2,
			Evidence: []graph.Evidence{{Article: 1, Sentence: s1, Span: s1}, {Article: 2, Sentence: s3, Span: s3}}},
	}
	f.neighbors[1] = []graph.Neighbor{
		{Entity: 2, Depth: 1, Via: 1, Sentences: 1, Articles: 1, Types: []graph.RelType{graph.RelRole}},
		{Entity: 3, Depth: 1, Via: 1, Sentences: 1, Articles: 1, Types: []graph.RelType{graph.RelStated}},
	}
	return f
}

func paginate[T any](items []T, p graph.Page) (graph.List[T], error) {
	start := 0
	if p.After != "" {
		n, err := strconv.Atoi(p.After)
		if err != nil || n < 0 || n > len(items) {
			return graph.List[T]{}, fmt.Errorf("fake: cursor %q: %w", p.After, graph.ErrInvalid)
		}
		start = n
	}
	first := p.First
	if first <= 0 {
		first = 20
	}
	end := min(start+first, len(items))
	l := graph.List[T]{Items: items[start:end], HasNext: end < len(items), Total: len(items)}
	for i := start; i < end; i++ {
		l.Cursors = append(l.Cursors, strconv.Itoa(i+1))
	}
	return l, nil
}

func (f *fakeStore) Article(ctx context.Context, id graph.ArticleID) (graph.Article, error) {
	f.articleCalls.Add(1)
	if f.fail != nil {
		return graph.Article{}, f.fail
	}
	for _, a := range f.articles {
		if a.ID == id {
			return a, nil
		}
	}
	return graph.Article{}, fmt.Errorf("fake: article %d: %w", id, graph.ErrNotFound)
}

func (f *fakeStore) ArticleByExternalID(ctx context.Context, ext string) (graph.Article, error) {
	for _, a := range f.articles {
		if a.ExternalID == ext {
			return a, nil
		}
	}
	return graph.Article{}, fmt.Errorf("fake: article %q: %w", ext, graph.ErrNotFound)
}

func (f *fakeStore) Articles(ctx context.Context, flt graph.ArticleFilter, p graph.Page) (graph.List[graph.Article], error) {
	if f.fail != nil {
		return graph.List[graph.Article]{}, f.fail
	}
	var out []graph.Article
	for _, a := range f.articles {
		if flt.Outlet != "" && !strings.EqualFold(a.Outlet, flt.Outlet) {
			continue
		}
		if !flt.PublishedAfter.IsZero() && a.Published.Before(flt.PublishedAfter) {
			continue
		}
		if flt.Search != "" && !strings.Contains(strings.ToLower(a.Text), strings.ToLower(flt.Search)) {
			continue
		}
		out = append(out, a)
	}
	return paginate(out, p)
}

func (f *fakeStore) ArticleMentions(ctx context.Context, id graph.ArticleID, p graph.Page) (graph.List[graph.Mention], error) {
	var out []graph.Mention
	for _, m := range f.mentions {
		if m.Article == id {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start < out[j].Span.Start })
	return paginate(out, p)
}

func (f *fakeStore) Entity(ctx context.Context, id graph.EntityID) (graph.Entity, error) {
	f.entityCalls.Add(1)
	for _, e := range f.entities {
		if e.ID == id {
			return e, nil
		}
	}
	return graph.Entity{}, fmt.Errorf("fake: entity %d: %w", id, graph.ErrNotFound)
}

func (f *fakeStore) EntitiesByID(ctx context.Context, ids []graph.EntityID) (map[graph.EntityID]graph.Entity, error) {
	return byID(f, f.entities, ids, func(e graph.Entity) graph.EntityID { return e.ID })
}

func (f *fakeStore) ArticlesByID(ctx context.Context, ids []graph.ArticleID) (map[graph.ArticleID]graph.Article, error) {
	return byID(f, f.articles, ids, func(a graph.Article) graph.ArticleID { return a.ID })
}

func byID[K comparable, V any](f *fakeStore, all []V, ids []K, id func(V) K) (map[K]V, error) {
	f.batchCalls.Add(1)
	if f.fail != nil {
		return nil, f.fail
	}
	out := map[K]V{}
	for _, v := range all {
		if slices.Contains(ids, id(v)) {
			out[id(v)] = v
		}
	}
	return out, nil
}

func (f *fakeStore) Entities(ctx context.Context, flt graph.EntityFilter, p graph.Page) (graph.List[graph.Entity], error) {
	var out []graph.Entity
	for _, e := range f.entities {
		if flt.Kind != 0 && e.Kind != flt.Kind {
			continue
		}
		if flt.Search != "" && !strings.Contains(strings.ToLower(e.Name), strings.ToLower(flt.Search)) {
			continue
		}
		out = append(out, e)
	}
	return paginate(out, p)
}

func (f *fakeStore) EntityMentions(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Mention], error) {
	var out []graph.Mention
	for _, m := range f.mentions {
		if m.Entity == id {
			out = append(out, m)
		}
	}
	return paginate(out, p)
}

func (f *fakeStore) EntityArticles(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Article], error) {
	seen := map[graph.ArticleID]bool{}
	var out []graph.Article
	for _, m := range f.mentions {
		if m.Entity == id && !seen[m.Article] {
			seen[m.Article] = true
			a, err := f.Article(ctx, m.Article)
			if err != nil {
				return graph.List[graph.Article]{}, err
			}
			out = append(out, a)
		}
	}
	return paginate(out, p)
}

func (f *fakeStore) EntityRelations(ctx context.Context, id graph.EntityID, types []graph.RelType, p graph.Page) (graph.List[graph.Relation], error) {
	var out []graph.Relation
	for _, r := range f.relations {
		if r.Source != id && r.Target != id {
			continue
		}
		if len(types) > 0 && !containsRel(types, r.Type) {
			continue
		}
		out = append(out, r)
	}
	return paginate(out, p)
}

func containsRel(ts []graph.RelType, t graph.RelType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func (f *fakeStore) Relations(ctx context.Context, t graph.RelType, p graph.Page) (graph.List[graph.Relation], error) {
	var out []graph.Relation
	for _, r := range f.relations {
		if t == 0 || r.Type == t {
			out = append(out, r)
		}
	}
	return paginate(out, p)
}

func (f *fakeStore) Neighbors(ctx context.Context, id graph.EntityID, depth int, kinds []graph.Kind, limit int) ([]graph.Neighbor, error) {
	ns := f.neighbors[id]
	return ns[:min(limit, len(ns))], nil
}

func (f *fakeStore) Paths(ctx context.Context, from, to graph.EntityID, maxDepth, limit int) ([][]graph.Hop, error) {
	var out [][]graph.Hop
	for _, r := range f.relations {
		if r.Source == from && r.Target == to {
			out = append(out, []graph.Hop{{From: from, To: to, Relation: r}})
		}
	}
	return out, nil
}

func (f *fakeStore) Numbers(ctx context.Context, flt graph.NumberFilter, p graph.Page) (graph.List[graph.Mention], error) {
	var out []graph.Mention
	for _, m := range f.mentions {
		e, err := f.Entity(ctx, m.Entity)
		if err != nil || e.Kind != graph.KindNumber {
			continue
		}
		if flt.Unit != "" && !strings.EqualFold(flt.Unit, e.Unit) {
			continue
		}
		if (flt.Min != nil && *e.Value < *flt.Min) || (flt.Max != nil && *e.Value > *flt.Max) {
			continue
		}
		out = append(out, m)
	}
	return paginate(out, p)
}

func (f *fakeStore) SentenceEntities(ctx context.Context, a graph.ArticleID, sentence graph.Span) ([]graph.EntityID, error) {
	var out []graph.EntityID
	for _, m := range f.mentions {
		if m.Article == a && m.Span.Start >= sentence.Start && m.Span.End <= sentence.End {
			out = append(out, m.Entity)
		}
	}
	return out, nil
}

func (f *fakeStore) Claims(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Relation], error) {
	return f.EntityRelations(ctx, id, []graph.RelType{graph.RelStated}, p)
}

func (f *fakeStore) Stats(ctx context.Context) (graph.Stats, error) {
	if f.fail != nil {
		return graph.Stats{}, f.fail
	}
	return graph.Stats{Articles: len(f.articles), Entities: len(f.entities), Mentions: len(f.mentions), Relations: len(f.relations)}, nil
}
