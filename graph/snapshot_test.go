package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

// Reads under a Snapshot see the graph as of the first of them, whatever
// is written meanwhile; reads outside it see the writes.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a, b := briefing(t)
	ra := add(t, s, a)
	person := entityByName(t, s, graph.KindPerson, "Maryna Hrytsenkiy")

	snap, release := s.Snapshot(ctx)
	if _, err := s.Article(snap, ra.Article); err != nil {
		t.Fatal(err)
	}
	rb := add(t, s, b)

	if _, err := s.Article(snap, rb.Article); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("article written after the snapshot, read under it: err %v, want ErrNotFound", err)
	}
	if _, err := s.Article(ctx, rb.Article); err != nil {
		t.Errorf("article written after the snapshot, read outside it: %v", err)
	}
	for _, c := range []struct {
		ctx  context.Context
		want int
	}{{snap, 1}, {ctx, 2}} {
		e, err := s.Entity(c.ctx, person.ID)
		if err != nil {
			t.Fatal(err)
		}
		l, err := s.EntityArticles(c.ctx, person.ID, graph.Page{First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if e.ArticleCount != c.want || len(l.Items) != c.want {
			t.Errorf("snapshot %v: articleCount %d and %d articles listed, want %d", c.ctx == snap, e.ArticleCount, len(l.Items), c.want)
		}
	}

	release()
	if _, err := s.Article(snap, ra.Article); err == nil || errors.Is(err, graph.ErrNotFound) {
		t.Errorf("read after release: err %v, want an error other than ErrNotFound", err)
	}
	release() // a second release does nothing

	// A snapshot of another store is not used.
	other := openStore(t)
	osnap, orelease := other.Snapshot(ctx)
	defer orelease()
	if _, err := s.Article(osnap, rb.Article); err != nil {
		t.Errorf("read under another store's snapshot: %v", err)
	}
}
