package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// readCache keeps what queries decode most, entity records, the links of
// an entity (traverse.go), articles and their mention lists, for one
// snapshot of the database: Badger's read timestamp, which every commit
// advances. A read transaction uses the cache only when its timestamp is
// the cache's; a transaction on a newer snapshot empties it. So a cached
// value is exactly what the transaction would read, and a server that is
// not loading decodes each hot entity, neighbourhood and article once
// instead of once per query. Values in it are shared: they are never
// modified, and what leaves the Store is copied.
type readCache struct {
	mu    sync.Mutex
	ts    uint64
	ents  snapMap[EntityID, *entRec]
	links snapMap[EntityID, map[EntityID]*link]
	arts  snapMap[ArticleID, Article]
	docs  snapMap[ArticleID, []docMention]
}

// Cache bounds, in entities, links, bytes of text and mentions (about
// 30, 60, 40 and 40 MB): past one, that map starts again empty.
const (
	maxCachedEntities = 1 << 17
	maxCachedLinks    = 1 << 19
	maxCachedText     = 32 << 20
	maxCachedMentions = 1 << 19
)

// snapMap is one bounded map of a readCache.
type snapMap[K comparable, V any] struct {
	m           map[K]V
	cost, limit int
}

func (m *snapMap[K, V]) reset(maxCost int) { m.m, m.cost, m.limit = map[K]V{}, 0, maxCost }

func (m *snapMap[K, V]) put(k K, v V, cost int) {
	if cost > m.limit/4 {
		return // one value that large would crowd out the others
	}
	if m.cost+cost > m.limit {
		m.reset(m.limit)
	}
	if _, ok := m.m[k]; !ok {
		m.m[k] = v
		m.cost += cost
	}
}

func (s *Store) readCache() *readCache { return &s.rc }

// at makes the cache hold snapshot ts if it is newer, and reports whether
// the cache serves ts. The caller holds c.mu.
func (c *readCache) at(ts uint64) bool {
	if ts > c.ts || c.ents.m == nil {
		c.ts = ts
		c.ents.reset(maxCachedEntities)
		c.links.reset(maxCachedLinks)
		c.arts.reset(maxCachedText)
		c.docs.reset(maxCachedMentions)
	}
	return ts == c.ts
}

// through returns m's value for k in txn's snapshot, reading it with read
// (and remembering it, at the given cost) when the cache lacks it.
func through[K comparable, V any](s *Store, txn *badger.Txn, m func(*readCache) *snapMap[K, V], k K,
	read func() (V, error), cost func(V) int) (V, error) {
	c, ts := s.readCache(), txn.ReadTs()
	c.mu.Lock()
	if c.at(ts) {
		if v, ok := m(c).m[k]; ok {
			c.mu.Unlock()
			return v, nil
		}
	}
	c.mu.Unlock()
	v, err := read()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.at(ts) {
		m(c).put(k, v, cost(v))
	}
	c.mu.Unlock()
	return v, nil
}

// cachedEntity reads an entity record through the cache. The record is
// shared: callers must not modify it.
func (s *Store) cachedEntity(txn *badger.Txn, id EntityID) (*entRec, error) {
	return through(s, txn, func(c *readCache) *snapMap[EntityID, *entRec] { return &c.ents }, id,
		func() (*entRec, error) { return getEntity(txn, id) },
		func(*entRec) int { return 1 })
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
	return through(s, txn, func(c *readCache) *snapMap[EntityID, map[EntityID]*link] { return &c.links }, id,
		func() (map[EntityID]*link, error) { return links(ctx, txn, id) },
		func(ls map[EntityID]*link) int { return len(ls) })
}

// cachedArticle is getArticle with the text, through the cache (strings
// are immutable: the copy the caller gets is its own).
func (s *Store) cachedArticle(txn *badger.Txn, id ArticleID) (Article, error) {
	return through(s, txn, func(c *readCache) *snapMap[ArticleID, Article] { return &c.arts }, id,
		func() (Article, error) { return getArticle(txn, id, true) },
		func(a Article) int { return len(a.Text) + len(a.Title) + 256 })
}

// cachedDocMentions is getDocMentions through the cache. The slice is
// shared: callers must not modify it.
func (s *Store) cachedDocMentions(txn *badger.Txn, id ArticleID) ([]docMention, error) {
	return through(s, txn, func(c *readCache) *snapMap[ArticleID, []docMention] { return &c.docs }, id,
		func() ([]docMention, error) { return getDocMentions(txn, id) },
		func(ms []docMention) int { return len(ms) + 1 })
}
