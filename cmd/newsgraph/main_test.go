package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/web"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingRE = regexp.MustCompile(`serving (http://[0-9.:]+)/`)

// startServe runs the real run("serve") on 127.0.0.1:0 and returns its
// base URL and a stop func that shuts it down and returns run's error.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
	}()
	deadline := time.After(2 * time.Minute)
	for {
		if m := servingRE.FindStringSubmatch(stdout.String()); m != nil {
			var once sync.Once
			var stopErr error
			stop := func() error {
				once.Do(func() {
					cancel()
					select {
					case stopErr = <-done:
					case <-time.After(30 * time.Second):
						stopErr = errors.New("serve did not stop within 30s")
					}
				})
				return stopErr
			}
			t.Cleanup(func() { _ = stop() })
			return m[1], stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
		case <-deadline:
			cancel()
			t.Fatalf("serve did not start; stdout: %s\nstderr: %s", stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func post(t *testing.T, base, token, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("not JSON: %s", raw)
	}
	return resp.StatusCode, out
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

const surovikinQuery = `{ entities(search: "Surovikin") { edges { node { name type mentions(first: 5) { edges { node { text start end sentence article { externalId title url } } } } } } } }`

// TestServeEndToEnd runs the real server on a fresh database: it loads the
// embedded seeds, answers the README's first query with offsets that slice
// the mention out of the article text, serves the playground, accepts
// ingestArticles only with the token, and shuts down cleanly.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: skipped in -short mode")
	}
	db := filepath.Join(t.TempDir(), "db")
	base, stop := startServe(t, "--db", db, "--token", "t0ken")

	status, out := post(t, base, "", surovikinQuery, nil)
	if status != 200 || out["errors"] != nil {
		t.Fatalf("status %d: %v", status, out)
	}
	var person map[string]any
	for _, e := range dig(out, "data", "entities", "edges").([]any) {
		n := dig(e, "node").(map[string]any)
		if n["name"] == "Sergei Surovikin" && n["type"] == "PERSON" {
			person = n
		}
	}
	if person == nil {
		t.Fatalf("no PERSON Sergei Surovikin in %v", out)
	}
	mentions := dig(person, "mentions", "edges").([]any)
	if len(mentions) == 0 {
		t.Fatal("Sergei Surovikin has no mentions")
	}
	for _, m := range mentions {
		n := dig(m, "node").(map[string]any)
		ext := dig(n, "article", "externalId").(string)
		_, art := post(t, base, "", `query($e: String) { article(externalId: $e) { text } }`, map[string]any{"e": ext})
		text := []rune(dig(art, "data", "article", "text").(string))
		start, end := int(n["start"].(float64)), int(n["end"].(float64))
		if start < 0 || end > len(text) || start >= end {
			t.Fatalf("mention [%d:%d] out of the text (%d code points)", start, end, len(text))
		}
		if got := string(text[start:end]); got != n["text"] {
			t.Errorf("text[%d:%d] = %q, mention says %q", start, end, got, n["text"])
		}
		if !strings.Contains(n["sentence"].(string), n["text"].(string)) {
			t.Errorf("sentence %q does not hold %q", n["sentence"], n["text"])
		}
	}

	t.Run("get", func(t *testing.T) {
		resp, err := http.Get(base + "/graphql?query=" + url.QueryEscape("{ stats { articles } }"))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(raw), `"articles":5`) {
			t.Errorf("GET stats: %d %s", resp.StatusCode, raw)
		}
	})
	t.Run("playground", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/", nil)
		req.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case web.Built() && (resp.StatusCode != 200 || !strings.Contains(strings.ToLower(string(raw)), "<html")):
			t.Errorf("GET / with the pages built: %d %.200s", resp.StatusCode, raw)
		case !web.Built() && !strings.Contains(string(raw), "make web"):
			t.Errorf("GET / without the pages does not say how to build them: %d %.300s", resp.StatusCode, raw)
		}
	})
	t.Run("ingest", func(t *testing.T) {
		const m = `mutation($a: [ArticleInput!]!) { ingestArticles(articles: $a) { externalId status reason article { id } } }`
		vars := map[string]any{"a": []any{map[string]any{"externalId": "extra-1", "text": "The mayor of Lyon, Jean Martin, said on Tuesday that 40 schools would reopen."}}}
		if status, out := post(t, base, "", m, vars); status != 401 {
			t.Errorf("ingest without token: %d %v", status, out)
		}
		if status, out := post(t, base, "wrong", m, vars); status != 401 {
			t.Errorf("ingest with a wrong token: %d %v", status, out)
		}
		status, out := post(t, base, "t0ken", m, vars)
		if status != 200 || dig(out, "data", "ingestArticles", 0, "status") != "CREATED" {
			t.Fatalf("ingest: %d %v", status, out)
		}
		_, out = post(t, base, "t0ken", m, vars)
		if dig(out, "data", "ingestArticles", 0, "status") != "UNCHANGED" {
			t.Errorf("second ingest: %v", out)
		}
		_, out = post(t, base, "", `{ stats { articles } }`, nil)
		if dig(out, "data", "stats", "articles") != 6.0 {
			t.Errorf("stats after ingest: %v", out)
		}
	})
	t.Run("locked", func(t *testing.T) {
		var stderr syncBuffer
		err := run(context.Background(), []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), "in use by another newsgraph process") {
			t.Errorf("second serve on the same db: %v", err)
		}
	})
	if err := stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	// The database survives a restart; seeds are not loaded twice.
	base, stop = startServe(t, "--db", db)
	_, out = post(t, base, "", `{ stats { articles } }`, nil)
	if dig(out, "data", "stats", "articles") != 6.0 {
		t.Errorf("stats after restart: %v", out)
	}
	if err := stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		want error
	}{
		{nil, errUsage},
		{[]string{"frobnicate"}, errUsage},
		{[]string{"serve", "--help"}, flag.ErrHelp},
		{[]string{"eval", "--help"}, flag.ErrHelp},
		{[]string{"serve", "extra"}, errUsage},
		{[]string{"serve", "--timeout", "0s"}, errUsage},
		{[]string{"serve", "--vlog-gc-interval", "-1s"}, errUsage},
	}
	for _, tc := range tests {
		err := run(context.Background(), tc.args, io.Discard, io.Discard)
		if !errors.Is(err, tc.want) {
			t.Errorf("run(%q) = %v, want %v", tc.args, err, tc.want)
		}
	}
	if err := run(context.Background(), []string{"help"}, io.Discard, io.Discard); err != nil {
		t.Errorf("help: %v", err)
	}
}

// fakeIngestStore records AddDocs calls.
type fakeIngestStore struct {
	mu      sync.Mutex
	hashes  map[string]graph.ArticleID
	order   []string
	batches []int // docs per AddDocs call
}

func (f *fakeIngestStore) AddDocs(ctx context.Context, docs []graph.Doc) ([]graph.AddResult, []error) {
	f.mu.Lock()
	f.batches = append(f.batches, len(docs))
	f.mu.Unlock()
	res, errs := make([]graph.AddResult, len(docs)), make([]error, len(docs))
	for i, d := range docs {
		res[i], errs[i] = f.AddDoc(ctx, d)
	}
	return res, errs
}

func (f *fakeIngestStore) HasHash(ctx context.Context, hash string) (graph.ArticleID, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.hashes[hash]
	return id, ok, nil
}

func (f *fakeIngestStore) AddDoc(ctx context.Context, d graph.Doc) (graph.AddResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.Contains(d.Article.Text, "FAIL") {
		return graph.AddResult{}, errors.New("graph: add: too big")
	}
	if id, ok := f.hashes[d.Article.Hash]; ok {
		return graph.AddResult{Article: id, Status: graph.StatusUnchanged}, nil
	}
	id := graph.ArticleID(len(f.hashes) + 1)
	f.hashes[d.Article.Hash] = id
	f.order = append(f.order, d.Article.ExternalID)
	return graph.AddResult{Article: id, Status: graph.StatusCreated}, nil
}

type echoExtractor struct{}

func (echoExtractor) Extract(a graph.Article) graph.Doc {
	if a.Text == "panic" {
		panic("boom")
	}
	return graph.Doc{Article: a}
}

func TestIngester(t *testing.T) {
	st := &fakeIngestStore{hashes: map[string]graph.ArticleID{}}
	ingest := ingester(st, echoExtractor{})
	in := []graph.Article{
		{ExternalID: "a", Text: "first"},
		{ExternalID: "b", Text: ""},
		{ExternalID: "c", Text: "panic"},
		{ExternalID: "d", Text: "please FAIL"},
		{ExternalID: "e", Text: "\xff\xfe"},
		{ExternalID: "f", Text: "second"},
		{ExternalID: "g", Text: "first"},
	}
	out, err := ingest(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status graph.AddStatus
		reason string
	}{
		{graph.StatusCreated, ""}, {0, "empty text"}, {0, "extraction failed"}, {0, "too big"},
		{0, "UTF-8"}, {graph.StatusCreated, ""}, {graph.StatusUnchanged, ""},
	}
	for i, w := range want {
		if out[i].ExternalID != in[i].ExternalID || out[i].Status != w.status || !strings.Contains(out[i].Reason, w.reason) || (w.reason == "") != (out[i].Reason == "") {
			t.Errorf("article %s: got %+v, want status %v reason %q", in[i].ExternalID, out[i], w.status, w.reason)
		}
	}
	// Writes happen in input order, in one batch.
	if got := strings.Join(st.order, ","); got != "a,f" {
		t.Errorf("stored in order %s, want a,f", got)
	}
	if fmt.Sprint(st.batches) != "[4]" {
		t.Errorf("AddDocs calls with %v docs, want one with the 4 extracted", st.batches)
	}
	out, _ = ingest(context.Background(), in[:1])
	if out[0].Status != graph.StatusUnchanged || out[0].Article != 1 {
		t.Errorf("re-ingest: %+v", out[0])
	}
}

func TestServeTokenFromEnv(t *testing.T) {
	t.Setenv("NEWSGRAPH_TOKEN", "env-secret")
	var help syncBuffer
	if err := run(context.Background(), []string{"serve", "--help"}, io.Discard, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("serve --help: %v", err)
	}
	if strings.Contains(help.String(), "env-secret") {
		t.Error("serve --help prints the token from the environment")
	}
	c, err := parseServeFlags(nil, io.Discard)
	if err != nil || c.token != "env-secret" {
		t.Errorf("token from the environment: %+v, %v", c, err)
	}
	c, err = parseServeFlags([]string{"--token", "flag"}, io.Discard)
	if err != nil || c.token != "flag" {
		t.Errorf("--token overrides the environment: %+v, %v", c, err)
	}
}
