package graph

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// Deferred aggregates (Options.BulkLoad).
//
// An article's own keys (text, hash, mentions, index entries) are written
// once and never change; the graph's aggregates (entity records and
// counts, resolution keys, relation aggregates, counters) are
// read-modified-written by every transaction that touches them, and
// rewriting them was most of what a bulk load wrote: a hot relation's
// aggregate was written again every 30 articles. A BulkLoad store keeps
// them in memory (pending) across transactions and writes them at a
// checkpoint: when they take about pendingLimit bytes, before an article
// replaces another, before a read, and at Close.
//
// Each article is still written in one transaction, with its own keys.
// The first transaction after a checkpoint also writes the load marker
// 'l': the first article ID (and, once known, the first entity ID) of
// the articles whose aggregates are pending. IDs only grow, so these are
// every article and entity written since. A checkpoint is atomic through
// a redo file:
//
//  1. every pending aggregate, and the marker's deletion, is written to
//     checkpointTmp in the database directory, synced, and renamed to
//     checkpointRedo;
//  2. the same writes go to Badger in a WriteBatch;
//  3. checkpointRedo is removed.
//
// Open (for writing) finishes what a killed process left: a redo file is
// applied again (its writes set final values, so applying twice is
// harmless); a marker without a redo file means articles were stored
// whose aggregates never were, and they are taken out again (rollback),
// with the entities first made for them, so that the graph is as it was
// at the last checkpoint and running the same load again stores them.

const (
	checkpointTmp  = "newsgraph-checkpoint.tmp"
	checkpointRedo = "newsgraph-checkpoint.redo"
	redoMagic      = "newsgraph-redo-1\n"
)

// pendingLimit is the estimated size of the pending aggregates at which a
// checkpoint writes them. A checkpoint rewrites every aggregate that
// changed since the last one, so fewer checkpoints rewrite the often-seen
// entities and relations less often. 200,000 generated articles (newsgraph
// load, runs interleaved): at 128 MiB, 13 checkpoints of about 15,300
// articles, 80,000 relations each, 2,019 to 2,089 articles/s in three
// runs, peak RSS 830 to 846 MiB; at 64 MiB, 31 checkpoints of about 6,500
// articles, 43,000 relations each, 1,963 and 1,965/s, 861 and 866 MiB.
const pendingLimit = 128 << 20

// DefaultCheckpointArticles is Options.CheckpointArticles when 0.
const DefaultCheckpointArticles = 20000

// Estimated memory of one pending record (the write cache's bounds use
// the same orders of magnitude).
const (
	pendingEntBytes    = 600
	pendingRelBytes    = 800
	pendingHolderBytes = 120
	pendingPostBytes   = 64 // and 8 per start
)

// errCheckpointFirst stops a deferred transaction at an article that
// replaces another: replacing takes back aggregates, which is done in a
// transaction of its own after the pending ones are written.
var errCheckpointFirst = errors.New("graph: checkpoint before replacing an article")

// pending holds the aggregates that committed transactions changed and
// that are not in Badger yet: the newest version of each.
type pending struct {
	ents     map[EntityID]*entRec
	holders  map[string][]EntityID
	rels     map[relIdent]*relState    // stored: in Badger before the first pending change
	counters map[byte]int              // deltas
	hashes   map[string]ArticleID      // articles written since the checkpoint, by text hash
	exts     map[string]ArticleID      // and by external ID
	posts    map[EntityID][]entPosting // the entities' postings, by article
	articles int                       // articles written since the checkpoint
	size     int64                     // estimated bytes
	limit    int64                     // checkpoint at this size
	maxArts  int                       // or after this many articles

	// the load marker as committed; 0: not yet known
	artFrom ArticleID
	entFrom EntityID
}

func newPending(limit int64, maxArts int) *pending {
	return &pending{
		ents:     map[EntityID]*entRec{},
		holders:  map[string][]EntityID{},
		rels:     map[relIdent]*relState{},
		counters: map[byte]int{},
		hashes:   map[string]ArticleID{},
		exts:     map[string]ArticleID{},
		posts:    map[EntityID][]entPosting{},
		limit:    limit,
		maxArts:  maxArts,
	}
}

// full reports whether a checkpoint is due.
func (p *pending) full() bool { return p.size >= p.limit || p.articles >= p.maxArts }

func (p *pending) empty() bool { return p.articles == 0 && len(p.ents) == 0 && len(p.rels) == 0 }

// pendingEnt returns a copy of a pending record that a transaction that
// is not deferred (Badger may discard it) may change without changing r.
// A deferred transaction changes r itself (writer.entity, entUndo). The
// copy appends to clipped slices, which copies them first; a replace
// deletes merges in place, so they are cloned, as the write cache does.
func pendingEnt(r *entRec) *entRec {
	cp := *r
	cp.Aliases, cp.Keys, cp.Merges = slices.Clip(cp.Aliases), slices.Clip(cp.Keys), slices.Clone(cp.Merges)
	if r.Value != nil {
		v := *r.Value
		cp.Value = &v
	}
	return &cp
}

// pendingRel is pendingEnt for a relation aggregate: its outlet counts
// change in place and a replace filters its evidence in place, so both
// are cloned, as the write cache does (a deferred transaction adds to
// the aggregate itself, relUndo).
func pendingRel(a *relAgg) *relAgg {
	cp := *a
	cp.Outlets = slices.Clone(a.Outlets)
	cp.Evidence = slices.Clone(a.Evidence)
	return &cp
}

// absorb takes the changes of a committed deferred transaction. What the
// writer only read goes to the write cache, as a commit would put it.
func (p *pending) absorb(w *writer) {
	for id, r := range w.ents {
		_, held := p.ents[id]
		switch {
		case r != nil && (w.entDirty[id] || held):
			if !held {
				p.size += pendingEntBytes
			}
			p.ents[id] = r
		case r != nil:
			w.cache.ents.put(id, r)
		}
	}
	// Holders the writer changed become pending. Of those it only read,
	// the ones from the pending state are there as they were, and the
	// ones from the cache were moved to its newest generation by the
	// lookup: only those read from Badger (or ruled out by its filter)
	// go to the cache.
	for hk := range w.hDirty {
		if _, held := p.holders[hk]; !held {
			p.size += pendingHolderBytes
		}
		p.holders[hk] = w.holders[hk]
	}
	for _, hk := range w.hRead {
		if w.hDirty[hk] {
			continue
		}
		ids := w.holders[hk]
		if len(ids) == 0 {
			ids = nil
		}
		w.cache.holders.put(hk, ids)
	}
	for ri, st := range w.rels {
		// A relation the writer did not take from the pending state (a
		// copy, or the aggregate itself in a deferred transaction) is
		// not in it: loadRelation looks there first.
		if st.from != nil {
			st.from.agg = st.agg
			continue
		}
		p.size += pendingRelBytes
		p.rels[ri] = &relState{agg: st.agg, stored: st.stored, delta: st.delta}
	}
	for c, d := range w.counters {
		p.counters[c] += d
	}
	for _, ep := range w.posts {
		p.posts[ep.Entity] = append(p.posts[ep.Entity], ep.entPosting)
		p.size += pendingPostBytes + 8*int64(len(ep.Starts))
	}
	p.articles += w.added
	for h, id := range w.hashes {
		p.hashes[h] = id
	}
	for x, id := range w.exts {
		p.exts[x] = id
	}
	if w.artFrom != 0 && p.artFrom == 0 {
		p.artFrom = w.artFrom
	}
	if w.entFrom != 0 && p.entFrom == 0 {
		p.entFrom = w.entFrom
	}
}

// encodeLoadMark encodes the marker's value: version 1, then the first
// article and entity IDs as uvarints.
func encodeLoadMark(a ArticleID, e EntityID) []byte {
	b := []byte{1}
	b = binary.AppendUvarint(b, uint64(a))
	return binary.AppendUvarint(b, uint64(e))
}

func decodeLoadMark(b []byte) (ArticleID, EntityID, error) {
	if len(b) == 0 || b[0] != 1 {
		return 0, 0, fmt.Errorf("%w: load marker", errBadValue)
	}
	a, n := binary.Uvarint(b[1:])
	if n <= 0 {
		return 0, 0, fmt.Errorf("%w: load marker", errBadValue)
	}
	e, m := binary.Uvarint(b[1+n:])
	if m <= 0 || 1+n+m != len(b) {
		return 0, 0, fmt.Errorf("%w: load marker", errBadValue)
	}
	return ArticleID(a), EntityID(e), nil
}

// redoOp is one write of a checkpoint: a set, or a delete when del.
type redoOp struct {
	k, v []byte
	del  bool
}

// Checkpoint writes the aggregates that a BulkLoad store keeps in memory
// (see pending.go); reads and Close do it first. A store that is not a
// BulkLoad store has none.
func (s *Store) Checkpoint(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.checkpoint(ctx)
}

// checkpoint writes the pending aggregates; s.wmu is held.
func (s *Store) checkpoint(ctx context.Context) error {
	p := s.pend
	if p == nil || p.empty() {
		return nil
	}
	if s.db == nil {
		return errors.New("store is closed")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Every article of the pending aggregates is stored first.
	if err := s.drain(); err != nil {
		return fmt.Errorf("graph: checkpoint: %w", err)
	}
	if s.cache.counters == nil {
		err := s.db.View(func(txn *badger.Txn) error {
			var err error
			s.cache.counters, err = getCounters(txn)
			return err
		})
		if err != nil {
			return fmt.Errorf("graph: checkpoint: %w", err)
		}
	}
	if err := s.mergeDeltas(p); err != nil {
		return fmt.Errorf("graph: checkpoint: %w", err)
	}
	// A writer over the pending state, whose writes are collected instead
	// of going to a transaction.
	// Room for what it writes, about: an entity's record, counts and
	// number index keys, a relation's key both ways, a run per entity;
	// grown by appends, the slice was copied over and over (1.9% of a
	// 200,000-article load's CPU).
	n := 3*len(p.ents) + len(p.holders) + 2*len(p.rels) + len(p.posts) + len(p.counters) + 1
	w := &writer{ctx: ctx, cache: s.cache, ar: &s.arena, ops: make([]redoOp, 0, n)}
	w.init()
	w.ents, w.holders, w.counters = p.ents, p.holders, p.counters
	for id := range p.ents {
		w.entDirty[id] = true
	}
	for hk := range p.holders {
		w.hDirty[hk] = true
	}
	w.rels = p.rels
	for ri := range p.rels {
		w.relOrder = append(w.relOrder, ri)
	}
	err := w.flush()
	if err == nil {
		err = w.writeRuns(p.posts)
	}
	if err == nil {
		w.ops = append(w.ops, redoOp{k: loadMarkKey(), del: true})
		err = s.applyCheckpoint(w.ops)
	}
	s.arena.reset()
	if err != nil {
		// What is pending stays pending: the marker is still stored, so
		// a later Open takes the articles back if no checkpoint succeeds.
		// flush noted in each record the hash of the version it wrote:
		// put back, so that the next checkpoint writes those again.
		for _, st := range w.stamped {
			st.r.stored = st.prev
		}
		return fmt.Errorf("graph: checkpoint: %w", err)
	}
	s.cache.commit(w)
	s.pend = newPending(p.limit, p.maxArts)
	s.pendDirty.Store(false)
	s.endSnapshot()
	return nil
}

// mergeDeltas merges the stored aggregate of each relation whose pending
// aggregate is a delta into it, reading them in key order. A delta
// counted its relation as new (settle): one that was stored is not, and
// the counters and its ends' relation counts are taken back.
func (s *Store) mergeDeltas(p *pending) error {
	type delta struct {
		key []byte
		ri  relIdent
	}
	var ds []delta
	for ri, st := range p.rels {
		if st.delta {
			ds = append(ds, delta{relKey(ri), ri})
		}
	}
	if len(ds) == 0 {
		return nil
	}
	slices.SortFunc(ds, func(a, b delta) int { return bytes.Compare(a.key, b.key) })
	return s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues, opts.Prefix = false, []byte{pfxRel}
		it := txn.NewIterator(opts)
		defer it.Close()
		seeked := false
		for _, d := range ds {
			st := p.rels[d.ri]
			// The keys are sorted: step over a few stored keys before
			// seeking again, which seeks in every table.
			for steps := 0; seeked && it.Valid() && steps < mergeSteps && bytes.Compare(it.Item().Key(), d.key) < 0; steps++ {
				it.Next()
			}
			if !seeked || it.Valid() && bytes.Compare(it.Item().Key(), d.key) < 0 {
				it.Seek(d.key)
				seeked = true
			}
			if !it.Valid() || !bytes.Equal(it.Item().Key(), d.key) {
				st.delta = false
				continue
			}
			b, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			base, _, err := decodeRel(b, true)
			if err != nil {
				return fmt.Errorf("relation %q: %w", d.key, err)
			}
			for _, id := range []EntityID{d.ri.Src, d.ri.Dst} {
				r := p.ents[id]
				if r == nil {
					return fmt.Errorf("relation %q: entity %d is not pending", d.key, id)
				}
				r.RelCount--
			}
			p.counters[ctrRelations]--
			p.counters[ctrTypeBase+byte(d.ri.Type)]--
			mergeRel(base, st.agg)
			st.agg, st.stored, st.delta = base, true, false
			s.merged++
		}
		return nil
	})
}

// mergeSteps is how many stored relation keys mergeDeltas steps over
// before it seeks.
const mergeSteps = 16

// mergeRel adds what delta holds to the aggregate a, as adding its
// articles one by one would have: outlets and evidence in their order.
func mergeRel(a, delta *relAgg) {
	a.Sentences += delta.Sentences
	a.Articles += delta.Articles
	for _, o := range delta.Outlets {
		a.addOutlet(o.Outlet, o.Articles)
	}
	a.addEvidence(delta.Evidence)
}

// Deferred transactions are built by the writer against a snapshot taken
// after the last checkpoint (the aggregates change only at checkpoints;
// what they changed since is pending) and committed by the committer
// goroutine while the writer builds the next one: a Badger update
// transaction would first wait for the previous commit. Each is still one
// Badger transaction holding whole articles.

// committer commits deferred transactions in order.
type committer struct {
	jobs chan commitJob
	wg   sync.WaitGroup // jobs sent and not yet committed
	mu   sync.Mutex
	err  error // the first failed commit; later jobs are dropped
	fail error // tests: the next commit fails with this
}

type commitJob struct {
	ops  []redoOp
	ar   *arena // holds the values; reset and given back when done
	free chan *arena
}

// commitArenas is how many deferred transactions can be built or
// committed at once, each with its own value arena.
const commitArenas = 2

func newCommitter(db *badger.DB) *committer {
	c := &committer{jobs: make(chan commitJob, commitArenas)}
	go func() {
		for j := range c.jobs {
			c.mu.Lock()
			failed, injected := c.err != nil, c.fail
			c.mu.Unlock()
			if !failed {
				err := db.Update(func(txn *badger.Txn) error {
					if injected != nil {
						return injected
					}
					return writeOps(txn, j.ops)
				})
				if err != nil {
					c.mu.Lock()
					c.err = fmt.Errorf("graph: commit: %w", err)
					c.mu.Unlock()
				}
			}
			j.ar.reset()
			j.free <- j.ar
			c.wg.Done()
		}
	}()
	return c
}

// Err returns the first failed commit.
func (c *committer) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// deferredStart returns the snapshot for a deferred transaction, starting
// the committer and the snapshot when needed; s.wmu is held. After a
// failed commit it returns that error: the aggregates pending include
// articles that were not stored, so nothing more is written, and the next
// Open takes back the articles since the last checkpoint.
func (s *Store) deferredStart() (*badger.Txn, error) {
	if s.commit == nil {
		s.commit = newCommitter(s.db)
		s.arenas = make(chan *arena, commitArenas)
		for range commitArenas {
			s.arenas <- &arena{}
		}
	}
	if err := s.commit.Err(); err != nil {
		return nil, err
	}
	if s.snap == nil {
		s.snap = s.db.NewTransaction(false)
	}
	return s.snap, nil
}

// send queues a deferred transaction's writes.
func (c *committer) send(ops []redoOp, ar *arena, free chan *arena) {
	c.wg.Add(1)
	c.jobs <- commitJob{ops: ops, ar: ar, free: free}
}

// drain waits until every deferred transaction is committed; s.wmu is
// held.
func (s *Store) drain() error {
	if s.commit == nil {
		return nil
	}
	s.commit.wg.Wait()
	return s.commit.Err()
}

// endSnapshot discards the deferred transactions' snapshot; s.wmu is held.
func (s *Store) endSnapshot() {
	if s.snap != nil {
		s.snap.Discard()
		s.snap = nil
	}
}

// stopCommitter ends the committer goroutine; s.wmu is held.
func (s *Store) stopCommitter() error {
	if s.commit == nil {
		return nil
	}
	err := s.drain()
	close(s.commit.jobs)
	s.commit = nil
	s.endSnapshot()
	return err
}

// applyCheckpoint makes ops durable in the redo file, writes them to
// Badger and removes the file.
func (s *Store) applyCheckpoint(ops []redoOp) error {
	if s.dir == "" { // in memory: nothing survives a crash anyway
		return applyOps(s.db, ops)
	}
	if err := writeRedo(s.dir, ops); err != nil {
		return err
	}
	if s.crashAfterRedo {
		return errors.New("test crash after the redo file")
	}
	if err := applyOps(s.db, ops); err != nil {
		return err
	}
	return removeSynced(filepath.Join(s.dir, checkpointRedo))
}

func applyOps(db *badger.DB, ops []redoOp) error {
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	if err := writeOps(wb, ops); err != nil {
		return err
	}
	return wb.Flush()
}

// writeOps makes ops' sets and deletes in a transaction or a WriteBatch.
func writeOps(w interface {
	Set(k, v []byte) error
	Delete(k []byte) error
}, ops []redoOp) error {
	for _, op := range ops {
		var err error
		if op.del {
			err = w.Delete(op.k)
		} else {
			err = w.Set(op.k, op.v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeRedo writes ops to checkpointTmp, syncs it and renames it to
// checkpointRedo. Record: flag (0 set, 1 delete), key length, key, value
// length, value, lengths as uvarints; then 0xff and the CRC-32 (Castagnoli)
// of everything before it.
func writeRedo(dir string, ops []redoOp) error {
	err := writeFileSynced(dir, checkpointTmp, checkpointRedo, func(w io.Writer) error {
		crc := crc32.New(castagnoli)
		bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
		bw.WriteString(redoMagic)
		var hdr []byte
		for _, op := range ops {
			flag := byte(0)
			if op.del {
				flag = 1
			}
			hdr = append(hdr[:0], flag)
			hdr = binary.AppendUvarint(hdr, uint64(len(op.k)))
			bw.Write(hdr)
			bw.Write(op.k)
			hdr = binary.AppendUvarint(hdr[:0], uint64(len(op.v)))
			bw.Write(hdr)
			bw.Write(op.v)
		}
		bw.WriteByte(0xff)
		if err := bw.Flush(); err != nil {
			return err
		}
		_, err := w.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
		return err
	})
	if err != nil {
		return fmt.Errorf("redo file: %w", err)
	}
	return nil
}

// castagnoli is the CRC-32 table of the redo and filters files.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeFileSynced writes a file in dir through write: to tmp, which is
// synced and renamed to name, and the directory synced. On failure tmp
// is removed and name is as it was.
func writeFileSynced(dir, tmp, name string, write func(io.Writer) error) error {
	tmp = filepath.Join(dir, tmp)
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// readRedo reads a redo file written by writeRedo.
func readRedo(path string) ([]redoOp, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := fmt.Errorf("%s: %w: not a complete redo file", path, errBadValue)
	if len(b) < len(redoMagic)+5 || string(b[:len(redoMagic)]) != redoMagic {
		return nil, bad
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum || body[len(body)-1] != 0xff {
		return nil, bad
	}
	r := body[len(redoMagic) : len(body)-1]
	var ops []redoOp
	field := func() ([]byte, bool) {
		n, k := binary.Uvarint(r)
		if k <= 0 || uint64(len(r)-k) < n {
			return nil, false
		}
		f := r[k : k+int(n)]
		r = r[k+int(n):]
		return f, true
	}
	for len(r) > 0 {
		flag := r[0]
		r = r[1:]
		k, ok1 := field()
		v, ok2 := field()
		if !ok1 || !ok2 || flag > 1 {
			return nil, bad
		}
		ops = append(ops, redoOp{k: k, v: v, del: flag == 1})
	}
	return ops, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func removeSynced(path string) error {
	if err := os.Remove(path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// ErrUnfinishedLoad is returned by a read-only Open of a database that a
// killed load left with articles whose aggregates were never written.
var ErrUnfinishedLoad = errors.New("an interrupted load left unfinished work; open the database for writing once (run the load again) to finish it")

// recoverLoad finishes or takes back what a killed BulkLoad process left
// in dir (see pending.go). It returns the number of articles taken back.
func recoverLoad(db *badger.DB, dir string, readOnly bool) (int, error) {
	redo := filepath.Join(dir, checkpointRedo)
	_, statErr := os.Stat(redo)
	hasRedo := statErr == nil
	var mark []byte
	err := db.View(func(txn *badger.Txn) error {
		var err error
		mark, err = getValue(txn, loadMarkKey())
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	if !hasRedo && mark == nil {
		return 0, nil
	}
	if readOnly {
		return 0, ErrUnfinishedLoad
	}
	os.Remove(filepath.Join(dir, checkpointTmp))
	if hasRedo {
		ops, err := readRedo(redo)
		if err != nil {
			return 0, err
		}
		if err := applyOps(db, ops); err != nil {
			return 0, fmt.Errorf("apply %s: %w", redo, err)
		}
		return 0, removeSynced(redo)
	}
	a, e, err := decodeLoadMark(mark)
	if err != nil {
		return 0, err
	}
	n, err := rollback(db, a, e)
	if err != nil {
		return n, fmt.Errorf("take back the articles of an interrupted load: %w", err)
	}
	return n, nil
}

// rollback deletes the articles from ID artFrom on and the entities from
// ID entFrom on (0: none), with their keys, then the load marker. Each
// article goes in one transaction, its 'a' key with the rest, so that a
// rollback interrupted in turn can be run again.
func rollback(db *badger.DB, artFrom ArticleID, entFrom EntityID) (int, error) {
	var arts []ArticleID
	err := db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues, opts.Prefix = false, []byte{pfxArticle}
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(articleKey(artFrom)); it.Valid(); it.Next() {
			p, err := parseKey(it.Item().Key())
			if err != nil {
				return err
			}
			arts = append(arts, p.Article)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range arts {
		err := db.Update(func(txn *badger.Txn) error { return rollbackArticle(txn, id) })
		if err != nil {
			return 0, fmt.Errorf("article %d: %w", id, err)
		}
	}
	if entFrom != 0 {
		var keys [][]byte
		err := db.View(func(txn *badger.Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = []byte{pfxEntity}
			it := txn.NewIterator(opts)
			defer it.Close()
			for it.Seek(entityKey(entFrom)); it.Valid(); it.Next() {
				p, err := parseKey(it.Item().Key())
				if err != nil {
					return err
				}
				var r *entRec
				err = it.Item().Value(func(v []byte) error {
					var err error
					r, _, err = decodeEntity(v)
					return err
				})
				if err != nil {
					return fmt.Errorf("entity %d: %w", p.Entity, err)
				}
				keys = append(keys, entityKey(p.Entity), entCountKey(p.Entity), kindKey(r.Kind, p.Entity))
				keys = append(keys, numIndexKeys(p.Entity, r)...)
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		if err := deleteKeys(db, keys); err != nil {
			return 0, err
		}
	}
	return len(arts), db.Update(func(txn *badger.Txn) error { return txn.Delete(loadMarkKey()) })
}

// rollbackArticle deletes article id and every key it wrote (rollback
// deletes the entities made for it, with their number index keys). Its
// postings ('m') were pending, to be written by the next checkpoint.
func rollbackArticle(txn *badger.Txn, id ArticleID) error {
	b, err := getValue(txn, articleKey(id))
	if err != nil {
		return err
	}
	a, err := decodeArticle(id, b, false)
	if err != nil {
		return err
	}
	dels := [][]byte{docMentionsKey(id), contribKey(id)}
	if sum, err := hexSum(a.Hash); err == nil {
		dels = append(dels, hashKey(sum))
	}
	if a.ExternalID != "" {
		if v, err := getValue(txn, externalKey(a.ExternalID)); err == nil {
			if x, err := decodeU64(v); err == nil && ArticleID(x) == id {
				dels = append(dels, externalKey(a.ExternalID))
			}
		}
	}
	dels = append(dels, articleKey(id))
	for _, k := range dels {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteKeys deletes keys in transactions of at most 1,000 keys.
func deleteKeys(db *badger.DB, keys [][]byte) error {
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		err := db.Update(func(txn *badger.Txn) error {
			for _, k := range keys[:n] {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
