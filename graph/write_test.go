package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// genDocs makes n articles over a pool of entities, with repeated external
// IDs (so some articles replace earlier ones) and repeated texts (so some
// are unchanged).
// openAt opens a store in dir with the default options, failing the test
// when it cannot.
func openAt(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func genDocs(n, pool int, seed uint64) []Doc {
	r := rand.New(rand.NewPCG(seed, seed+1))
	kinds := []Kind{KindPerson, KindOrg, KindPlace, KindNumber}
	docs := make([]Doc, 0, n)
	for i := range n {
		var text strings.Builder
		runes := 0
		ext := fmt.Sprintf("doc-%d", i)
		if i > 10 && r.IntN(8) == 0 {
			ext = fmt.Sprintf("doc-%d", r.IntN(i)) // a new version of an earlier article
		}
		d := Doc{Article: Article{ExternalID: ext, Outlet: []string{"a", "b", "c"}[r.IntN(3)]}}
		local := map[int]int{}
		for s := range 4 + r.IntN(4) {
			start := runes
			var ents []int
			for range 2 + r.IntN(3) {
				id := r.IntN(pool)
				li, ok := local[id]
				if !ok {
					li = len(d.Entities)
					local[id] = li
					name := fmt.Sprintf("Name%d Family%d", id, id%(pool/3+1))
					le := LocalEntity{Kind: kinds[id%len(kinds)], Name: name, Aliases: []string{name},
						Keys: []string{"full:" + strings.ToLower(name), "fam:" + fmt.Sprint(id%(pool/3+1))}}
					if le.Kind == KindNumber {
						v := float64(id)
						le.Value, le.Unit = &v, "people"
					}
					d.Entities = append(d.Entities, le)
				}
				name := d.Entities[li].Name
				text.WriteString(name + " spoke. ")
				d.Mentions = append(d.Mentions, LocalMention{Entity: li, Span: Span{Start: runes, End: runes + len(name)}, Text: name, Sentence: s})
				runes += len(name) + len(" spoke. ")
				ents = append(ents, li)
			}
			text.WriteString("\n")
			runes++
			d.Sentences = append(d.Sentences, Span{Start: start, End: runes})
			for a := range ents {
				for b := a + 1; b < len(ents); b++ {
					if ents[a] != ents[b] {
						d.Relations = append(d.Relations, LocalRelation{Type: RelCoMentioned, Source: ents[a], Target: ents[b],
							Sentence: s, Span: Span{Start: start, End: runes}})
					}
				}
			}
		}
		d.Article.Text = text.String()
		if i > 10 && r.IntN(10) == 0 {
			d = docs[r.IntN(len(docs))] // the same text again
		}
		docs = append(docs, d)
	}
	return docs
}

// dumpGraph returns every key and value except the Sequence state (which
// depends on how IDs were leased) and the article load times.
func dumpGraph(t *testing.T, s *Store) string {
	t.Helper()
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			if k[0] == pfxSeq {
				continue
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if k[0] == pfxArticle {
				a, err := decodeArticle(0, v, true)
				if err != nil {
					return err
				}
				fmt.Fprintf(&b, "%x article %s %s %d\n", k, a.ExternalID, a.Hash, len(a.Text))
				continue
			}
			if k[0] == pfxEntMent {
				// A run of postings, as the keys of one article each
				// would hold them.
				pk, err := parseKey(k)
				if err != nil {
					return err
				}
				ps, err := decodeEntPostings(pk.Article, v)
				if err != nil {
					return err
				}
				for _, p := range ps {
					fmt.Fprintf(&b, "%x %x\n", entMentionKey(pk.Entity, p.Article), encodeEntArticle(&entArticle{Starts: p.Starts}))
				}
				continue
			}
			fmt.Fprintf(&b, "%x %x\n", k, v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteCacheEviction loads the same articles with the normal write
// cache and with one so small that nearly every lookup misses it, and
// checks that the two graphs are identical: the cache changes speed, not
// what is stored.
func TestWriteCacheEviction(t *testing.T) {
	docs := genDocs(400, 60, 7)
	ctx := context.Background()
	var dumps []string
	var results [][]AddResult
	for _, scale := range []int{1, 1 << 30} {
		s, err := Open("", Options{InMemory: true})
		if err != nil {
			t.Fatal(err)
		}
		s.cacheScale = scale
		var res []AddResult
		for _, d := range docs {
			r, err := s.AddDoc(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			res = append(res, r)
		}
		if scale > 1 && (s.cache.ents.len() > 2 || s.cache.rels.len() > 2 || s.cache.holders.len() > 2) {
			t.Errorf("tiny cache holds %d entities, %d relations, %d holders", s.cache.ents.len(), s.cache.rels.len(), s.cache.holders.len())
		}
		dumps = append(dumps, dumpGraph(t, s))
		results = append(results, res)
		s.Close()
	}
	statuses := map[AddStatus]int{}
	for i := range docs {
		if results[0][i] != results[1][i] {
			t.Fatalf("doc %d: %+v with the full cache, %+v with the tiny one", i, results[0][i], results[1][i])
		}
		statuses[results[0][i].Status]++
	}
	if statuses[StatusCreated] == 0 || statuses[StatusReplaced] == 0 || statuses[StatusUnchanged] == 0 {
		t.Fatalf("statuses %v: want created, replaced and unchanged articles", statuses)
	}
	if dumps[0] != dumps[1] {
		a, b := strings.Split(dumps[0], "\n"), strings.Split(dumps[1], "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("graphs differ at line %d:\nfull cache: %s\ntiny cache: %s", i, a[i], b[i])
			}
		}
		t.Fatalf("graphs differ in length: %d and %d lines", len(a), len(b))
	}
}

// TestWriteCacheReopen checks that a store reopened on a database fills
// its Bloom filters from the stored keys: articles added after reopening
// find the stored entities and relations.
func TestWriteCacheReopen(t *testing.T) {
	docs := genDocs(200, 40, 9)
	ctx := context.Background()
	dir := t.TempDir()
	one, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	for _, d := range docs {
		if _, err := one.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, part := range [][]Doc{docs[:100], docs[100:]} {
		s := openAt(t, dir)
		for _, d := range part {
			if _, err := s.AddDoc(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if a, b := dumpGraph(t, one), dumpGraph(t, s); a != b {
		t.Errorf("loading in two runs gives another graph than in one:\n%d and %d bytes of dump", len(a), len(b))
	}
}

func TestGenCache(t *testing.T) {
	c := newGenCache[int, int](4)
	for i := range 100 {
		c.put(i, i*i)
		if c.len() > 8 {
			t.Fatalf("after %d puts the cache holds %d entries, bound 8", i+1, c.len())
		}
		// Keep 0 in use: it must survive however many keys pass.
		if v, ok := c.get(0); !ok || v != 0 {
			t.Fatalf("after %d puts: the key in use was evicted", i+1)
		}
	}
	if _, ok := c.get(50); ok {
		t.Error("an old key was kept")
	}
	if v, ok := c.get(99); !ok || v != 99*99 {
		t.Errorf("latest key: %d, %v", v, ok)
	}
	c.del(99)
	if _, ok := c.get(99); ok {
		t.Error("deleted key found")
	}
}

func TestBloom(t *testing.T) {
	b := newBloom(16)
	for i := range 2000 {
		b.add(fmt.Appendf(nil, "key-%d", i))
	}
	for i := range 2000 {
		if !b.has(fmt.Appendf(nil, "key-%d", i)) {
			t.Fatalf("key-%d added but not found", i)
		}
	}
	fp := 0
	for i := range 10000 {
		if b.has(fmt.Appendf(nil, "other-%d", i)) {
			fp++
		}
	}
	// 2000 keys in 65536 bits with 4 hashes: about 0.1% false positives.
	if fp > 100 {
		t.Errorf("%d of 10000 absent keys found", fp)
	}
}

func TestFormatVersion(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	for _, d := range genDocs(20, 10, 3) {
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw := func(fn func(txn *badger.Txn) error) {
		t.Helper()
		db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	var stored []byte
	raw(func(txn *badger.Txn) error {
		var err error
		stored, err = getValue(txn, formatKey())
		return err
	})
	if v, _ := binary.Uvarint(stored); v != formatVersion {
		t.Fatalf("stored format version %x, want %d", stored, formatVersion)
	}

	// Another version: a clear error naming both versions.
	raw(func(txn *badger.Txn) error { return txn.Set(formatKey(), binary.AppendUvarint(nil, 99)) })
	var err error
	for _, ro := range []bool{false, true} {
		_, err = Open(dir, Options{ReadOnly: ro})
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "version 99") ||
			!strings.Contains(err.Error(), fmt.Sprintf("version %d", formatVersion)) {
			t.Errorf("read-only %v: open a version 99 database: %v", ro, err)
		}
	}

	// No version key (a database from before it existed) in the current
	// format: opened, and stamped.
	raw(func(txn *badger.Txn) error { return txn.Delete(formatKey()) })
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("open a current database without a version key: %v", err)
	}
	if st, err := s.Stats(ctx); err != nil || st.Articles == 0 {
		t.Errorf("stats %+v, %v", st, err)
	}
	s.Close()
	raw(func(txn *badger.Txn) error {
		_, err := getValue(txn, formatKey())
		return err
	})

	// No version key and values in another layout: refused, not
	// "malformed value" on the first read.
	raw(func(txn *badger.Txn) error {
		if err := txn.Delete(formatKey()); err != nil {
			return err
		}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte{pfxEntity}
		it := txn.NewIterator(opts)
		it.Rewind()
		k := it.Item().KeyCopy(nil)
		it.Close()
		// An entity value of an older layout: no merges at the end.
		old := bytes.Clone(encodeEntity(&entRec{Kind: KindPerson, Name: "Old Layout", MentionCount: 1, ArticleCount: 1}))
		return txn.Set(k, old[:len(old)-1])
	})
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "no format version") {
		t.Errorf("open an older database: %v", err)
	}
}

// TestBulkLoadSearch checks that a BulkLoad store, which keeps no search
// index while it writes, still finds what it stored.
func TestBulkLoadSearch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), Options{BulkLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, d := range genDocs(30, 12, 5) {
		if _, err := s.AddDoc(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if s.idx != nil {
		t.Error("a BulkLoad store built the search index before any search")
	}
	l, err := s.Entities(ctx, EntityFilter{Search: "Name3 Family3"}, Page{First: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) == 0 || l.Items[0].Name != "Name3 Family3" {
		t.Errorf("search after a bulk load: %+v", l.Items)
	}
}

// loadBatches loads docs through AddDocs, size docs a call (0: AddDoc one
// by one), into a new in-memory store, and returns the store and results.
func loadBatches(t *testing.T, docs []Doc, size int) (*Store, []AddResult, []error) {
	return loadBatchesOpts(t, docs, size, Options{InMemory: true})
}

func loadBatchesOpts(t *testing.T, docs []Doc, size int, opts Options) (*Store, []AddResult, []error) {
	t.Helper()
	s, err := Open("", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	var res []AddResult
	var errs []error
	if size == 0 {
		for _, d := range docs {
			r, err := s.AddDoc(ctx, d)
			res, errs = append(res, r), append(errs, err)
		}
		return s, res, errs
	}
	for i := 0; i < len(docs); i += size {
		r, e := s.AddDocs(ctx, docs[i:min(i+size, len(docs))])
		res, errs = append(res, r...), append(errs, e...)
	}
	return s, res, errs
}

// TestAddDocsBatches checks that AddDocs with several articles to a
// transaction stores exactly what AddDoc one article at a time stores,
// byte for byte, with articles replaced, unchanged and repeated within one
// transaction, and with entities and relations emptied and made again
// within one.
func TestAddDocsBatches(t *testing.T) {
	docs := genDocs(400, 60, 11)
	one, want, _ := loadBatches(t, docs, 0)
	wantDump := dumpGraph(t, one)
	wantStats, err := one.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 64, 400} {
		s, got, errs := loadBatches(t, docs, size)
		for i := range docs {
			if errs[i] != nil || got[i] != want[i] {
				t.Fatalf("batches of %d: doc %d: %+v, %v; one by one: %+v", size, i, got[i], errs[i], want[i])
			}
		}
		if d := dumpGraph(t, s); d != wantDump {
			a, b := strings.Split(wantDump, "\n"), strings.Split(d, "\n")
			for i := range min(len(a), len(b)) {
				if a[i] != b[i] {
					t.Fatalf("batches of %d: graphs differ at line %d:\none by one: %s\nbatched:    %s", size, i, a[i], b[i])
				}
			}
			t.Fatalf("batches of %d: graphs differ in length: %d and %d lines", size, len(a), len(b))
		}
		st, err := s.Stats(context.Background())
		if err != nil || st != wantStats {
			t.Fatalf("batches of %d: stats %+v, %v; want %+v", size, st, err, wantStats)
		}
		if size == 400 {
			// With BulkLoad's small memtables Badger's transaction
			// limit is about 1.2 MB: the 400 articles take several
			// transactions, and the graph is still the same.
			bs, _, errs := loadBatchesOpts(t, docs, size, Options{InMemory: true, BulkLoad: true})
			for i, err := range errs {
				if err != nil {
					t.Fatalf("bulk store, doc %d: %v", i, err)
				}
			}
			if bs.commits < 2 || dumpGraph(t, bs) != wantDump {
				t.Fatalf("bulk store: %d transactions, same graph %v", bs.commits, dumpGraph(t, bs) == wantDump)
			}
			t.Logf("400 articles in %d transactions with BulkLoad memtables", bs.commits)
		}
		// The search index follows batched writes too.
		l, err := s.Entities(context.Background(), EntityFilter{Search: "Name7"}, Page{})
		lw, _ := one.Entities(context.Background(), EntityFilter{Search: "Name7"}, Page{})
		if err != nil || l.Total != lw.Total || l.Total == 0 {
			t.Fatalf("batches of %d: search finds %d (%v), one by one %d", size, l.Total, err, lw.Total)
		}
	}
}

// TestAddDocsFailures puts an invalid article and one too big to store in
// the middle of a batch: they get their errors, the others are stored, and
// the graph holds what loading only the good ones holds.
func TestAddDocsFailures(t *testing.T) {
	docs := genDocs(60, 30, 5)
	bad := slices.Clone(docs)
	invalid := docs[10]
	invalid.Mentions = append(slices.Clone(invalid.Mentions), LocalMention{Entity: 0, Span: Span{Start: 0, End: 1 << 20}, Sentence: 0})
	big := docs[20]
	big.Article.Text = tooBigText(1)
	big.Article.ExternalID = "big"
	bad[10], bad[20] = invalid, big
	good := slices.Delete(slices.Clone(bad), 20, 21)
	good = slices.Delete(good, 10, 11)

	s, _, errs := loadBatches(t, bad, len(bad))
	for i, err := range errs {
		switch i {
		case 10:
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("invalid doc: error %v, want ErrInvalid", err)
			}
		case 20:
			if err == nil || !strings.Contains(err.Error(), "too big") || !strings.Contains(err.Error(), `"big"`) {
				t.Errorf("big doc: error %v, want one naming it and saying too big", err)
			}
		default:
			if err != nil {
				t.Errorf("doc %d: %v", i, err)
			}
		}
	}
	ref, _, _ := loadBatches(t, good, 0)
	for _, st := range []*Store{s, ref} {
		if _, err := st.ArticleByExternalID(context.Background(), "big"); !errors.Is(err, ErrNotFound) {
			t.Errorf("big article: %v, want not found", err)
		}
	}
	gs, _ := s.Stats(context.Background())
	ws, _ := ref.Stats(context.Background())
	if gs != ws {
		t.Errorf("stats with failures in the batch %+v, good docs alone %+v", gs, ws)
	}
	if g, w := entitySummary(t, s), entitySummary(t, ref); g != w {
		t.Errorf("entities with failures in the batch:\n%s\ngood docs alone:\n%s", g, w)
	}
}

// tooBigText returns random letters and spaces that compression cannot
// bring under the limit on one stored value.
func tooBigText(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed+1))
	letters := make([]byte, 2*maxValueSize)
	for i := range letters {
		letters[i] = "abcdefghijklmnopqrstuvwxyz "[r.IntN(27)]
	}
	return string(letters)
}

// entitySummary lists every entity's kind, name and counts, sorted: the
// graph without its IDs.
func entitySummary(t *testing.T, s *Store) string {
	t.Helper()
	return prefixLines(t, s, pfxEntity, func(txn *badger.Txn, k, _ []byte) (string, error) {
		r, err := getEntity(txn, EntityID(binary.BigEndian.Uint64(k[1:])))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d %s m%d a%d r%d %d aliases", r.Kind, r.Name, r.MentionCount, r.ArticleCount, r.RelCount, len(r.Aliases)), nil
	})
}

// prefixLines writes s's pending aggregates, makes a line of every key
// under pfx and its value, and returns the lines sorted, one per line.
func prefixLines(t *testing.T, s *Store, pfx byte, line func(txn *badger.Txn, k, v []byte) (string, error)) string {
	t.Helper()
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	var lines []string
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte{pfx}
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			l, err := line(txn, it.Item().Key(), v)
			if err != nil {
				return err
			}
			lines = append(lines, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestArticleKeyFilter checks that adding new articles and asking for
// their hashes reads no hash or external ID key from Badger (the write
// cache's Bloom filter rules them out), and that stored articles are still
// found, before and after the store is opened again: the filter is filled
// from the stored keys.
func TestArticleKeyFilter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	docs := genDocs(120, 40, 31)
	for i := range docs {
		docs[i].Article.ExternalID = fmt.Sprintf("filter-%d", i) // no replacements
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, s, docs[:60], 10)
	f := s.artKeys.Load()
	if f == nil {
		t.Fatal("no article key filter after a write")
	}
	added, repeats := map[string]bool{}, 0
	for _, d := range docs[:60] {
		if added[d.Article.Text] {
			repeats++ // the generator repeats a text now and then
		}
		added[d.Article.Text] = true
	}
	if n := f.reads.Load(); n != int64(repeats) {
		t.Errorf("adding 60 articles, %d of them repeated texts, read %d article keys, want %d", repeats, n, repeats)
	}
	for i := 60; i < 120; i++ {
		d := docs[i]
		if added[d.Article.Text] {
			continue
		}
		h := sha256.Sum256([]byte(d.Article.Text))
		if _, ok, err := s.HasHash(ctx, hex.EncodeToString(h[:])); err != nil || ok {
			t.Fatalf("HasHash(doc %d, not added) = %v, %v", i, ok, err)
		}
	}
	if n := f.reads.Load() - int64(repeats); n > 3 {
		t.Errorf("HasHash of 60 new articles read %d article keys, want about 0", n)
	}
	s.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, errs := s.AddDocs(ctx, slices.Clone(docs[:60]))
	for i, r := range res {
		if errs[i] != nil || r.Status != StatusUnchanged {
			t.Fatalf("doc %d added again after reopening: %+v, %v; want unchanged", i, r, errs[i])
		}
	}
	for i := range 60 {
		h := sha256.Sum256([]byte(docs[i].Article.Text))
		if id, ok, err := s.HasHash(ctx, hex.EncodeToString(h[:])); err != nil || !ok || id != res[i].Article {
			t.Fatalf("HasHash(doc %d) = %d, %v, %v; want %d", i, id, ok, err, res[i].Article)
		}
	}
	d := docs[0]
	d.Article.Text += " More."
	d.Article.Hash = ""
	if r, err := s.AddDoc(ctx, d); err != nil || r.Status != StatusReplaced || r.Article != res[0].Article {
		t.Fatalf("new text under a stored external ID: %+v, %v; want article %d replaced", r, err, res[0].Article)
	}
}
