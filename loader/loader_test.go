package loader

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

// fakeSink is an in-memory Sink that checks the loader's contract: one
// AddDoc at a time, every Doc's article hashed.
type fakeSink struct {
	mu      sync.Mutex
	byHash  map[string]graph.ArticleID
	byExt   map[string]string // external ID -> hash
	order   []string          // external IDs in write order
	writing bool
	invalid string // AddDoc rejects this external ID with graph.ErrInvalid
	failAt  int    // AddDoc fails with a fatal error on this call (1-based); 0: never
	calls   int
}

func newFakeSink() *fakeSink {
	return &fakeSink{byHash: map[string]graph.ArticleID{}, byExt: map[string]string{}}
}

func (s *fakeSink) AddDoc(ctx context.Context, d graph.Doc) (graph.AddResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writing {
		return graph.AddResult{}, errors.New("concurrent AddDoc")
	}
	s.calls++
	if s.failAt > 0 && s.calls == s.failAt {
		return graph.AddResult{}, errors.New("disk on fire")
	}
	a := d.Article
	if a.ExternalID == s.invalid {
		return graph.AddResult{}, fmt.Errorf("graph: article %q: %w", a.ExternalID, graph.ErrInvalid)
	}
	if a.Hash == "" || a.Text == "" {
		return graph.AddResult{}, fmt.Errorf("unhashed article: %w", graph.ErrInvalid)
	}
	if id, ok := s.byHash[a.Hash]; ok {
		return graph.AddResult{Article: id, Status: graph.StatusUnchanged}, nil
	}
	status := graph.StatusCreated
	if old, ok := s.byExt[a.ExternalID]; ok {
		delete(s.byHash, old)
		status = graph.StatusReplaced
	}
	id := graph.ArticleID(len(s.order) + 1)
	s.byHash[a.Hash] = id
	s.byExt[a.ExternalID] = a.Hash
	s.order = append(s.order, a.ExternalID)
	return graph.AddResult{Article: id, Status: status}, nil
}

func (s *fakeSink) HasHash(ctx context.Context, hash string) (graph.ArticleID, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byHash[hash]
	return id, ok, nil
}

// fakeExtractor makes one entity per capitalized word; it panics on text
// containing "PANIC" to test recovery.
type fakeExtractor struct {
	delay time.Duration
}

func (e fakeExtractor) Extract(a graph.Article) graph.Doc {
	if strings.Contains(a.Text, "PANIC") {
		panic("extractor bug")
	}
	if e.delay > 0 {
		time.Sleep(e.delay)
	}
	d := graph.Doc{Article: a}
	for _, w := range strings.Fields(a.Text) {
		if w[0] >= 'A' && w[0] <= 'Z' {
			d.Entities = append(d.Entities, graph.LocalEntity{Kind: graph.KindPerson, Name: w})
		}
	}
	return d
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAllRecords runs a Source and returns articles by origin and
// rejections as "origin: reason".
func readAllRecords(t *testing.T, src *Source, paths ...string) (map[string]graph.Article, []string) {
	t.Helper()
	arts := map[string]graph.Article{}
	var rejected []string
	err := src.Read(context.Background(), paths, func(r Record) error {
		if r.Err != nil {
			var ie *InputError
			if !errors.As(r.Err, &ie) {
				t.Errorf("rejection %v is not an *InputError", r.Err)
			}
			rejected = append(rejected, fmt.Sprintf("%s: %v", r.Origin, Reason(r.Err)))
			return nil
		}
		if _, dup := arts[r.Origin]; dup {
			t.Errorf("origin %s twice", r.Origin)
		}
		arts[r.Origin] = r.Article
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	sort.Strings(rejected)
	return arts, rejected
}

func TestSourceBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := "Officials said on Monday that the bridge reopened.\n"
	writeFile(t, dir, "in/good.txt", []byte(good))
	writeFile(t, dir, "in/empty.txt", nil)
	writeFile(t, dir, "in/blank.txt", []byte(" \n\t\n"))
	writeFile(t, dir, "in/binary.txt", []byte("abc\x00\x01\x02def"))
	writeFile(t, dir, "in/latin1.txt", []byte("caf\xe9 au lait"))
	writeFile(t, dir, "in/notes.md", []byte("# not loaded from a directory"))
	writeFile(t, dir, "in/image.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	huge := filepath.Join(dir, "in/huge.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil { // a sparse 50 MB article
		t.Fatal(err)
	}
	f.Close()
	jsonl := strings.Join([]string{
		`{"id":"a1","text":"First article text.","url":"https://example.com/a1","title":"T1","published":"2024-03-01","outlet":"Example"}`,
		``,
		`{"id":"a2","text":"Second article.","published":"1987-02-26T15:01:01"}`,
		`{"id":"a3","text":`, // malformed
		"{\"id\":\"a4\",\"text\":\"bad \xff utf8\"}",
		`{"text":"no id"}`,
		`{"id":"a6","text":""}`,
		`{"id":7,"text":"Numeric id."}`,
		`{"id":"a8","text":"nul \u0000 inside"}`,
	}, "\n")
	writeFile(t, dir, "in/sub/feed.jsonl", []byte(jsonl))
	gz := gzipBytes(t, []byte(`{"id":"g1","text":"Zipped one."}`+"\n"+`{"id":"g2","text":"Zipped two."}`+"\n"+fillerLines(200)))
	writeFile(t, dir, "in/sub/whole.jsonl.gz", gz)
	writeFile(t, dir, "in/sub/cut.jsonl.gz", gz[:len(gz)/2])
	writeFile(t, dir, "in/sub/notgz.jsonl.gz", []byte("plain text, not gzip"))

	src := &Source{}
	arts, rejected := readAllRecords(t, src, filepath.Join(dir, "in"), filepath.Join(dir, "missing.txt"), filepath.Join(dir, "in/image.png"))
	in := filepath.Join(dir, "in")
	want := []string{
		in + "/binary.txt: " + ErrBinary.Error(),
		in + "/blank.txt: " + ErrEmpty.Error(),
		in + "/empty.txt: " + ErrEmpty.Error(),
		in + "/huge.txt: " + ErrTooLarge.Error(),
		in + "/image.png: " + ErrNotText.Error(),
		in + "/latin1.txt: " + ErrInvalidUTF8.Error(),
		in + "/sub/feed.jsonl:4: " + ErrMalformed.Error(),
		in + "/sub/feed.jsonl:5: " + ErrInvalidUTF8.Error(),
		in + "/sub/feed.jsonl:6: " + ErrNoID.Error(),
		in + "/sub/feed.jsonl:7: " + ErrEmpty.Error(),
		in + "/sub/feed.jsonl:9: " + ErrBinary.Error(),
		in + "/sub/notgz.jsonl.gz: " + ErrTruncated.Error(),
		filepath.Join(dir, "missing.txt") + ": " + ErrMissing.Error(),
	}
	// The truncated gzip fails at some line after the first ones.
	var cut string
	for i, r := range rejected {
		if strings.HasPrefix(r, in+"/sub/cut.jsonl.gz:") {
			cut = r
			rejected = append(rejected[:i], rejected[i+1:]...)
			break
		}
	}
	if !strings.HasSuffix(cut, ErrTruncated.Error()) {
		t.Errorf("truncated gzip: got %q, want a line with %v", cut, ErrTruncated)
	}
	sort.Strings(want)
	if strings.Join(rejected, "\n") != strings.Join(want, "\n") {
		t.Errorf("rejections:\n%s\nwant:\n%s", strings.Join(rejected, "\n"), strings.Join(want, "\n"))
	}
	for origin, wantID := range map[string]string{
		in + "/good.txt":              "good",
		in + "/sub/feed.jsonl:1":      "a1",
		in + "/sub/feed.jsonl:3":      "a2",
		in + "/sub/feed.jsonl:8":      "7",
		in + "/sub/whole.jsonl.gz:1":  "g1",
		in + "/sub/cut.jsonl.gz:1":    "g1",
		in + "/sub/whole.jsonl.gz:2":  "g2",
		in + "/sub/whole.jsonl.gz:10": "gx7",
	} {
		if got := arts[origin].ExternalID; got != wantID {
			t.Errorf("%s: external ID %q, want %q", origin, got, wantID)
		}
	}
	if a := arts[in+"/good.txt"]; a.Text != good {
		t.Errorf("good.txt text %q, want it unchanged", a.Text)
	}
	a1 := arts[in+"/sub/feed.jsonl:1"]
	if a1.URL != "https://example.com/a1" || a1.Title != "T1" || a1.Outlet != "Example" ||
		!a1.Published.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a1 metadata: %+v", a1)
	}
	if a2 := arts[in+"/sub/feed.jsonl:3"]; !a2.Published.Equal(time.Date(1987, 2, 26, 15, 1, 1, 0, time.UTC)) {
		t.Errorf("a2 published %v", a2.Published)
	}
	if _, ok := arts[in+"/notes.md"]; ok {
		t.Error("a .md file in a directory was loaded")
	}
}

func TestSourceIncludeExclude(t *testing.T) {
	fsys := fstest.MapFS{
		"a/one.txt":      {Data: []byte("One.")},
		"a/two.txt":      {Data: []byte("Two.")},
		"a/skip/x.txt":   {Data: []byte("Skipped dir.")},
		"a/notes.md":     {Data: []byte("Markdown is plain text.")},
		"a/feed.jsonl":   {Data: []byte(`{"id":"j","text":"Line."}`)},
		"a/archive.html": {Data: []byte("<html><body><p>x</p></body></html>")},
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"default", nil, nil, []string{"a/archive.html", "a/feed.jsonl:1", "a/one.txt", "a/skip/x.txt", "a/two.txt"}},
		{"exclude dir and file", nil, []string{"skip", "two.txt"}, []string{"a/archive.html", "a/feed.jsonl:1", "a/one.txt"}},
		{"include by glob", []string{"*.md", "one.*"}, nil, []string{"a/notes.md", "a/one.txt"}},
		{"include path glob", []string{"skip/*.txt"}, nil, []string{"a/skip/x.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &Source{FS: fsys, Include: tt.include, Exclude: tt.exclude}
			arts, rejected := readAllRecords(t, src, "a")
			var got []string
			for o := range arts {
				got = append(got, o)
			}
			got = append(got, rejected...)
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if err := (&Source{Include: []string{"[x"}}).Validate(); err == nil {
		t.Error("bad glob accepted")
	}
}

func TestTextMetadata(t *testing.T) {
	tests := []struct {
		name, text, url, date string
	}{
		{"none", "Just text.\nMore text.", "", ""},
		{"both", " date 2022-11-11   1. Skip\nBody.\nhttps://example.org/p/4\n", "https://example.org/p/4", "2022-11-11"},
		{"two urls are ambiguous", "https://a.example/x\nhttps://b.example/y\n", "", ""},
		{"same url twice", "https://a.example/x\ntext\nhttps://a.example/x\n", "https://a.example/x", ""},
		{"url inside a sentence", "See https://a.example/x for more.", "", ""},
		{"two dates", "date 2022-01-01\ndate 2022-01-02\n", "", ""},
		{"bad date", "date 2022-13-45\n", "", ""},
		{"date word mid-line", "The date 2022-01-01 was set.", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, d := textMetadata(tt.text)
			gotDate := ""
			if !d.IsZero() {
				gotDate = d.Format(time.DateOnly)
			}
			if u != tt.url || gotDate != tt.date {
				t.Errorf("got (%q, %q), want (%q, %q)", u, gotDate, tt.url, tt.date)
			}
		})
	}
}

func TestReadHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>Bridge reopens | Daily Example</title>
<link rel="canonical" href="https://news.example.com/2024/bridge">
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2024-05-06T08:00:00Z">
</head><body><nav>Home | World | Sport</nav><article><h1>Bridge reopens</h1>
<p>The city council said on Monday that the old bridge over the river would reopen to traffic next week after two years of repairs, which cost more than 40 million euros.</p>
<p>Engineers from three companies worked on the structure, replacing cables and the deck, the council said in a statement published on its website.</p>
<p>Residents have complained for months about traffic jams on the other crossings, and local shops said their sales had fallen sharply.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>`
	fsys := fstest.MapFS{"pages/bridge.html": {Data: []byte(page)}}
	arts, rejected := readAllRecords(t, &Source{FS: fsys}, "pages")
	if len(rejected) > 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	a := arts["pages/bridge.html"]
	if a.ExternalID != "bridge" || a.URL != "https://news.example.com/2024/bridge" || a.Outlet != "Daily Example" {
		t.Errorf("metadata: id %q url %q outlet %q", a.ExternalID, a.URL, a.Outlet)
	}
	if !strings.Contains(a.Title, "Bridge reopens") {
		t.Errorf("title %q", a.Title)
	}
	if !a.Published.Equal(time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", a.Published)
	}
	if !strings.Contains(a.Text, "old bridge over the river") || strings.Contains(a.Text, "Subscribe to our newsletter") {
		t.Errorf("text %q", a.Text)
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 50 {
		fsys[fmt.Sprintf("arts/%03d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Article %d names Alice and Bob.", i))}
	}
	fsys["arts/dup.txt"] = &fstest.MapFile{Data: []byte("Article 7 names Alice and Bob.")}
	fsys["arts/bad.txt"] = &fstest.MapFile{Data: []byte{0xff, 0xfe}}
	fsys["arts/panic.txt"] = &fstest.MapFile{Data: []byte("This text makes the extractor PANIC.")}
	fsys["arts/invalid.txt"] = &fstest.MapFile{Data: []byte("The store refuses this one.")}
	sink := newFakeSink()
	sink.invalid = "invalid"
	var progressCalls int
	l := &Loader{Sink: sink, Extractor: fakeExtractor{}, Workers: 4, Progress: func(Progress) { progressCalls++ }}
	sum, err := l.LoadFS(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 50 || sum.Unchanged != 1 || sum.Rejected != 3 || sum.Records != 54 {
		t.Errorf("first load: %+v", sum.Progress)
	}
	if sum.ByReason[ErrInvalidUTF8.Error()] != 1 || sum.ByReason[ErrExtract.Error()] != 1 || sum.ByReason[ErrStore.Error()] != 1 {
		t.Errorf("reasons: %v", sum.ByReason)
	}
	if progressCalls != 54 {
		t.Errorf("progress called %d times, want 54", progressCalls)
	}
	// Input order is write order, whatever the workers' timing.
	if !sort.StringsAreSorted(sink.order) {
		t.Errorf("write order %v", sink.order)
	}
	again, err := l.LoadFS(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Unchanged != 51 || len(sink.order) != 50 {
		t.Errorf("second load: %+v, %d stored", again.Progress, len(sink.order))
	}
}

func TestLoadReplaced(t *testing.T) {
	sink := newFakeSink()
	l := &Loader{Sink: sink, Extractor: fakeExtractor{}}
	for i, text := range []string{"Version one.", "Version two."} {
		sum, err := l.LoadFS(context.Background(), fstest.MapFS{"x.txt": {Data: []byte(text)}})
		if err != nil {
			t.Fatal(err)
		}
		if want := [2]int{1, 0}; i == 1 {
			if sum.Replaced != 1 {
				t.Errorf("second version: %+v", sum.Progress)
			}
		} else if [2]int{sum.Created, sum.Replaced} != want {
			t.Errorf("first version: %+v", sum.Progress)
		}
	}
}

func TestLoadFatalAndCancel(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 200 {
		fsys[fmt.Sprintf("%03d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Text %d.", i))}
	}
	t.Run("fatal store error", func(t *testing.T) {
		sink := newFakeSink()
		sink.failAt = 10
		l := &Loader{Sink: sink, Extractor: fakeExtractor{}, Workers: 3}
		sum, err := l.LoadFS(context.Background(), fsys)
		if err == nil || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("err = %v", err)
		}
		if sum.Created != 9 || len(sink.order) != 9 {
			t.Errorf("created %d, stored %d; want 9", sum.Created, len(sink.order))
		}
	})
	t.Run("cancel", func(t *testing.T) {
		sink := newFakeSink()
		ctx, cancel := context.WithCancel(context.Background())
		l := &Loader{Sink: sink, Extractor: fakeExtractor{delay: time.Millisecond}, Workers: 2,
			Progress: func(p Progress) {
				if p.Records == 20 {
					cancel()
				}
			}}
		sum, err := l.LoadFS(ctx, fsys)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if sum.Created != len(sink.order) || sum.Created < 20 || sum.Created > 21 {
			t.Errorf("created %d, stored %d", sum.Created, len(sink.order))
		}
		// Re-running completes the load: everything stored exactly once.
		sum2, err := (&Loader{Sink: sink, Extractor: fakeExtractor{}}).LoadFS(context.Background(), fsys)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created+sum2.Created != 200 || len(sink.order) != 200 || !sort.StringsAreSorted(sink.order) {
			t.Errorf("after re-run: %d + %d created, %d stored", sum.Created, sum2.Created, len(sink.order))
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","text":"b"}` + "\n" + `{"id":1,"text":"c","published":"2020-01-01"}`))
	f.Add([]byte("{\"id\":\"a\",\"text\":\"\xff\"}\n\n{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := &Source{FS: fstest.MapFS{"f.jsonl": {Data: data}}, MaxArticleBytes: 64}
		err := src.Read(context.Background(), []string{"f.jsonl"}, func(r Record) error {
			if (r.Err == nil) == (r.Article.Text == "") {
				t.Fatalf("record with both or neither of text and error: %+v", r)
			}
			if r.Err == nil && (len(r.Article.Text) > 64 || r.Article.ExternalID == "") {
				t.Fatalf("bad article accepted: %+v", r.Article)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// fillerLines returns n JSONL lines of poorly compressible text.
func fillerLines(n int) string {
	var b strings.Builder
	x := uint32(1)
	for i := range n {
		fmt.Fprintf(&b, `{"id":"gx%d","text":"`, i)
		for range 40 {
			x = x*1664525 + 1013904223
			fmt.Fprintf(&b, "w%x ", x>>20)
		}
		b.WriteString("\"}\n")
	}
	return b.String()
}

func TestSourceStdinAndOGURL(t *testing.T) {
	page := `<html><head><meta property="og:url" content="https://example.org/story"><title>Story</title></head>
<body><article><p>` + strings.Repeat("The committee met again on Tuesday to review the figures it had received. ", 8) + `</p></article></body></html>`
	src := &Source{
		FS:    fstest.MapFS{"story.htm": {Data: []byte(page)}, "relative.html": {Data: []byte(strings.Replace(page, "https://example.org/story", "/story", 1))}},
		Stdin: strings.NewReader(`{"id":"s1","text":"From standard input."}` + "\n" + `[1,2]` + "\n"),
	}
	arts, rejected := readAllRecords(t, src, "-", "story.htm", "relative.html")
	if arts["-:1"].ExternalID != "s1" || len(rejected) != 1 || rejected[0] != "-:2: "+ErrMalformed.Error() {
		t.Errorf("stdin: articles %v, rejected %v", arts, rejected)
	}
	if got := arts["story.htm"].URL; got != "https://example.org/story" {
		t.Errorf("og:url: URL %q", got)
	}
	if got := arts["relative.html"].URL; got != "" {
		t.Errorf("relative og:url: URL %q, want none", got)
	}
}

// batchSink is a fakeSink that takes several articles a call and records
// the sizes of the calls; each call takes delay, so the writer lags.
type batchSink struct {
	*fakeSink
	delay time.Duration
	sizes []int
}

func (s *batchSink) AddDocs(ctx context.Context, docs []graph.Doc) ([]graph.AddResult, []error) {
	time.Sleep(s.delay)
	s.sizes = append(s.sizes, len(docs))
	res, errs := make([]graph.AddResult, len(docs)), make([]error, len(docs))
	for i, d := range docs {
		res[i], errs[i] = s.AddDoc(ctx, d)
	}
	return res, errs
}

// TestLoadBatches checks that a BatchSink gets several articles a call,
// never more than Batch, in input order, each once, with a rejected one in
// the middle of a batch rejected alone.
func TestLoadBatches(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 300 {
		fsys[fmt.Sprintf("%03d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Text %d.", i))}
	}
	sink := &batchSink{fakeSink: newFakeSink(), delay: 2 * time.Millisecond}
	sink.invalid = "150"
	records := 0
	l := &Loader{Sink: sink, Extractor: fakeExtractor{}, Workers: 2, Batch: 16,
		Progress: func(p Progress) { records = p.Records }}
	sum, err := l.LoadFS(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 299 || sum.Rejected != 1 || records != 300 || len(sink.order) != 299 || !sort.StringsAreSorted(sink.order) {
		t.Fatalf("created %d, rejected %d, progress %d, stored %d (sorted %v)", sum.Created, sum.Rejected, records, len(sink.order), sort.StringsAreSorted(sink.order))
	}
	total, biggest := 0, 0
	for _, n := range sink.sizes {
		total += n
		biggest = max(biggest, n)
	}
	if total != 300 || biggest > 16 || biggest < 8 {
		t.Errorf("batch sizes %v: total %d, biggest %d; want 300 in batches of at most 16, some of 8 or more", sink.sizes, total, biggest)
	}
	if len(sum.Errors) != 1 || !strings.Contains(sum.Errors[0].Error(), "150.txt") {
		t.Errorf("errors %v, want one naming 150.txt", sum.Errors)
	}
}

// BenchmarkReadJSONL reads a JSONL file of 1,000 articles of about 3 KB,
// with metadata, through Source.Read (no extraction).
func BenchmarkReadJSONL(b *testing.B) {
	var buf strings.Builder
	sent := `The minister said on Tuesday that 1,200 workers had been moved to \"safer\" sites near the border, and that talks would resume. `
	for i := range 1000 {
		fmt.Fprintf(&buf, `{"id":"bench-%d","url":"https://example.com/news/%d","title":"Story %d","outlet":"Example News","published":"2024-03-%02dT10:00:00Z","text":"`, i, i, i, 1+i%28)
		for range 24 {
			buf.WriteString(sent)
		}
		buf.WriteString("\"}\n")
	}
	data := []byte(buf.String())
	src := &Source{FS: fstest.MapFS{"f.jsonl": {Data: data}}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := src.Read(context.Background(), []string{"f.jsonl"}, func(r Record) error {
			if r.Err != nil {
				return r.Err
			}
			n++
			return nil
		})
		if err != nil || n != 1000 {
			b.Fatalf("read %d articles: %v", n, err)
		}
	}
}

// TestReadJSONLLongLines reads lines longer than the reader's 64 KiB
// buffer, which readLine joins from several chunks, between short lines,
// which it returns without a copy: every article must keep its own text
// after the lines that follow it were read.
func TestReadJSONLLongLines(t *testing.T) {
	long := strings.Repeat("The council met again on Tuesday to review the figures. ", 4000) // 228 KB
	var lines []string
	want := map[string]string{}
	for i := range 6 {
		text := fmt.Sprintf("Short article %d about the harbour.", i)
		if i%3 == 1 {
			text = fmt.Sprintf("Long article %d. %s", i, long)
		}
		id := fmt.Sprintf("n%d", i)
		want[id] = text
		lines = append(lines, fmt.Sprintf(`{"id":%q,"text":%q}`, id, text))
	}
	// Over the line limit (6 x MaxArticleBytes + 64 KiB): rejected, and
	// the next line is read as usual.
	lines = append(lines, `{"id":"huge","text":"`+strings.Repeat("x", 7<<20)+`"}`, `{"id":"after","text":"The last one."}`)
	want["after"] = "The last one."
	src := &Source{FS: fstest.MapFS{"f.jsonl": {Data: []byte(strings.Join(lines, "\r\n"))}}, MaxArticleBytes: 1 << 20}
	arts, rejected := readAllRecords(t, src, "f.jsonl")
	got := map[string]string{}
	for _, a := range arts {
		got[a.ExternalID] = a.Text
	}
	if len(rejected) != 1 || !strings.HasPrefix(rejected[0], "f.jsonl:7: "+ErrTooLarge.Error()) {
		t.Errorf("rejected %q, want line 7 too large", rejected)
	}
	if len(got) != len(want) {
		t.Errorf("read %d articles, want %d", len(got), len(want))
	}
	for id, text := range want {
		if got[id] != text {
			t.Errorf("%s: text of %d bytes, want %d bytes (%.40q)", id, len(got[id]), len(text), got[id])
		}
	}
}

// TestReadJSONLDecoderPanic: a panic in the JSON decoder rejects its line,
// named by file and line, and the lines after it are read.
func TestReadJSONLDecoderPanic(t *testing.T) {
	orig := unmarshalJSON
	t.Cleanup(func() { unmarshalJSON = orig })
	unmarshalJSON = func(b []byte, v any) error {
		if bytes.Contains(b, []byte("boom")) {
			panic("index out of range")
		}
		return orig(b, v)
	}
	data := `{"id":"a","text":"First."}` + "\n" + `{"id":"b","text":"boom"}` + "\n" + `{"id":"c","text":"Third."}` + "\n"
	src := &Source{FS: fstest.MapFS{"f.jsonl": {Data: []byte(data)}}}
	arts, rejected := readAllRecords(t, src, "f.jsonl")
	var ids []string
	for _, origin := range []string{"f.jsonl:1", "f.jsonl:2", "f.jsonl:3"} {
		if a, ok := arts[origin]; ok {
			ids = append(ids, a.ExternalID)
		}
	}
	if len(arts) != len(ids) || strings.Join(ids, ",") != "a,c" || len(rejected) != 1 || !strings.HasPrefix(rejected[0], "f.jsonl:2: "+ErrMalformed.Error()) {
		t.Errorf("read %q, rejected %q; want a and c, and line 2 malformed", ids, rejected)
	}
}

// countingExtractor counts the text bytes extracted and not yet stored
// (stored counts them back) and the most ever at once.
type countingExtractor struct {
	mu       sync.Mutex
	inFlight int64
	most     int64
}

func (e *countingExtractor) Extract(a graph.Article) graph.Doc {
	e.mu.Lock()
	e.inFlight += int64(len(a.Text))
	e.most = max(e.most, e.inFlight)
	e.mu.Unlock()
	return graph.Doc{Article: a}
}

func (e *countingExtractor) stored(n int) {
	e.mu.Lock()
	e.inFlight -= int64(n)
	e.mu.Unlock()
}

// slowSink stores like fakeSink, after its first call has waited for the
// reader and the workers to get as far ahead as the bounds let them.
type slowSink struct {
	*fakeSink
	x     *countingExtractor
	first sync.Once
}

func (s *slowSink) AddDoc(ctx context.Context, d graph.Doc) (graph.AddResult, error) {
	s.first.Do(func() { time.Sleep(100 * time.Millisecond) })
	defer s.x.stored(len(d.Article.Text))
	return s.fakeSink.AddDoc(ctx, d)
}

// TestLoadInFlightBytes checks that the text of the articles between the
// reader and the sink stays within InFlightBytes when InFlight would let
// more in, and that an article longer than the bound is still loaded.
func TestLoadInFlightBytes(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 200 {
		fsys[fmt.Sprintf("%03d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("%04d %s", i, strings.Repeat("x", 995)))}
	}
	fsys["100.txt"] = &fstest.MapFile{Data: []byte(strings.Repeat("y", 25000))}
	x := &countingExtractor{}
	sink := &slowSink{fakeSink: newFakeSink(), x: x}
	l := &Loader{Sink: sink, Extractor: x, Workers: 2, Batch: 1, InFlight: 1000, InFlightBytes: 10000}
	sum, err := l.LoadFS(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 200 || sum.Rejected != 0 {
		t.Fatalf("created %d, rejected %d (%v), want 200 and 0", sum.Created, sum.Rejected, sum.Errors)
	}
	if x.most > 25000 {
		t.Errorf("%d text bytes in flight at most, want at most the long article's 25,000", x.most)
	}
	// Without the long article: 10 articles of 1,000 bytes.
	delete(fsys, "100.txt")
	x = &countingExtractor{}
	sink = &slowSink{fakeSink: newFakeSink(), x: x}
	l.Sink, l.Extractor = sink, x
	if sum, err = l.LoadFS(context.Background(), fsys); err != nil || sum.Created != 199 {
		t.Fatalf("created %d, err %v; want 199", sum.Created, err)
	}
	if x.most > 10000 || x.most < 5000 {
		t.Errorf("%d text bytes in flight at most, want between 5,000 and the bound, 10,000", x.most)
	}
}
