package graph_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

var syllables = []string{"ka", "lo", "ven", "mar", "tis", "ru", "bel", "dor", "sha", "mi", "no", "ter", "val", "gri", "os", "len", "chu", "pa", "zek", "ra"}

// synthName makes a deterministic two-word name for pool index i.
func synthName(i int) string {
	word := func(n int) string {
		var b strings.Builder
		for j := 0; j < 3; j++ {
			b.WriteString(syllables[n%len(syllables)])
			n /= len(syllables)
		}
		w := b.String()
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return word(i) + " " + word(i*7+3)
}

// synthDocs makes n distinct articles of about 3 KB: 30 sentences, each
// naming three entities drawn (Zipf) from a pool, with CO_MENTIONED links
// between them and a typed relation in every third sentence.
func synthDocs(n, pool int) []graph.Doc {
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.1, 2, uint64(pool-1))
	kinds := []graph.Kind{graph.KindPerson, graph.KindOrg, graph.KindPlace}
	docs := make([]graph.Doc, n)
	for i := range docs {
		var text strings.Builder
		runes := 0
		d := graph.Doc{Article: graph.Article{ExternalID: fmt.Sprintf("synth-%d", i), URL: fmt.Sprintf("https://outlet%d.example/%d", i%7, i)}}
		local := map[int]int{}
		for s := 0; s < 30; s++ {
			start := runes
			var ents []int
			for k := 0; k < 3; k++ {
				id := int(z.Uint64())
				li, ok := local[id]
				if !ok {
					name := synthName(id)
					li = len(d.Entities)
					local[id] = li
					d.Entities = append(d.Entities, graph.LocalEntity{Kind: kinds[id%3], Name: name, Aliases: []string{name},
						Keys: []string{"k:" + strings.ToLower(name), "s:" + strings.ToLower(strings.Fields(name)[1])}})
				}
				name := d.Entities[li].Name
				text.WriteString(name)
				d.Mentions = append(d.Mentions, graph.LocalMention{Entity: li, Span: graph.Span{Start: runes, End: runes + len(name)}, Text: name, Sentence: s})
				runes += len(name)
				filler := fmt.Sprintf(" met officials on day %d of the talks and then ", r.IntN(1000))
				text.WriteString(filler)
				runes += len(filler)
				ents = append(ents, li)
			}
			text.WriteString("left.\n")
			runes += 6
			sent := graph.Span{Start: start, End: runes}
			d.Sentences = append(d.Sentences, sent)
			for a := 0; a < len(ents); a++ {
				for b := a + 1; b < len(ents); b++ {
					if ents[a] != ents[b] {
						d.Relations = append(d.Relations, graph.LocalRelation{Type: graph.RelCoMentioned, Source: ents[a], Target: ents[b], Sentence: s, Span: sent})
					}
				}
			}
			if s%3 == 0 && ents[0] != ents[1] {
				d.Relations = append(d.Relations, graph.LocalRelation{Type: graph.RelAction, Label: "met", Source: ents[0], Target: ents[1], Sentence: s, Span: sent})
			}
		}
		d.Article.Text = text.String()
		docs[i] = d
	}
	return docs
}

func textBytes(docs []graph.Doc) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Article.Text))
	}
	return n
}

func BenchmarkAddDoc(b *testing.B) {
	for _, disk := range []bool{false, true} {
		name := "memory"
		if disk {
			name = "disk"
		}
		b.Run(name, func(b *testing.B) {
			docs := synthDocs(b.N, 20000)
			var s *graph.Store
			var err error
			if disk {
				s, err = graph.Open(b.TempDir(), graph.Options{})
			} else {
				s, err = graph.Open("", graph.Options{InMemory: true})
			}
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			b.SetBytes(textBytes(docs) / int64(len(docs)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.AddDoc(ctx, docs[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddDocsBulk stores b.N synthetic articles as newsgraph load
// does: a BulkLoad store on disk, 64 articles to an AddDocs call, and the
// closing checkpoint timed. Run it with a fixed count (-benchtime 20000x):
// the cost per article grows with the graph.
func BenchmarkAddDocsBulk(b *testing.B) {
	docs := synthDocs(b.N, 20000)
	s, err := graph.Open(b.TempDir(), graph.Options{BulkLoad: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(textBytes(docs) / int64(len(docs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < len(docs); i += 64 {
		_, errs := s.AddDocs(ctx, docs[i:min(i+64, len(docs))])
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// loaded returns a store holding n synthetic articles.
func loaded(b *testing.B, n int) *graph.Store {
	b.Helper()
	s := openStore(b)
	ctx := context.Background()
	for _, d := range synthDocs(n, 20000) {
		if _, err := s.AddDoc(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkEntityLookup(b *testing.B) {
	s := loaded(b, 1000)
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Entity(ctx, graph.EntityID(i%st.Entities+1)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s := loaded(b, 1000)
	ctx := context.Background()
	queries := []string{"kalo", "Marven Tisru", "belldor", "sha", "ventis ruka", "gritera"}
	for i := 0; i < 20; i++ {
		n := strings.ToLower(synthName(i * 13))
		queries = append(queries, n, n[:4], strings.Replace(n, "a", "e", 1))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Entities(ctx, graph.EntityFilter{Search: queries[i%len(queries)]}, graph.Page{First: 20}); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkNeighbors(b *testing.B) {
	s := loaded(b, 1000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Neighbors(ctx, graph.EntityID(i%50+1), 2, nil, 50); err != nil {
			b.Fatal(err)
		}
	}
}
