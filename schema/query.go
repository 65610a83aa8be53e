package schema

import (
	"errors"
	"fmt"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/newsgraph/newsgraph/graph"
)

func (s *Schema) queryFields(t *types) graphql.Fields {
	return graphql.Fields{
		"article": {
			Type: t.article,
			Args: graphql.FieldConfigArgument{
				"id":         {Type: graphql.ID},
				"externalId": {Type: graphql.String},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				var (
					a   *graph.Article
					err error
				)
				if gid, ok := p.Args["id"].(string); ok {
					id, perr := parseArticleGID(gid)
					if perr != nil {
						return nil, perr
					}
					a, err = s.article(p.Context, id)
				} else if ext, ok := p.Args["externalId"].(string); ok {
					a, err = ptr(s.store.ArticleByExternalID(p.Context, ext))
				} else {
					return nil, badInput("article needs an id or an externalId")
				}
				if errors.Is(err, graph.ErrNotFound) {
					return nil, nil
				}
				if err != nil {
					return nil, s.clientErr(p.Context, "article", err)
				}
				s.rememberArticle(p.Context, a)
				return a, nil
			},
		},
		"articles": connField(s, t.articleConn, graphql.FieldConfigArgument{
			"outlet":          {Type: graphql.String},
			"publishedAfter":  {Type: graphql.String},
			"publishedBefore": {Type: graphql.String},
			"search":          {Type: graphql.String},
		}, "articles", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Article], error) {
			var f graph.ArticleFilter
			f.Outlet, _ = p.Args["outlet"].(string)
			f.Search, _ = p.Args["search"].(string)
			for arg, dst := range map[string]*time.Time{"publishedAfter": &f.PublishedAfter, "publishedBefore": &f.PublishedBefore} {
				if v, ok := p.Args[arg].(string); ok {
					tm, err := parseTime(v)
					if err != nil {
						return graph.List[graph.Article]{}, badInput("%s: %v", arg, err)
					}
					*dst = tm
				}
			}
			l, err := s.store.Articles(p.Context, f, pg)
			for i := range l.Items {
				s.rememberArticle(p.Context, &l.Items[i])
			}
			return l, err
		}),
		"entity": {
			Type: t.entity,
			Args: graphql.FieldConfigArgument{"id": {Type: nn(graphql.ID)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				gid, _ := p.Args["id"].(string)
				id, err := parseEntityGID(gid)
				if err != nil {
					return nil, err
				}
				e, err := s.entity(p.Context, id)
				if errors.Is(err, graph.ErrNotFound) {
					return nil, nil
				}
				if err != nil {
					return nil, s.clientErr(p.Context, "entity", err)
				}
				return e, nil
			},
		},
		"entities": connField(s, t.entityConn, graphql.FieldConfigArgument{
			"type":   {Type: t.entityType},
			"search": {Type: graphql.String},
		}, "entities", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Entity], error) {
			var f graph.EntityFilter
			f.Kind, _ = p.Args["type"].(graph.Kind)
			f.Search, _ = p.Args["search"].(string)
			l, err := s.store.Entities(p.Context, f, pg)
			for i := range l.Items {
				s.rememberEntity(p.Context, &l.Items[i])
			}
			return l, err
		}),
		"relations": connField(s, t.relationConn, graphql.FieldConfigArgument{"type": {Type: t.relationType}}, "relations",
			func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Relation], error) {
				rt, _ := p.Args["type"].(graph.RelType)
				l, err := s.store.Relations(p.Context, rt, pg)
				if err == nil {
					s.preloadRelations(p, l.Items, nodePath)
				}
				return l, err
			}),
		"numbers": connField(s, t.numberConn, graphql.FieldConfigArgument{
			"unit": {Type: graphql.String},
			"min":  {Type: graphql.Float},
			"max":  {Type: graphql.Float},
		}, "numbers", func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Mention], error) {
			var f graph.NumberFilter
			f.Unit, _ = p.Args["unit"].(string)
			if v, ok := p.Args["min"].(float64); ok {
				f.Min = &v
			}
			if v, ok := p.Args["max"].(float64); ok {
				f.Max = &v
			}
			if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
				return graph.List[graph.Mention]{}, badInput("min %g is above max %g", *f.Min, *f.Max)
			}
			l, err := s.store.Numbers(p.Context, f, pg)
			if err == nil {
				s.preloadMentions(p, l.Items, nodePath, "value", "unit")
				s.preloadMentions(p, l.Items, []string{"edges", "node", "mention"})
			}
			return l, err
		}),
		"path": {
			Type: nn(list(nn(t.path))),
			Args: graphql.FieldConfigArgument{
				"from":     {Type: nn(graphql.ID)},
				"to":       {Type: nn(graphql.ID)},
				"maxDepth": {Type: graphql.Int},
			},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				fromGID, _ := p.Args["from"].(string)
				toGID, _ := p.Args["to"].(string)
				from, err := parseEntityGID(fromGID)
				if err != nil {
					return nil, err
				}
				to, err := parseEntityGID(toGID)
				if err != nil {
					return nil, err
				}
				depth := defaultPathDepth
				if v, ok := p.Args["maxDepth"].(int); ok {
					depth = v
				}
				if depth < 1 || depth > maxPathDepth {
					return nil, badInput("maxDepth must be between 1 and %d, got %d", maxPathDepth, depth)
				}
				hs, err := s.store.Paths(p.Context, from, to, depth, maxPaths)
				if errors.Is(err, graph.ErrNotFound) {
					return []path{}, nil
				}
				if err != nil {
					return nil, s.clientErr(p.Context, "path", err)
				}
				out := make([]path, len(hs))
				var rels []graph.Relation
				var ends []graph.EntityID
				wantEnds := selects(p, []string{"hops"}, "from", "to")
				for i, h := range hs {
					out[i] = path{hops: h}
					for _, hop := range h {
						rels = append(rels, hop.Relation)
						if wantEnds {
							ends = append(ends, hop.From, hop.To)
						}
					}
				}
				s.preload(p.Context, ends, nil)
				s.preloadRelations(p, rels, []string{"hops", "relation"})
				return out, nil
			},
		},
		"claims": connField(s, t.relationConn, graphql.FieldConfigArgument{"entity": {Type: nn(graphql.ID)}}, "claims",
			func(p graphql.ResolveParams, pg graph.Page) (graph.List[graph.Relation], error) {
				gid, _ := p.Args["entity"].(string)
				id, err := parseEntityGID(gid)
				if err != nil {
					return graph.List[graph.Relation]{}, err
				}
				l, err := s.store.Claims(p.Context, id, pg)
				if errors.Is(err, graph.ErrNotFound) {
					return graph.List[graph.Relation]{}, nil
				}
				if err == nil {
					s.preloadRelations(p, l.Items, nodePath)
				}
				return l, err
			}),
		"stats": {
			Type: nn(t.stats),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				st, err := s.store.Stats(p.Context)
				if err != nil {
					return nil, s.clientErr(p.Context, "stats", err)
				}
				return st, nil
			},
		},
	}
}

func (s *Schema) mutationFields(t *types) graphql.Fields {
	return graphql.Fields{
		"ingestArticles": {
			Type: nn(list(nn(t.ingest))),
			Args: graphql.FieldConfigArgument{
				"articles": {Type: nn(list(nn(t.articleInput)))},
			},
			Resolve: s.resolveIngest,
		},
	}
}

// resolveIngest checks the write token, converts the inputs, rejects the
// malformed ones and hands the rest to the ingest func.
func (s *Schema) resolveIngest(p graphql.ResolveParams) (any, error) {
	if s.ingest == nil {
		return nil, clientError{codeForbidden, "this server does not accept writes (start it with --token or NEWSGRAPH_TOKEN)"}
	}
	if !state(p.Context).authorized {
		return nil, clientError{codeUnauthorized, "ingestArticles needs the server's write token as \"Authorization: Bearer TOKEN\""}
	}
	in, _ := p.Args["articles"].([]any)
	if len(in) > s.limits.MaxIngest {
		return nil, badInput("at most %d articles per call, got %d", s.limits.MaxIngest, len(in))
	}
	results := make([]IngestResult, len(in))
	var (
		todo []graph.Article
		idx  []int // idx[i] is the position of todo[i] in results
	)
	for i, v := range in {
		m, _ := v.(map[string]any)
		a := graph.Article{}
		a.ExternalID, _ = m["externalId"].(string)
		a.Text, _ = m["text"].(string)
		a.URL, _ = m["url"].(string)
		a.Title, _ = m["title"].(string)
		a.Outlet, _ = m["outlet"].(string)
		results[i].ExternalID = a.ExternalID
		if pub, ok := m["published"].(string); ok && pub != "" {
			tm, err := parseTime(pub)
			if err != nil {
				results[i].Reason = fmt.Sprintf("published: %v", err)
				continue
			}
			a.Published = tm
		}
		todo = append(todo, a)
		idx = append(idx, i)
	}
	if len(todo) > 0 {
		out, err := s.ingest(p.Context, todo)
		if err != nil {
			return nil, s.clientErr(p.Context, "ingest", err)
		}
		if len(out) != len(todo) {
			return nil, s.clientErr(p.Context, "ingest", fmt.Errorf("ingest returned %d results for %d articles", len(out), len(todo)))
		}
		for i, r := range out {
			results[idx[i]] = r
		}
	}
	return results, nil
}
