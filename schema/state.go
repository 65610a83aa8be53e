package schema

import (
	"context"
	"errors"
	"sync"

	"github.com/newsgraph/newsgraph/graph"
)

// requestState is what one request's resolvers share: whether the request
// is authorized to write, and caches so that an entity or article named by
// many mentions, relations or neighbours is loaded once per request (the
// N+1 problem), and an article's text is decoded to code points once.
type requestState struct {
	authorized bool

	// mu guards the maps: after a timeout graphql-go returns while its
	// executor goroutine may still be resolving.
	mu       sync.Mutex
	entities map[graph.EntityID]cached[graph.Entity]
	articles map[graph.ArticleID]cached[graph.Article]
	runes    map[graph.ArticleID][]rune
}

type cached[T any] struct {
	v   T
	err error
}

type stateKey struct{}

func withRequestState(ctx context.Context, authorized bool) context.Context {
	return context.WithValue(ctx, stateKey{}, &requestState{
		authorized: authorized,
		entities:   map[graph.EntityID]cached[graph.Entity]{},
		articles:   map[graph.ArticleID]cached[graph.Article]{},
		runes:      map[graph.ArticleID][]rune{},
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
func (s *Schema) entity(ctx context.Context, id graph.EntityID) (graph.Entity, error) {
	st := state(ctx)
	st.mu.Lock()
	c, ok := st.entities[id]
	st.mu.Unlock()
	if ok {
		return c.v, c.err
	}
	e, err := s.store.Entity(ctx, id)
	if err == nil || errors.Is(err, graph.ErrNotFound) {
		st.mu.Lock()
		st.entities[id] = cached[graph.Entity]{e, err}
		st.mu.Unlock()
	}
	return e, err
}

// article loads an article once per request.
func (s *Schema) article(ctx context.Context, id graph.ArticleID) (graph.Article, error) {
	st := state(ctx)
	st.mu.Lock()
	c, ok := st.articles[id]
	st.mu.Unlock()
	if ok {
		return c.v, c.err
	}
	a, err := s.store.Article(ctx, id)
	if err == nil || errors.Is(err, graph.ErrNotFound) {
		s.rememberArticle(ctx, id, a, err)
	}
	return a, err
}

// rememberArticle caches an article a list query already returned.
func (s *Schema) rememberArticle(ctx context.Context, id graph.ArticleID, a graph.Article, err error) {
	st := state(ctx)
	st.mu.Lock()
	st.articles[id] = cached[graph.Article]{a, err}
	st.mu.Unlock()
}

// rememberEntity caches an entity a list query already returned.
func (s *Schema) rememberEntity(ctx context.Context, e graph.Entity) {
	st := state(ctx)
	st.mu.Lock()
	st.entities[e.ID] = cached[graph.Entity]{e, nil}
	st.mu.Unlock()
}

// slice returns the code points [sp.Start, sp.End) of an article's text,
// clamped to the text. The text is decoded once per request.
func (s *Schema) slice(ctx context.Context, id graph.ArticleID, sp graph.Span) (string, error) {
	st := state(ctx)
	st.mu.Lock()
	rs, ok := st.runes[id]
	st.mu.Unlock()
	if !ok {
		a, err := s.article(ctx, id)
		if err != nil {
			return "", err
		}
		rs = []rune(a.Text)
		st.mu.Lock()
		st.runes[id] = rs
		st.mu.Unlock()
	}
	start, end := max(sp.Start, 0), min(sp.End, len(rs))
	if start >= end {
		return "", nil
	}
	return string(rs[start:end]), nil
}
