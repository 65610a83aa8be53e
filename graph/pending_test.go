package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// uniqueDocs returns genDocs without the new versions of earlier articles:
// a replace writes the pending aggregates first, so without them a
// checkpoint happens only when a test makes one.
// External IDs start with prefix.
func uniqueDocs(n, pool int, seed uint64, prefix string) []Doc {
	seen := map[string]string{}
	var out []Doc
	for _, d := range genDocs(n, pool, seed) {
		if text, ok := seen[d.Article.ExternalID]; ok && text != d.Article.Text {
			continue
		}
		seen[d.Article.ExternalID] = d.Article.Text
		d.Article.ExternalID = prefix + d.Article.ExternalID
		out = append(out, d)
	}
	return out
}

// keyCounts counts the stored keys per prefix, without the Sequence
// state: it does not depend on which IDs were given out. An 'm' key
// counts once per article of its run.
func keyCounts(t *testing.T, s *Store) map[byte]int {
	t.Helper()
	n := map[byte]int{}
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			switch k[0] {
			case pfxSeq:
			case pfxEntMent:
				pk, err := parseKey(k)
				if err != nil {
					return err
				}
				err = it.Item().Value(func(v []byte) error {
					ps, err := decodeEntPostings(pk.Article, v)
					n[k[0]] += len(ps)
					return err
				})
				if err != nil {
					return err
				}
			default:
				n[k[0]]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func addAll(t *testing.T, s *Store, docs []Doc, batch int) {
	t.Helper()
	for i := 0; i < len(docs); i += batch {
		_, errs := s.AddDocs(context.Background(), docs[i:min(i+batch, len(docs))])
		for j, err := range errs {
			if err != nil {
				t.Fatalf("doc %d: %v", i+j, err)
			}
		}
	}
}

// crash closes s as a killed process would leave it: what is pending is
// never written.
func crash(t *testing.T, s *Store) {
	t.Helper()
	s.wmu.Lock()
	s.pend = nil
	s.wmu.Unlock()
	s.pendDirty.Store(false)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBulkLoadCheckpoints loads articles, with new versions and repeated
// texts among them, into a BulkLoad store on disk that checkpoints every
// 25 articles, and checks that it stores the very bytes that one AddDoc
// per article into a plain store does; a read in the middle sees exact
// counts.
func TestBulkLoadCheckpoints(t *testing.T) {
	docs := genDocs(300, 60, 21)
	one, _, _ := loadBatches(t, docs, 0)
	dir := t.TempDir()
	s, err := Open(dir, Options{BulkLoad: true, CheckpointArticles: 25})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, s, docs[:150], 40)
	mid, _, _ := loadBatches(t, docs[:150], 0)
	got, _ := s.Stats(context.Background())
	want, _ := mid.Stats(context.Background())
	if got != want || got.Relations == 0 {
		t.Fatalf("stats read during a bulk load %+v, want %+v", got, want)
	}
	addAll(t, s, docs[150:], 40)
	if d, w := dumpGraph(t, s), dumpGraph(t, one); d != w {
		t.Fatalf("bulk store with checkpoints differs from one AddDoc per article")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{checkpointRedo, checkpointTmp} {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after Close: %v", f, err)
		}
	}
	s = openAt(t, dir)
	defer s.Close()
	if keyCounts(t, s)[pfxLoad] != 0 {
		t.Errorf("load marker left after Close")
	}
}

// TestBulkLoadRelationDeltas loads articles into a BulkLoad store whose
// write cache holds next to nothing, so that a relation stored by one
// checkpoint is a delta in the next (pending.mergeDeltas), and checks that
// it stores the very bytes that one AddDoc per article does: aggregates,
// relation counts and counters.
func TestBulkLoadRelationDeltas(t *testing.T) {
	docs := genDocs(300, 60, 25)
	one, _, _ := loadBatches(t, docs, 0)
	s, err := Open(t.TempDir(), Options{BulkLoad: true, CheckpointArticles: 25})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.cacheScale = 1 << 30
	addAll(t, s, docs, 20)
	if d, w := dumpGraph(t, s), dumpGraph(t, one); d != w {
		t.Fatalf("bulk store with relation deltas differs from one AddDoc per article")
	}
	if s.merged < 100 {
		t.Errorf("%d relation deltas merged with a stored aggregate, want many", s.merged)
	}
}

// TestBulkLoadRollback stops a BulkLoad store as a kill would, with 100
// articles written since its last checkpoint: opening it again takes
// them back with every key they wrote (and the entities made for them),
// and loading them again gives the graph of an uninterrupted load.
func TestBulkLoadRollback(t *testing.T) {
	// The second part names entities the first does not (a larger
	// pool), so the rollback also takes back entities.
	first, rest := uniqueDocs(100, 60, 23, "first-"), uniqueDocs(100, 150, 24, "rest-")
	docs := append(slices.Clone(first), rest...)
	ref, _, _ := loadBatches(t, first, 0)
	full, _, _ := loadBatches(t, docs, 0)

	dir := t.TempDir()
	s := checkpointed(t, dir, first)
	addAll(t, s, rest, 30)
	if keyCounts(t, s)[pfxLoad] != 1 {
		t.Fatalf("no load marker while articles are pending")
	}
	crash(t, s)

	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrUnfinishedLoad) {
		t.Fatalf("read-only open of an interrupted load: %v, want ErrUnfinishedLoad", err)
	}
	s = openAt(t, dir)
	sameGraph(t, s, ref, "after the rollback")
	addAll(t, s, docs, 30) // the same load again: the first part is unchanged
	gs, _ := s.Stats(context.Background())
	ws, _ := full.Stats(context.Background())
	if gs != ws {
		t.Fatalf("stats after loading again %+v, uninterrupted %+v", gs, ws)
	}
	if g, w := entitySummary(t, s), entitySummary(t, full); g != w {
		t.Fatalf("entities after loading again differ from an uninterrupted load")
	}
	if g, w := keyCounts(t, s), keyCounts(t, full); !maps.Equal(g, w) {
		t.Fatalf("keys per prefix after loading again %v, uninterrupted %v", g, w)
	}
	s.Close()
}

// TestBulkLoadRedo stops a checkpoint after its redo file is written and
// before Badger has its writes: opening the store applies the file, and
// nothing is lost.
func TestBulkLoadRedo(t *testing.T) {
	docs := uniqueDocs(120, 60, 29, "")
	full, _, _ := loadBatches(t, docs, 0)
	dir := t.TempDir()
	s, err := Open(dir, Options{BulkLoad: true, CheckpointArticles: 10000})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, s, docs, 30)
	s.crashAfterRedo = true
	if err := s.Checkpoint(context.Background()); err == nil {
		t.Fatal("checkpoint did not stop")
	}
	crash(t, s)
	if _, err := os.Stat(filepath.Join(dir, checkpointRedo)); err != nil {
		t.Fatalf("no redo file: %v", err)
	}
	s = openAt(t, dir)
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, checkpointRedo)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("redo file left after it was applied: %v", err)
	}
	if d, w := dumpGraph(t, s), dumpGraph(t, full); d != w {
		t.Fatalf("graph after the redo file differs from an uninterrupted load")
	}
}

// TestBulkLoadCheckpointRetry makes a checkpoint fail after its redo
// file: the next one (here the read's) writes what the failed one did
// not, and the bytes stored are those of one AddDoc per article.
func TestBulkLoadCheckpointRetry(t *testing.T) {
	docs := uniqueDocs(120, 60, 37, "")
	h := len(docs) / 2
	for i := h; i < len(docs); i++ { // entities seen before gain an alias
		ents := slices.Clone(docs[i].Entities)
		for j := range ents {
			ents[j].Aliases = append(slices.Clip(ents[j].Aliases), ents[j].Name+" Jr")
		}
		docs[i].Entities = ents
	}
	one, _, _ := loadBatches(t, docs, 0)
	s, err := Open(t.TempDir(), Options{BulkLoad: true, CheckpointArticles: 10000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addAll(t, s, docs[:h], 20)
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	addAll(t, s, docs[h:], 20)
	s.crashAfterRedo = true
	if err := s.Checkpoint(context.Background()); err == nil {
		t.Fatal("checkpoint did not stop")
	}
	s.crashAfterRedo = false
	if d, w := dumpGraph(t, s), dumpGraph(t, one); d != w {
		t.Fatalf("graph after a failed checkpoint differs from one AddDoc per article")
	}
}

// TestBulkLoadCommitFails makes a deferred transaction's commit fail:
// the writes after it are refused with its error, no checkpoint writes
// the aggregates of articles that were not stored, and opening the store
// again takes back the articles since the last checkpoint.
func TestBulkLoadCommitFails(t *testing.T) {
	first, rest := uniqueDocs(60, 60, 31, "first-"), uniqueDocs(60, 150, 32, "rest-")
	ref, _, _ := loadBatches(t, first, 0)
	dir := t.TempDir()
	s := checkpointed(t, dir, first)
	disk := errors.New("disk on fire")
	s.commit.mu.Lock()
	s.commit.fail = disk
	s.commit.mu.Unlock()
	// The first batch is queued before its commit fails; a later one
	// gets the error.
	var failed error
	for i := 0; i < len(rest) && failed == nil; i += 20 {
		_, errs := s.AddDocs(context.Background(), rest[i:min(i+20, len(rest))])
		for _, err := range errs {
			if err != nil {
				failed = err
			}
		}
		if failed == nil {
			failed = s.drain()
		}
	}
	if !errors.Is(failed, disk) {
		t.Fatalf("writes after a failed commit: %v, want %v", failed, disk)
	}
	if err := s.Checkpoint(context.Background()); !errors.Is(err, disk) {
		t.Fatalf("checkpoint after a failed commit: %v, want %v", err, disk)
	}
	if err := s.Close(); !errors.Is(err, disk) {
		t.Fatalf("close after a failed commit: %v, want %v", err, disk)
	}
	s = openAt(t, dir)
	defer s.Close()
	sameGraph(t, s, ref, "after reopening")
}

// TestRedoFileDamaged: a redo file that does not end with its checksum is
// refused, not half applied.
func TestRedoFileDamaged(t *testing.T) {
	dir := t.TempDir()
	ops := []redoOp{{k: []byte("a"), v: []byte("1")}, {k: []byte("b"), del: true}}
	if err := writeRedo(dir, ops); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, checkpointRedo)
	got, err := readRedo(path)
	if err != nil || len(got) != 2 || string(got[0].k) != "a" || string(got[0].v) != "1" || !got[1].del {
		t.Fatalf("read back %+v, %v", got, err)
	}
	b, _ := os.ReadFile(path)
	for _, cut := range []int{1, 5, len(b) / 2} {
		if err := os.WriteFile(path, b[:len(b)-cut], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readRedo(path); !errors.Is(err, errBadValue) {
			t.Errorf("redo file cut by %d bytes: %v, want errBadValue", cut, err)
		}
	}
}

// checkpointed opens a BulkLoad store in dir that checkpoints only when
// asked, loads docs and checkpoints.
func checkpointed(t *testing.T, dir string, docs []Doc) *Store {
	t.Helper()
	s, err := Open(dir, Options{BulkLoad: true, CheckpointArticles: 10000})
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, s, docs, 30)
	if err := s.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// sameGraph checks that s holds the keys per prefix, entities, counts and
// totals of ref, which was loaded with the articles s should have kept.
func sameGraph(t *testing.T, s, ref *Store, when string) {
	t.Helper()
	if g, w := keyCounts(t, s), keyCounts(t, ref); !maps.Equal(g, w) {
		t.Fatalf("keys per prefix %s %v, want those of the first articles alone %v", when, g, w)
	}
	if g, w := entitySummary(t, s), entitySummary(t, ref); g != w {
		t.Fatalf("entities %s differ from the first articles' alone", when)
	}
	gs, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ws, _ := ref.Stats(context.Background()); gs != ws {
		t.Fatalf("stats %s %+v, want %+v", when, gs, ws)
	}
}

// relationSummary lists every relation aggregate by its ends' kinds and
// names, with its counts, outlet counts and evidence (by the articles'
// external IDs), sorted: the relations without entity or article IDs.
func relationSummary(t *testing.T, s *Store) string {
	t.Helper()
	ext := map[string]string{} // article key: external ID
	prefixLines(t, s, pfxArticle, func(_ *badger.Txn, k, v []byte) (string, error) {
		a, err := decodeArticle(0, v, false)
		ext[string(k)] = a.ExternalID
		return "", err
	})
	return prefixLines(t, s, pfxRel, func(txn *badger.Txn, k, v []byte) (string, error) {
		pk, err := parseKey(k)
		if err != nil {
			return "", err
		}
		a, _, err := decodeRel(v, true)
		if err != nil {
			return "", err
		}
		src, err := getEntity(txn, pk.Rel.Src)
		if err != nil {
			return "", err
		}
		dst, err := getEntity(txn, pk.Rel.Dst)
		if err != nil {
			return "", err
		}
		line := fmt.Sprintf("%d %d:%s %d:%s %q s%d a%d %v", pk.Rel.Type, src.Kind, src.Name, dst.Kind, dst.Name, pk.Rel.Label, a.Sentences, a.Articles, a.Outlets)
		for _, ev := range a.Evidence {
			line += fmt.Sprintf(" %s%v%v", ext[string(articleKey(ev.Article))], ev.Sentence, ev.Span)
		}
		return line, nil
	})
}

// TestBulkLoadFailedTransaction: a deferred transaction adds in place to
// the pending aggregates of relations that earlier transactions made, so
// one that fails (an article too big, after others of the transaction
// were added) must take those additions back before the transaction is
// built again without the article. The graph must be that of the other
// articles alone.
func TestBulkLoadFailedTransaction(t *testing.T) {
	docs := uniqueDocs(150, 40, 41, "")
	big := tooBigText(3)
	bad := slices.Clone(docs)
	tooBig := map[int]bool{}
	for _, i := range []int{47, 96, 118} { // past the first batches, not first in theirs
		d := bad[i]
		d.Article.Text = big
		bad[i] = d
		tooBig[i] = true
	}
	var good []Doc
	for i, d := range bad {
		if !tooBig[i] {
			good = append(good, d)
		}
	}
	ref, _, _ := loadBatches(t, good, 0)
	s, err := Open(t.TempDir(), Options{BulkLoad: true, CheckpointArticles: 10000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < len(bad); i += 10 {
		_, errs := s.AddDocs(context.Background(), bad[i:min(i+10, len(bad))])
		for j, err := range errs {
			if tooBig[i+j] != (err != nil) {
				t.Fatalf("doc %d: error %v, too big %v", i+j, err, tooBig[i+j])
			}
		}
	}
	if g, w := relationSummary(t, s), relationSummary(t, ref); g != w {
		t.Errorf("relations differ from the other articles' alone:\n%s\nwant:\n%s", g, w)
	}
	sameGraph(t, s, ref, "after failed transactions")
}
