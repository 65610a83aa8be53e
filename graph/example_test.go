package graph_test

import (
	"context"
	"fmt"
	"log"

	"github.com/newsgraph/newsgraph/graph"
)

// Two articles name the same person differently; the loader gives both a
// shared resolution key, so the store keeps one node.
func ExampleStore() {
	ctx := context.Background()
	s, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	docs := []graph.Doc{{
		Article:   graph.Article{ExternalID: "a1", Text: "Ilse Brennick opened the Marlow plant."},
		Sentences: []graph.Span{{Start: 0, End: 38}},
		Entities: []graph.LocalEntity{
			{Kind: graph.KindPerson, Name: "Ilse Brennick", Keys: []string{"person:ilse brennick", "person:brennick"}},
			{Kind: graph.KindPlace, Name: "Marlow", Keys: []string{"place:marlow"}},
		},
		Mentions: []graph.LocalMention{
			{Entity: 0, Span: graph.Span{Start: 0, End: 13}, Text: "Ilse Brennick"},
			{Entity: 1, Span: graph.Span{Start: 25, End: 31}, Text: "Marlow"},
		},
		Relations: []graph.LocalRelation{{Type: graph.RelCoMentioned, Source: 0, Target: 1, Span: graph.Span{Start: 0, End: 38}}},
	}, {
		Article:   graph.Article{ExternalID: "a2", Text: "Brennick said the plant will hire 300 workers."},
		Sentences: []graph.Span{{Start: 0, End: 46}},
		Entities:  []graph.LocalEntity{{Kind: graph.KindPerson, Name: "Brennick", Keys: []string{"person:brennick"}}},
		Mentions:  []graph.LocalMention{{Entity: 0, Span: graph.Span{Start: 0, End: 8}, Text: "Brennick"}},
	}}
	for _, d := range docs {
		res, err := s.AddDoc(ctx, d)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.Article.ExternalID, res.Status)
	}

	found, err := s.Entities(ctx, graph.EntityFilter{Search: "brenik"}, graph.Page{First: 5})
	if err != nil {
		log.Fatal(err)
	}
	e, err := s.Entity(ctx, found.Items[0].ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s: %d mentions in %d articles, merged by %q\n", e.Kind, e.Name, e.MentionCount, e.ArticleCount, e.Merges[0].Key)

	nb, err := s.Neighbors(ctx, e.ID, 1, nil, 10)
	if err != nil {
		log.Fatal(err)
	}
	place, err := s.Entity(ctx, nb[0].Entity)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("neighbour:", place.Name, nb[0].Types)

	st, err := s.Stats(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", st)
	// Output:
	// a1 created
	// a2 created
	// PERSON Ilse Brennick: 2 mentions in 2 articles, merged by "person:brennick"
	// neighbour: Marlow [CO_MENTIONED]
	// {Articles:2 Entities:2 Mentions:3 Relations:1}
}
