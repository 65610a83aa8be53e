package schema

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/newsgraph/newsgraph/graph"
)

// connection is one page of a Relay connection; nodes are graph values.
type connection struct {
	nodes   []any
	cursors []string
	hasNext bool
	total   int
}

type edge struct {
	cursor string
	node   any
}

// newConnection makes a connection of pointers to l's items (the node
// types' resolvers take *graph.Article, *graph.Entity, *graph.Mention
// and *graph.Relation): no copy of each item boxed in an interface.
func newConnection[T any](l graph.List[T]) connection {
	c := connection{nodes: make([]any, len(l.Items)), cursors: l.Cursors, hasNext: l.HasNext, total: l.Total}
	for i := range l.Items {
		c.nodes[i] = &l.Items[i]
	}
	return c
}

// path is one chain of hops between two entities.
type path struct{ hops []graph.Hop }

// resolver is graphql-go's resolve function type, shortened.
type resolver = graphql.FieldResolveFn

func field(t graphql.Output, r resolver) *graphql.Field {
	return &graphql.Field{Type: t, Resolve: r}
}

func nn(t graphql.Type) *graphql.NonNull { return graphql.NewNonNull(t) }
func list(t graphql.Type) *graphql.List  { return graphql.NewList(t) }

// nullable turns "" into null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Field values for graphql-go's serializers. Its String and ID
// serializers copy any value but a *string through fmt.Sprintf, and its
// Int serializer takes an *int as well as an int; a pointer into the
// source value (which the node types' resolvers get as a pointer) is
// boxed in an interface without an allocation, where a string or an int
// above 255 is copied to the heap (and a string once more by
// stringPointer). These return such pointers.
func strField(s *string) (any, error) { return s, nil }

// nullableField is nullable for a pointer to a field.
func nullableField(s *string) (any, error) {
	if *s == "" {
		return nil, nil
	}
	return s, nil
}

func intField(n *int) (any, error) { return n, nil }

// ptrs returns pointers to the items of xs, for a list field: graphql-go
// reads a list's items through reflection, which copies each item of a
// []T to the heap to box it but boxes a pointer as it is. The item
// types' resolvers take *T.
func ptrs[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// str is s as a *string: one allocation for a computed string, where
// returning it as a string and letting stringPointer take its address
// costs two.
func str(s string) (any, error) { return &s, nil }

var pageArgs = graphql.FieldConfigArgument{
	"first": &graphql.ArgumentConfig{Type: graphql.Int},
	"after": &graphql.ArgumentConfig{Type: graphql.String},
}

func withPage(extra graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	out := graphql.FieldConfigArgument{}
	for k, v := range pageArgs {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// page reads the first and after arguments: first defaults to 20 and may
// be at most 100.
func page(args map[string]any) (graph.Page, int, error) {
	first := defaultFirst
	if v, ok := args["first"].(int); ok {
		first = v
	}
	if first < 0 {
		return graph.Page{}, 0, badInput("first must not be negative, got %d", first)
	}
	if first > maxFirst {
		return graph.Page{}, 0, badInput("first must be at most %d, got %d", maxFirst, first)
	}
	after, _ := args["after"].(string)
	// The store treats First 0 as "none asked"; ask for one and drop it so
	// that first: 0 still reports totalCount and hasNextPage.
	return graph.Page{After: after, First: max(first, 1)}, first, nil
}

// trim cuts a connection to the first n nodes the client asked for.
func trim(c connection, n int) connection {
	if len(c.nodes) > n {
		c.nodes, c.cursors, c.hasNext = c.nodes[:n], c.cursors[:n], true
	}
	return c
}

// connField makes a connection field with the page arguments (and extra
// ones): fetch reads one page, which is trimmed to the first the client
// asked for; its errors go through clientErr, as op.
func connField[T any](s *Schema, conn *graphql.Object, extra graphql.FieldConfigArgument, op string,
	fetch func(p graphql.ResolveParams, pg graph.Page) (graph.List[T], error)) *graphql.Field {
	args := pageArgs
	if extra != nil {
		args = withPage(extra)
	}
	return &graphql.Field{Type: nn(conn), Args: args, Resolve: func(p graphql.ResolveParams) (any, error) {
		pg, n, err := page(p.Args)
		if err != nil {
			return nil, err
		}
		l, err := fetch(p, pg)
		if err != nil {
			return nil, s.clientErr(p.Context, op, err)
		}
		return trim(newConnection(l), n), nil
	}}
}

// The nodes of a connection, for selects.
var nodePath = []string{"edges", "node"}

// preloadMentions batch-loads what the selection at path (the mentions)
// asks of their entities and articles.
func (s *Schema) preloadMentions(p graphql.ResolveParams, ms []graph.Mention, path []string, entityFields ...string) {
	var ents []graph.EntityID
	var arts []graph.ArticleID
	wantE := selects(p, path, append(entityFields, "entity")...)
	wantA := selects(p, path, "article", "sentence")
	for _, m := range ms {
		if wantE {
			ents = append(ents, m.Entity)
		}
		if wantA {
			arts = append(arts, m.Article)
		}
	}
	s.preload(p.Context, ents, arts)
}

// preloadRelations batch-loads the ends of relations and the articles of
// their evidence, as far as the selection at path (the relations) asks.
func (s *Schema) preloadRelations(p graphql.ResolveParams, rs []graph.Relation, path []string) {
	var ents []graph.EntityID
	var arts []graph.ArticleID
	wantE := selects(p, path, "source", "target")
	wantA := selects(p, append(slices.Clone(path), "evidence"), "article", "sentence", "text")
	for _, r := range rs {
		if wantE {
			ents = append(ents, r.Source, r.Target)
		}
		if wantA {
			for _, ev := range r.Evidence {
				arts = append(arts, ev.Article)
			}
		}
	}
	s.preload(p.Context, ents, arts)
}

// parseTime accepts RFC 3339 or YYYY-MM-DD.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time or a YYYY-MM-DD date", s)
	}
	return t, nil
}

// types holds the object types while the schema is built.
type types struct {
	entityType, relationType, ingestStatus *graphql.Enum
	pageInfo                               *graphql.Object

	article, mention, entity, merge, relation, evidence *graphql.Object
	neighbor, path, hop, numberMention, stats, ingest   *graphql.Object
	articleConn, mentionConn, entityConn                *graphql.Object
	relationConn, numberConn                            *graphql.Object
	articleInput                                        *graphql.InputObject
}

func (s *Schema) build() (graphql.Schema, error) {
	t := &types{}
	kinds := graphql.EnumValueConfigMap{}
	for _, k := range graph.Kinds() {
		kinds[k.String()] = &graphql.EnumValueConfig{Value: k}
	}
	t.entityType = graphql.NewEnum(graphql.EnumConfig{Name: "EntityType", Values: kinds})
	rels := graphql.EnumValueConfigMap{}
	for _, r := range graph.RelTypes() {
		rels[r.String()] = &graphql.EnumValueConfig{Value: r}
	}
	t.relationType = graphql.NewEnum(graphql.EnumConfig{Name: "RelationType", Values: rels})
	statuses := graphql.EnumValueConfigMap{
		"CREATED":   {Value: graph.StatusCreated},
		"UNCHANGED": {Value: graph.StatusUnchanged},
		"REPLACED":  {Value: graph.StatusReplaced},
		"REJECTED":  {Value: graph.AddStatus(0)},
	}
	t.ingestStatus = graphql.NewEnum(graphql.EnumConfig{Name: "IngestStatus", Values: statuses})

	t.pageInfo = graphql.NewObject(graphql.ObjectConfig{Name: "PageInfo", Fields: graphql.Fields{
		"hasNextPage": field(nn(graphql.Boolean), func(p graphql.ResolveParams) (any, error) {
			return p.Source.(connection).hasNext, nil
		}),
		"endCursor": field(graphql.String, func(p graphql.ResolveParams) (any, error) {
			c := p.Source.(connection)
			if len(c.cursors) == 0 {
				return nil, nil
			}
			return c.cursors[len(c.cursors)-1], nil
		}),
	}})

	empty := func(name string) *graphql.Object {
		return graphql.NewObject(graphql.ObjectConfig{Name: name, Fields: graphql.Fields{}})
	}
	t.article, t.mention, t.entity, t.merge = empty("Article"), empty("Mention"), empty("Entity"), empty("Merge")
	t.relation, t.evidence, t.neighbor = empty("Relation"), empty("Evidence"), empty("Neighbor")
	t.path, t.hop, t.numberMention, t.stats = empty("Path"), empty("Hop"), empty("NumberMention"), empty("Stats")
	t.ingest = empty("IngestResult")
	t.articleConn = connType(t, "Article", t.article)
	t.mentionConn = connType(t, "Mention", t.mention)
	t.entityConn = connType(t, "Entity", t.entity)
	t.relationConn = connType(t, "Relation", t.relation)
	t.numberConn = connType(t, "Number", t.numberMention)

	s.articleFields(t)
	s.mentionFields(t)
	s.entityFields(t)
	s.relationFields(t)
	s.otherFields(t)

	qf := s.queryFields(t)
	if cs, ok := s.store.(ConflictStore); ok {
		qf["conflicts"] = s.conflictsField(t, cs)
	}
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: qf})
	mutation := graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: s.mutationFields(t)})
	gs, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Mutation: mutation})
	if err != nil {
		return graphql.Schema{}, err
	}
	// graphql-go keeps enum values in map order; put them in the order of
	// schema.graphql so introspection is stable.
	order := map[any]int{graph.StatusCreated: 1, graph.StatusUnchanged: 2, graph.StatusReplaced: 3, graph.AddStatus(0): 4}
	for i, k := range graph.Kinds() {
		order[k] = i
	}
	for i, r := range graph.RelTypes() {
		order[r] = i
	}
	for _, e := range []*graphql.Enum{t.entityType, t.relationType, t.ingestStatus} {
		vs := e.Values() // the enum's own slice: sorting it reorders the enum
		sort.SliceStable(vs, func(i, j int) bool { return order[vs[i].Value] < order[vs[j].Value] })
	}
	// graphql-go builds an enum's lookup maps lazily and without a lock;
	// build them now, before concurrent requests race to.
	for _, e := range []*graphql.Enum{t.entityType, t.relationType, t.ingestStatus} {
		e.Serialize(e.Values()[0].Value)
		e.ParseValue(e.Values()[0].Name)
	}
	stringPointers(gs)
	return gs, nil
}

// stringPointers wraps the resolvers of this schema's String and ID fields
// (and lists of them) so that they hand graphql-go a *string: its String
// and ID serializers copy any other value through fmt.Sprintf("%v"), a
// few percent of a typical query's CPU time. The values are unchanged.
func stringPointers(gs graphql.Schema) {
	for name, t := range gs.TypeMap() {
		o, ok := t.(*graphql.Object)
		if !ok || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range o.Fields() {
			if f.Resolve == nil {
				continue
			}
			switch leaf, isList := stringType(f.Type); {
			case leaf && isList:
				f.Resolve = stringListPointers(f.Resolve)
			case leaf:
				f.Resolve = stringPointer(f.Resolve)
			}
		}
	}
}

// stringType reports whether t is String or ID, possibly non-null, or a
// list of them.
func stringType(t graphql.Type) (leaf, isList bool) {
	if n, ok := t.(*graphql.NonNull); ok {
		t = n.OfType
	}
	if l, ok := t.(*graphql.List); ok {
		isList, t = true, l.OfType
		if n, ok := t.(*graphql.NonNull); ok {
			t = n.OfType
		}
	}
	return t == graphql.String || t == graphql.ID, isList
}

func stringPointer(r resolver) resolver {
	return func(p graphql.ResolveParams) (any, error) {
		v, err := r(p)
		if _, ok := v.(string); ok {
			return toStringPointer(v), err
		}
		return v, err
	}
}

// toStringPointer copies the string in v to the heap and returns its
// address. It is a function of its own so that the copy is made only for
// a string: a variable that escapes is allocated where it is declared,
// whatever the branch taken (with "if s, ok := v.(string)", for every
// field, *string or not).
func toStringPointer(v any) *string {
	s := v.(string)
	return &s
}

func stringListPointers(r resolver) resolver {
	return func(p graphql.ResolveParams) (any, error) {
		v, err := r(p)
		ss, ok := v.([]string)
		if !ok {
			return v, err
		}
		ps := make([]*string, len(ss))
		for i := range ss {
			ps[i] = &ss[i]
		}
		return ps, err
	}
}

// connType makes the Relay connection and edge types for a node type:
// NameConnection { edges: [NameEdge!]! pageInfo: PageInfo! totalCount: Int! }.
func connType(t *types, name string, node *graphql.Object) *graphql.Object {
	edgeT := graphql.NewObject(graphql.ObjectConfig{Name: name + "Edge", Fields: graphql.Fields{
		"cursor": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&p.Source.(*edge).cursor) }),
		"node":   field(nn(node), func(p graphql.ResolveParams) (any, error) { return p.Source.(*edge).node, nil }),
	}})
	return graphql.NewObject(graphql.ObjectConfig{Name: name + "Connection", Fields: graphql.Fields{
		"edges": field(nn(list(nn(edgeT))), func(p graphql.ResolveParams) (any, error) {
			c := p.Source.(connection)
			out := make([]edge, len(c.nodes))
			for i, n := range c.nodes {
				cur := ""
				if i < len(c.cursors) {
					cur = c.cursors[i]
				}
				out[i] = edge{cursor: cur, node: n}
			}
			return ptrs(out), nil
		}),
		"pageInfo":   field(nn(t.pageInfo), func(p graphql.ResolveParams) (any, error) { return p.Source, nil }),
		"totalCount": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return p.Source.(connection).total, nil }),
	}})
}

func (s *Schema) articleFields(t *types) {
	a := func(p graphql.ResolveParams) *graph.Article { return p.Source.(*graph.Article) }
	fs := graphql.Fields{
		"id":         field(nn(graphql.ID), func(p graphql.ResolveParams) (any, error) { return str(articleGID(a(p).ID)) }),
		"externalId": field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&a(p).ExternalID) }),
		"url":        field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&a(p).URL) }),
		"title":      field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&a(p).Title) }),
		"outlet":     field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&a(p).Outlet) }),
		"published": field(graphql.String, func(p graphql.ResolveParams) (any, error) {
			if a(p).Published.IsZero() {
				return nil, nil
			}
			return str(a(p).Published.Format(time.RFC3339))
		}),
		"text": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&a(p).Text) }),
		"mentions": connField(s, t.mentionConn, nil, "article mentions", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Mention], error) {
			art := a(p)
			s.rememberArticle(p.Context, art)
			l, err := s.store.ArticleMentions(p.Context, art.ID, pg)
			if err == nil {
				s.preloadMentions(p, l.Items, nodePath)
			}
			return l, err
		}),
	}
	addFields(t.article, fs)
}

func addFields(o *graphql.Object, fs graphql.Fields) {
	for name, f := range fs {
		o.AddFieldConfig(name, f)
	}
}

// entityOf resolves an entity reference that must exist.
func (s *Schema) entityOf(p graphql.ResolveParams, id graph.EntityID) (any, error) {
	e, err := s.entity(p.Context, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, clientError{codeInternal, fmt.Sprintf("entity %s is referenced but missing", entityGID(id))}
	}
	if err != nil {
		return nil, s.clientErr(p.Context, "entity", err)
	}
	return e, nil
}

// articleOf resolves an article reference that must exist.
func (s *Schema) articleOf(p graphql.ResolveParams, id graph.ArticleID) (any, error) {
	a, err := s.article(p.Context, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, clientError{codeInternal, fmt.Sprintf("article %s is referenced but missing", articleGID(id))}
	}
	if err != nil {
		return nil, s.clientErr(p.Context, "article", err)
	}
	return a, nil
}

func (s *Schema) sliceOf(p graphql.ResolveParams, id graph.ArticleID, sp graph.Span) (any, error) {
	txt, err := s.slice(p.Context, id, sp)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return nil, clientError{codeInternal, fmt.Sprintf("article %s is referenced but missing", articleGID(id))}
		}
		return nil, s.clientErr(p.Context, "article text", err)
	}
	return &txt, nil
}

func (s *Schema) mentionFields(t *types) {
	m := func(p graphql.ResolveParams) *graph.Mention { return p.Source.(*graph.Mention) }
	addFields(t.mention, graphql.Fields{
		"text":  field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&m(p).Text) }),
		"start": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&m(p).Span.Start) }),
		"end":   field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&m(p).Span.End) }),
		"sentence": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) {
			return s.sliceOf(p, m(p).Article, m(p).Sentence)
		}),
		"sentenceStart": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&m(p).Sentence.Start) }),
		"sentenceEnd":   field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&m(p).Sentence.End) }),
		"qualifier":     field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&m(p).Qualifier) }),
		"entity":        field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, m(p).Entity) }),
		"article":       field(nn(t.article), func(p graphql.ResolveParams) (any, error) { return s.articleOf(p, m(p).Article) }),
	})
}

func (s *Schema) entityFields(t *types) {
	e := func(p graphql.ResolveParams) *graph.Entity { return p.Source.(*graph.Entity) }
	addFields(t.entity, graphql.Fields{
		"id":   field(nn(graphql.ID), func(p graphql.ResolveParams) (any, error) { return str(entityGID(e(p).ID)) }),
		"name": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&e(p).Name) }),
		"type": field(nn(t.entityType), func(p graphql.ResolveParams) (any, error) { return e(p).Kind, nil }),
		"aliases": field(nn(list(nn(graphql.String))), func(p graphql.ResolveParams) (any, error) {
			if e(p).Aliases == nil {
				return []string{}, nil
			}
			return e(p).Aliases, nil
		}),
		"value": field(graphql.Float, func(p graphql.ResolveParams) (any, error) {
			if v := e(p).Value; v != nil {
				return *v, nil
			}
			return nil, nil
		}),
		"unit":         field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&e(p).Unit) }),
		"iso":          field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&e(p).ISO) }),
		"mentionCount": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&e(p).MentionCount) }),
		"articleCount": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&e(p).ArticleCount) }),
		"merges": field(nn(list(nn(t.merge))), func(p graphql.ResolveParams) (any, error) {
			if e(p).Merges == nil {
				return []any{}, nil
			}
			if selects(p, nil, "article") {
				ids := make([]graph.ArticleID, len(e(p).Merges))
				for i, m := range e(p).Merges {
					ids[i] = m.Article
				}
				s.preload(p.Context, nil, ids)
			}
			return ptrs(e(p).Merges), nil
		}),
		"mentions": connField(s, t.mentionConn, nil, "entity mentions", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Mention], error) {
			l, err := s.store.EntityMentions(p.Context, e(p).ID, pg)
			if err == nil {
				s.preloadMentions(p, l.Items, nodePath)
			}
			return l, err
		}),
		"articles": connField(s, t.articleConn, nil, "entity articles", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Article], error) {
			l, err := s.store.EntityArticles(p.Context, e(p).ID, pg)
			for i := range l.Items {
				s.rememberArticle(p.Context, &l.Items[i])
			}
			return l, err
		}),
		"relations": connField(s, t.relationConn, graphql.FieldConfigArgument{"types": {Type: list(nn(t.relationType))}}, "entity relations",
			func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Relation], error) {
				l, err := s.store.EntityRelations(p.Context, e(p).ID, relTypes(p.Args["types"]), pg)
				if err == nil {
					s.preloadRelations(p, l.Items, nodePath)
				}
				return l, err
			}),
		"neighbors": {
			Type: nn(list(nn(t.neighbor))),
			Args: graphql.FieldConfigArgument{
				"depth": {Type: graphql.Int, DefaultValue: 1},
				"types": {Type: list(nn(t.entityType))},
				"first": {Type: graphql.Int, DefaultValue: 25},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				depth, ok := p.Args["depth"].(int)
				if !ok { // explicitly null
					depth = 1
				}
				if depth < 1 || depth > maxNeighborDepth {
					return nil, badInput("depth must be between 1 and %d, got %d", maxNeighborDepth, depth)
				}
				first, ok := p.Args["first"].(int)
				if !ok {
					first = 25
				}
				if first < 0 || first > maxFirst {
					return nil, badInput("first must be between 0 and %d, got %d", maxFirst, first)
				}
				if first == 0 {
					return []any{}, nil
				}
				var kinds []graph.Kind
				if ks, ok := p.Args["types"].([]any); ok {
					for _, k := range ks {
						if k, ok := k.(graph.Kind); ok {
							kinds = append(kinds, k)
						}
					}
				}
				ns, err := s.store.Neighbors(p.Context, e(p).ID, depth, kinds, first)
				if err != nil {
					return nil, s.clientErr(p.Context, "neighbors", err)
				}
				var ids []graph.EntityID
				wantE, wantVia := selects(p, nil, "entity"), selects(p, nil, "via")
				for _, nb := range ns {
					if wantE {
						ids = append(ids, nb.Entity)
					}
					if wantVia {
						ids = append(ids, nb.Via)
					}
				}
				s.preload(p.Context, ids, nil)
				return ptrs(ns), nil
			},
		},
	})
}

// Traversal bounds.
const (
	maxNeighborDepth = 3
	defaultPathDepth = 3
	maxPathDepth     = 4
	maxPaths         = 10
)

func relTypes(v any) []graph.RelType {
	ts, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]graph.RelType, 0, len(ts))
	for _, t := range ts {
		if t, ok := t.(graph.RelType); ok {
			out = append(out, t)
		}
	}
	return out
}

func (s *Schema) relationFields(t *types) {
	r := func(p graphql.ResolveParams) *graph.Relation { return p.Source.(*graph.Relation) }
	addFields(t.relation, graphql.Fields{
		"type":   field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return str(r(p).Type.String()) }),
		"label":  field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&r(p).Label) }),
		"source": field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, r(p).Source) }),
		"target": field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, r(p).Target) }),
		"evidence": field(nn(list(nn(t.evidence))), func(p graphql.ResolveParams) (any, error) {
			return ptrs(r(p).Evidence), nil
		}),
		"sentenceCount": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&r(p).Sentences) }),
		"articleCount":  field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&r(p).Articles) }),
		"outletCount":   field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&r(p).Outlets) }),
	})
	ev := func(p graphql.ResolveParams) *graph.Evidence { return p.Source.(*graph.Evidence) }
	addFields(t.evidence, graphql.Fields{
		"article":       field(nn(t.article), func(p graphql.ResolveParams) (any, error) { return s.articleOf(p, ev(p).Article) }),
		"sentence":      field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return s.sliceOf(p, ev(p).Article, ev(p).Sentence) }),
		"start":         field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&ev(p).Span.Start) }),
		"end":           field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&ev(p).Span.End) }),
		"text":          field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return s.sliceOf(p, ev(p).Article, ev(p).Span) }),
		"sentenceStart": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&ev(p).Sentence.Start) }),
		"sentenceEnd":   field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&ev(p).Sentence.End) }),
	})
}

func (s *Schema) otherFields(t *types) {
	mg := func(p graphql.ResolveParams) *graph.Merge { return p.Source.(*graph.Merge) }
	addFields(t.merge, graphql.Fields{
		"article": field(nn(t.article), func(p graphql.ResolveParams) (any, error) { return s.articleOf(p, mg(p).Article) }),
		"name":    field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&mg(p).Name) }),
		"key":     field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&mg(p).Key) }),
	})
	nb := func(p graphql.ResolveParams) *graph.Neighbor { return p.Source.(*graph.Neighbor) }
	addFields(t.neighbor, graphql.Fields{
		"entity":        field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, nb(p).Entity) }),
		"depth":         field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&nb(p).Depth) }),
		"via":           field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, nb(p).Via) }),
		"sentenceCount": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&nb(p).Sentences) }),
		"articleCount":  field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return intField(&nb(p).Articles) }),
		"types": field(nn(list(nn(t.relationType))), func(p graphql.ResolveParams) (any, error) {
			if nb(p).Types == nil {
				return []graph.RelType{}, nil
			}
			return nb(p).Types, nil
		}),
	})
	addFields(t.path, graphql.Fields{
		"hops": field(nn(list(nn(t.hop))), func(p graphql.ResolveParams) (any, error) {
			return ptrs(p.Source.(path).hops), nil
		}),
	})
	hop := func(p graphql.ResolveParams) *graph.Hop { return p.Source.(*graph.Hop) }
	addFields(t.hop, graphql.Fields{
		"from":     field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, hop(p).From) }),
		"to":       field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, hop(p).To) }),
		"relation": field(nn(t.relation), func(p graphql.ResolveParams) (any, error) { return &hop(p).Relation, nil }),
	})
	m := func(p graphql.ResolveParams) *graph.Mention { return p.Source.(*graph.Mention) }
	addFields(t.numberMention, graphql.Fields{
		"entity":  field(nn(t.entity), func(p graphql.ResolveParams) (any, error) { return s.entityOf(p, m(p).Entity) }),
		"mention": field(nn(t.mention), func(p graphql.ResolveParams) (any, error) { return m(p), nil }),
		"value": field(nn(graphql.Float), func(p graphql.ResolveParams) (any, error) {
			e, err := s.entityOf(p, m(p).Entity)
			if err != nil {
				return nil, err
			}
			if v := e.(*graph.Entity).Value; v != nil {
				return *v, nil
			}
			return nil, clientError{codeInternal, fmt.Sprintf("number entity %s has no value", entityGID(m(p).Entity))}
		}),
		"unit": field(graphql.String, func(p graphql.ResolveParams) (any, error) {
			e, err := s.entityOf(p, m(p).Entity)
			if err != nil {
				return nil, err
			}
			return nullableField(&e.(*graph.Entity).Unit)
		}),
		"qualifier": field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullableField(&m(p).Qualifier) }),
		"cooccurring": field(nn(list(nn(t.entity))), func(p graphql.ResolveParams) (any, error) {
			ids, err := s.store.SentenceEntities(p.Context, m(p).Article, m(p).Sentence)
			if err != nil {
				return nil, s.clientErr(p.Context, "sentence entities", err)
			}
			out := []*graph.Entity{}
			for _, id := range ids {
				if id == m(p).Entity {
					continue
				}
				e, err := s.entity(p.Context, id)
				if errors.Is(err, graph.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, s.clientErr(p.Context, "entity", err)
				}
				if e.Kind == graph.KindPerson || e.Kind == graph.KindOrg || e.Kind == graph.KindPlace {
					out = append(out, e)
				}
			}
			return out, nil
		}),
	})
	st := func(p graphql.ResolveParams) graph.Stats { return p.Source.(graph.Stats) }
	addFields(t.stats, graphql.Fields{
		"articles":  field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return st(p).Articles, nil }),
		"entities":  field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return st(p).Entities, nil }),
		"mentions":  field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return st(p).Mentions, nil }),
		"relations": field(nn(graphql.Int), func(p graphql.ResolveParams) (any, error) { return st(p).Relations, nil }),
	})
	ir := func(p graphql.ResolveParams) IngestResult { return p.Source.(IngestResult) }
	addFields(t.ingest, graphql.Fields{
		"externalId": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return ir(p).ExternalID, nil }),
		"status":     field(nn(t.ingestStatus), func(p graphql.ResolveParams) (any, error) { return ir(p).Status, nil }),
		"reason":     field(graphql.String, func(p graphql.ResolveParams) (any, error) { return nullable(ir(p).Reason), nil }),
		"article": field(t.article, func(p graphql.ResolveParams) (any, error) {
			if ir(p).Article == 0 {
				return nil, nil
			}
			return s.articleOf(p, ir(p).Article)
		}),
	})
	t.articleInput = graphql.NewInputObject(graphql.InputObjectConfig{Name: "ArticleInput", Fields: graphql.InputObjectConfigFieldMap{
		"externalId": {Type: nn(graphql.String)},
		"text":       {Type: nn(graphql.String)},
		"url":        {Type: graphql.String},
		"title":      {Type: graphql.String},
		"outlet":     {Type: graphql.String},
		"published":  {Type: graphql.String},
	}})
}

// conflictsField is Query.conflicts(entity: ID!): [Conflict!]!, served
// only when the store detects conflicts.
func (s *Schema) conflictsField(t *types, cs ConflictStore) *graphql.Field {
	c := func(p graphql.ResolveParams) *graph.Conflict { return p.Source.(*graph.Conflict) }
	conflict := graphql.NewObject(graphql.ObjectConfig{Name: "Conflict", Fields: graphql.Fields{
		"kind":        field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&c(p).Kind) }),
		"description": field(nn(graphql.String), func(p graphql.ResolveParams) (any, error) { return strField(&c(p).Description) }),
		"a":           field(nn(t.evidence), func(p graphql.ResolveParams) (any, error) { return &c(p).A, nil }),
		"b":           field(nn(t.evidence), func(p graphql.ResolveParams) (any, error) { return &c(p).B, nil }),
	}})
	return &graphql.Field{
		Type: nn(list(nn(conflict))),
		Args: graphql.FieldConfigArgument{"entity": {Type: nn(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			gid, _ := p.Args["entity"].(string)
			id, err := parseEntityGID(gid)
			if err != nil {
				return nil, err
			}
			cs, err := cs.Conflicts(p.Context, id)
			if errors.Is(err, graph.ErrNotFound) {
				return []graph.Conflict{}, nil
			}
			if err != nil {
				return nil, s.clientErr(p.Context, "conflicts", err)
			}
			return ptrs(cs), nil
		},
	}
}
