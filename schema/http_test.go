package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

func newTestServer(t *testing.T, cfg HandlerConfig, st Store) *httptest.Server {
	t.Helper()
	ingest := func(ctx context.Context, as []graph.Article) ([]IngestResult, error) {
		out := make([]IngestResult, len(as))
		for i, a := range as {
			out[i] = IngestResult{ExternalID: a.ExternalID, Status: graph.StatusCreated, Article: 1}
		}
		return out, nil
	}
	s := newTestSchema(t, st, ingest)
	srv := httptest.NewServer(s.Handler(cfg))
	t.Cleanup(srv.Close)
	return srv
}

type httpCase struct {
	name        string
	method      string
	query       string // GET: the raw query string
	body        string
	contentType string
	accept      string
	auth        string
	wantStatus  int
	wantType    string // response media type prefix; "" = don't check
	wantData    bool
	wantErr     string // substring of the first error message; "" = no errors
}

func TestHandler(t *testing.T) {
	const json1 = "application/json"
	const gqlr = "application/graphql-response+json"
	big := `{"query":"{ stats { articles } }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	mut := `{"query":"mutation { ingestArticles(articles: [{externalId: \"x\", text: \"t\"}]) { status } }"}`
	tests := []httpCase{
		{name: "post json", method: "POST", body: `{"query":"{ stats { articles } }"}`, contentType: json1, accept: json1, wantStatus: 200, wantType: json1, wantData: true},
		{name: "post charset", method: "POST", body: `{"query":"{ __typename }"}`, contentType: "application/json; charset=utf-8", wantStatus: 200, wantType: json1, wantData: true},
		{name: "post latin1", method: "POST", body: `{"query":"{ __typename }"}`, contentType: "application/json; charset=latin1", wantStatus: 415, wantErr: "utf-8"},
		{name: "graphql-response", method: "POST", body: `{"query":"{ __typename }"}`, contentType: json1, accept: gqlr, wantStatus: 200, wantType: gqlr, wantData: true},
		{name: "accept any", method: "POST", body: `{"query":"{ __typename }"}`, contentType: json1, accept: "*/*", wantStatus: 200, wantType: json1, wantData: true},
		{name: "accept unsupported", method: "POST", body: `{"query":"{ __typename }"}`, contentType: json1, accept: "text/plain", wantStatus: 406, wantErr: "accept"},
		{name: "operationName", method: "POST", body: `{"query":"query A { __typename } query B { stats { articles } }","operationName":"B"}`, contentType: json1, wantStatus: 200, wantData: true},
		{name: "operationName missing", method: "POST", body: `{"query":"query A { __typename } query B { __typename }"}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "operationName"},
		{name: "variables", method: "POST", body: `{"query":"query($n: Int) { entities(first: $n) { totalCount } }","variables":{"n":2}}`, contentType: json1, wantStatus: 200, wantData: true},
		{name: "null params", method: "POST", body: `{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}`, contentType: json1, wantStatus: 200, wantData: true},
		{name: "no content type", method: "POST", body: `{"query":"{ __typename }"}`, wantStatus: 415, wantErr: "Content-Type"},
		{name: "form content type", method: "POST", body: `query=x`, contentType: "application/x-www-form-urlencoded", wantStatus: 415, wantErr: "Content-Type"},
		{name: "empty body json", method: "POST", contentType: json1, accept: json1, wantStatus: 400, wantErr: "empty"},
		{name: "bad json gqlr", method: "POST", body: `{ "not a JSON`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "not a JSON object"},
		{name: "bad json json", method: "POST", body: `{ "not a JSON`, contentType: json1, accept: json1, wantStatus: 400, wantErr: "not a JSON object"},
		{name: "missing query", method: "POST", body: `{"qeury":"{ __typename }"}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "no query"},
		{name: "number query", method: "POST", body: `{"query":0}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "must be a string"},
		{name: "array variables", method: "POST", body: `{"query":"{ __typename }","variables":["a"]}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "variables"},
		{name: "string extensions", method: "POST", body: `{"query":"{ __typename }","extensions":"x"}`, contentType: json1, accept: json1, wantStatus: 400, wantErr: "extensions"},
		{name: "object operationName", method: "POST", body: `{"query":"{ __typename }","operationName":{}}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "operationName"},
		{name: "parse error gqlr", method: "POST", body: `{"query":"{"}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "Syntax Error"},
		{name: "parse error json", method: "POST", body: `{"query":"{"}`, contentType: json1, accept: json1, wantStatus: 200, wantErr: "Syntax Error"},
		{name: "validation error json", method: "POST", body: `{"query":"{ nosuch }"}`, contentType: json1, accept: json1, wantStatus: 200, wantErr: "nosuch"},
		{name: "coercion failure json", method: "POST", body: `{"query":"query($id: ID!) { __typename }","variables":{"id":null}}`, contentType: json1, accept: json1, wantStatus: 200, wantErr: "$id"},
		{name: "validation error gqlr", method: "POST", body: `{"query":"{ nosuch }"}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "nosuch"},
		{name: "bad variable gqlr", method: "POST", body: `{"query":"query($n: Int!) { entities(first: $n) { totalCount } }","variables":{"n":"x"}}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "$n"},
		{name: "execution error keeps 200", method: "POST", body: `{"query":"{ entities(first: 1000) { totalCount } }"}`, contentType: json1, accept: gqlr, wantStatus: 200, wantErr: "at most 100"},
		{name: "body too large", method: "POST", body: big, contentType: json1, wantStatus: 413, wantErr: "larger than"},
		{name: "too complex", method: "POST", body: `{"query":"{ entities(first: 100) { edges { node { mentions(first: 100) { edges { node { article { mentions(first: 100) { edges { node { text } } } } } } } } } } }"}`, contentType: json1, accept: gqlr, wantStatus: 400, wantErr: "too complex"},
		{name: "get", method: "GET", query: "query=" + url.QueryEscape("{ stats { articles } }"), wantStatus: 200, wantType: json1, wantData: true},
		{name: "get variables", method: "GET", query: "query=" + url.QueryEscape("query($n: Int) { entities(first: $n) { totalCount } }") + "&variables=" + url.QueryEscape(`{"n":1}`), accept: gqlr, wantStatus: 200, wantType: gqlr, wantData: true},
		{name: "get bad variables", method: "GET", query: "query=" + url.QueryEscape("{ __typename }") + "&variables=x", accept: gqlr, wantStatus: 400, wantErr: "variables"},
		{name: "get mutation", method: "GET", query: "query=" + url.QueryEscape("mutation { __typename }"), accept: gqlr, wantStatus: 405, wantErr: "POST"},
		{name: "get no query", method: "GET", accept: gqlr, wantStatus: 400, wantErr: "no query"},
		{name: "put", method: "PUT", body: `{"query":"{ __typename }"}`, contentType: json1, wantStatus: 405, wantErr: "not allowed"},
		{name: "mutation without token", method: "POST", body: mut, contentType: json1, wantStatus: 401, wantErr: "write token"},
		{name: "mutation wrong token", method: "POST", body: mut, contentType: json1, auth: "Bearer nope", wantStatus: 401, wantErr: "write token"},
		{name: "mutation basic auth", method: "POST", body: mut, contentType: json1, auth: "Basic c2VjcmV0", wantStatus: 401, wantErr: "write token"},
		{name: "mutation with token", method: "POST", body: mut, contentType: json1, auth: "Bearer s3cret", wantStatus: 200, wantData: true},
		{name: "large body with token", method: "POST", body: big, contentType: json1, auth: "Bearer s3cret", wantStatus: 200, wantData: true},
	}
	srv := newTestServer(t, HandlerConfig{Token: "s3cret"}, newFake())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { runHTTPCase(t, srv.URL, tc) })
	}
}

func runHTTPCase(t *testing.T, base string, tc httpCase) {
	t.Helper()
	u := base + "/graphql"
	if tc.query != "" {
		u += "?" + tc.query
	}
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(tc.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if tc.contentType != "" {
		req.Header.Set("Content-Type", tc.contentType)
	}
	if tc.accept != "" {
		req.Header.Set("Accept", tc.accept)
	}
	if tc.auth != "" {
		req.Header.Set("Authorization", tc.auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != tc.wantStatus {
		t.Errorf("status %d, want %d; body %s", resp.StatusCode, tc.wantStatus, raw)
	}
	if tc.wantType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.wantType) {
		t.Errorf("content type %q, want %s", resp.Header.Get("Content-Type"), tc.wantType)
	}
	if resp.StatusCode == 405 && resp.Header.Get("Allow") == "" {
		t.Errorf("405 without Allow")
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, raw)
	}
	if hasData := len(out.Data) > 0 && string(out.Data) != "null"; hasData != tc.wantData {
		t.Errorf("data present %v, want %v: %s", hasData, tc.wantData, raw)
	}
	if tc.wantStatus >= 400 && len(out.Data) > 0 {
		t.Errorf("request error carries a data entry: %s", raw)
	}
	switch {
	case tc.wantErr == "" && len(out.Errors) > 0:
		t.Errorf("unexpected errors: %s", raw)
	case tc.wantErr != "" && (len(out.Errors) == 0 || !strings.Contains(out.Errors[0].Message, tc.wantErr)):
		t.Errorf("errors %s, want one containing %q", raw, tc.wantErr)
	}
}

func TestHandlerNoToken(t *testing.T) {
	srv := newTestServer(t, HandlerConfig{}, newFake())
	runHTTPCase(t, srv.URL, httpCase{method: "POST", contentType: "application/json", auth: "Bearer anything",
		body: `{"query":"mutation { ingestArticles(articles: []) { status } }"}`, wantStatus: 403, wantErr: "does not accept writes"})
}

// slowStore blocks until its context ends.
type slowStore struct{ *fakeStore }

func (s slowStore) Stats(ctx context.Context) (graph.Stats, error) {
	<-ctx.Done()
	return graph.Stats{}, ctx.Err()
}

func TestHandlerTimeout(t *testing.T) {
	srv := newTestServer(t, HandlerConfig{Timeout: 50 * time.Millisecond}, slowStore{newFake()})
	start := time.Now()
	runHTTPCase(t, srv.URL, httpCase{method: "POST", contentType: "application/json", accept: "application/graphql-response+json",
		body: `{"query":"{ stats { articles } }"}`, wantStatus: 504, wantErr: "deadline"})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

func TestHandlerPlayground(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>playground</title>")
	})
	srv := newTestServer(t, HandlerConfig{Playground: page}, newFake())
	req, _ := http.NewRequest("GET", srv.URL+"/graphql", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "playground") {
		t.Errorf("browser GET got %q", b)
	}
	// With a query the browser gets the API.
	runHTTPCase(t, srv.URL, httpCase{method: "GET", query: "query=" + url.QueryEscape("{ __typename }"), accept: "text/html,*/*", wantStatus: 200, wantData: true})
}

// FuzzParamsFromJSON checks that no POST body panics the parameter
// parsing, and that accepted bodies have a query.
func FuzzParamsFromJSON(f *testing.F) {
	for _, s := range []string{`{"query":"{ a }"}`, `{"query":0}`, `{`, `null`, `[]`, `{"query":"q","variables":{"a":[1,{}]},"extensions":{}}`, `{"query":"q","operationName":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, msg := paramsFromJSON(body)
		if msg == "" && !json.Valid(body) {
			t.Errorf("accepted invalid JSON %q as %+v", body, p)
		}
	})
}

// BenchmarkHandler measures one typical query through the whole HTTP
// handler (parse, limits, validation, execution, encoding).
func BenchmarkHandler(b *testing.B) {
	s, err := New(Config{Store: newFake()})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler(HandlerConfig{})
	body := `{"query":"{ entities(search: \"acme\") { edges { node { name type mentions(first: 5) { edges { node { text start end sentence article { externalId title } } } } } } } }"}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// TestQuerySlots checks that queries beyond MaxConcurrent wait for a slot:
// over HTTP until the request timeout (then 503), in Do until the context
// ends; and that they run once a slot is free.
func TestQuerySlots(t *testing.T) {
	s, err := New(Config{Store: newFake(), MaxConcurrent: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler(HandlerConfig{Timeout: 50 * time.Millisecond}))
	defer srv.Close()
	post := func() (int, string) {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"query":"{ stats { articles } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if err := s.acquire(context.Background(), 0); err != nil { // the one slot
		t.Fatal(err)
	}
	if code, body := post(); code != http.StatusServiceUnavailable || !strings.Contains(body, codeBusy) {
		t.Errorf("with no free slot: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if res := s.Do(ctx, Request{Query: "{ stats { articles } }"}); len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != codeBusy {
		t.Errorf("Do with no free slot: %+v", res)
	}
	done := make(chan int)
	go func() {
		code, _ := post()
		done <- code
	}()
	time.Sleep(10 * time.Millisecond)
	s.release()
	if code := <-done; code != http.StatusOK {
		t.Errorf("after the slot was freed: status %d", code)
	}
	if code, body := post(); code != http.StatusOK {
		t.Errorf("with a free slot: %d %s", code, body)
	}
}

// BenchmarkEntityQuery measures bench-query's entity query (an entity,
// its aliases and its mentions, each with its sentence and article) in
// process, encoding included; with -benchmem, what the executor and the
// resolvers allocate per request.
func BenchmarkEntityQuery(b *testing.B) {
	s, err := New(Config{Store: newFake()})
	if err != nil {
		b.Fatal(err)
	}
	const q = `query Entity($id: ID!) { entity(id: $id) { id name type aliases mentionCount articleCount
  mentions(first: 10) { totalCount edges { node { text start end sentence article { id externalId title url outlet published } } } } } }`
	vars := map[string]any{"id": "E1"}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		res := s.Do(context.Background(), Request{Query: q, Variables: vars})
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
		buf.Reset()
		if _, err := encodeResult(&buf, res); err != nil {
			b.Fatal(err)
		}
	}
}
