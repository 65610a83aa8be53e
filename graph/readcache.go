package graph

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/dgraph-io/badger/v4"
)

// readCache keeps what queries decode most, entity records and the links
// of an entity (traverse.go), for one snapshot of the database: Badger's
// read timestamp, which every commit advances. A read transaction uses the
// cache only when its timestamp is the cache's; a transaction on a newer
// snapshot empties it. So a cached value is exactly what the transaction
// would read, and a server that is not loading reads each hot entity and
// neighbourhood once instead of once per query. Values in it are shared:
// they are never modified, and what leaves the Store is copied.
type readCache struct {
	mu     sync.Mutex
	ts     uint64
	ents   map[EntityID]*entRec
	links  map[EntityID]map[EntityID]*link
	nLinks int // links held, summed over entities
}

// Cache bounds (about 30 MB of entities and 60 MB of links): past them
// the cache starts again empty.
const (
	maxCachedEntities = 1 << 17
	maxCachedLinks    = 1 << 19
)

// readCaches holds each open Store's cache, dropped when the Store is
// garbage collected (the Store type is not this file's).
var readCaches sync.Map // weak.Pointer[Store] -> *readCache

func (s *Store) readCache() *readCache {
	k := weak.Make(s)
	if c, ok := readCaches.Load(k); ok {
		return c.(*readCache)
	}
	c, loaded := readCaches.LoadOrStore(k, &readCache{})
	if !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[Store]) { readCaches.Delete(k) }, k)
	}
	return c.(*readCache)
}

// at makes the cache hold snapshot ts if it is newer, and reports whether
// the cache serves ts. The caller holds c.mu.
func (c *readCache) at(ts uint64) bool {
	if ts > c.ts || c.ents == nil {
		c.ts = ts
		c.ents = map[EntityID]*entRec{}
		c.links = map[EntityID]map[EntityID]*link{}
		c.nLinks = 0
	}
	return ts == c.ts
}

func (c *readCache) entity(ts uint64, id EntityID) *entRec {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(ts) {
		return nil
	}
	return c.ents[id]
}

func (c *readCache) putEntity(ts uint64, id EntityID, r *entRec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(ts) {
		return
	}
	if len(c.ents) >= maxCachedEntities {
		c.ents = map[EntityID]*entRec{}
	}
	c.ents[id] = r
}

func (c *readCache) linksOf(ts uint64, id EntityID) map[EntityID]*link {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(ts) {
		return nil
	}
	return c.links[id]
}

func (c *readCache) putLinks(ts uint64, id EntityID, ls map[EntityID]*link) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(ts) || len(ls) > maxCachedLinks/4 {
		return
	}
	if c.nLinks+len(ls) > maxCachedLinks {
		c.links, c.nLinks = map[EntityID]map[EntityID]*link{}, 0
	}
	if _, ok := c.links[id]; !ok {
		c.links[id] = ls
		c.nLinks += len(ls)
	}
}

// cachedEntity reads an entity record through the cache. The record is
// shared: callers must not modify it.
func (s *Store) cachedEntity(txn *badger.Txn, id EntityID) (*entRec, error) {
	c := s.readCache()
	if r := c.entity(txn.ReadTs(), id); r != nil {
		return r, nil
	}
	r, err := readEntity(txn, id)
	if err != nil {
		return nil, err
	}
	c.putEntity(txn.ReadTs(), id, r)
	return r, nil
}

// entityCopy is r.entity(id) with its own aliases slice, for a shared r.
func entityCopy(r *entRec, id EntityID) Entity {
	e := r.entity(id)
	e.Aliases = slices.Clone(e.Aliases)
	return e
}

// cachedLinks is links through the cache. The map is shared: callers must
// not modify it or its links.
func (s *Store) cachedLinks(ctx context.Context, txn *badger.Txn, id EntityID) (map[EntityID]*link, error) {
	c := s.readCache()
	if ls := c.linksOf(txn.ReadTs(), id); ls != nil {
		return ls, nil
	}
	ls, err := links(ctx, txn, id)
	if err != nil {
		return nil, err
	}
	c.putLinks(txn.ReadTs(), id, ls)
	return ls, nil
}
