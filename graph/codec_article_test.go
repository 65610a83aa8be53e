package graph

import (
	"bytes"
	"context"
	"encoding/binary"
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

// A database of storage format 1 (plain article texts) is read, and
// stamped 2 when opened for writing.
func TestFormatVersion1Upgrade(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.AddDoc(ctx, genDocs(1, 5, 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Article(ctx, res.Article)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(articleKey(res.Article), encodeArticleV1(want)); err != nil {
			return err
		}
		return txn.Set(formatKey(), binary.AppendUvarint(nil, 1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{true, false} {
		s, err := Open(dir, Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("read-only %v: open a format 1 database: %v", ro, err)
		}
		got, err := s.Article(ctx, res.Article)
		if err != nil || got.Text != want.Text {
			t.Errorf("read-only %v: format 1 article: %v", ro, err)
		}
		var stamp []byte
		s.db.View(func(txn *badger.Txn) error {
			stamp, err = getValue(txn, formatKey())
			return err
		})
		if v, _ := binary.Uvarint(stamp); ro && v != 1 || !ro && v != formatVersion {
			t.Errorf("read-only %v: stamped %d", ro, v)
		}
		s.Close()
	}
}
