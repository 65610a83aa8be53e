package graph

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
	"github.com/dgraph-io/badger/v4"
)

// genCache is a map bounded to at most 2*perGen entries with approximate
// LRU eviction: entries go into the current generation; when it is full it
// becomes the old one (the previous old one is dropped) and a hit in the
// old generation moves the entry back into the current one. Lookups and
// inserts are one or two map operations, and memory never grows past two
// generations, however many keys pass through.
type genCache[K comparable, V any] struct {
	cur, old map[K]V
	perGen   int
}

func newGenCache[K comparable, V any](perGen int) *genCache[K, V] {
	return &genCache[K, V]{cur: make(map[K]V), perGen: perGen}
}

func (c *genCache[K, V]) get(k K) (V, bool) {
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		delete(c.old, k)
		c.put(k, v)
	}
	return v, ok
}

func (c *genCache[K, V]) put(k K, v V) {
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.perGen {
		c.old, c.cur = c.cur, make(map[K]V, len(c.cur))
	}
	c.cur[k] = v
	delete(c.old, k)
}

func (c *genCache[K, V]) del(k K) {
	delete(c.cur, k)
	delete(c.old, k)
}

func (c *genCache[K, V]) len() int { return len(c.cur) + len(c.old) }

// bloom is a fixed-size Bloom filter over byte strings. It never forgets a
// key (a deleted key stays "maybe"), and its memory does not grow: past
// about a tenth of its bits in keys, false positives become frequent, which
// only costs lookups. Its bits are read and set atomically: a key added
// before a write commits is seen by any later reader.
//
// Keys are hashed with xxHash, whose output does not change between
// processes, so that the bits can be saved and read back (filters.go).
type bloom struct {
	bits []atomic.Uint64
	mask uint64
}

// bloomHashes is the number of bits set per key.
const bloomHashes = 4

// newBloom makes a filter of 2^log2Bits bits.
func newBloom(log2Bits uint) *bloom {
	n := uint64(1) << log2Bits
	return &bloom{bits: make([]atomic.Uint64, n/64), mask: n - 1}
}

// log2 is the log2 of the filter's number of bits.
func (b *bloom) log2() uint { return uint(bits.TrailingZeros64(b.mask + 1)) }

func (b *bloom) add(k []byte) {
	h := xxhash.Sum64(k)
	h1, h2 := h, h>>32|h<<32|1
	for range bloomHashes {
		i := h1 & b.mask
		b.bits[i/64].Or(1 << (i % 64))
		h1 += h2
	}
}

// has reports whether k may have been added; false means it never was.
func (b *bloom) has(k []byte) bool {
	h := xxhash.Sum64(k)
	h1, h2 := h, h>>32|h<<32|1
	for range bloomHashes {
		i := h1 & b.mask
		if b.bits[i/64].Load()&(1<<(i%64)) == 0 {
			return false
		}
		h1 += h2
	}
	return true
}

// Write cache bounds. Memory does not depend on the size of the graph:
// at most 2*perGen records of each kind, plus two Bloom filters of
// 2^bloomBits bits (8 MiB each) and one of 2^artBloomBits (4 MiB: under
// 1% false positives up to a million articles with external IDs). A
// well-known entity's record holds up to 64 aliases and 20 merges (1 to 2
// KB in memory), a relation aggregate up to 20 evidence items (about 1
// KB): about 100 MiB at the most.
const (
	cacheEntities = 1 << 14 // entity records per generation
	cacheHolders  = 1 << 16 // resolution keys per generation
	cacheRels     = 1 << 14 // relation aggregates per generation
	bloomBits     = 26
	artBloomBits  = 25
)

// writeCache keeps recently committed entity records, resolution-key
// holders and relation aggregates, and the counters, in memory so that
// AddDoc rarely reads them back from Badger; and Bloom filters of every
// stored resolution key, relation key and article hash and external ID
// key, so that a new key, relation or article costs no failed lookup.
// Only the writer (under Store.wmu) touches it, and only after a commit
// succeeded, except for the article key filter (see artKeys); the Badger
// directory lock guarantees that no other process writes, so it cannot go
// stale.
type writeCache struct {
	ents     *genCache[EntityID, *entRec]
	holders  *genCache[string, []EntityID] // nil: no entity holds the key
	rels     *genCache[relIdent, *relAgg]
	counters map[byte]int // nil until the first commit
	resKeys  *bloom       // resolution keys that may be stored
	relKeys  *bloom       // relation keys that may be stored
	// article text hash and external ID keys that may be stored: the
	// writer adds an article's keys before its commit, and HasHash reads
	// it without Store.wmu (Store.artKeys)
	artKeys *artFilter
	saved   bool // the filters were read from the saved file (tests)
}

// artFilter is the Bloom filter of article keys, with a count of the keys
// it could not rule out and that were read from Badger (tests).
type artFilter struct {
	*bloom
	reads atomic.Int64
}

// read reads k from txn unless the filter says it was never stored; a nil
// filter (no write cache yet) always reads.
func (f *artFilter) read(txn *badger.Txn, k []byte) ([]byte, error) {
	if f == nil {
		return getValue(txn, k)
	}
	if !f.has(k) {
		return nil, ErrNotFound
	}
	f.reads.Add(1)
	return getValue(txn, k)
}

// newWriteCache makes the write cache. Its Bloom filters are saved, when
// the store read filters saved by the last Close that are still those of
// the database (filters.go), or else filled from the stored keys. scale
// divides the bounds (tests use it to make eviction frequent); 0 and 1
// keep them.
func newWriteCache(ctx context.Context, db *badger.DB, scale int, saved *filterSet) (*writeCache, error) {
	scale = max(scale, 1)
	c := &writeCache{
		ents:    newGenCache[EntityID, *entRec](max(cacheEntities/scale, 1)),
		holders: newGenCache[string, []EntityID](max(cacheHolders/scale, 1)),
		rels:    newGenCache[relIdent, *relAgg](max(cacheRels/scale, 1)),
	}
	if saved != nil {
		c.resKeys, c.relKeys, c.artKeys = saved.res, saved.rel, &artFilter{bloom: saved.art}
		c.saved = true
		return c, nil
	}
	f := newFilterSet()
	c.resKeys, c.relKeys, c.artKeys = f.res, f.rel, &artFilter{bloom: f.art}
	err := db.View(func(txn *badger.Txn) error {
		for _, p := range []struct {
			prefix byte
			f      *bloom
		}{{pfxResKey, c.resKeys}, {pfxRel, c.relKeys}, {pfxHash, c.artKeys.bloom}, {pfxExternal, c.artKeys.bloom}} {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues, opts.Prefix = false, []byte{p.prefix}
			it := txn.NewIterator(opts)
			for it.Rewind(); it.Valid(); it.Next() {
				if err := ctx.Err(); err != nil {
					it.Close()
					return err
				}
				p.f.add(it.Item().Key())
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load write cache: %w", err)
	}
	return c, nil
}

// filters returns the cache's Bloom filters.
func (c *writeCache) filters() filterSet {
	return filterSet{res: c.resKeys, rel: c.relKeys, art: c.artKeys.bloom}
}

// commit folds a committed writer's state into the cache. The writer's
// records become the cache's: the writer is not used after this.
func (c *writeCache) commit(w *writer) {
	for id, r := range w.ents {
		if r == nil {
			c.ents.del(id)
		} else {
			c.ents.put(id, r)
		}
	}
	for hk, ids := range w.holders {
		if len(ids) == 0 {
			ids = nil
		}
		c.holders.put(hk, ids)
		if ids != nil && w.hDirty[hk] {
			c.resKeys.add([]byte(hk))
		}
	}
	if w.newCounters != nil {
		c.counters = w.newCounters
	}
	for ri, st := range w.rels {
		if st.agg.Articles > 0 {
			c.rels.put(ri, st.agg)
			if !st.stored {
				c.relKeys.add(relKey(ri))
			}
		} else {
			c.rels.del(ri)
		}
	}
}

// entity returns a copy of the cached record of id that the writer may
// change.
func (c *writeCache) entity(id EntityID) (*entRec, bool) {
	r, ok := c.ents.get(id)
	if !ok {
		return nil, false
	}
	cp := *r
	cp.Aliases, cp.Keys = slices.Clip(cp.Aliases), slices.Clip(cp.Keys)
	cp.Merges = slices.Clone(cp.Merges) // DeleteFunc works in place
	if r.Value != nil {
		v := *r.Value
		cp.Value = &v
	}
	return &cp, true
}

// relation returns a copy of the cached aggregate of id that the writer may
// change, with ok false when it is not cached.
func (c *writeCache) relation(id relIdent) (*relAgg, bool) {
	a, ok := c.rels.get(id)
	if !ok {
		return nil, false
	}
	cp := *a
	cp.Outlets = slices.Clone(a.Outlets)   // changed in place
	cp.Evidence = slices.Clone(a.Evidence) // filtered in place
	return &cp, true
}
