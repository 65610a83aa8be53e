package schema

import (
	"context"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

// snapFake is a store that can take snapshots; it counts them and the
// reads made outside one.
type snapFake struct {
	*fakeStore
	taken, released, outside int
}

type snapMark struct{}

func (f *snapFake) Snapshot(ctx context.Context) (context.Context, func()) {
	f.taken++
	return context.WithValue(ctx, snapMark{}, true), func() { f.released++ }
}

func (f *snapFake) Article(ctx context.Context, id graph.ArticleID) (graph.Article, error) {
	if ctx.Value(snapMark{}) == nil {
		f.outside++
	}
	return f.fakeStore.Article(ctx, id)
}

// Queries run under one snapshot of a store that offers them, released
// after execution; mutations do not, so that what they return reads
// what they wrote.
func TestQueriesUnderSnapshot(t *testing.T) {
	st := &snapFake{fakeStore: newFake()}
	ingest := func(ctx context.Context, as []graph.Article) ([]IngestResult, error) {
		return []IngestResult{{ExternalID: as[0].ExternalID, Status: graph.StatusCreated, Article: 1}}, nil
	}
	s := newTestSchema(t, st, ingest)
	out := do(t, s, `{ a: article(id: "A1") { id } b: article(id: "A2") { id } }`, nil)
	if out["errors"] != nil {
		t.Fatalf("query: %v", out["errors"])
	}
	if st.taken != 1 || st.released != 1 || st.outside != 0 {
		t.Errorf("query: %d snapshots taken, %d released, %d reads outside one; want 1, 1, 0", st.taken, st.released, st.outside)
	}
	res := s.Do(context.Background(), Request{
		Query:      `mutation { ingestArticles(articles: [{externalId: "x", text: "Some text."}]) { status article { id } } }`,
		Authorized: true,
	})
	if len(res.Errors) != 0 {
		t.Fatalf("mutation: %v", res.Errors)
	}
	if st.taken != 1 || st.outside != 1 {
		t.Errorf("mutation: %d snapshots taken in all, %d reads outside one; want 1, 1", st.taken, st.outside)
	}
}
