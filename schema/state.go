package schema

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/newsgraph/newsgraph/graph"
)

// requestState is what one request's resolvers share: whether the request
// is authorized to write, and caches so that an entity or article named by
// many mentions, relations or neighbours is loaded once per request (the
// N+1 problem), and an article's text is decoded to code points once.
// Entities and articles are kept as pointers, which every reference to
// one shares (resolvers only read them): no copy per reference.
type requestState struct {
	authorized bool

	// mu guards the maps: after a timeout graphql-go returns while its
	// executor goroutine may still be resolving.
	mu       sync.Mutex
	entities map[graph.EntityID]cached[*graph.Entity]
	articles map[graph.ArticleID]cached[*graph.Article]
	texts    map[graph.ArticleID]text
}

// text is an article's text and whether it is all ASCII (then code-point
// offsets are byte offsets).
type text struct {
	s     string
	ascii bool
}

type cached[T any] struct {
	v   T
	err error
}

type stateKey struct{}

func withRequestState(ctx context.Context, authorized bool) context.Context {
	return context.WithValue(ctx, stateKey{}, &requestState{
		authorized: authorized,
		entities:   map[graph.EntityID]cached[*graph.Entity]{},
		articles:   map[graph.ArticleID]cached[*graph.Article]{},
		texts:      map[graph.ArticleID]text{},
	})
}

// state returns the request's state; a context without one (a resolver
// called outside Execute) gets a fresh, unauthorized state.
func state(ctx context.Context) *requestState {
	if st, ok := ctx.Value(stateKey{}).(*requestState); ok {
		return st
	}
	return withRequestState(ctx, false).Value(stateKey{}).(*requestState)
}

// entity loads an entity once per request. A missing entity is reported as
// graph.ErrNotFound.
func (s *Schema) entity(ctx context.Context, id graph.EntityID) (*graph.Entity, error) {
	st := state(ctx)
	return load(st, st.entities, id, func() (*graph.Entity, error) { return ptr(s.store.Entity(ctx, id)) })
}

// article loads an article once per request.
func (s *Schema) article(ctx context.Context, id graph.ArticleID) (*graph.Article, error) {
	st := state(ctx)
	return load(st, st.articles, id, func() (*graph.Article, error) { return ptr(s.store.Article(ctx, id)) })
}

// ptr returns a pointer to v, or nil and err.
func ptr[V any](v V, err error) (*V, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// load returns m[id], or get's answer, which it remembers unless it is an
// error other than graph.ErrNotFound (a timeout is not remembered).
func load[K comparable, V any](st *requestState, m map[K]cached[V], id K, get func() (V, error)) (V, error) {
	st.mu.Lock()
	c, ok := m[id]
	st.mu.Unlock()
	if ok {
		return c.v, c.err
	}
	v, err := get()
	if err == nil || errors.Is(err, graph.ErrNotFound) {
		st.mu.Lock()
		m[id] = cached[V]{v, err}
		st.mu.Unlock()
	}
	return v, err
}

// preload reads, with one store call for each kind, the entities and
// articles that a list about to be resolved refers to and the request has
// not cached yet, so that the list's items then find them in the cache
// instead of making one store call each. A failed batch is not reported:
// the items then load one by one and report their own errors.
func (s *Schema) preload(ctx context.Context, ents []graph.EntityID, arts []graph.ArticleID) {
	st := state(ctx)
	preloadInto(ctx, st, st.entities, ents, s.store.EntitiesByID)
	preloadInto(ctx, st, st.articles, arts, s.store.ArticlesByID)
}

// preloadInto caches in m what get returns for the distinct ids m lacks,
// when there are two or more (one is left to the item's own load).
func preloadInto[K cmp.Ordered, V any](ctx context.Context, st *requestState, m map[K]cached[*V], ids []K,
	get func(context.Context, []K) (map[K]V, error)) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	st.mu.Lock()
	ids = slices.DeleteFunc(ids, func(id K) bool { _, ok := m[id]; return ok })
	st.mu.Unlock()
	if len(ids) < 2 {
		return
	}
	got, err := get(ctx, ids)
	if err != nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, v := range got {
		m[id] = cached[*V]{v: &v}
	}
}

// selects reports whether the field being resolved selects any of the
// fields names, directly or in fragments, in the selection reached by
// following the field names of path (e.g. "edges", "node" for the nodes
// of a connection).
func selects(p graphql.ResolveParams, path []string, names ...string) bool {
	sets := make([]*ast.SelectionSet, 0, len(p.Info.FieldASTs))
	for _, f := range p.Info.FieldASTs {
		sets = append(sets, f.SelectionSet)
	}
	for _, step := range path {
		var next []*ast.SelectionSet
		eachField(p, sets, func(f *ast.Field) {
			if f.Name != nil && f.Name.Value == step {
				next = append(next, f.SelectionSet)
			}
		})
		sets = next
	}
	found := false
	eachField(p, sets, func(f *ast.Field) {
		found = found || f.Name != nil && slices.Contains(names, f.Name.Value)
	})
	return found
}

// eachField calls fn for every field of the selection sets, looking into
// inline fragments and fragment spreads.
func eachField(p graphql.ResolveParams, sets []*ast.SelectionSet, fn func(*ast.Field)) {
	for _, set := range sets {
		if set == nil {
			continue
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				fn(sel)
			case *ast.InlineFragment:
				eachField(p, []*ast.SelectionSet{sel.SelectionSet}, fn)
			case *ast.FragmentSpread:
				if sel.Name == nil {
					continue
				}
				if def, ok := p.Info.Fragments[sel.Name.Value].(*ast.FragmentDefinition); ok {
					eachField(p, []*ast.SelectionSet{def.SelectionSet}, fn)
				}
			}
		}
	}
}

// rememberArticle caches an article a query already returned.
func (s *Schema) rememberArticle(ctx context.Context, a *graph.Article) {
	st := state(ctx)
	st.mu.Lock()
	st.articles[a.ID] = cached[*graph.Article]{v: a}
	st.mu.Unlock()
}

// rememberEntity caches an entity a list query already returned.
func (s *Schema) rememberEntity(ctx context.Context, e *graph.Entity) {
	st := state(ctx)
	st.mu.Lock()
	st.entities[e.ID] = cached[*graph.Entity]{v: e}
	st.mu.Unlock()
}

// slice returns the code points [sp.Start, sp.End) of an article's text,
// clamped to the text, as a substring of it: ASCII text is sliced at
// once, other text walked to the byte offsets (no []rune copy of the
// whole text per request).
func (s *Schema) slice(ctx context.Context, id graph.ArticleID, sp graph.Span) (string, error) {
	st := state(ctx)
	st.mu.Lock()
	t, ok := st.texts[id]
	st.mu.Unlock()
	if !ok {
		a, err := s.article(ctx, id)
		if err != nil {
			return "", err
		}
		t = text{s: a.Text, ascii: isASCII(a.Text)}
		st.mu.Lock()
		st.texts[id] = t
		st.mu.Unlock()
	}
	start, end := max(sp.Start, 0), sp.End
	if t.ascii {
		end = min(end, len(t.s))
		if start >= end {
			return "", nil
		}
		return t.s[start:end], nil
	}
	if start >= end {
		return "", nil
	}
	i := runeOffset(t.s, 0, start)
	return t.s[i:runeOffset(t.s, i, end-start)], nil
}

// runeOffset returns the byte offset n code points after byte offset i of
// s, or len(s) when s ends first. Like a []rune conversion, it counts an
// invalid byte as one code point.
func runeOffset(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
