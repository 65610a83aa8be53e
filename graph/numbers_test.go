package graph

import (
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// numberMention is where a NUMBER mention sorts in Numbers: by value, then
// entity, article and start.
type numberMention struct {
	Value   float64
	Entity  EntityID
	Article ArticleID
	Start   int
}

// wantNumbers lists the NUMBER mentions of every stored article in the
// order Numbers must give them, with value in [lo, hi].
func wantNumbers(t *testing.T, s *Store, lo, hi float64) []numberMention {
	t.Helper()
	ctx := context.Background()
	var out []numberMention
	arts, err := s.Articles(ctx, ArticleFilter{}, Page{First: maxFirst})
	if err != nil || arts.HasNext {
		t.Fatalf("articles: %v (more than a page: %v)", err, arts.HasNext)
	}
	for _, a := range arts.Items {
		ms, err := s.ArticleMentions(ctx, a.ID, Page{First: maxFirst})
		if err != nil || ms.HasNext {
			t.Fatalf("mentions of article %d: %v (more than a page: %v)", a.ID, err, ms.HasNext)
		}
		for _, m := range ms.Items {
			e, err := s.Entity(ctx, m.Entity)
			if err != nil {
				t.Fatal(err)
			}
			if e.Kind == KindNumber && e.Value != nil && *e.Value >= lo && *e.Value <= hi {
				out = append(out, numberMention{*e.Value, m.Entity, m.Article, m.Span.Start})
			}
		}
	}
	slices.SortFunc(out, func(a, b numberMention) int {
		switch {
		case a.Value != b.Value:
			if a.Value < b.Value {
				return -1
			}
			return 1
		case a.Entity != b.Entity:
			return int(a.Entity) - int(b.Entity)
		case a.Article != b.Article:
			return int(a.Article) - int(b.Article)
		}
		return a.Start - b.Start
	})
	return out
}

// pageNumbers reads every page of Numbers(f), checking each page's total.
func pageNumbers(t *testing.T, s *Store, f NumberFilter, first, total int) []numberMention {
	t.Helper()
	var got []numberMention
	after := ""
	for range 10000 {
		l, err := s.Numbers(context.Background(), f, Page{First: first, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != total {
			t.Fatalf("total = %d, want %d", l.Total, total)
		}
		for _, m := range l.Items {
			e, err := s.Entity(context.Background(), m.Entity)
			if err != nil || e.Value == nil {
				t.Fatalf("entity %d of a number mention: %+v, %v", m.Entity, e, err)
			}
			got = append(got, numberMention{*e.Value, m.Entity, m.Article, m.Span.Start})
		}
		if !l.HasNext {
			return got
		}
		after = l.Cursors[len(l.Cursors)-1]
	}
	t.Fatal("Numbers does not end")
	return nil
}

// TestNumbersPages checks Numbers, whose index holds one key per entity,
// against every NUMBER mention of the stored articles: entities mentioned
// many times in many articles, articles replaced, pages that end inside
// an entity's mentions.
func TestNumbersPages(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	for i, d := range genDocs(250, 40, 11) {
		if _, err := s.AddDoc(context.Background(), d); err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
	}
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		filter NumberFilter
		lo, hi float64 // the values it matches; none for another unit
	}{
		{NumberFilter{}, -1e300, 1e300},
		{NumberFilter{Unit: "People"}, -1e300, 1e300},
		{NumberFilter{Min: f(10), Max: f(27)}, 10, 27},
		{NumberFilter{Unit: "people", Min: f(15)}, 15, 1e300},
		{NumberFilter{Unit: "tanks"}, 1, 0},
	} {
		want := wantNumbers(t, s, c.lo, c.hi)
		if c.lo <= c.hi && len(want) < 50 {
			t.Fatalf("%+v: only %d number mentions", c.filter, len(want))
		}
		for _, first := range []int{1, 7, 1000} {
			if got := pageNumbers(t, s, c.filter, first, len(want)); !slices.Equal(got, want) {
				t.Errorf("%+v, pages of %d: %d mentions, want %d; first difference at %d", c.filter, first, len(got), len(want), firstDiff(got, want))
			}
		}
	}
}

func firstDiff[T comparable](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestFormat3NumberIndexUpgrade: a database of format 3 indexes every
// NUMBER mention; opening it for writing replaces that index with one key
// per entity, and a read-only Open refuses it until then.
func TestFormat3NumberIndexUpgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	for _, d := range genDocs(60, 24, 5) {
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	want := wantNumbers(t, s, -1e300, 1e300)
	entities := map[EntityID]bool{}
	for _, m := range want {
		entities[m.Entity] = true
	}
	if len(want) <= len(entities) || len(entities) < 2 {
		t.Fatalf("%d number mentions of %d entities", len(want), len(entities))
	}
	s.Close()

	// The format 3 layout: a key per mention, value:8 entity:8 article:8
	// start:4, with and without the unit.
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DropPrefix([]byte{pfxNum}, []byte{pfxUnitNum}); err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		for _, m := range want {
			tail := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(nil, uint64(m.Article)), uint32(m.Start))
			for _, k := range [][]byte{numKey(m.Value, m.Entity), unitNumKey("people", m.Value, m.Entity)} {
				if err := txn.Set(append(k, tail...), nil); err != nil {
					return err
				}
			}
		}
		return txn.Set(formatKey(), binary.AppendUvarint(nil, 3))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrFormat) {
		t.Fatalf("read-only Open of format 3: %v, want ErrFormat", err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts := keyCounts(t, s)
	if counts[pfxNum] != len(entities) || counts[pfxUnitNum] != len(entities) {
		t.Errorf("after the upgrade: %d and %d number index keys, want %d each", counts[pfxNum], counts[pfxUnitNum], len(entities))
	}
	if got := pageNumbers(t, s, NumberFilter{Unit: "people"}, 5, len(want)); !slices.Equal(got, want) {
		t.Errorf("after the upgrade: %d mentions, want %d", len(got), len(want))
	}
	s.Close()
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open after the upgrade: %v", err)
	}
	defer s.Close()
	if got := pageNumbers(t, s, NumberFilter{}, 1000, len(want)); !slices.Equal(got, want) {
		t.Errorf("read-only after the upgrade: %d mentions, want %d", len(got), len(want))
	}
}

// TestRunsReadLikeKeys loads the same articles into a BulkLoad store,
// whose checkpoints write each entity's postings as runs (more than
// maxRunArticles of them split), and into a plain store, which writes a
// key per entity and article, and checks that every entity's mentions
// and articles, and the numbers, read the same page by page, cursors
// included; with new versions of articles, which are put into runs.
func TestRunsReadLikeKeys(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name       string
		docs       []Doc
		checkpoint int
		longest    int // articles of the longest run
	}{
		{"new versions", genDocs(400, 12, 31), 100, 2},
		{"long runs", uniqueDocs(700, 12, 32, "u-"), 600, maxRunArticles},
	} {
		t.Run(c.name, func(t *testing.T) {
			plain, _, _ := loadBatches(t, c.docs, 0)
			s, err := Open(t.TempDir(), Options{BulkLoad: true, CheckpointArticles: c.checkpoint})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			addAll(t, s, c.docs, 40)
			if err := s.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
			longest, ids := 0, []EntityID{}
			err = s.db.View(func(txn *badger.Txn) error {
				it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pfxEntMent}})
				defer it.Close()
				for it.Rewind(); it.Valid(); it.Next() {
					pk, err := parseKey(it.Item().Key())
					if err != nil {
						return err
					}
					if len(ids) == 0 || ids[len(ids)-1] != pk.Entity {
						ids = append(ids, pk.Entity)
					}
					err = it.Item().Value(func(v []byte) error {
						ps, err := decodeEntPostings(pk.Article, v)
						longest = max(longest, len(ps))
						return err
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if longest < c.longest || len(ids) < 10 {
				t.Fatalf("longest run %d articles (want at least %d), %d entities", longest, c.longest, len(ids))
			}
			for _, id := range ids {
				for _, first := range []int{3, 1000} {
					if g, w := allPages(t, func(p Page) (List[Mention], error) { return s.EntityMentions(ctx, id, p) }, first),
						allPages(t, func(p Page) (List[Mention], error) { return plain.EntityMentions(ctx, id, p) }, first); !reflect.DeepEqual(g, w) {
						t.Fatalf("entity %d: mentions differ (%d pages, want %d)", id, len(g), len(w))
					}
					// Articles without their load times.
					arts := func(st *Store) func(Page) (List[ArticleID], error) {
						return func(p Page) (List[ArticleID], error) {
							l, err := st.EntityArticles(ctx, id, p)
							ids := List[ArticleID]{Cursors: l.Cursors, HasNext: l.HasNext, Total: l.Total}
							for _, a := range l.Items {
								ids.Items = append(ids.Items, a.ID)
							}
							return ids, err
						}
					}
					if g, w := allPages(t, arts(s), first), allPages(t, arts(plain), first); !reflect.DeepEqual(g, w) {
						t.Fatalf("entity %d: articles differ (%d pages, want %d)", id, len(g), len(w))
					}
				}
			}
			if g, w := allPages(t, func(p Page) (List[Mention], error) { return s.Numbers(ctx, NumberFilter{}, p) }, 7),
				allPages(t, func(p Page) (List[Mention], error) { return plain.Numbers(ctx, NumberFilter{}, p) }, 7); !reflect.DeepEqual(g, w) || len(g) < 2 {
				t.Fatalf("numbers differ: %d pages, want %d", len(g), len(w))
			}
		})
	}
}

// allPages reads every page of a list.
func allPages[T any](t *testing.T, list func(Page) (List[T], error), first int) []List[T] {
	t.Helper()
	var out []List[T]
	after := ""
	for range 100000 {
		l, err := list(Page{First: first, After: after})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
		if !l.HasNext {
			return out
		}
		after = l.Cursors[len(l.Cursors)-1]
	}
	t.Fatal("the list does not end")
	return nil
}
