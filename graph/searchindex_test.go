package graph

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCloseStopsSearchIndexBuild checks that Close stops the search index
// build that Open starts in the background instead of waiting for it to
// read every entity.
func TestCloseStopsSearchIndexBuild(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	addAll(t, s, uniqueDocs(20, 30, 3, ""), 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The build blocks at its first entity until it is stopped, or for
	// 5 s, which only a Close that does not stop it waits out.
	started, stopped := make(chan struct{}), make(chan error, 1)
	var once sync.Once
	searchIndexEntityHook = func(ctx context.Context) {
		once.Do(func() {
			close(started)
			select {
			case <-ctx.Done():
				stopped <- ctx.Err()
			case <-time.After(5 * time.Second):
				stopped <- errors.New("the build was not stopped")
			}
		})
	}
	t.Cleanup(func() { searchIndexEntityHook = nil })
	s = openAt(t, dir)
	<-started
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Fatalf("search index build at Close: %v", err)
	}
}

// TestSearchIndexMatchesStore checks that the search index kept current by
// the writes (words and phrases added and removed as articles are added
// and replaced) equals the one built from the stored entities, with
// their mention counts.
func TestSearchIndexMatchesStore(t *testing.T) {
	s := openAt(t, t.TempDir())
	defer s.Close()
	live, err := s.searchIdx(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	addAll(t, s, genDocs(400, 60, 9), 7)
	// An article whose entities only it mentions, then replaced by one
	// that mentions others: its entities are deleted, with their words.
	solo, other := genDocs(1, 3000, 21)[0], genDocs(1, 60, 22)[0]
	solo.Article.ExternalID, other.Article.ExternalID = "solo", "solo"
	addAll(t, s, []Doc{solo}, 1)
	res, errs := s.AddDocs(t.Context(), []Doc{other})
	if errs[0] != nil || res[0].Status != StatusReplaced {
		t.Fatalf("replacing the article: %v, %v", res[0].Status, errs[0])
	}
	built, err := loadSearchIndex(t.Context(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(built.mentions) == 0 || len(built.postings) == 0 || len(built.phrases) == 0 {
		t.Fatalf("nothing indexed: %d entities, %d words, %d phrases", len(built.mentions), len(built.postings), len(built.phrases))
	}
	for id, n := range built.mentions {
		e, err := s.Entity(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if n != e.MentionCount || n == 0 {
			t.Fatalf("entity %d: %d mentions in the built index, %d stored", id, n, e.MentionCount)
		}
	}
	if !reflect.DeepEqual(live.mentions, built.mentions) {
		t.Fatalf("mention counts: kept current %v, built %v", live.mentions, built.mentions)
	}
	if !reflect.DeepEqual(live.postings, built.postings) {
		t.Fatalf("word postings: kept current %v, built %v", live.postings, built.postings)
	}
	if !reflect.DeepEqual(live.phrases, built.phrases) {
		t.Fatalf("phrases: kept current %v, built %v", live.phrases, built.phrases)
	}
	if !reflect.DeepEqual(live.buckets, built.buckets) {
		t.Fatalf("word buckets: kept current %v, built %v", live.buckets, built.buckets)
	}
}

// sharedWordDocs makes n articles, each naming perDoc organizations of
// their own whose names all end in one word, as units and words such as
// "Group" or "Ministry" are shared by many entities in a large graph.
func sharedWordDocs(n, perDoc int) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		var text strings.Builder
		d := Doc{Article: Article{ExternalID: fmt.Sprintf("shared-%d", i)}}
		runes := 0
		for j := range perDoc {
			name := fmt.Sprintf("Org%d Group", i*perDoc+j)
			d.Entities = append(d.Entities, LocalEntity{Kind: KindOrg, Name: name, Aliases: []string{name}, Keys: []string{"org:" + strings.ToLower(name)}})
			d.Mentions = append(d.Mentions, LocalMention{Entity: j, Span: Span{Start: runes, End: runes + len(name)}, Text: name, Sentence: j})
			text.WriteString(name + " grew.\n")
			d.Sentences = append(d.Sentences, Span{Start: runes, End: runes + len(name) + 7})
			runes += len(name) + 7
		}
		d.Article.Text = text.String()
		docs[i] = d
	}
	return docs
}

// BenchmarkLoadSearchIndex builds the search index of 20,000 entities
// that share one word.
func BenchmarkLoadSearchIndex(b *testing.B) {
	s, err := Open("", Options{InMemory: true, BulkLoad: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	docs := sharedWordDocs(2000, 10)
	for i := 0; i < len(docs); i += 100 {
		if _, errs := s.AddDocs(b.Context(), docs[i:i+100]); errors.Join(errs...) != nil {
			b.Fatal(errors.Join(errs...))
		}
	}
	if err := s.Checkpoint(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		x, err := loadSearchIndex(b.Context(), s.db)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(x.postings["group"]); n != 20000 {
			b.Fatalf("%d entities hold the shared word, want 20000", n)
		}
	}
}
