// Package schema serves the newsgraph graph over GraphQL: it builds the
// schema of schema.graphql with graphql-go, resolves it against a Store (the
// read side of *graph.Store), and handles GraphQL over HTTP (see Handler).
//
// schema imports graph and graphql-go only. Opaque IDs ("A12" for articles,
// "E42" for entities) are made and parsed here and nowhere else. Offsets are
// the graph's code-point offsets, unchanged.
package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/newsgraph/newsgraph/graph"
)

// Store is the read side of the graph that the schema resolves against.
// *graph.Store satisfies it; tests pass a fake.
type Store interface {
	Article(ctx context.Context, id graph.ArticleID) (graph.Article, error)
	ArticleByExternalID(ctx context.Context, ext string) (graph.Article, error)
	Articles(ctx context.Context, f graph.ArticleFilter, p graph.Page) (graph.List[graph.Article], error)
	ArticleMentions(ctx context.Context, id graph.ArticleID, p graph.Page) (graph.List[graph.Mention], error)
	Entity(ctx context.Context, id graph.EntityID) (graph.Entity, error)
	// EntitiesByID and ArticlesByID read many at once (one snapshot);
	// missing IDs are left out of the map.
	EntitiesByID(ctx context.Context, ids []graph.EntityID) (map[graph.EntityID]graph.Entity, error)
	ArticlesByID(ctx context.Context, ids []graph.ArticleID) (map[graph.ArticleID]graph.Article, error)
	Entities(ctx context.Context, f graph.EntityFilter, p graph.Page) (graph.List[graph.Entity], error)
	EntityMentions(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Mention], error)
	EntityArticles(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Article], error)
	EntityRelations(ctx context.Context, id graph.EntityID, types []graph.RelType, p graph.Page) (graph.List[graph.Relation], error)
	Relations(ctx context.Context, t graph.RelType, p graph.Page) (graph.List[graph.Relation], error)
	Neighbors(ctx context.Context, id graph.EntityID, depth int, kinds []graph.Kind, limit int) ([]graph.Neighbor, error)
	Paths(ctx context.Context, from, to graph.EntityID, maxDepth, limit int) ([][]graph.Hop, error)
	Numbers(ctx context.Context, f graph.NumberFilter, p graph.Page) (graph.List[graph.Mention], error)
	SentenceEntities(ctx context.Context, a graph.ArticleID, sentence graph.Span) ([]graph.EntityID, error)
	Claims(ctx context.Context, id graph.EntityID, p graph.Page) (graph.List[graph.Relation], error)
	Stats(ctx context.Context) (graph.Stats, error)
}

// ConflictStore is implemented by a Store that detects conflicting
// statements. When the Store given to New implements it, the schema serves
// Query.conflicts and the Conflict type; otherwise both are left out.
type ConflictStore interface {
	Conflicts(ctx context.Context, id graph.EntityID) ([]graph.Conflict, error)
}

// IngestFunc extracts and stores articles for the ingestArticles mutation.
// It returns one IngestResult per input article, in input order. The schema
// calls it only for requests that carried the server's write token.
type IngestFunc func(ctx context.Context, articles []graph.Article) ([]IngestResult, error)

// IngestResult is what happened to one article of an ingestArticles call.
type IngestResult struct {
	ExternalID string
	Status     graph.AddStatus // zero when the article was rejected
	Reason     string          // why it was rejected; empty otherwise
	Article    graph.ArticleID // the stored article unless rejected
}

// Limits bound the work one request may ask for. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	MaxDepth      int // deepest field nesting of an operation
	MaxComplexity int // estimated number of resolved fields, lists multiplied by their page sizes
	MaxIngest     int // articles per ingestArticles call
}

// DefaultLimits are the limits a zero Limits field stands for.
var DefaultLimits = Limits{MaxDepth: 15, MaxComplexity: 50000, MaxIngest: 500}

// Config configures New.
type Config struct {
	Store  Store
	Ingest IngestFunc   // nil: the mutation is refused
	Logger *slog.Logger // internal errors are logged here; nil: discarded
	Limits Limits
	// MaxConcurrent bounds the queries that execute at once (default
	// 2 x GOMAXPROCS); the others wait their turn in arrival order.
	MaxConcurrent int
}

// Schema is the executable newsgraph schema. It is safe for concurrent use.
type Schema struct {
	gql    graphql.Schema
	store  Store
	ingest IngestFunc
	log    *slog.Logger
	limits Limits
	docs   docCache
	slots  chan struct{} // one per executing query
}

// Page sizes.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// New builds the schema.
func New(cfg Config) (*Schema, error) {
	if cfg.Store == nil {
		return nil, errors.New("schema: no store")
	}
	s := &Schema{store: cfg.Store, ingest: cfg.Ingest, log: cfg.Logger, limits: cfg.Limits}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.limits.MaxDepth <= 0 {
		s.limits.MaxDepth = DefaultLimits.MaxDepth
	}
	if s.limits.MaxComplexity <= 0 {
		s.limits.MaxComplexity = DefaultLimits.MaxComplexity
	}
	if s.limits.MaxIngest <= 0 {
		s.limits.MaxIngest = DefaultLimits.MaxIngest
	}
	n := cfg.MaxConcurrent
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	s.slots = make(chan struct{}, n)
	gs, err := s.build()
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	s.gql = gs
	return s, nil
}

// GraphQL returns the underlying graphql-go schema.
func (s *Schema) GraphQL() *graphql.Schema { return &s.gql }

// Request is one GraphQL request.
type Request struct {
	Query         string
	OperationName string
	Variables     map[string]any
	// Authorized says the request carried the server's write token.
	Authorized bool
}

// Do parses, checks, validates and executes a request. It never panics on
// bad input; every problem comes back in the result's errors.
func (s *Schema) Do(ctx context.Context, r Request) *graphql.Result {
	p, errs := s.prepare(r.Query, r.OperationName, r.Variables)
	if errs != nil {
		return &graphql.Result{Errors: errs}
	}
	if p.op.Operation != "mutation" {
		if err := s.acquire(ctx, 0); err != nil {
			return &graphql.Result{Errors: []gqlerrors.FormattedError{requestError(codeBusy, err.Error())}}
		}
		defer s.release()
	}
	return s.execute(ctx, p, r)
}

// acquire waits for an execution slot (mutations, which are few and long,
// do not take one): queries beyond MaxConcurrent wait
// in arrival order (a channel's senders are served first come, first
// served) instead of all sharing the CPUs at once, so that a burst makes
// every query wait about as long, rather than most run quickly and some
// very slowly; and the memory of the queries in flight stays bounded.
// It gives up when ctx ends or, if wait > 0, after wait.
func (s *Schema) acquire(ctx context.Context, wait time.Duration) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the server is busy: %w", ctx.Err())
	case <-timeout:
		return errors.New("the server is busy: no query slot within " + wait.String())
	}
}

func (s *Schema) release() { <-s.slots }

// prepared is a parsed, checked and validated request document.
type prepared struct {
	doc *ast.Document
	op  *ast.OperationDefinition
}

// prepare parses the document, picks the operation, checks the limits and
// validates it: everything that happens before execution. Validated
// documents are cached by their text (validation is most of graphql-go's
// cost for a typical query); the limits, which depend on the variables,
// are checked every time.
func (s *Schema) prepare(query, opName string, vars map[string]any) (*prepared, []gqlerrors.FormattedError) {
	doc, cached := s.docs.get(query)
	if !cached {
		var err error
		if doc, err = parse(query); err != nil {
			return nil, gqlerrors.FormatErrors(err)
		}
	}
	op, err := operation(doc, opName)
	if err != nil {
		return nil, []gqlerrors.FormattedError{requestError(codeBadRequest, err.Error())}
	}
	if err := checkLimits(doc, op, s.limits, vars); err != nil {
		var ce clientError
		if errors.As(err, &ce) {
			return nil, []gqlerrors.FormattedError{requestError(ce.code, ce.msg)}
		}
		return nil, gqlerrors.FormatErrors(err)
	}
	if !cached {
		if vr := graphql.ValidateDocument(&s.gql, doc, nil); !vr.IsValid {
			return nil, vr.Errors
		}
		s.docs.put(query, doc)
	}
	return &prepared{doc: doc, op: op}, nil
}

// docCache keeps validated documents by query text. Executing a document
// only reads it, so one document serves concurrent requests.
type docCache struct {
	mu sync.Mutex
	m  map[string]*ast.Document
}

// Cache bounds: queries longer than maxCachedQuery bytes are not kept, and
// the cache is emptied when it holds maxCachedDocs documents.
const (
	maxCachedDocs  = 512
	maxCachedQuery = 16 << 10
)

func (c *docCache) get(q string) (*ast.Document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[q]
	return d, ok
}

func (c *docCache) put(q string, d *ast.Document) {
	if len(q) > maxCachedQuery {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedDocs {
		c.m = make(map[string]*ast.Document, maxCachedDocs)
	}
	c.m[q] = d
}

// Snapshotter is implemented by a Store whose reads under the context it
// returns all see one snapshot of the graph (*graph.Store does). The
// schema executes each query, not mutations, under one, released when
// the query's execution has ended.
type Snapshotter interface {
	Snapshot(ctx context.Context) (_ context.Context, release func())
}

func (s *Schema) execute(ctx context.Context, p *prepared, r Request) *graphql.Result {
	ctx = withRequestState(ctx, r.Authorized)
	if sn, ok := s.store.(Snapshotter); ok && p.op.Operation != "mutation" {
		var release func()
		ctx, release = sn.Snapshot(ctx)
		defer release()
	}
	return graphql.Execute(graphql.ExecuteParams{
		Schema:        s.gql,
		AST:           p.doc,
		OperationName: r.OperationName,
		Args:          r.Variables,
		Context:       ctx,
	})
}
