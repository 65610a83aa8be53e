package graph

import (
	"context"
	"fmt"
	"sort"

	"github.com/dgraph-io/badger/v4"
)

// Traversal bounds.
const (
	maxNeighborDepth = 3
	defaultNeighbors = 50
	maxNeighbors     = 1000
	maxPathDepth     = 4
	defaultPaths     = 10
	maxPaths         = 100
	// maxPathVisit bounds the entities one Paths call reaches.
	maxPathVisit = 200000
)

// link is everything that joins one entity to another, over all relation
// types. Sentences and Articles are the maximum over the relations between
// the two (a sentence may support several relations, so a sum would count it
// twice; the maximum is a lower bound of the distinct supporting sentences).
type link struct {
	sentences, articles int
	types               []RelType
	typed, co           relIdent // strongest typed relation, the CO_MENTIONED one
	typedSents          int
	hasTyped, hasCo     bool
}

func (l *link) add(ri relIdent, sentences, articles int) {
	l.sentences = max(l.sentences, sentences)
	l.articles = max(l.articles, articles)
	found := false
	for _, t := range l.types {
		found = found || t == ri.Type
	}
	if !found {
		l.types = append(l.types, ri.Type)
	}
	if ri.Type == RelCoMentioned {
		l.co, l.hasCo = ri, true
		return
	}
	if !l.hasTyped || sentences > l.typedSents {
		l.typed, l.typedSents, l.hasTyped = ri, sentences, true
	}
}

// best is the relation a path hop shows: typed ones win over CO_MENTIONED.
func (l *link) best() relIdent {
	if l.hasTyped {
		return l.typed
	}
	return l.co
}

func stronger(as, aa, bs, ba int) bool {
	if as != bs {
		return as > bs
	}
	return aa > ba
}

// relsOf calls fn for every stored relation with id as source or target
// whose type is wanted (nil: all), forward keys by type, then the reverse
// keys. One iterator serves the six forward type ranges and the reverse
// range: making an iterator costs more than seeking one. fn reads the value
// with item.Value if it needs it; reverse tells which kind of key it is.
func relsOf(ctx context.Context, txn *badger.Txn, id EntityID, want func(RelType) bool,
	fn func(pk parsedKey, item *badger.Item, reverse bool) error) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	defer it.Close()
	types := RelTypes()
	for i := 0; i <= len(types); i++ {
		reverse := i == len(types)
		var prefix []byte
		if reverse {
			prefix = relRevPrefix(id)
		} else {
			if want != nil && !want(types[i]) {
				continue
			}
			prefix = relSrcPrefix(types[i], id)
		}
		for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			pk, err := parseKey(item.Key())
			if err != nil {
				return err
			}
			if reverse && want != nil && !want(pk.Rel.Type) {
				continue
			}
			if err := fn(pk, item, reverse); err != nil {
				return err
			}
		}
	}
	return nil
}

// links reads every relation with id as source or target, grouped by the
// other entity.
func links(ctx context.Context, txn *badger.Txn, id EntityID) (map[EntityID]*link, error) {
	out := map[EntityID]*link{}
	err := relsOf(ctx, txn, id, nil, func(pk parsedKey, item *badger.Item, reverse bool) error {
		var sents, arts int
		err := item.Value(func(v []byte) error {
			var err error
			if reverse {
				sents, arts, err = decodeRevCounts(v)
				return err
			}
			a, _, err := decodeRel(v, false)
			if err == nil {
				sents, arts = a.Sentences, a.Articles
			}
			return err
		})
		if err != nil {
			return err
		}
		other := pk.Rel.Dst
		if reverse {
			other = pk.Rel.Src
		}
		l := out[other]
		if l == nil {
			l = &link{}
			out[other] = l
		}
		l.add(pk.Rel, sents, arts)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sortedLinks orders the linked entities strongest first, then by ID.
func sortedLinks(ls map[EntityID]*link) []EntityID {
	ids := make([]EntityID, 0, len(ls))
	for id := range ls {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := ls[ids[i]], ls[ids[j]]
		if a.sentences != b.sentences || a.articles != b.articles {
			return stronger(a.sentences, a.articles, b.sentences, b.articles)
		}
		return ids[i] < ids[j]
	})
	return ids
}

// Neighbors walks the graph breadth-first from id up to depth (1..3) over
// every relation type, CO_MENTIONED included, and returns up to limit
// entities (default 50, at most 1000) of the given kinds (nil: all), nearer
// first, strongest link first within a depth. Neighbor.Sentences and
// Articles are the maximum over the relations between Via and Entity. Each
// depth expands only the limit strongest entities of the previous one.
func (s *Store) Neighbors(ctx context.Context, id EntityID, depth int, kinds []Kind, limit int) ([]Neighbor, error) {
	depth = min(max(depth, 1), maxNeighborDepth)
	if limit <= 0 {
		limit = defaultNeighbors
	}
	limit = min(limit, maxNeighbors)
	want := map[Kind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	out := []Neighbor{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(entityKey(id)); err != nil {
			return translate(err)
		}
		visited := map[EntityID]bool{id: true}
		frontier := []EntityID{id}
		for d := 1; d <= depth && len(frontier) > 0 && len(out) < limit; d++ {
			layer := map[EntityID]*Neighbor{}
			for _, from := range frontier {
				ls, err := s.cachedLinks(ctx, txn, from)
				if err != nil {
					return err
				}
				for other, l := range ls {
					if visited[other] {
						continue
					}
					nb := layer[other]
					if nb != nil && !stronger(l.sentences, l.articles, nb.Sentences, nb.Articles) {
						continue
					}
					types := append([]RelType(nil), l.types...)
					sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
					layer[other] = &Neighbor{Entity: other, Depth: d, Via: from, Sentences: l.sentences, Articles: l.articles, Types: types}
				}
			}
			list := make([]*Neighbor, 0, len(layer))
			for _, nb := range layer {
				list = append(list, nb)
				visited[nb.Entity] = true
			}
			sort.Slice(list, func(i, j int) bool {
				a, b := list[i], list[j]
				if a.Sentences != b.Sentences || a.Articles != b.Articles {
					return stronger(a.Sentences, a.Articles, b.Sentences, b.Articles)
				}
				return a.Entity < b.Entity
			})
			frontier = frontier[:0]
			for _, nb := range list {
				if len(frontier) < limit {
					frontier = append(frontier, nb.Entity)
				}
				if len(out) >= limit {
					continue
				}
				if len(want) > 0 {
					r, err := s.cachedEntity(txn, nb.Entity)
					if err != nil {
						return fmt.Errorf("entity %d: %w", nb.Entity, err)
					}
					if !want[r.Kind] {
						continue
					}
				}
				out = append(out, *nb)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: neighbors of %d: %w", id, err)
	}
	return out, nil
}

// Paths returns up to limit (default 10, at most 100) shortest chains of
// relations from one entity to another, at most maxDepth (1..4) hops long.
// Each Hop carries the relation between its ends with evidence; a typed
// relation is shown in preference to CO_MENTIONED. No path gives an empty
// result.
func (s *Store) Paths(ctx context.Context, from, to EntityID, maxDepth, limit int) ([][]Hop, error) {
	maxDepth = min(max(maxDepth, 1), maxPathDepth)
	if limit <= 0 {
		limit = defaultPaths
	}
	limit = min(limit, maxPaths)
	out := [][]Hop{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, id := range []EntityID{from, to} {
			if _, err := txn.Get(entityKey(id)); err != nil {
				return fmt.Errorf("entity %d: %w", id, translate(err))
			}
		}
		if from == to {
			return nil
		}
		dist := map[EntityID]int{from: 0}
		parents := map[EntityID][]EntityID{}
		frontier := []EntityID{from}
		found := false
	bfs:
		for d := 1; d <= maxDepth && !found && len(frontier) > 0; d++ {
			var next []EntityID
			for _, u := range frontier {
				ls, err := s.cachedLinks(ctx, txn, u)
				if err != nil {
					return err
				}
				for _, v := range sortedLinks(ls) {
					if dv, ok := dist[v]; ok {
						if dv == d {
							parents[v] = append(parents[v], u)
						}
						continue
					}
					dist[v] = d
					parents[v] = []EntityID{u}
					next = append(next, v)
					found = found || v == to
				}
				if len(dist) > maxPathVisit {
					break bfs
				}
			}
			frontier = next
		}
		if _, ok := dist[to]; !ok {
			return nil
		}
		// Walk the shortest-path DAG back from to.
		var chains [][]EntityID
		var walk func(node EntityID, suffix []EntityID)
		walk = func(node EntityID, suffix []EntityID) {
			if len(chains) >= limit {
				return
			}
			suffix = append([]EntityID{node}, suffix...)
			if node == from {
				chains = append(chains, suffix)
				return
			}
			for _, p := range parents[node] {
				walk(p, suffix)
			}
		}
		walk(to, nil)
		cache := map[EntityID]map[EntityID]*link{}
		for _, chain := range chains {
			hops := make([]Hop, 0, len(chain)-1)
			for i := 0; i+1 < len(chain); i++ {
				a, b := chain[i], chain[i+1]
				ls, ok := cache[a]
				if !ok {
					var err error
					if ls, err = s.cachedLinks(ctx, txn, a); err != nil {
						return err
					}
					cache[a] = ls
				}
				l := ls[b]
				if l == nil {
					return fmt.Errorf("no relation between %d and %d", a, b)
				}
				r, err := getRelation(txn, l.best())
				if err != nil {
					return err
				}
				hops = append(hops, Hop{From: a, To: b, Relation: r})
			}
			out = append(out, hops)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: paths from %d to %d: %w", from, to, err)
	}
	return out, nil
}
