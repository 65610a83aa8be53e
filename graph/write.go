package graph

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unique"

	"github.com/dgraph-io/badger/v4"
)

// maxAliases caps the surface forms kept per entity (first seen win).
const maxAliases = 64

// maxValueSize bounds one stored value (an article, or its mention list):
// Badger refuses values over 1 MiB in memory, and an article that large
// is not news.
const maxValueSize = 1<<20 - 4096

// AddDoc resolves the doc's local entities against the graph and writes the
// article, its mentions, relations, index entries and counters in one
// Badger transaction: either all of it is stored or nothing is.
//
// Text already stored (same hash) gives StatusUnchanged and writes nothing.
// An article with the same ExternalID and other text is replaced: the old
// version's mentions, relation evidence and counts are taken back in the
// same transaction and the new version keeps its ArticleID. A doc with out
// of range indices or spans gives an error wrapping ErrInvalid.
func (s *Store) AddDoc(ctx context.Context, d Doc) (AddResult, error) {
	res, errs := s.AddDocs(ctx, []Doc{d})
	return res[0], errs[0]
}

// AddDocs stores docs in order, as AddDoc would one after the other, but
// several articles to a Badger transaction: each article is written whole
// in one transaction, and a transaction holds whole articles only, so a
// crash loses whole articles, never part of one. The graph's aggregates
// (an entity's record and counts, a relation's aggregate, the counters)
// are written once per transaction instead of once per article, which is
// most of what a bulk load writes.
//
// It returns a result and an error per doc. A doc that fails (invalid, too
// big) gets its error and is left out; the others are stored. A cancelled
// context or a failed commit fails every doc not yet committed.
func (s *Store) AddDocs(ctx context.Context, docs []Doc) ([]AddResult, []error) {
	res := make([]AddResult, len(docs))
	errs := make([]error, len(docs))
	sums := make([][]byte, len(docs))
	label := func(i int) string {
		if l := docs[i].Article.ExternalID; l != "" {
			return l
		}
		return docs[i].Article.URL
	}
	fail := func(i int, err error) {
		if errors.Is(err, badger.ErrTxnTooBig) {
			err = fmt.Errorf("article too big for one transaction, nothing written: %w", err)
		}
		errs[i] = fmt.Errorf("graph: add article %q: %w", label(i), err)
	}
	failAll := func(idx []int, err error) {
		for _, i := range idx {
			fail(i, err)
		}
	}
	idx := make([]int, 0, len(docs))
	for i := range docs {
		d := &docs[i]
		if s.ro {
			fail(i, fmt.Errorf("%w: store is read-only", ErrInvalid))
			continue
		}
		if err := validateDoc(d); err != nil {
			fail(i, err)
			continue
		}
		if d.Article.Hash == "" {
			h := sha256.Sum256([]byte(d.Article.Text))
			sums[i] = h[:]
			d.Article.Hash = hex.EncodeToString(sums[i])
		} else {
			sum, err := hex.DecodeString(d.Article.Hash)
			if err != nil || len(sum) != sha256.Size {
				fail(i, fmt.Errorf("%w: hash %q is not hex sha256", ErrInvalid, d.Article.Hash))
				continue
			}
			sums[i] = sum
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return res, errs
	}
	if err := ctx.Err(); err != nil {
		failAll(idx, err)
		return res, errs
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.db == nil {
		failAll(idx, errors.New("store is closed"))
		return res, errs
	}
	if s.cache == nil {
		// Before the sequences, whose leases are writes: the saved
		// filters are taken before anything is written.
		if err := s.makeCache(ctx); err != nil {
			failAll(idx, err)
			return res, errs
		}
	}
	artSeq, entSeq, err := s.sequences()
	if err != nil {
		failAll(idx, err)
		return res, errs
	}
	b := &batch{s: s, ctx: ctx, docs: docs, sums: sums, res: res, artSeq: artSeq, entSeq: entSeq}
	b.write(idx, fail)
	return res, errs
}

// makeCache makes the write cache at the first write, with the Bloom
// filters the last Close saved when they are still the database's
// (filters.go): it removes the file before anything is written.
func (s *Store) makeCache(ctx context.Context) error {
	var saved *filterSet
	if s.dir != "" {
		f, ok, err := takeSavedFilters(s.db, s.dir)
		if err != nil {
			return err
		}
		if ok {
			saved = &f
		}
	}
	c, err := newWriteCache(ctx, s.db, s.cacheScale, saved)
	if err != nil {
		return err
	}
	s.cache = c
	s.artKeys.Store(c.artKeys)
	return nil
}

// batch is one AddDocs call's state while it writes.
type batch struct {
	s              *Store
	ctx            context.Context
	docs           []Doc
	sums           [][]byte
	res            []AddResult
	artSeq, entSeq *badger.Sequence
	direct         bool // write the next transaction's aggregates with it
}

// write stores docs[idx] in one transaction. When a doc fails, the
// transaction is dropped (nothing of it was stored) and the docs are
// written again without it: those before it in one transaction, then the
// rest. A transaction grown too big for Badger at the end is split in
// halves. A cancelled context or a failed commit fails all of idx.
func (b *batch) write(idx []int, fail func(int, error)) {
	if len(idx) == 0 {
		return
	}
	s := b.s
	// A BulkLoad store defers the aggregates (pending.go) and has its
	// transactions committed by its committer, except for the one right
	// after a checkpoint made for a replace.
	deferred := s.pend != nil && !b.direct
	b.direct = false
	failed := -1   // position in idx of the doc that failed; len(idx): the aggregates
	var rest []int // docs left for the next transaction
	checkpointFirst := false
	var w *writer
	var ar *arena
	run := func(txn *badger.Txn) error {
		if s.w == nil {
			s.w = &writer{}
		}
		w = s.w
		w.ctx, w.txn, w.entSeq, w.cache, w.ar = b.ctx, txn, b.entSeq, s.cache, &s.arena
		w.init()
		w.pend, w.deferred, w.ops = s.pend, deferred, nil
		if deferred {
			w.ar, w.ops = ar, slices.Grow(ar.ops[:0], 64*len(idx))
		}
		for p, i := range idx {
			if err := b.ctx.Err(); err != nil {
				return err
			}
			if p > 0 && (w.size > s.db.MaxBatchSize()/4 || w.count > s.db.MaxBatchCount()/4) {
				// Commit what is added and go on in a new transaction:
				// the aggregates flush writes take up to about as much
				// again, and Badger refuses a transaction past its
				// limits (ErrTxnTooBig, then the halves below).
				rest = idx[p:]
				idx = idx[:p]
				break
			}
			r, err := w.addDoc(&b.docs[i], b.sums[i], b.artSeq)
			if errors.Is(err, errCheckpointFirst) {
				// Nothing of doc i is added yet: commit the docs before
				// it, write the pending aggregates, then go on with it.
				rest, idx, checkpointFirst = idx[p:], idx[:p], true
				break
			}
			if err == nil {
				err = w.settle()
			}
			if err != nil {
				failed = p
				return err
			}
			b.res[i] = r
		}
		if err := w.flush(); err != nil {
			failed = len(idx)
			return err
		}
		return nil
	}
	var err error
	if deferred {
		// Built against a snapshot of the last checkpoint and the
		// pending state, committed by the committer while the next
		// transaction is built.
		var txn *badger.Txn
		if txn, err = s.deferredStart(); err == nil {
			ar = <-s.arenas
			if err = run(txn); err == nil {
				ar.ops = w.ops
				s.commit.send(w.ops, ar, s.arenas)
			} else {
				w.undo()
				ar.reset()
				s.arenas <- ar
			}
		}
	} else {
		if s.pend != nil {
			err = s.drain()
		}
		if err == nil {
			err = s.db.Update(run)
		}
		// Deferred transactions read a snapshot that must see this one.
		s.endSnapshot()
		// Update has returned: Badger has copied the values or dropped
		// the transaction.
		s.arena.reset()
	}
	if err == nil {
		s.commits++
		if w.deferred {
			s.pend.absorb(w)
			s.pendDirty.Store(true)
		} else {
			s.cache.commit(w)
		}
		s.idxMu.Lock()
		if s.idx != nil {
			s.idx.apply(w.indexDelta())
		}
		s.idxMu.Unlock()
		if checkpointFirst {
			if err := s.checkpoint(b.ctx); err != nil {
				for _, i := range rest {
					fail(i, err)
				}
				return
			}
			b.direct = true
		} else if s.pend != nil && s.pend.full() {
			// On failure the aggregates stay pending: Close or the next
			// checkpoint tries again, and Open takes the articles back
			// if none succeeds.
			_ = s.checkpoint(b.ctx)
		}
		b.write(rest, fail)
		return
	}
	idx = append(idx, rest...) // what was held back for the next transaction fails or retries with the rest
	for _, i := range idx {
		b.res[i] = AddResult{}
	}
	switch {
	case failed < 0 || b.ctx.Err() != nil:
		// Cancelled, or the commit failed: nothing tells one doc apart.
		for _, i := range idx {
			fail(i, err)
		}
	case len(idx) == 1:
		fail(idx[0], err)
	case failed < len(idx):
		b.write(idx[:failed], fail)
		b.write(idx[failed:failed+1], fail)
		b.write(idx[failed+1:], fail)
	case errors.Is(err, badger.ErrTxnTooBig):
		h := len(idx) / 2
		b.write(idx[:h], fail)
		b.write(idx[h:], fail)
	default:
		for _, i := range idx {
			fail(i, err)
		}
	}
}

// validateDoc checks every index and span of d against its text.
func validateDoc(d *Doc) error {
	n := utf8.RuneCountInString(d.Article.Text)
	okSpan := func(s Span) bool { return s.Start >= 0 && s.Start <= s.End && s.End <= n }
	for i, s := range d.Sentences {
		if !okSpan(s) {
			return fmt.Errorf("%w: sentence %d span %v outside text of %d code points", ErrInvalid, i, s, n)
		}
	}
	for i, e := range d.Entities {
		if !e.Kind.Valid() {
			return fmt.Errorf("%w: entity %d kind %d", ErrInvalid, i, e.Kind)
		}
	}
	for i, m := range d.Mentions {
		switch {
		case m.Entity < 0 || m.Entity >= len(d.Entities):
			return fmt.Errorf("%w: mention %d entity index %d", ErrInvalid, i, m.Entity)
		case !okSpan(m.Span) || m.Span.Start == m.Span.End:
			return fmt.Errorf("%w: mention %d span %v outside text of %d code points", ErrInvalid, i, m.Span, n)
		case m.Sentence < 0 || m.Sentence >= len(d.Sentences):
			return fmt.Errorf("%w: mention %d sentence index %d", ErrInvalid, i, m.Sentence)
		}
	}
	for i, r := range d.Relations {
		switch {
		case !r.Type.Valid():
			return fmt.Errorf("%w: relation %d type %d", ErrInvalid, i, r.Type)
		case r.Source < 0 || r.Source >= len(d.Entities) || r.Target < 0 || r.Target >= len(d.Entities):
			return fmt.Errorf("%w: relation %d entity index", ErrInvalid, i)
		case r.Sentence < 0 || r.Sentence >= len(d.Sentences):
			return fmt.Errorf("%w: relation %d sentence index %d", ErrInvalid, i, r.Sentence)
		case !okSpan(r.Span):
			return fmt.Errorf("%w: relation %d span %v", ErrInvalid, i, r.Span)
		}
	}
	return nil
}

// outletOf is the article's outlet: Outlet, else the URL host, else "".
func outletOf(a *Article) string {
	if o := strings.TrimSpace(a.Outlet); o != "" {
		return strings.ToLower(o)
	}
	if u, err := url.Parse(a.URL); err == nil && u.Host != "" {
		return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return ""
}

// normLabel normalizes a relation label for aggregation.
// The result never shares memory with s (see resolve).
func normLabel(s string) string {
	return strings.Clone(strings.ToLower(strings.Join(strings.Fields(s), " ")))
}

// normUnit normalizes a number unit for the unit index and filter.
func normUnit(s string) string { return keyString(strings.ToLower(strings.TrimSpace(s))) }

// relState is a relation aggregate being changed by one transaction.
type relState struct {
	agg     *relAgg
	stored  bool // in Badger before the transaction
	live    bool // exists after the transaction's last settled article
	touched bool // changed by the article being added
	// delta: agg holds only what deferred transactions added since the
	// last checkpoint, which merges the stored aggregate, if any, into it
	// (pending.mergeDeltas); until then the relation counts as new.
	delta bool
	// from is the pending state that agg is a copy of, if any: absorbing
	// the committed transaction sets its agg without looking it up again.
	from *relState
	// inPlace: agg is from's own aggregate, not a copy (a deferred
	// transaction); every change to it is logged in writer.relUndo.
	inPlace bool
}

// relUndo is one article's addition to a pending relation aggregate that
// a deferred transaction changed in place: the counts and lengths before
// it, and the outlet whose count it raised (-1: it appended one).
type relUndo struct {
	agg                 *relAgg
	sentences, articles int
	outlets, evidence   int
	outlet              int
}

// writer holds one AddDoc transaction's reads and pending changes; flush
// writes them.
type writer struct {
	ctx    context.Context
	txn    *badger.Txn
	entSeq *badger.Sequence

	ents     map[EntityID]*entRec
	entDirty map[EntityID]bool
	removed  map[EntityID]bool // entities that lost mentions or relations
	holders  map[string][]EntityID
	hDirty   map[string]bool
	hRead    []string // keys of holders that neither pend nor the cache had
	rels     map[relIdent]*relState
	relOrder []relIdent
	docRels  []relIdent   // relations the article being added changed
	counters map[byte]int // deltas

	// size and count of the transaction's writes, as Badger counts them
	// against its limits (Txn.checkSize)
	size, count int64

	cache       *writeCache // committed state; read-only until commit
	ar          *arena      // value buffers, reused once the txn is done
	newCounters map[byte]int
	idx         indexDelta // search index changes, applied after commit

	// pend is the BulkLoad store's pending aggregates (see pending.go),
	// read before the cache; nil for other stores. A deferred
	// transaction writes only its articles' own keys and leaves its
	// aggregates to pend.
	pend     *pending
	deferred bool
	added    int                  // articles added by this transaction
	artFrom  ArticleID            // first article / entity made by this deferred
	entFrom  EntityID             // transaction, when pend has none yet
	ops      []redoOp             // non-nil: writes are collected here, not in txn
	scratch  articleScratch       // addArticle's, reused from article to article
	hashes   map[string]ArticleID // deferred: articles added, by text hash
	exts     map[string]ArticleID // and by external ID
	posts    []entPost            // deferred: the entities' postings, for a checkpoint's runs
	// stamped is every record whose stored hash flush changed, with the
	// one before: a checkpoint that fails puts them back
	stamped []stamp
	// relUndo logs the changes made in place to pending relation
	// aggregates, in order, and entUndo the pending entity records the
	// transaction changes, as they were (undo)
	relUndo []relUndo
	entUndo []entUndo
}

// entUndo is a pending entity record that a deferred transaction changes
// in place, and its fields before. Such a transaction only appends to the
// record's slices and sets fields, so restoring the fields undoes it.
type entUndo struct {
	r   *entRec
	was entRec
}

type stamp struct {
	r    *entRec
	prev uint64
}

// articleScratch holds addArticle's working maps and slices; what it
// keeps of them (postings, evidence, merges) is copied out.
type articleScratch struct {
	nodes    []EntityID
	merges   []nodeMerge
	perEnt   map[EntityID]*entArticle
	entOrder []EntityID
	groups   []relGroup
	groupOf  map[relIdent]int
	contrib  contrib
}

// nodeMerge is a merge of an article's entity into a node.
type nodeMerge struct {
	node EntityID
	Merge
}

// relGroup is what one article adds to one aggregated relation: its
// sentences (indices into the doc's), each with the evidence of its first
// relation.
type relGroup struct {
	ri    relIdent
	sents []int
	ev    []Evidence
}

// reset empties the scratch for the next article.
func (a *articleScratch) reset(entities int) {
	if a.perEnt == nil {
		a.perEnt = map[EntityID]*entArticle{}
		a.groupOf = map[relIdent]int{}
	}
	a.merges = a.merges[:0]
	clear(a.perEnt)
	clear(a.groupOf)
	a.nodes = slices.Grow(a.nodes[:0], entities)[:entities]
	a.entOrder = a.entOrder[:0]
	a.groups = a.groups[:0]
	a.contrib.Rels = a.contrib.Rels[:0]
}

// entPost is a posting of an entity.
type entPost struct {
	Entity EntityID
	entPosting
}

// indexDelta returns the search index changes of the committed write.
func (w *writer) indexDelta() *indexDelta {
	d := w.idx
	d.mentions = make(map[EntityID]int, len(w.ents))
	for id, r := range w.ents {
		if r == nil {
			d.mentions[id] = -1
		} else {
			d.mentions[id] = r.MentionCount
		}
	}
	return &d
}

// init empties the writer for a new transaction. The maps of the previous
// one are cleared, not remade, so that they keep their room: the cache
// took the records and slices they held, not the maps.
func (w *writer) init() {
	if w.ents == nil {
		w.ents = map[EntityID]*entRec{}
		w.entDirty = map[EntityID]bool{}
		w.removed = map[EntityID]bool{}
		w.holders = map[string][]EntityID{}
		w.hDirty = map[string]bool{}
		w.rels = map[relIdent]*relState{}
		w.counters = map[byte]int{}
		w.hashes = map[string]ArticleID{}
		w.exts = map[string]ArticleID{}
	} else {
		clear(w.hashes)
		clear(w.exts)
		clear(w.ents)
		clear(w.entDirty)
		clear(w.removed)
		clear(w.holders)
		clear(w.hDirty)
		clear(w.rels)
		clear(w.counters)
	}
	clear(w.hRead)
	w.hRead = w.hRead[:0]
	clear(w.relOrder)
	w.relOrder = w.relOrder[:0]
	w.docRels = w.docRels[:0]
	w.newCounters = nil
	w.idx = indexDelta{}
	w.size, w.count = 0, 0
	w.added, w.artFrom, w.entFrom = 0, 0, 0
	w.posts = w.posts[:0]
	clear(w.stamped)
	w.stamped = w.stamped[:0]
	clear(w.relUndo)
	w.relUndo = w.relUndo[:0]
	clear(w.entUndo)
	w.entUndo = w.entUndo[:0]
}

// undo takes back what a transaction that is not committed changed in
// place in the pending aggregates: the entity records' fields, and,
// newest first, what it added to relation aggregates. Appended aliases,
// keys, merges, outlets and evidence are cut off; the arrays past their
// slices' lengths are not read.
func (w *writer) undo() {
	for _, u := range w.entUndo {
		*u.r = u.was
	}
	clear(w.entUndo)
	w.entUndo = w.entUndo[:0]
	for i := len(w.relUndo) - 1; i >= 0; i-- {
		u := &w.relUndo[i]
		a := u.agg
		if u.outlet >= 0 {
			a.Outlets[u.outlet].Articles--
		}
		a.Sentences, a.Articles = u.sentences, u.articles
		a.Outlets, a.Evidence = a.Outlets[:u.outlets], a.Evidence[:u.evidence]
	}
	clear(w.relUndo)
	w.relUndo = w.relUndo[:0]
}

func (w *writer) set(k, v []byte) error {
	w.size += int64(len(k)+len(v)) + 12
	w.count++
	if w.ops != nil {
		w.ops = append(w.ops, redoOp{k: k, v: v})
		return nil
	}
	return w.txn.Set(k, v)
}

func (w *writer) del(k []byte) error {
	w.size += int64(len(k)) + 12
	w.count++
	if w.ops != nil {
		w.ops = append(w.ops, redoOp{k: k, del: true})
		return nil
	}
	return w.txn.Delete(k)
}

// addDoc adds one doc to the writer's transaction; settle then ends it,
// and flush writes the aggregates once all docs of the transaction are
// added.
func (w *writer) addDoc(d *Doc, sum []byte, artSeq *badger.Sequence) (AddResult, error) {
	if w.deferred {
		// The snapshot does not see the articles of transactions still
		// being committed; pending and the writer know them.
		if id, ok := w.pend.hashes[string(sum)]; ok {
			return AddResult{Article: id, Status: StatusUnchanged}, nil
		}
		if id, ok := w.hashes[string(sum)]; ok {
			return AddResult{Article: id, Status: StatusUnchanged}, nil
		}
		ext := d.Article.ExternalID
		if _, ok := w.pend.exts[ext]; ok && ext != "" {
			return AddResult{}, errCheckpointFirst
		}
		if _, ok := w.exts[ext]; ok && ext != "" {
			return AddResult{}, errCheckpointFirst
		}
	}
	if b, err := w.cache.artKeys.read(w.txn, hashKey(sum)); err == nil {
		id, err := decodeU64(b)
		return AddResult{Article: ArticleID(id), Status: StatusUnchanged}, err
	} else if !errors.Is(err, ErrNotFound) {
		return AddResult{}, err
	}
	res := AddResult{Status: StatusCreated}
	if ext := d.Article.ExternalID; ext != "" {
		b, err := w.cache.artKeys.read(w.txn, externalKey(ext))
		switch {
		case err == nil:
			old, err := decodeU64(b)
			if err != nil {
				return res, err
			}
			if w.deferred {
				// Replacing takes back aggregates: the pending ones are
				// written first, and a transaction of its own writes
				// them.
				return res, errCheckpointFirst
			}
			res.Article, res.Status = ArticleID(old), StatusReplaced
			if err := w.removeArticle(ArticleID(old)); err != nil {
				return res, fmt.Errorf("remove old version %d: %w", old, err)
			}
		case !errors.Is(err, ErrNotFound):
			return res, err
		}
	}
	if res.Article == 0 {
		id, err := nextID(artSeq)
		if err != nil {
			return res, err
		}
		res.Article = ArticleID(id)
		if w.deferred && w.pend.artFrom == 0 && w.artFrom == 0 {
			w.artFrom = res.Article
		}
	}
	w.added++
	if w.deferred {
		w.hashes[string(sum)] = res.Article
		if ext := d.Article.ExternalID; ext != "" {
			w.exts[ext] = res.Article
		}
	}
	return res, w.addArticle(res.Article, d, sum, res.Status == StatusReplaced)
}

func (w *writer) entity(id EntityID) (*entRec, error) {
	if r, ok := w.ents[id]; ok {
		return r, nil
	}
	if w.pend != nil {
		if r, ok := w.pend.ents[id]; ok {
			if w.deferred {
				// A deferred transaction changes the pending record
				// itself, as it does a pending relation, and keeps the
				// record as it was (entUndo) for undo.
				w.entUndo = append(w.entUndo, entUndo{r, *r})
			} else {
				r = pendingEnt(r)
			}
			w.ents[id] = r
			return r, nil
		}
	}
	if r, ok := w.cache.entity(id); ok {
		w.ents[id] = r
		return r, nil
	}
	it, err := w.txn.Get(entityKey(id))
	if err != nil {
		return nil, fmt.Errorf("entity %d: %w", id, translate(err))
	}
	r, err := entityOfItem(w.txn, id, it, true)
	if err != nil {
		return nil, fmt.Errorf("entity %d: %w", id, err)
	}
	w.ents[id] = r
	return r, nil
}

// holdersOf returns the entities holding the resolution key hk (a 'k'
// key, string(resKey(kind, key))).
func (w *writer) holdersOf(hk string) ([]EntityID, error) {
	if ids, ok := w.holders[hk]; ok {
		return ids, nil
	}
	if w.pend != nil {
		if ids, ok := w.pend.holders[hk]; ok {
			ids = slices.Clip(ids)
			w.holders[hk] = ids
			return ids, nil
		}
	}
	if ids, ok := w.cache.holders.get(hk); ok {
		ids = slices.Clip(ids)
		w.holders[hk] = ids
		return ids, nil
	}
	var ids []EntityID
	w.hRead = append(w.hRead, hk)
	if !w.cache.resKeys.has([]byte(hk)) {
		w.holders[hk] = ids
		return ids, nil
	}
	b, err := getValue(w.txn, []byte(hk))
	switch {
	case err == nil:
		if ids, err = decodeIDs(b); err != nil {
			return nil, err
		}
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	w.holders[hk] = ids
	return ids, nil
}

// relation returns the aggregate of id for the article being added to
// change.
func (w *writer) relation(id relIdent) (*relState, error) {
	st, ok := w.rels[id]
	if !ok {
		var err error
		if st, err = w.loadRelation(id); err != nil {
			return nil, err
		}
		st.live = st.agg.Articles > 0
		w.rels[id] = st
		w.relOrder = append(w.relOrder, id)
	}
	if !st.touched {
		st.touched = true
		w.docRels = append(w.docRels, id)
	}
	return st, nil
}

func (w *writer) loadRelation(id relIdent) (*relState, error) {
	if w.pend != nil {
		if ps, ok := w.pend.rels[id]; ok {
			if w.deferred {
				// A deferred transaction only adds to a relation: it adds
				// to the pending aggregate itself and logs what it
				// changed (relUndo), which undo takes back if the
				// transaction is not committed.
				return &relState{agg: ps.agg, stored: ps.stored, delta: ps.delta, from: ps, inPlace: true}, nil
			}
			return &relState{agg: pendingRel(ps.agg), stored: ps.stored, delta: ps.delta, from: ps}, nil
		}
	}
	st := &relState{}
	k := relKey(id)
	if a, ok := w.cache.relation(id); ok {
		st.agg, st.stored = a, true
		return st, nil
	}
	if !w.cache.relKeys.has(k) {
		st.agg = &relAgg{}
		return st, nil
	}
	if w.deferred {
		// A deferred transaction only adds to a relation: what it adds
		// is merged into the stored aggregate at the checkpoint, whose
		// reads in key order cost less than a point read here.
		st.agg, st.delta = &relAgg{}, true
		return st, nil
	}
	b, err := getValue(w.txn, k)
	switch {
	case err == nil:
		if st.agg, _, err = decodeRel(b, true); err != nil {
			return nil, err
		}
		st.stored = true
	case errors.Is(err, ErrNotFound):
		st.agg = &relAgg{}
	default:
		return nil, err
	}
	return st, nil
}

// addPosting stores entity e's posting p. A deferred transaction leaves
// it to the next checkpoint, which writes the postings of many articles
// as runs (one key per entity and checkpoint, instead of one per entity
// and article). Otherwise a new article, whose ID is past every stored
// one, gets a key of its own; a replaced article keeps its ID, which may
// fall inside a run, and then goes into it.
func (w *writer) addPosting(e EntityID, p entPosting, replaced bool) error {
	if w.deferred {
		w.posts = append(w.posts, entPost{e, p})
		return nil
	}
	if replaced {
		k, ps, err := w.postingRun(e, p.Article)
		if err != nil {
			return err
		}
		if k != nil && ps != nil {
			key := ArticleID(binary.BigEndian.Uint64(k[len(k)-8:]))
			if key == p.Article || ps[len(ps)-1].Article > p.Article {
				i, _ := slices.BinarySearchFunc(ps, p.Article, func(x entPosting, a ArticleID) int { return cmp.Compare(x.Article, a) })
				return w.set(k, encodeEntRunIn(w.ar, key, slices.Insert(ps, i, p)))
			}
		}
	}
	return w.set(entMentionKey(e, p.Article), encodeEntArticleIn(w.ar, &entArticle{Starts: p.Starts}))
}

// removePosting deletes entity e's posting in article a: its key, or its
// place in a run.
func (w *writer) removePosting(e EntityID, a ArticleID) error {
	k, ps, err := w.postingRun(e, a)
	if err != nil || k == nil {
		return err
	}
	if ps == nil {
		if bytes.Equal(k, entMentionKey(e, a)) {
			return w.del(k)
		}
		return nil
	}
	rest := slices.DeleteFunc(ps, func(p entPosting) bool { return p.Article == a })
	if len(rest) == 0 {
		return w.del(k)
	}
	return w.set(k, encodeEntRunIn(w.ar, ArticleID(binary.BigEndian.Uint64(k[len(k)-8:])), rest))
}

// postingRun returns the 'm' key of entity e at or before article a, and
// the postings of its value when it holds a run (nil for one article's).
func (w *writer) postingRun(e EntityID, a ArticleID) ([]byte, []entPosting, error) {
	k := mentionRunKey(w.txn, e, a)
	if k == nil {
		return nil, nil, nil
	}
	v, err := getValue(w.txn, k)
	if err != nil || len(v) == 0 || v[0] != entRunVersion {
		return k, nil, err
	}
	ps, err := decodeEntPostings(ArticleID(binary.BigEndian.Uint64(k[len(k)-8:])), v)
	return k, ps, err
}

// writeRuns writes the postings a checkpoint holds: for each entity, runs
// of at most maxRunArticles articles, each under the 'm' key of its first.
func (w *writer) writeRuns(posts map[EntityID][]entPosting) error {
	for _, e := range slices.Sorted(maps.Keys(posts)) {
		for ps := range slices.Chunk(posts[e], maxRunArticles) {
			if err := w.set(entMentionKey(e, ps[0].Article), encodeEntRunIn(w.ar, ps[0].Article, ps)); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeArticle takes back everything article id added.
func (w *writer) removeArticle(id ArticleID) error {
	b, err := getValue(w.txn, articleKey(id))
	if err != nil {
		return err
	}
	old, err := decodeArticle(id, b, false)
	if err != nil {
		return err
	}
	outlet := outletOf(&old)
	if sum, err := hex.DecodeString(old.Hash); err == nil {
		if err := w.del(hashKey(sum)); err != nil {
			return err
		}
	}
	// Read what the article contributed before deleting its keys.
	cb, err := getValue(w.txn, contribKey(id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	for _, k := range [][]byte{articleKey(id), contribKey(id)} {
		if err := w.del(k); err != nil {
			return err
		}
	}
	w.counters[ctrArticles]--

	// Mentions.
	ms, err := getDocMentions(w.txn, id)
	if err != nil {
		return err
	}
	if ms != nil {
		if err := w.del(docMentionsKey(id)); err != nil {
			return err
		}
		for _, m := range ms {
			r, err := w.entity(m.Entity)
			if err != nil {
				return err
			}
			r.MentionCount--
			w.counters[ctrMentions]--
		}
		seen := map[EntityID]bool{}
		for _, m := range ms {
			if seen[m.Entity] {
				continue
			}
			seen[m.Entity] = true
			r := w.ents[m.Entity]
			r.ArticleCount--
			r.Merges = slices.DeleteFunc(r.Merges, func(mg Merge) bool { return mg.Article == id })
			w.entDirty[m.Entity], w.removed[m.Entity] = true, true
			if err := w.removePosting(m.Entity, id); err != nil {
				return err
			}
		}
	}

	// Relations.
	if cb == nil {
		return nil
	}
	c, err := decodeContrib(cb)
	if err != nil {
		return err
	}
	for _, rc := range c.Rels {
		st, err := w.relation(rc.ID)
		if err != nil {
			return err
		}
		a := st.agg
		a.Sentences -= rc.Sentences
		a.Articles--
		for i := range a.Outlets {
			if a.Outlets[i].Outlet == outlet {
				a.Outlets[i].Articles--
				if a.Outlets[i].Articles <= 0 {
					a.Outlets = append(a.Outlets[:i], a.Outlets[i+1:]...)
				}
				break
			}
		}
		ev := a.Evidence[:0]
		for _, e := range a.Evidence {
			if e.Article != id {
				ev = append(ev, e)
			}
		}
		a.Evidence = ev
		w.removed[rc.ID.Src], w.removed[rc.ID.Dst] = true, true
	}
	return nil
}

// addArticle resolves and writes d as article id.
func (w *writer) addArticle(id ArticleID, d *Doc, sum []byte, replaced bool) error {
	a := d.Article
	a.ID = id
	if a.Loaded.IsZero() {
		a.Loaded = time.Now().UTC()
	}
	av := encodeArticleIn(w.ar, a)
	if len(av) > maxValueSize {
		return fmt.Errorf("article too big: %d bytes, limit %d", len(av), maxValueSize)
	}
	if err := w.set(articleKey(id), av); err != nil {
		return err
	}
	// Into the filter before the keys are committed: a reader that does
	// not find a key there never misses a stored article.
	hk := hashKey(sum)
	w.cache.artKeys.add(hk)
	if err := w.set(hk, encodeU64(uint64(id))); err != nil {
		return err
	}
	if a.ExternalID != "" {
		xk := externalKey(a.ExternalID)
		w.cache.artKeys.add(xk)
		if err := w.set(xk, encodeU64(uint64(id))); err != nil {
			return err
		}
	}
	w.counters[ctrArticles]++
	sc := &w.scratch
	sc.reset(len(d.Entities))
	c := &sc.contrib
	nodes := sc.nodes
	for i := range d.Entities {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		node, merge, err := w.resolve(&d.Entities[i])
		if err != nil {
			return err
		}
		nodes[i] = node
		if merge.Key != "" {
			merge.Article = id
			// In one list rather than a slice per node: those were 2.6%
			// of a load's allocated bytes.
			sc.merges = append(sc.merges, nodeMerge{node, merge})
		}
	}

	// By node, each node's in entity order.
	slices.SortStableFunc(sc.merges, func(a, b nodeMerge) int { return cmp.Compare(a.node, b.node) })

	ms := make([]docMention, 0, len(d.Mentions))
	for _, m := range d.Mentions {
		sent := d.Sentences[m.Sentence]
		ms = append(ms, docMention{Start: m.Span.Start, End: m.Span.End, Entity: nodes[m.Entity],
			SentStart: sent.Start, SentEnd: sent.End, Text: m.Text, Qualifier: m.Qualifier})
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].Entity < ms[j].Entity
	})
	// One mention per (start, entity): two local entities merged into one
	// node may both claim a span.
	ms = slices.CompactFunc(ms, func(a, b docMention) bool { return a.Start == b.Start && a.Entity == b.Entity })
	if len(ms) > 0 {
		v := encodeDocMentionsIn(w.ar, ms)
		if len(v) > maxValueSize {
			return fmt.Errorf("article too big: %d mentions take %d bytes, limit %d", len(ms), len(v), maxValueSize)
		}
		if err := w.set(docMentionsKey(id), v); err != nil {
			return err
		}
	}
	perEnt := sc.perEnt
	for _, m := range ms {
		r := w.ents[m.Entity]
		r.MentionCount++
		w.counters[ctrMentions]++
		ea := perEnt[m.Entity]
		if ea == nil {
			ea = &entArticle{}
			perEnt[m.Entity] = ea
			sc.entOrder = append(sc.entOrder, m.Entity)
			r.ArticleCount++
			w.entDirty[m.Entity] = true
			// Merges are kept only for entities mentioned here, so a
			// replace finds them through the mentions.
			i, _ := slices.BinarySearchFunc(sc.merges, m.Entity, func(nm nodeMerge, e EntityID) int { return cmp.Compare(nm.node, e) })
			for ; i < len(sc.merges) && sc.merges[i].node == m.Entity; i++ {
				if mg := sc.merges[i].Merge; len(r.Merges) < maxMerges && !hasMerge(r.Merges, mg) {
					r.Merges = append(r.Merges, mg)
				}
			}
		}
		ea.Starts = append(ea.Starts, m.Start)
	}
	for _, e := range sc.entOrder {
		if err := w.addPosting(e, entPosting{Article: id, Starts: perEnt[e].Starts}, replaced); err != nil {
			return err
		}
	}

	// Relations: group this article's sentences per aggregated relation.
	for _, lr := range d.Relations {
		src, dst := nodes[lr.Source], nodes[lr.Target]
		if src == dst {
			continue
		}
		if lr.Type == RelCoMentioned && src > dst {
			src, dst = dst, src
		}
		ri := relIdent{Type: lr.Type, Src: src, Dst: dst, Label: normLabel(lr.Label)}
		gi, ok := sc.groupOf[ri]
		if !ok {
			gi = len(sc.groups)
			sc.groupOf[ri] = gi
			// The slot keeps the slices of an earlier article's group.
			sc.groups = slices.Grow(sc.groups, 1)[:gi+1]
			g := &sc.groups[gi]
			g.ri, g.sents, g.ev = ri, g.sents[:0], g.ev[:0]
		}
		g := &sc.groups[gi]
		if !slices.Contains(g.sents, lr.Sentence) {
			g.sents = append(g.sents, lr.Sentence)
			g.ev = append(g.ev, Evidence{Article: id, Sentence: d.Sentences[lr.Sentence], Span: lr.Span})
		}
	}
	// One string per outlet: the outlets of an aggregate are compared
	// with each article's (addOutlet), and equal strings that share
	// their bytes compare without reading them.
	outlet := unique.Make(outletOf(&a)).Value()
	for gi := range sc.groups {
		g := &sc.groups[gi]
		ri := g.ri
		st, err := w.relation(ri)
		if err != nil {
			return err
		}
		ag := st.agg
		u := relUndo{agg: ag, sentences: ag.Sentences, articles: ag.Articles, outlets: len(ag.Outlets), evidence: len(ag.Evidence)}
		ag.Sentences += len(g.sents)
		ag.Articles++
		u.outlet = ag.addOutlet(outlet, 1)
		ag.addEvidence(g.ev)
		if st.inPlace {
			w.relUndo = append(w.relUndo, u)
		}
		c.Rels = append(c.Rels, relContrib{ID: ri, Sentences: len(g.sents)})
	}
	return w.set(contribKey(id), encodeContribIn(w.ar, c))
}

// resolve finds or makes the node of a local entity and folds the local
// entity's names, keys and values into it. The strings it keeps are
// copies: a local entity's name is often a slice of the article's text,
// and the write cache, which keeps the record, would keep the whole text
// alive.
func (w *writer) resolve(le *LocalEntity) (EntityID, Merge, error) {
	var node EntityID
	var merge Merge
	keys := make([]string, 0, len(le.Keys))
	hks := make([]string, 0, len(le.Keys))
	for _, k := range le.Keys {
		if k = keyString(k); k != "" {
			keys = append(keys, k)
			hks = append(hks, string(resKey(le.Kind, k)))
		}
	}
	for i, k := range keys {
		ids, err := w.holdersOf(hks[i])
		if err != nil {
			return 0, merge, err
		}
		if len(ids) == 1 {
			node, merge = ids[0], Merge{Name: strings.Clone(le.Name), Key: strings.Clone(k)}
			break
		}
	}
	var r *entRec
	if node == 0 {
		id, err := nextID(w.entSeq)
		if err != nil {
			return 0, merge, err
		}
		node = EntityID(id)
		if w.deferred && w.pend.entFrom == 0 && w.entFrom == 0 {
			w.entFrom = node
		}
		r = &entRec{Kind: le.Kind, Name: strings.Clone(le.Name)}
		w.ents[node] = r
		w.counters[ctrEntities]++
		w.counters[ctrKindBase+byte(le.Kind)]++
		if err := w.set(kindKey(le.Kind, node), nil); err != nil {
			return 0, merge, err
		}
	} else {
		var err error
		if r, err = w.entity(node); err != nil {
			return 0, merge, err
		}
	}
	w.entDirty[node] = true

	for i, k := range keys {
		hk := hks[i]
		ids, err := w.holdersOf(hk)
		if err != nil {
			return 0, merge, err
		}
		if !containsID(ids, node) {
			w.holders[hk] = append(ids, node)
			w.hDirty[hk] = true
		}
		if !containsStr(r.Keys, k) {
			r.Keys = append(r.Keys, strings.Clone(k))
		}
	}
	switch le.Kind {
	case KindPerson, KindOrg, KindPlace:
		if wordCount(le.Name) > wordCount(r.Name) {
			r.Name = strings.Clone(le.Name)
		}
	}
	if r.Name == "" {
		r.Name = strings.Clone(le.Name)
	}
	for _, als := range [2][]string{{le.Name, r.Name}, le.Aliases} {
		for _, al := range als {
			if al == "" || containsStr(r.Aliases, al) || len(r.Aliases) >= maxAliases {
				continue
			}
			r.Aliases = append(r.Aliases, strings.Clone(al))
			words := nameWords(al)
			for _, word := range words {
				w.idx.addWords = append(w.idx.addWords, wordRef{word, posting{node, r.Kind}})
			}
			w.idx.addPhr = append(w.idx.addPhr, phraseRef{strings.Join(words, " "), node})
		}
	}
	// Value and unit are set together, once: the entity's number index
	// keys are made from them (setEntity), so they must not change while
	// the entity exists (a node without a value has none).
	if r.Value == nil && le.Value != nil {
		v := *le.Value
		r.Value, r.Unit = &v, strings.Clone(le.Unit)
	}
	if r.ISO == "" {
		r.ISO = strings.Clone(le.ISO)
	}
	return node, merge, nil
}

// settle ends the article being added, as a transaction of its own would
// end: relations it created or emptied are counted (on their ends too),
// and entities it left without mentions and relations are deleted, so
// that the next article of the transaction resolves against the graph as
// it would be after this one's commit.
func (w *writer) settle() error {
	for _, ri := range w.docRels {
		st := w.rels[ri]
		st.touched = false
		live := st.agg.Articles > 0
		if live == st.live {
			continue
		}
		st.live = live
		delta := 1
		if !live {
			delta = -1
		}
		w.counters[ctrRelations] += delta
		w.counters[ctrTypeBase+byte(ri.Type)] += delta
		if err := w.bumpRelCount(ri, delta); err != nil {
			return err
		}
	}
	w.docRels = w.docRels[:0]
	for id := range w.removed {
		r, err := w.entity(id)
		if err != nil {
			return err
		}
		if r == nil || r.MentionCount > 0 || r.RelCount > 0 {
			continue
		}
		if err := w.deleteEntity(id, r); err != nil {
			return err
		}
	}
	clear(w.removed)
	return nil
}

// flush writes the transaction's aggregates, each once: relation
// aggregates (or their deletion), entity records, resolution keys and the
// counters.
func (w *writer) flush() error {
	if w.deferred {
		return w.flushDeferred()
	}
	for _, ri := range w.relOrder {
		st := w.rels[ri]
		if st.agg.Articles > 0 {
			if err := w.set(relKey(ri), encodeRelIn(w.ar, st.agg)); err != nil {
				return err
			}
			if err := w.set(relRevKey(ri), encodeRevCountsIn(w.ar, st.agg)); err != nil {
				return err
			}
			continue
		}
		if st.stored {
			for _, k := range [][]byte{relKey(ri), relRevKey(ri)} {
				if err := w.del(k); err != nil {
					return err
				}
			}
		}
	}
	for id := range w.entDirty {
		r := w.ents[id]
		if r == nil {
			continue
		}
		// The counts change with every article that mentions the
		// entity; the rest of the record seldom does once the entity
		// has been seen a few times, and is written only when it did.
		if err := w.set(entCountKey(id), encodeEntCountsIn(w.ar, r)); err != nil {
			return err
		}
		v := encodeEntityIn(w.ar, r)
		if h := staticHash(v); h != r.stored {
			if err := w.setEntity(id, r, v); err != nil {
				return err
			}
			w.stamped = append(w.stamped, stamp{r, r.stored})
			r.stored = h
		}
	}
	for hk := range w.hDirty {
		var err error
		if ids := w.holders[hk]; len(ids) == 0 {
			err = w.del([]byte(hk))
		} else {
			err = w.set([]byte(hk), encodeIDs(ids))
		}
		if err != nil {
			return err
		}
	}
	changed := false
	for _, delta := range w.counters {
		changed = changed || delta != 0
	}
	if !changed {
		return nil
	}
	cs := w.cache.counters
	if cs == nil {
		var err error
		if cs, err = getCounters(w.txn); err != nil {
			return err
		}
	}
	next := make(map[byte]int, len(cs)+len(w.counters))
	for c, v := range cs {
		next[c] = v
	}
	for c, delta := range w.counters {
		next[c] = max(next[c]+delta, 0)
	}
	if err := w.set(countersKey(), encodeCounters(next)); err != nil {
		return err
	}
	w.newCounters = next
	return nil
}

// flushDeferred ends a deferred transaction: its aggregates stay pending,
// but the records of the entities it made are written (a rollback reads
// them to find their number index keys), and so is the load marker when
// it changes.
func (w *writer) flushDeferred() error {
	from := w.pend.entFrom
	if from == 0 {
		from = w.entFrom
	}
	for id := range w.entDirty {
		r := w.ents[id]
		if r == nil || from == 0 || id < from || r.stored != 0 {
			continue
		}
		v := encodeEntityIn(w.ar, r)
		if err := w.setEntity(id, r, v); err != nil {
			return err
		}
		r.stored = staticHash(v)
	}
	a, e := w.pend.artFrom, w.pend.entFrom
	if a == 0 {
		a = w.artFrom
	}
	if e == 0 {
		e = w.entFrom
	}
	if a != w.pend.artFrom || e != w.pend.entFrom {
		return w.set(loadMarkKey(), encodeLoadMark(a, e))
	}
	return nil
}

func (w *writer) bumpRelCount(ri relIdent, delta int) error {
	for _, id := range []EntityID{ri.Src, ri.Dst} {
		r, err := w.entity(id)
		if err != nil {
			return err
		}
		r.RelCount += delta
		w.entDirty[id] = true
		if delta < 0 {
			w.removed[id] = true
		}
	}
	return nil
}

// setEntity writes the record v of entity id, with its number index keys:
// they are made from the value and unit, which are set once, so writing
// them with every new version of the record writes them when the value
// is first stored.
func (w *writer) setEntity(id EntityID, r *entRec, v []byte) error {
	if err := w.set(entityKey(id), v); err != nil {
		return err
	}
	for _, k := range numIndexKeys(id, r) {
		if err := w.set(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// deleteEntity removes an entity left without mentions and relations, with
// its index entries.
func (w *writer) deleteEntity(id EntityID, r *entRec) error {
	dels := append([][]byte{entityKey(id), entCountKey(id), kindKey(r.Kind, id)}, numIndexKeys(id, r)...)
	for _, al := range r.Aliases {
		words := nameWords(al)
		for _, word := range words {
			w.idx.delWords = append(w.idx.delWords, wordRef{word, posting{id, r.Kind}})
		}
		w.idx.delPhr = append(w.idx.delPhr, phraseRef{strings.Join(words, " "), id})
	}
	for _, k := range dels {
		if err := w.del(k); err != nil {
			return err
		}
	}
	for _, k := range r.Keys {
		hk := string(resKey(r.Kind, k))
		ids, err := w.holdersOf(hk)
		if err != nil {
			return err
		}
		out := ids[:0:0]
		for _, x := range ids {
			if x != id {
				out = append(out, x)
			}
		}
		w.holders[hk], w.hDirty[hk] = out, true
	}
	w.ents[id] = nil
	delete(w.entDirty, id)
	w.counters[ctrEntities]--
	w.counters[ctrKindBase+byte(r.Kind)]--
	return nil
}

func containsID(ids []EntityID, id EntityID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// hasMerge reports whether ms holds a merge of m's name by m's key.
func hasMerge(ms []Merge, m Merge) bool {
	for _, x := range ms {
		if x.Name == m.Name && x.Key == m.Key {
			return true
		}
	}
	return false
}

// wordCount is len(strings.Fields(s)), without making the slice.
func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
