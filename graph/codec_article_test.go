package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Article values of both versions decode to the same article; the current
// one (compressed text) is smaller for news text and reuses the arena.
func TestArticleValueVersions(t *testing.T) {
	a := Article{ExternalID: "x1", URL: "https://example.com/a", Title: "A title", Outlet: "example.com",
		Published: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Hash: "abc", Loaded: time.Unix(1700000000, 0),
		Text: strings.Repeat("The council met on Monday to discuss the budget, officials said. ", 40) + "Ünïcödé ends it."}
	v1, v2 := encodeArticleV1(a), encodeArticle(a)
	if v1[0] != valueVersion || v2[0] != articleVersion {
		t.Fatalf("version bytes %d and %d", v1[0], v2[0])
	}
	if len(v2) >= len(v1)/2 {
		t.Errorf("compressed value %d bytes, plain %d", len(v2), len(v1))
	}
	for _, v := range [][]byte{v1, v2} {
		got, err := decodeArticle(0, v, true)
		if err != nil || got.Text != a.Text || got.Title != a.Title || !got.Published.Equal(a.Published) {
			t.Errorf("version %d: %+v, %v", v[0], got, err)
		}
		meta, err := decodeArticle(0, v, false)
		if err != nil || meta.Text != "" || meta.URL != a.URL {
			t.Errorf("version %d without text: %+v, %v", v[0], meta, err)
		}
	}
	var ar arena
	ar.reset()
	for i := 0; i < 3; i++ {
		if got := encodeArticleIn(&ar, a); !bytes.Equal(got, v2) {
			t.Fatalf("arena encoding %d differs", i)
		}
	}
	// A compressed value cut short, or whose text is no S2 block, is an
	// error, not a panic.
	e := newEnc(64)
	e.b[0] = articleVersion
	e.articleMeta(a)
	e.str("\xff\xff\xff\xff\xff")
	for _, bad := range [][]byte{v2[:len(v2)-5], e.b} {
		if _, err := decodeArticle(0, bad, true); err == nil {
			t.Errorf("corrupt value of %d bytes decoded", len(bad))
		}
	}
}

// A database of storage format 1 (plain article texts, entity counts in
// the entity records) is read, and upgraded and stamped with the current
// version when opened for writing; a read-only Open refuses it until then.
func TestFormatVersion1Upgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	res, err := s.AddDoc(ctx, genDocs(1, 5, 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Article(ctx, res.Article)
	if err != nil {
		t.Fatal(err)
	}
	wantRels, err := s.Relations(ctx, RelCoMentioned, Page{First: 1000})
	if err != nil || len(wantRels.Items) == 0 {
		t.Fatalf("relations: %d, %v", len(wantRels.Items), err)
	}
	s.Close()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	wantEnts := map[EntityID]*entRec{}
	err = db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(articleKey(res.Article), encodeArticleV1(want)); err != nil {
			return err
		}
		// Entity records with their counts in them, and no 'N' keys.
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte{pfxEntity}
		it := txn.NewIterator(opts)
		for it.Rewind(); it.Valid(); it.Next() {
			id := EntityID(binary.BigEndian.Uint64(it.Item().Key()[1:]))
			if wantEnts[id], err = getEntity(txn, id); err != nil {
				return err
			}
		}
		it.Close()
		for id, r := range wantEnts {
			if err := txn.Set(entityKey(id), encodeEntityV1(r)); err != nil {
				return err
			}
			if err := txn.Delete(entCountKey(id)); err != nil {
				return err
			}
		}
		// Name word keys, which formats 1 and 2 kept.
		for id, r := range wantEnts {
			if err := txn.Set(append(append([]byte{pfxOldWord}, strings.ToLower(r.Name)...), 0, byte(r.Kind), byte(id)), nil); err != nil {
				return err
			}
		}
		return txn.Set(formatKey(), binary.AppendUvarint(nil, 1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrFormat) {
		t.Fatalf("read-only Open of a format 1 database: %v, want ErrFormat (its number index is not upgraded)", err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("open a format 1 database: %v", err)
	}
	got, err := s.Article(ctx, res.Article)
	if err != nil || got.Text != want.Text {
		t.Errorf("format 1 article: %v", err)
	}
	if len(wantEnts) == 0 {
		t.Fatal("no entities")
	}
	for id, r := range wantEnts {
		l, err := s.Entities(ctx, EntityFilter{Search: r.Name}, Page{})
		if err != nil || len(l.Items) == 0 || l.Items[0].ID != id {
			t.Errorf("search %q = %+v, %v; want entity %d first", r.Name, l.Items, err, id)
		}
	}
	words := 0
	s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte{pfxOldWord}
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			words++
		}
		return nil
	})
	if words != 0 {
		t.Errorf("%d name word keys left of %d", words, len(wantEnts))
	}
	if rels, err := s.Relations(ctx, RelCoMentioned, Page{First: 1000}); err != nil || !reflect.DeepEqual(rels, wantRels) {
		t.Errorf("format 1 relations = %+v, %v; want %+v", rels, err, wantRels)
	}
	for id, r := range wantEnts {
		if e, err := s.Entity(ctx, id); err != nil || e.MentionCount != r.MentionCount || e.ArticleCount != r.ArticleCount || e.Name != r.Name {
			t.Errorf("format 1 entity %d = %+v, %v; want %d mentions in %d articles", id, e, err, r.MentionCount, r.ArticleCount)
		}
	}
	var stamp []byte
	s.db.View(func(txn *badger.Txn) error {
		stamp, err = getValue(txn, formatKey())
		return err
	})
	if v, _ := binary.Uvarint(stamp); v != formatVersion {
		t.Errorf("stamped %d", v)
	}
	{
		// The same entities again, in a new article: the counts go on
		// from the old records, which are written anew.
		d := genDocs(1, 5, 2)[0]
		d.Article.ExternalID, d.Article.Text = "again", d.Article.Text+" "
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
		for id, r := range wantEnts {
			e, err := s.Entity(ctx, id)
			if err != nil || e.MentionCount != 2*r.MentionCount || e.ArticleCount != 2*r.ArticleCount {
				t.Errorf("entity %d after a new article = %+v, %v; want %d mentions in %d articles", id, e, err, 2*r.MentionCount, 2*r.ArticleCount)
			}
			s.db.View(func(txn *badger.Txn) error {
				v, err := getValue(txn, entityKey(id))
				if err != nil || v[0] != entityVersion {
					t.Errorf("entity %d record not rewritten in the current version: %v", id, err)
				}
				return nil
			})
		}
	}
	s.Close()
}

// An entity's record is rewritten only when it changes; its counts, under
// 'N', with every article that mentions it.
func TestEntityRecordRewrittenOnlyWhenChanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	defer func() { s.Close() }()
	doc := func(ext, name string) Doc {
		text := name + " spoke " + ext + "."
		n := len([]rune(name))
		return Doc{Article: Article{ExternalID: ext, Text: text},
			Sentences: []Span{{Start: 0, End: len([]rune(text))}},
			Entities:  []LocalEntity{{Kind: KindPerson, Name: name, Keys: []string{"person:okafor"}}},
			Mentions:  []LocalMention{{Entity: 0, Span: Span{Start: 0, End: n}, Text: name}}}
	}
	versions := func(id EntityID) (rec, counts uint64) {
		t.Helper()
		err := s.db.View(func(txn *badger.Txn) error {
			it, err := txn.Get(entityKey(id))
			if err != nil {
				return err
			}
			rec = it.Version()
			if it, err = txn.Get(entCountKey(id)); err != nil {
				return err
			}
			counts = it.Version()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rec, counts
	}
	add := func(d Doc) {
		t.Helper()
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	add(doc("1", "Chidi Okafor"))
	ms, err := s.ArticleMentions(ctx, 1, Page{})
	if err != nil || len(ms.Items) != 1 {
		t.Fatalf("mentions %v, %v", ms, err)
	}
	id := ms.Items[0].Entity
	rec1, n1 := versions(id)
	add(doc("2", "Okafor")) // a new spelling: an alias and a merge
	rec2, n2 := versions(id)
	if rec2 == rec1 || n2 == n1 {
		t.Errorf("new alias: record version %d -> %d, counts %d -> %d; want both rewritten", rec1, rec2, n1, n2)
	}
	add(doc("3", "Okafor")) // nothing new but the counts
	rec3, n3 := versions(id)
	if rec3 != rec2 || n3 == n2 {
		t.Errorf("same spelling again: record version %d -> %d, counts %d -> %d; want only the counts rewritten", rec2, rec3, n2, n3)
	}
	e, err := s.Entity(ctx, id)
	if err != nil || e.MentionCount != 3 || e.ArticleCount != 3 || len(e.Merges) != 1 || e.Merges[0].Name != "Okafor" || e.Merges[0].Article != 2 {
		t.Errorf("entity = %+v, %v; want 3 mentions in 3 articles and one merge, of article 2", e, err)
	}
	// Reopened, the writer reads the record from Badger, not its cache.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	add(doc("4", "Okafor"))
	rec4, n4 := versions(id)
	if rec4 != rec3 || n4 == n3 {
		t.Errorf("same spelling after reopening: record version %d -> %d, counts %d -> %d; want only the counts rewritten", rec3, rec4, n3, n4)
	}
}
