package ner_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/loader/ner"
)

func loadModel(tb testing.TB) *ner.Model {
	tb.Helper()
	m, err := ner.Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return m
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want []ner.Span
	}{
		{"empty", nil, nil},
		{"all O", []string{"O", "O"}, nil},
		{"one", []string{"B-PER", "I-PER", "O"}, []ner.Span{{0, 2, "PER"}}},
		{"adjacent", []string{"B-PER", "B-PER", "I-PER"}, []ner.Span{{0, 1, "PER"}, {1, 3, "PER"}}},
		{"type change", []string{"B-ORG", "I-LOC"}, []ner.Span{{0, 1, "ORG"}, {1, 2, "LOC"}}},
		{"I without B", []string{"O", "I-LOC", "I-LOC"}, []ner.Span{{1, 3, "LOC"}}},
		{"at end", []string{"O", "B-MISC"}, []ner.Span{{1, 2, "MISC"}}},
		{"junk", []string{"X-", "B-", "-PER", "I-ORG"}, []ner.Span{{3, 4, "ORG"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ner.Spans(tt.tags); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Spans(%q) = %v, want %v", tt.tags, got, tt.want)
			}
		})
	}
}

func TestIOB1ToBIO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"I-PER I-PER O I-LOC", "B-PER I-PER O B-LOC"},
		{"I-PER B-PER I-PER", "B-PER B-PER I-PER"},
		{"I-ORG I-LOC", "B-ORG B-LOC"},
		{"O I-MISC", "O B-MISC"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := strings.Join(ner.IOB1ToBIO(strings.Fields(tt.in)), " ")
			if got != tt.want {
				t.Errorf("IOB1ToBIO(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	m := loadModel(t)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	m2, err := ner.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	words := strings.Fields("Maria Lopez , a spokeswoman for the United Nations in Geneva , said on Monday .")
	if a, b := m.Tag(words), m2.Tag(words); !reflect.DeepEqual(a, b) {
		t.Errorf("tags differ after round trip: %v vs %v", a, b)
	}
	var again bytes.Buffer
	if err := m2.Encode(&again); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("re-encoding a decoded model changed the bytes")
	}
}

func TestDecodeBad(t *testing.T) {
	m := loadModel(t)
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	tests := []struct {
		name   string
		in     []byte
		format bool // want ErrFormat
	}{
		{"empty", nil, false},
		{"text", []byte("this is not a model at all, just some text"), true},
		{"truncated gzip", buf.Bytes()[:buf.Len()/2], false},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ner.Decode(bytes.NewReader(tt.in))
			if err == nil {
				t.Fatal("Decode succeeded")
			}
			if tt.format && !errors.Is(err, ner.ErrFormat) {
				t.Errorf("err = %v, want ErrFormat", err)
			}
		})
	}
}

// TestTag checks the embedded model on made-up sentences of the kind any
// English news article holds.
func TestTag(t *testing.T) {
	m := loadModel(t)
	tests := []struct {
		sentence string
		want     []string // "type:words" for every span
	}{
		{"John Smith met officials of Acme Corp in Paris .",
			[]string{"PER:John Smith", "ORG:Acme Corp", "LOC:Paris"}},
		{"The United Nations said on Tuesday that cases rose in Brazil and India .",
			[]string{"ORG:United Nations", "LOC:Brazil", "LOC:India"}},
		{"Apple Inc. reported record profits , chief executive Tim Cook said .",
			[]string{"ORG:Apple Inc.", "PER:Tim Cook"}},
		{"The European Union and NATO agreed to expand the mission .",
			[]string{"ORG:European Union", "ORG:NATO"}},
		{"Prime Minister Angela Merkel flew to Washington to meet President Barack Obama .",
			[]string{"PER:Angela Merkel", "LOC:Washington", "PER:Barack Obama"}},
		{"Shares of Microsoft fell 3 percent in New York trading .",
			[]string{"ORG:Microsoft", "LOC:New York"}},
		{"It rained all day and nobody went outside .", nil},
		{"Floods Kill Dozens In Southern Brazil As Rains Continue",
			[]string{"LOC:Brazil"}}, // a title-case headline
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			words := strings.Fields(tt.sentence)
			tags := m.Tag(words)
			var got []string
			for _, sp := range ner.Spans(tags) {
				got = append(got, sp.Type+":"+strings.Join(words[sp.Start:sp.End], " "))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spans = %q, want %q (tags %v)", got, tt.want, tags)
			}
		})
	}
}

func TestTagDocument(t *testing.T) {
	m := loadModel(t)
	doc := [][]string{
		strings.Fields("Acme Corp chief executive Jane Doerring said sales rose ."),
		strings.Fields("Doerring added that the company would hire more staff ."),
		{},
	}
	tags := m.TagDocument(doc, nil)
	if len(tags) != len(doc) {
		t.Fatalf("got %d sentences, want %d", len(tags), len(doc))
	}
	for i := range doc {
		if len(tags[i]) != len(doc[i]) {
			t.Errorf("sentence %d: %d tags for %d words", i, len(tags[i]), len(doc[i]))
		}
	}
	if got := tags[1][0]; got != "B-PER" {
		t.Errorf("short name in second sentence tagged %s, want B-PER (tags %v)", got, tags)
	}
}

func TestListGazetteer(t *testing.T) {
	g := ner.NewListGazetteer()
	for _, c := range []struct {
		name, typ string
		ok        bool
	}{
		{"New York", "LOC", true},
		{"New York Times", "ORG", true},
		{"York", "LOC", true},
		{"Nowhere", "PLANET", false},
		{"", "LOC", false},
	} {
		if got := g.Add(strings.Fields(c.name), c.typ); got != c.ok {
			t.Errorf("Add(%q, %s) = %v, want %v", c.name, c.typ, got, c.ok)
		}
	}
	words := strings.Fields("the new york times reported")
	tests := []struct {
		i    int
		want []string
	}{
		{0, nil},
		{1, []string{"B-LOC", "B-ORG"}},
		{2, []string{"I-LOC", "I-ORG", "B-LOC"}},
		{3, []string{"I-ORG"}},
		{4, nil},
		{9, nil},
		{-1, nil},
	}
	for _, tt := range tests {
		got := g.Lookup(words, tt.i)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%d) = %q, want %q", tt.i, got, tt.want)
		}
	}
	m := loadModel(t)
	if tags := m.TagWith(words, g); len(tags) != len(words) {
		t.Errorf("TagWith: %d tags for %d words", len(tags), len(words))
	}
}

// TestTagWithGazetteer checks that the model was trained to use gazetteer
// hits: listing a made-up name changes its type.
func TestTagWithGazetteer(t *testing.T) {
	m := loadModel(t)
	words := strings.Fields("Shares in Varnholt Quessel rose .")
	for _, typ := range []string{"ORG", "LOC", "PER", "MISC"} {
		g := ner.NewListGazetteer()
		g.Add([]string{"Varnholt", "Quessel"}, typ)
		tags := m.TagWith(words, g)
		if want := []string{"B-" + typ, "I-" + typ}; !reflect.DeepEqual(tags[2:4], want) {
			t.Errorf("listed as %s: tags %v", typ, tags)
		}
	}
}

func TestScores(t *testing.T) {
	s := ner.Scores{}
	s.Add(strings.Fields("B-PER I-PER O B-LOC O B-ORG"), strings.Fields("B-PER I-PER O B-ORG O B-ORG"))
	want := ner.Scores{"PER": {TP: 1}, "LOC": {FN: 1}, "ORG": {TP: 1, FP: 1}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("scores = %v, want %v", s, want)
	}
	if f := s.Sum("PER", "ORG", "LOC").F1(); f < 0.666 || f > 0.667 {
		t.Errorf("F1 = %v, want 2/3", f)
	}
}

// TestTrainer trains a tiny model and checks it learns its training data and
// survives the encoding.
func TestTrainer(t *testing.T) {
	docs := []ner.Document{{
		{Words: strings.Fields("Alice Walker visited Ruritania ."), Tags: strings.Fields("B-PER I-PER O B-LOC O")},
		{Words: strings.Fields("Walker works for Globex ."), Tags: strings.Fields("B-PER O O B-ORG O")},
	}, {
		{Words: strings.Fields("Globex opened an office in Ruritania ."), Tags: strings.Fields("B-ORG O O O O B-LOC O")},
	}}
	if _, err := ner.NewTrainer(docs, ner.TrainOptions{Bits: 0}); err == nil {
		t.Error("NewTrainer accepted 0 bits")
	}
	bad := []ner.Document{{{Words: []string{"a"}, Tags: []string{"B-FOO"}}}}
	if _, err := ner.NewTrainer(bad, ner.TrainOptions{Bits: 12}); err == nil {
		t.Error("NewTrainer accepted an unknown tag")
	}
	tr, err := ner.NewTrainer(docs, ner.TrainOptions{Bits: 14, Doc: true})
	if err != nil {
		t.Fatalf("NewTrainer: %v", err)
	}
	rng := newRand()
	for range 10 {
		tr.Epoch(rng)
	}
	var buf bytes.Buffer
	if err := tr.Model().Encode(&buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	m, err := ner.Decode(&buf)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if f := ner.Evaluate(m, docs, nil).Sum().F1(); f != 1 {
		t.Errorf("training F1 = %v, want 1", f)
	}
}

var tokenRE = regexp.MustCompile(`\p{L}[\p{L}\p{M}\d'’.-]*|\d[\d,.]*|[^\s\p{L}\d]`)

// seedSentences tokenizes the seed articles crudely, one line per sentence.
// TestAppendDocumentSpans checks that AppendDocumentSpans gives exactly the
// spans of TagDocument's tags, sentence by sentence, after dst's contents.
func TestAppendDocumentSpans(t *testing.T) {
	m := loadModel(t)
	sents, _ := seedSentences(t)
	g := ner.NewListGazetteer()
	g.Add([]string{"Paris"}, "LOC")
	prefix := ner.DocSpan{Sentence: -1, Span: ner.Span{Start: 7, End: 9, Type: "X"}}
	nspans := 0
	for start := 0; start < len(sents); start += 17 {
		doc := sents[start:min(start+17, len(sents))]
		for _, gaz := range []ner.Gazetteer{nil, g} {
			var want []ner.DocSpan
			for si, tags := range m.TagDocument(doc, gaz) {
				for _, sp := range ner.Spans(tags) {
					want = append(want, ner.DocSpan{Sentence: si, Span: sp})
				}
			}
			got := m.AppendDocumentSpans([]ner.DocSpan{prefix}, doc, gaz)
			if len(got) == 0 || got[0] != prefix {
				t.Fatalf("doc at %d: dst's contents lost: %v", start, got)
			}
			if !slices.Equal(got[1:], want) {
				t.Fatalf("doc at %d: spans\n%v\nwant\n%v", start, got[1:], want)
			}
			nspans += len(want)
		}
	}
	if nspans == 0 {
		t.Fatal("no spans in the seed documents")
	}
}

func seedSentences(tb testing.TB) ([][]string, int) {
	tb.Helper()
	files, err := filepath.Glob("../../data/*.txt")
	if err != nil || len(files) == 0 {
		tb.Skipf("no seed files: %v", err)
	}
	var out [][]string
	size := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		size += len(b)
		for _, line := range strings.Split(string(b), "\n") {
			if words := tokenRE.FindAllString(line, -1); len(words) > 0 {
				out = append(out, words)
			}
		}
	}
	return out, size
}

func BenchmarkTag(b *testing.B) {
	m := loadModel(b)
	sents, size := seedSentences(b)
	tokens := 0
	for _, s := range sents {
		tokens += len(s)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range sents {
			m.Tag(s)
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkTagDocument(b *testing.B) {
	m := loadModel(b)
	sents, size := seedSentences(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.TagDocument(sents, nil)
	}
}

func FuzzTag(f *testing.F) {
	for _, s := range []string{
		"John Smith met officials of Acme Corp in Paris .",
		"", "   ", "\xff\xfe", "ÉCOLE — Zürich 3,000 km ' \u00a0 x-Y",
		"A B C D E F G H I J K L M N O P Q R S T U V W X Y Z",
	} {
		f.Add(s, false)
	}
	m := loadModel(f)
	g := ner.NewListGazetteer()
	g.Add([]string{"Paris"}, "LOC")
	f.Fuzz(func(t *testing.T, s string, useGaz bool) {
		words := strings.Fields(s)
		if len(words) == 0 && len(s) > 0 {
			words = []string{s}
		}
		var gaz ner.Gazetteer
		if useGaz {
			gaz = g
		}
		tags := m.TagWith(words, gaz)
		if len(tags) != len(words) {
			t.Fatalf("%d tags for %d words", len(tags), len(words))
		}
		valid := map[string]bool{}
		for _, tg := range ner.Tags() {
			valid[tg] = true
		}
		for i, tg := range tags {
			if !valid[tg] {
				t.Fatalf("tag %d: %q is not a tag", i, tg)
			}
			if strings.HasPrefix(tg, "I-") && (i == 0 || tags[i-1][2:] != tg[2:]) {
				t.Fatalf("tag %d: %s does not continue a span: %v", i, tg, tags)
			}
		}
		for _, sp := range ner.Spans(tags) {
			if sp.Start < 0 || sp.End > len(words) || sp.Start >= sp.End {
				t.Fatalf("span %v out of range", sp)
			}
		}
	})
}

func BenchmarkTagBeam(b *testing.B) {
	sents, size := seedSentences(b)
	for _, width := range []int{1, 2, 4} {
		m := loadModel(b).WithBeam(width)
		b.Run(fmt.Sprint(width), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				m.TagDocument(sents, nil)
			}
		})
	}
}

// TestConcurrent tags from several goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	m := loadModel(t)
	words := strings.Fields("John Smith met officials of Acme Corp in Paris .")
	want := m.TagDocument([][]string{words, words}, nil)[1]
	done := make(chan []string)
	for range 4 {
		go func() {
			var last []string
			for range 50 {
				last = m.TagDocument([][]string{words, words}, nil)[1]
			}
			done <- last
		}()
	}
	for range 4 {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Errorf("concurrent tags %v, want %v", got, want)
		}
	}
}

// FuzzDecode checks that Decode never panics, whatever the bytes.
func FuzzDecode(f *testing.F) {
	docs := []ner.Document{{{Words: strings.Fields("Ann lives in Oslo ."), Tags: strings.Fields("B-PER O O B-LOC O")}}}
	lex := ner.NewLexicon()
	lex.Add([]string{"Oslo"}, ner.LexPlace)
	tr, err := ner.NewTrainer(docs, ner.TrainOptions{Bits: 6, Doc: true, History: true, Lexicon: lex, Beam: 2})
	if err != nil {
		f.Fatal(err)
	}
	tr.Epoch(newRand())
	var buf bytes.Buffer
	if err := tr.Model().Encode(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		f.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw) // Decode also takes the stream uncompressed
	f.Add([]byte("NERP"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ner.Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		words := strings.Fields("Ann flew to Oslo .")
		if tags := m.Tag(words); len(tags) != len(words) {
			t.Fatalf("%d tags for %d words", len(tags), len(words))
		}
	})
}
