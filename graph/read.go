package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Page sizes: a Page with First <= 0 gets defaultFirst items; First is
// capped at maxFirst.
const (
	defaultFirst = 20
	maxFirst     = 1000
	// maxMerges caps the Merges kept per entity (oldest articles first),
	// which keeps entity values small for entities in many articles.
	maxMerges = 20
)

func pageSize(p Page) int {
	switch {
	case p.First <= 0:
		return defaultFirst
	case p.First > maxFirst:
		return maxFirst
	}
	return p.First
}

// Cursors are base64url of the last item's key, or of 'o' + offset:8 for
// ranked lists.

func keyCursor(k []byte) string { return base64.RawURLEncoding.EncodeToString(k) }

// decodeCursor decodes a key cursor that must start with prefix.
func decodeCursor(c string, prefix []byte) ([]byte, error) {
	if c == "" {
		return nil, nil
	}
	k, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !bytes.HasPrefix(k, prefix) {
		return nil, fmt.Errorf("%w: cursor %q", ErrInvalid, c)
	}
	return k, nil
}

func offsetCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint64([]byte{'o'}, uint64(i)))
}

// decodeOffset returns the index after the cursor's item (0 for "").
func decodeOffset(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) != 9 || b[0] != 'o' || binary.BigEndian.Uint64(b[1:]) > math.MaxInt32 {
		return 0, fmt.Errorf("%w: cursor %q", ErrInvalid, c)
	}
	return int(binary.BigEndian.Uint64(b[1:])) + 1, nil
}

// pageOf makes one page of a list of n items held in memory, from index
// start: item(i) returns the i-th item and its cursor, or skip to leave it
// out (it no longer exists).
func pageOf[T any](n, start int, p Page, item func(i int) (v T, cursor string, skip bool, err error)) (List[T], error) {
	l := List[T]{Total: n}
	size := pageSize(p)
	i := start
	for ; i < n && len(l.Items) < size; i++ {
		v, c, skip, err := item(i)
		if err != nil {
			return List[T]{}, err
		}
		if skip {
			continue
		}
		l.Items = append(l.Items, v)
		l.Cursors = append(l.Cursors, c)
	}
	l.HasNext = i < n
	return l, nil
}

// scanOpts configure scan.
type scanOpts struct {
	prefix []byte
	start  []byte // seek here (default prefix)
	after  []byte // skip keys <= after
	first  int
	// values makes Badger prefetch values, with a goroutine per item: that
	// costs more than it saves on the short scans of a query, whose
	// callbacks read values in place with Item.Value.
	values   bool
	countAll bool // keep scanning to count every match
	// countBefore makes total include the matches up to after (they are
	// passed to fn with page false).
	countBefore bool
}

// errStop, returned by a scan callback, ends the scan without error.
var errStop = errors.New("stop scan")

// scan visits the keys of a prefix in order. fn returns whether the item
// matched; matches fill the page (fn's page flag is true while it has
// room). It returns the page's cursors, whether more matches follow and,
// with countAll, the number of matches.
func scan(ctx context.Context, txn *badger.Txn, o scanOpts, fn func(it *badger.Item, page bool) (bool, error)) (cursors []string, hasNext bool, total int, err error) {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues, opts.Prefix = o.values, o.prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	start := o.prefix
	if o.start != nil {
		start = o.start
	}
	if o.after != nil && !o.countBefore && bytes.Compare(o.after, start) >= 0 {
		start = o.after
	}
	for it.Seek(start); it.ValidForPrefix(o.prefix); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, false, 0, err
		}
		item := it.Item()
		before := o.after != nil && bytes.Compare(item.Key(), o.after) <= 0
		if before && !o.countBefore {
			continue
		}
		page := !before && len(cursors) < o.first
		ok, err := fn(item, page)
		if errors.Is(err, errStop) {
			break
		}
		if err != nil {
			return nil, false, 0, err
		}
		if !ok {
			continue
		}
		total++
		if before {
			continue
		}
		if page {
			cursors = append(cursors, keyCursor(item.KeyCopy(nil)))
			continue
		}
		hasNext = true
		if !o.countAll {
			break
		}
	}
	return cursors, hasNext, total, nil
}

func getArticle(txn *badger.Txn, id ArticleID, withText bool) (Article, error) {
	b, err := getValue(txn, articleKey(id))
	if err != nil {
		return Article{}, err
	}
	return decodeArticle(id, b, withText)
}

// getEntity reads the record of entity id with its counts.
func getEntity(txn *badger.Txn, id EntityID) (*entRec, error) {
	it, err := txn.Get(entityKey(id))
	if err != nil {
		return nil, translate(err)
	}
	return entityOfItem(txn, id, it, false)
}

// entityOfItem decodes the entity record id in it straight from Badger's
// value buffer (the decoder copies what it keeps) and reads its counts
// from 'N' when the record does not hold them. With hash (the writer) it
// also sets the record's stored hash.
func entityOfItem(txn *badger.Txn, id EntityID, it *badger.Item, hash bool) (*entRec, error) {
	var r *entRec
	var counts bool
	err := it.Value(func(v []byte) error {
		var err error
		r, counts, err = decodeEntity(v)
		if err == nil && counts && hash {
			r.stored = staticHash(v) // a version 1 record keeps 0: rewritten
		}
		return err
	})
	if err == nil && counts {
		err = readEntCounts(txn, id, r)
	}
	return r, err
}

// readEntCounts sets the counts of r, the entity id, from its 'N' value.
func readEntCounts(txn *badger.Txn, id EntityID, r *entRec) error {
	it, err := txn.Get(entCountKey(id))
	if err != nil {
		return fmt.Errorf("counts of entity %d: %w", id, translate(err))
	}
	return it.Value(func(v []byte) error { return decodeEntCounts(r, v) })
}

// HasHash reports whether an article with this text hash (hex SHA-256) is
// stored, and its ID.
func (s *Store) HasHash(ctx context.Context, hash string) (ArticleID, bool, error) {
	sum, err := hexSum(hash)
	if err != nil {
		return 0, false, fmt.Errorf("graph: has hash %q: %w", hash, err)
	}
	var id uint64
	err = s.viewHashes(ctx, func(txn *badger.Txn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.artKeys.Load().read(txn, hashKey(sum))
		if err != nil {
			return err
		}
		id, err = decodeU64(b)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("graph: has hash %q: %w", hash, err)
	}
	return ArticleID(id), true, nil
}

// Article returns one article with its text.
func (s *Store) Article(ctx context.Context, id ArticleID) (Article, error) {
	var a Article
	err := s.view(ctx, func(txn *badger.Txn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		a, err = s.cachedArticle(txn, id)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("graph: article %d: %w", id, err)
	}
	return a, nil
}

// ArticleByExternalID returns the article loaded with that external ID.
func (s *Store) ArticleByExternalID(ctx context.Context, ext string) (Article, error) {
	var a Article
	err := s.view(ctx, func(txn *badger.Txn) error {
		if ext == "" {
			return ErrNotFound
		}
		b, err := getValue(txn, externalKey(ext))
		if err != nil {
			return err
		}
		id, err := decodeU64(b)
		if err != nil {
			return err
		}
		a, err = s.cachedArticle(txn, ArticleID(id))
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("graph: article %q: %w", ext, err)
	}
	return a, nil
}

// Articles lists articles in ID order. Filters other than none make Total
// a counting scan over every article.
func (s *Store) Articles(ctx context.Context, f ArticleFilter, p Page) (List[Article], error) {
	var l List[Article]
	filtered := f != (ArticleFilter{})
	words := strings.Fields(strings.ToLower(f.Search))
	err := s.view(ctx, func(txn *badger.Txn) error {
		after, err := decodeCursor(p.After, []byte{pfxArticle})
		if err != nil {
			return err
		}
		o := scanOpts{prefix: []byte{pfxArticle}, after: after, first: pageSize(p), countAll: filtered, countBefore: filtered}
		l.Cursors, l.HasNext, l.Total, err = scan(ctx, txn, o, func(it *badger.Item, page bool) (bool, error) {
			pk, err := parseKey(it.Key())
			if err != nil {
				return false, err
			}
			var a Article
			err = it.Value(func(v []byte) error {
				a, err = decodeArticle(pk.Article, v, filtered || page)
				return err
			})
			if err != nil {
				return false, err
			}
			if filtered && !articleMatches(&a, &f, words) {
				return false, nil
			}
			if page {
				l.Items = append(l.Items, a)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		if !filtered {
			l.Total, err = getCounter(txn, ctrArticles)
		}
		return err
	})
	if err != nil {
		return List[Article]{}, fmt.Errorf("graph: articles: %w", err)
	}
	return l, nil
}

func articleMatches(a *Article, f *ArticleFilter, words []string) bool {
	if f.Outlet != "" && !strings.EqualFold(a.Outlet, f.Outlet) && !strings.EqualFold(outletOf(a), f.Outlet) {
		return false
	}
	if !f.PublishedAfter.IsZero() && (a.Published.IsZero() || a.Published.Before(f.PublishedAfter)) {
		return false
	}
	if !f.PublishedBefore.IsZero() && (a.Published.IsZero() || !a.Published.Before(f.PublishedBefore)) {
		return false
	}
	if len(words) > 0 {
		hay := strings.ToLower(a.Title + "\n" + a.Text)
		for _, w := range words {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// ArticleMentions lists an article's mentions by start offset (then
// entity ID).
func (s *Store) ArticleMentions(ctx context.Context, id ArticleID, p Page) (List[Mention], error) {
	var l List[Mention]
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(articleKey(id)); err != nil {
			return translate(err)
		}
		start, err := decodeOffset(p.After)
		if err != nil {
			return err
		}
		ms, err := s.cachedDocMentions(txn, id)
		if err != nil {
			return err
		}
		l, err = pageOf(len(ms), start, p, func(i int) (Mention, string, bool, error) {
			return ms[i].mention(id), offsetCursor(i), false, nil
		})
		return err
	})
	if err != nil {
		return List[Mention]{}, fmt.Errorf("graph: mentions of article %d: %w", id, err)
	}
	return l, nil
}

// getDocMentions reads an article's mention list (none if it has none).
func getDocMentions(txn *badger.Txn, a ArticleID) ([]docMention, error) {
	b, err := getValue(txn, docMentionsKey(a))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeDocMentions(b)
}

// mentionLookup finds single mentions, decoding each article's list once.
type mentionLookup struct {
	s     *Store
	txn   *badger.Txn
	lists map[ArticleID][]docMention
}

func newMentionLookup(s *Store, txn *badger.Txn) *mentionLookup {
	return &mentionLookup{s: s, txn: txn, lists: map[ArticleID][]docMention{}}
}

func (l *mentionLookup) get(a ArticleID, start int, e EntityID) (Mention, error) {
	ms, ok := l.lists[a]
	if !ok {
		var err error
		if ms, err = l.s.cachedDocMentions(l.txn, a); err != nil {
			return Mention{}, err
		}
		l.lists[a] = ms
	}
	i := sort.Search(len(ms), func(i int) bool {
		return ms[i].Start > start || ms[i].Start == start && ms[i].Entity >= e
	})
	if i == len(ms) || ms[i].Start != start || ms[i].Entity != e {
		return Mention{}, fmt.Errorf("mention %d/%d/%d: %w", a, start, e, ErrNotFound)
	}
	return ms[i].mention(a), nil
}

// Entity returns one entity with the merges made by its oldest articles
// (at most 20).
func (s *Store) Entity(ctx context.Context, id EntityID) (Entity, error) {
	var e Entity
	err := s.view(ctx, func(txn *badger.Txn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := s.cachedEntity(txn, id)
		if err != nil {
			return err
		}
		e = entityCopy(r, id)
		return nil
	})
	if err != nil {
		return Entity{}, fmt.Errorf("graph: entity %d: %w", id, err)
	}
	return e, nil
}

// EntitiesByID returns the entities with these IDs, read in one
// transaction (one consistent snapshot). IDs that name no entity are left
// out of the map; repeated IDs are read once.
func (s *Store) EntitiesByID(ctx context.Context, ids []EntityID) (map[EntityID]Entity, error) {
	return byID(ctx, s, "entities", ids, func(txn *badger.Txn, id EntityID) (Entity, error) {
		r, err := s.cachedEntity(txn, id)
		if err != nil {
			return Entity{}, err
		}
		return entityCopy(r, id), nil
	})
}

// ArticlesByID returns the articles with these IDs, with their text, read
// in one transaction. IDs that name no article are left out of the map.
func (s *Store) ArticlesByID(ctx context.Context, ids []ArticleID) (map[ArticleID]Article, error) {
	return byID(ctx, s, "articles", ids, func(txn *badger.Txn, id ArticleID) (Article, error) {
		return s.cachedArticle(txn, id)
	})
}

// byID reads the values of ids with get in one transaction, leaving out
// those get does not find.
func byID[K ~uint64, V any](ctx context.Context, s *Store, what string, ids []K, get func(*badger.Txn, K) (V, error)) (map[K]V, error) {
	out := make(map[K]V, len(ids))
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			v, err := get(txn, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("%d: %w", id, err)
			}
			out[id] = v
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: %s by id: %w", what, err)
	}
	return out, nil
}

// Entities lists entities in ID order, optionally of one kind. With
// f.Search it ranks the entities whose names match every query word,
// ignoring case, diacritics and punctuation, as whole words, word prefixes
// or small misspellings and transliteration variants; more exact matches
// first, then more mentioned ones (docs/storage.md has the scoring).
// Search cursors are offsets into the ranking.
func (s *Store) Entities(ctx context.Context, f EntityFilter, p Page) (List[Entity], error) {
	if f.Kind != 0 && !f.Kind.Valid() {
		return List[Entity]{}, fmt.Errorf("graph: entities: %w: kind %d", ErrInvalid, f.Kind)
	}
	if strings.TrimSpace(f.Search) != "" {
		l, err := s.search(ctx, f, p)
		if err != nil {
			return List[Entity]{}, fmt.Errorf("graph: entities %q: %w", f.Search, err)
		}
		return l, nil
	}
	prefix, ctr := []byte{pfxEntity}, ctrEntities
	if f.Kind != 0 {
		prefix, ctr = kindPrefix(f.Kind), ctrKindBase+byte(f.Kind)
	}
	return keyPage(ctx, s, "entities", prefix, ctr, p, func(txn *badger.Txn, it *badger.Item) (Entity, error) {
		pk, err := parseKey(it.Key())
		if err != nil {
			return Entity{}, err
		}
		var r *entRec
		if f.Kind == 0 {
			r, err = entityOfItem(txn, pk.Entity, it, false)
		} else {
			r, err = s.cachedEntity(txn, pk.Entity) // the kind index holds no value
		}
		if err != nil {
			return Entity{}, fmt.Errorf("entity %d: %w", pk.Entity, err)
		}
		return entityCopy(r, pk.Entity), nil
	})
}

// keyPage lists one page of the keys under prefix in key order, item
// making each page item from its key and value; Total is the counter ctr.
func keyPage[T any](ctx context.Context, s *Store, what string, prefix []byte, ctr byte, p Page,
	item func(txn *badger.Txn, it *badger.Item) (T, error)) (List[T], error) {
	var l List[T]
	err := s.view(ctx, func(txn *badger.Txn) error {
		after, err := decodeCursor(p.After, prefix)
		if err != nil {
			return err
		}
		o := scanOpts{prefix: prefix, after: after, first: pageSize(p)}
		l.Cursors, l.HasNext, _, err = scan(ctx, txn, o, func(it *badger.Item, page bool) (bool, error) {
			if !page {
				return true, nil
			}
			v, err := item(txn, it)
			if err != nil {
				return false, err
			}
			l.Items = append(l.Items, v)
			return true, nil
		})
		if err != nil {
			return err
		}
		l.Total, err = getCounter(txn, ctr)
		return err
	})
	if err != nil {
		return List[T]{}, fmt.Errorf("graph: %s: %w", what, err)
	}
	return l, nil
}

// EntityMentions lists an entity's mentions by article, then start offset.
func (s *Store) EntityMentions(ctx context.Context, id EntityID, p Page) (List[Mention], error) {
	var l List[Mention]
	err := s.view(ctx, func(txn *badger.Txn) error {
		r, err := s.cachedEntity(txn, id)
		if err != nil {
			return err
		}
		l.Total = r.MentionCount
		prefix := entMentionPrefix(id)
		// The cursor is the 'm' key of the mention's article plus its start.
		var after mentionPos
		if p.After != "" {
			c, err := decodeCursor(p.After, prefix)
			if err != nil || len(c) != len(prefix)+12 {
				return fmt.Errorf("%w: cursor %q", ErrInvalid, p.After)
			}
			after = mentionPos{Article: ArticleID(binary.BigEndian.Uint64(c[len(prefix):])), Start: int(binary.BigEndian.Uint32(c[len(prefix)+8:])), set: true}
		}
		n := pageSize(p)
		look := newMentionLookup(s, txn)
		return visitMentions(ctx, txn, id, after, func(a ArticleID, st int) (bool, error) {
			if len(l.Items) == n {
				l.HasNext = true
				return false, nil
			}
			m, err := look.get(a, st, id)
			if err != nil {
				return false, err
			}
			l.Items = append(l.Items, m)
			l.Cursors = append(l.Cursors, keyCursor(u32(entMentionKey(id, a), uint32(st))))
			return true, nil
		})
	})
	if err != nil {
		return List[Mention]{}, fmt.Errorf("graph: mentions of entity %d: %w", id, err)
	}
	return l, nil
}

// mentionPos is a mention's place in an entity's list: its article and
// start. The zero value (set false) is before the first.
type mentionPos struct {
	Article ArticleID
	Start   int
	set     bool
}

// visitMentions calls fn with the article and start of each mention of
// entity id after from, in order, until fn returns false.
func visitMentions(ctx context.Context, txn *badger.Txn, id EntityID, from mentionPos, fn func(a ArticleID, start int) (bool, error)) error {
	return eachPosting(ctx, txn, id, from.Article, func(p entPosting) (bool, error) {
		for _, st := range p.Starts {
			if from.set && p.Article == from.Article && st <= from.Start {
				continue
			}
			if more, err := fn(p.Article, st); !more || err != nil {
				return false, err
			}
		}
		return true, nil
	})
}

// eachPosting calls fn with the postings of entity id in the articles
// from article from on, in article order, until fn returns false. An 'm'
// value holds one article or a run of them (decodeEntPostings).
func eachPosting(ctx context.Context, txn *badger.Txn, id EntityID, from ArticleID, fn func(p entPosting) (bool, error)) error {
	var start []byte
	if from > 0 {
		start = mentionRunKey(txn, id, from)
	}
	_, _, _, err := scan(ctx, txn, scanOpts{prefix: entMentionPrefix(id), start: start, countAll: true}, func(it *badger.Item, _ bool) (bool, error) {
		pk, err := parseKey(it.Key())
		if err != nil {
			return false, err
		}
		var ps []entPosting
		err = it.Value(func(v []byte) error {
			ps, err = decodeEntPostings(pk.Article, v)
			return err
		})
		if err != nil {
			return false, fmt.Errorf("key %q: %w", it.Key(), err)
		}
		for _, p := range ps {
			if p.Article < from {
				continue
			}
			if more, err := fn(p); !more || err != nil {
				if err == nil {
					err = errStop
				}
				return false, err
			}
		}
		return false, nil
	})
	return err
}

// mentionRunKey returns the 'm' key of entity id whose value would hold
// article a: the greatest at or before (id, a), nil if there is none.
func mentionRunKey(txn *badger.Txn, id EntityID, a ArticleID) []byte {
	prefix := entMentionPrefix(id)
	it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: prefix})
	defer it.Close()
	if it.Seek(entMentionKey(id, a)); it.ValidForPrefix(prefix) {
		return it.Item().KeyCopy(nil)
	}
	return nil
}

// EntityArticles lists the articles that mention an entity, in ID order.
func (s *Store) EntityArticles(ctx context.Context, id EntityID, p Page) (List[Article], error) {
	var l List[Article]
	err := s.view(ctx, func(txn *badger.Txn) error {
		r, err := s.cachedEntity(txn, id)
		if err != nil {
			return err
		}
		l.Total = r.ArticleCount
		// The cursor is the 'm' key the article would have alone.
		prefix := entMentionPrefix(id)
		c, err := decodeCursor(p.After, prefix)
		if err != nil {
			return err
		}
		var from ArticleID
		if c != nil {
			if len(c) != len(prefix)+8 {
				return fmt.Errorf("%w: cursor %q", ErrInvalid, p.After)
			}
			from = ArticleID(binary.BigEndian.Uint64(c[len(prefix):])) + 1
		}
		n := pageSize(p)
		return eachPosting(ctx, txn, id, from, func(ps entPosting) (bool, error) {
			if len(l.Items) == n {
				l.HasNext = true
				return false, nil
			}
			a, err := s.cachedArticle(txn, ps.Article)
			if err != nil {
				return false, fmt.Errorf("article %d: %w", ps.Article, err)
			}
			l.Items = append(l.Items, a)
			l.Cursors = append(l.Cursors, keyCursor(entMentionKey(id, ps.Article)))
			return true, nil
		})
	})
	if err != nil {
		return List[Article]{}, fmt.Errorf("graph: articles of entity %d: %w", id, err)
	}
	return l, nil
}

func (r *relAgg) relation(ri relIdent) Relation {
	ev := r.Evidence
	if len(ev) > maxEvidence {
		ev = ev[:maxEvidence]
	}
	if ev == nil {
		ev = []Evidence{}
	}
	return Relation{Type: ri.Type, Label: ri.Label, Source: ri.Src, Target: ri.Dst, Evidence: ev,
		Sentences: r.Sentences, Articles: r.Articles, Outlets: len(r.Outlets)}
}

func getRelation(txn *badger.Txn, ri relIdent) (Relation, error) {
	b, err := getValue(txn, relKey(ri))
	if err != nil {
		return Relation{}, err
	}
	a, _, err := decodeRel(b, true)
	if err != nil {
		return Relation{}, err
	}
	return a.relation(ri), nil
}

// Relations lists relations of one type (t == 0: all) in key order: type,
// source, target, label.
func (s *Store) Relations(ctx context.Context, t RelType, p Page) (List[Relation], error) {
	if t != 0 && !t.Valid() {
		return List[Relation]{}, fmt.Errorf("graph: relations: %w: type %d", ErrInvalid, t)
	}
	prefix, ctr := []byte{pfxRel}, ctrRelations
	if t != 0 {
		prefix, ctr = relTypePrefix(t), ctrTypeBase+byte(t)
	}
	return keyPage(ctx, s, "relations", prefix, ctr, p, func(_ *badger.Txn, it *badger.Item) (Relation, error) {
		pk, err := parseKey(it.Key())
		if err != nil {
			return Relation{}, err
		}
		var a *relAgg
		err = it.Value(func(v []byte) error {
			a, _, err = decodeRel(v, true)
			return err
		})
		if err != nil {
			return Relation{}, err
		}
		return a.relation(pk.Rel), nil
	})
}

// relIdentsOf lists the relations with id as source or target whose type
// is in types (nil: all), sorted in relation key order.
func relIdentsOf(ctx context.Context, txn *badger.Txn, id EntityID, types []RelType) ([]relIdent, error) {
	var want func(RelType) bool
	if len(types) > 0 {
		want = func(t RelType) bool { return slices.Contains(types, t) }
	}
	var out []relIdent
	err := relsOf(ctx, txn, id, want, func(pk parsedKey, _ *badger.Item, _ bool) error {
		out = append(out, pk.Rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Key order: type, source, target, label (keys made once, not per
	// comparison).
	keys := make([][]byte, len(out))
	idx := make([]int, len(out))
	for i := range out {
		keys[i], idx[i] = relKey(out[i]), i
	}
	sort.Slice(idx, func(a, b int) bool { return bytes.Compare(keys[idx[a]], keys[idx[b]]) < 0 })
	sorted := make([]relIdent, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted, nil
}

// EntityRelations lists the relations with id as source or target, of the
// given types (nil: all), in key order: type, source, target, label.
func (s *Store) EntityRelations(ctx context.Context, id EntityID, types []RelType, p Page) (List[Relation], error) {
	for _, t := range types {
		if !t.Valid() {
			return List[Relation]{}, fmt.Errorf("graph: relations of entity %d: %w: type %d", id, ErrInvalid, t)
		}
	}
	var l List[Relation]
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(entityKey(id)); err != nil {
			return translate(err)
		}
		after, err := decodeCursor(p.After, []byte{pfxRel})
		if err != nil {
			return err
		}
		ids, err := relIdentsOf(ctx, txn, id, types)
		if err != nil {
			return err
		}
		start := 0
		if after != nil {
			start = sort.Search(len(ids), func(i int) bool { return bytes.Compare(relKey(ids[i]), after) > 0 })
		}
		l, err = pageOf(len(ids), start, p, func(i int) (Relation, string, bool, error) {
			r, err := getRelation(txn, ids[i])
			return r, keyCursor(relKey(ids[i])), false, err
		})
		return err
	})
	if err != nil {
		return List[Relation]{}, fmt.Errorf("graph: relations of entity %d: %w", id, err)
	}
	return l, nil
}

// Claims lists the STATED relations with id as source or target, the one
// with the most recently published evidence article first.
func (s *Store) Claims(ctx context.Context, id EntityID, p Page) (List[Relation], error) {
	var l List[Relation]
	err := s.view(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(entityKey(id)); err != nil {
			return translate(err)
		}
		start, err := decodeOffset(p.After)
		if err != nil {
			return err
		}
		ids, err := relIdentsOf(ctx, txn, id, []RelType{RelStated})
		if err != nil {
			return err
		}
		type claim struct {
			r      Relation
			newest int64
		}
		published := map[ArticleID]int64{}
		cs := make([]claim, 0, len(ids))
		for _, ri := range ids {
			r, err := getRelation(txn, ri)
			if err != nil {
				return err
			}
			c := claim{r: r, newest: math.MinInt64}
			for _, ev := range r.Evidence {
				t, ok := published[ev.Article]
				if !ok {
					a, err := getArticle(txn, ev.Article, false)
					if err != nil {
						return fmt.Errorf("article %d: %w", ev.Article, err)
					}
					t = math.MinInt64 + 1
					if !a.Published.IsZero() {
						t = a.Published.UnixNano()
					}
					published[ev.Article] = t
				}
				c.newest = max(c.newest, t)
			}
			cs = append(cs, c)
		}
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].newest > cs[j].newest })
		l, err = pageOf(len(cs), start, p, func(i int) (Relation, string, bool, error) {
			return cs[i].r, offsetCursor(i), false, nil
		})
		return err
	})
	if err != nil {
		return List[Relation]{}, fmt.Errorf("graph: claims of entity %d: %w", id, err)
	}
	return l, nil
}

// Numbers lists NUMBER mentions by value (then entity, article, offset),
// optionally of one unit and within [Min, Max]. The index holds one key
// per NUMBER entity (unitNumKey, numKey); the scan covers only the value
// range and lists the mentions of each entity in it, and the total adds
// up their mention counts.
func (s *Store) Numbers(ctx context.Context, f NumberFilter, p Page) (List[Mention], error) {
	var l List[Mention]
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefix := []byte{pfxNum}
		if f.Unit != "" {
			prefix = unitPrefix(normUnit(f.Unit))
		}
		start := prefix
		if f.Min != nil {
			start = u64(append([]byte(nil), prefix...), encodeFloat(*f.Min))
		}
		// The cursor is the index key of the mention's entity, then the
		// mention's article and start.
		var afterKey []byte
		var after mentionPos
		if p.After != "" {
			c, err := decodeCursor(p.After, prefix)
			if err != nil || len(c) != len(prefix)+28 {
				return fmt.Errorf("%w: cursor %q", ErrInvalid, p.After)
			}
			afterKey = c[:len(prefix)+16]
			after = mentionPos{Article: ArticleID(binary.BigEndian.Uint64(c[len(prefix)+16:])), Start: int(binary.BigEndian.Uint32(c[len(prefix)+24:])), set: true}
		}
		n := pageSize(p)
		look := newMentionLookup(s, txn)
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues, opts.Prefix = false, prefix
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			k := it.Item().Key()
			pk, err := parseKey(k)
			if err != nil {
				return err
			}
			if f.Max != nil && pk.Value > *f.Max {
				break // keys are in value order: nothing further matches
			}
			r, err := s.cachedEntity(txn, pk.Entity)
			if err != nil {
				return fmt.Errorf("entity %d: %w", pk.Entity, err)
			}
			l.Total += r.MentionCount
			from := mentionPos{}
			if afterKey != nil {
				c := bytes.Compare(k, afterKey)
				if c < 0 {
					continue // before the cursor: counted only
				}
				if c == 0 {
					from = after
				}
			}
			if l.HasNext {
				continue
			}
			key := bytes.Clone(k)
			err = visitMentions(ctx, txn, pk.Entity, from, func(a ArticleID, st int) (bool, error) {
				if len(l.Items) == n {
					l.HasNext = true
					return false, nil
				}
				m, err := look.get(a, st, pk.Entity)
				if err != nil {
					return false, err
				}
				l.Items = append(l.Items, m)
				l.Cursors = append(l.Cursors, keyCursor(u32(u64(key, uint64(a)), uint32(st))))
				return true, nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return List[Mention]{}, fmt.Errorf("graph: numbers: %w", err)
	}
	return l, nil
}

// SentenceEntities returns the entities mentioned inside the sentence span
// of article a, in order of first mention.
func (s *Store) SentenceEntities(ctx context.Context, a ArticleID, sentence Span) ([]EntityID, error) {
	var out []EntityID
	err := s.view(ctx, func(txn *badger.Txn) error {
		ms, err := s.cachedDocMentions(txn, a)
		if err != nil {
			return err
		}
		i := sort.Search(len(ms), func(i int) bool { return ms[i].Start >= sentence.Start })
		seen := map[EntityID]bool{}
		for ; i < len(ms) && ms[i].Start < sentence.End; i++ {
			if m := ms[i]; m.End <= sentence.End && !seen[m.Entity] {
				seen[m.Entity] = true
				out = append(out, m.Entity)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("graph: sentence entities of article %d: %w", a, err)
	}
	return out, nil
}

// Stats returns the exact totals.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.view(ctx, func(txn *badger.Txn) error {
		cs, err := getCounters(txn)
		if err != nil {
			return err
		}
		st = Stats{Articles: cs[ctrArticles], Entities: cs[ctrEntities], Mentions: cs[ctrMentions], Relations: cs[ctrRelations]}
		return ctx.Err()
	})
	if err != nil {
		return Stats{}, fmt.Errorf("graph: stats: %w", err)
	}
	return st, nil
}
