package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/testutil"

	"github.com/newsgraph/newsgraph/graph"
)

var update = flag.Bool("update", false, "rewrite testdata/queries/*.json")

func newTestSchema(t testing.TB, st Store, ingest IngestFunc) *Schema {
	t.Helper()
	s, err := New(Config{Store: st, Ingest: ingest})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func do(t testing.TB, s *Schema, q string, vars map[string]any) map[string]any {
	t.Helper()
	res := s.Do(context.Background(), Request{Query: q, Variables: vars})
	b, err := encodeResult(new(bytes.Buffer), res)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return out
}

// TestQueries runs testdata/queries/*.graphql against the fake store and
// compares with the .json next to each; -update rewrites them.
func TestQueries(t *testing.T) {
	files, err := filepath.Glob("testdata/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no query files: %v", err)
	}
	s := newTestSchema(t, newFake(), nil)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := s.Do(context.Background(), Request{Query: string(q)})
			b, err := encodeResult(new(bytes.Buffer), res)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, b, "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			golden := strings.TrimSuffix(f, ".graphql") + ".json"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./schema -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, got.Bytes())
			}
		})
	}
}

// TestMentionOffsets checks that every mention's start/end slice its text
// out of the article's text in code points, and sentence contains it.
func TestMentionOffsets(t *testing.T) {
	s := newTestSchema(t, newFake(), nil)
	out := do(t, s, `{ articles { edges { node { text mentions(first: 100) { edges { node { text start end sentence sentenceStart sentenceEnd } } } } } } }`, nil)
	if out["errors"] != nil {
		t.Fatalf("errors: %v", out["errors"])
	}
	n := 0
	for _, a := range out["data"].(map[string]any)["articles"].(map[string]any)["edges"].([]any) {
		art := a.(map[string]any)["node"].(map[string]any)
		text := []rune(art["text"].(string))
		for _, m := range art["mentions"].(map[string]any)["edges"].([]any) {
			mn := m.(map[string]any)["node"].(map[string]any)
			start, end := int(mn["start"].(float64)), int(mn["end"].(float64))
			if got := string(text[start:end]); got != mn["text"] {
				t.Errorf("text[%d:%d] = %q, mention text %q", start, end, got, mn["text"])
			}
			ss, se := int(mn["sentenceStart"].(float64)), int(mn["sentenceEnd"].(float64))
			if string(text[ss:se]) != mn["sentence"] || start < ss || end > se {
				t.Errorf("sentence [%d:%d] %q does not hold mention [%d:%d]", ss, se, mn["sentence"], start, end)
			}
			n++
		}
	}
	if n != 7 {
		t.Errorf("saw %d mentions, want 7", n)
	}
}

// TestEntityCache checks that an entity named by many mentions is loaded
// once per request, and that the entities and articles a list refers to
// are read with one batch call instead of one call each.
func TestEntityCache(t *testing.T) {
	tests := []struct {
		name, query            string
		entity, article, batch int64 // expected store calls
	}{
		// Article one's five mentions name entities 1-4 (1 twice): one
		// batch. (graphql-go resolves sibling fields in map order, so two
		// lists in one query may take one batch or two.)
		{name: "mentions", query: `{ article(externalId: "one") { mentions { edges { node { entity { name } } } } } }`, batch: 1},
		// The same asked through fragments.
		{name: "fragments", query: `{ article(externalId: "one") { mentions { ...M } } }
		  fragment M on MentionConnection { edges { ... on MentionEdge { node { entity { name } } } } }`, batch: 1},
		// Not asked for: nothing is preloaded.
		{name: "mentions without entities", query: `{ article(externalId: "one") { mentions { edges { node { text } } } } }`},
		// Entity 1 at the root, then one batch for the neighbours 2 and 3.
		{name: "neighbors", query: `{ entity(id: "E1") { neighbors { entity { name } via { name } } } }`, entity: 1, batch: 1},
		// The relation ends 1, 2, 3 in one batch, the evidence articles
		// 1 and 2 in another.
		{name: "relations", query: `{ relations { edges { node { source { name } target { name } evidence { sentence article { title } } } } } }`, batch: 2},
		// One path of one hop: its two ends in one batch, the one
		// evidence article alone.
		{name: "path", query: `{ path(from: "E1", to: "E2") { hops { from { name } to { name } relation { evidence { text } } } } }`, article: 1, batch: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			s := newTestSchema(t, f, nil)
			out := do(t, s, tc.query, nil)
			if out["errors"] != nil {
				t.Fatalf("errors: %v", out["errors"])
			}
			if got := f.entityCalls.Load(); got != tc.entity {
				t.Errorf("Entity called %d times, want %d", got, tc.entity)
			}
			if got := f.articleCalls.Load(); got != tc.article {
				t.Errorf("Article called %d times, want %d", got, tc.article)
			}
			if got := f.batchCalls.Load(); got != tc.batch {
				t.Errorf("EntitiesByID/ArticlesByID called %d times, want %d", got, tc.batch)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, query string
		vars        map[string]any
		code, msg   string
	}{
		{"first too big", `{ entities(first: 101) { totalCount } }`, nil, codeBadInput, "first must be at most 100"},
		{"first negative", `{ articles(first: -1) { totalCount } }`, nil, codeBadInput, "must not be negative"},
		{"bad id", `{ entity(id: "A1") { name } }`, nil, codeBadInput, "not an entity id"},
		{"bad article id", `{ article(id: "E1") { text } }`, nil, codeBadInput, "not an article id"},
		{"article without args", `{ article { text } }`, nil, codeBadInput, "needs an id"},
		{"stale cursor", `{ articles(after: "zz") { totalCount } }`, nil, codeBadInput, "cursor"},
		{"bad date", `{ articles(publishedAfter: "yesterday") { totalCount } }`, nil, codeBadInput, "publishedAfter"},
		{"deep neighbors", `{ entity(id: "E1") { neighbors(depth: 9) { depth } } }`, nil, codeBadInput, "depth must be between"},
		{"path depth", `{ path(from: "E1", to: "E2", maxDepth: 5) { hops { from { id } } } }`, nil, codeBadInput, "maxDepth"},
		{"min above max", `{ numbers(min: 5, max: 1) { totalCount } }`, nil, codeBadInput, "above max"},
		{"mutation unauthorized", `mutation { ingestArticles(articles: []) { status } }`, nil, codeForbidden, "does not accept writes"},
		{"too deep", `{ entity(id: "E1") { relations(first: 1) { edges { node { source { relations(first: 1) { edges { node { source { relations(first: 1) { edges { node { source { relations(first: 1) { edges { node { source { name } } } } } } } } } } } } } } } } } }`, nil, codeTooDeep, "too deep"},
		{"too complex", `query($n: Int) { entities(first: $n) { edges { node { mentions(first: 100) { edges { node { article { mentions(first: 100) { edges { node { text } } } } } } } } } } }`, map[string]any{"n": 100.0}, codeTooComplex, "too complex"},
	}
	s := newTestSchema(t, newFake(), nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := do(t, s, tc.query, tc.vars)
			errs, _ := out["errors"].([]any)
			if len(errs) == 0 {
				t.Fatalf("no error; got %v", out)
			}
			e := errs[0].(map[string]any)
			if !strings.Contains(e["message"].(string), tc.msg) {
				t.Errorf("message %q does not contain %q", e["message"], tc.msg)
			}
			ext, _ := e["extensions"].(map[string]any)
			if ext["code"] != tc.code {
				t.Errorf("code %v, want %s", ext["code"], tc.code)
			}
		})
	}
}

func TestErrorPathAndInternal(t *testing.T) {
	f := newFake()
	f.fail = errors.New("disk on fire")
	s := newTestSchema(t, f, nil)
	out := do(t, s, `{ stats { articles } }`, nil)
	errs := out["errors"].([]any)
	e := errs[0].(map[string]any)
	if fmt.Sprint(e["path"]) != "[stats]" {
		t.Errorf("path %v, want [stats]", e["path"])
	}
	if strings.Contains(e["message"].(string), "fire") {
		t.Errorf("internal cause leaked to the client: %q", e["message"])
	}
	if e["extensions"].(map[string]any)["code"] != codeInternal {
		t.Errorf("code %v", e["extensions"])
	}
}

func TestPagination(t *testing.T) {
	s := newTestSchema(t, newFake(), nil)
	var names []string
	after := any(nil)
	for range 10 {
		out := do(t, s, `query($after: String) { entities(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`, map[string]any{"after": after})
		if out["errors"] != nil {
			t.Fatalf("errors: %v", out["errors"])
		}
		conn := out["data"].(map[string]any)["entities"].(map[string]any)
		if conn["totalCount"].(float64) != 4 {
			t.Errorf("totalCount %v", conn["totalCount"])
		}
		for _, e := range conn["edges"].([]any) {
			names = append(names, e.(map[string]any)["node"].(map[string]any)["name"].(string))
		}
		pi := conn["pageInfo"].(map[string]any)
		if !pi["hasNextPage"].(bool) {
			break
		}
		after = pi["endCursor"]
	}
	if len(names) != 4 {
		t.Errorf("paged through %v, want 4 entities", names)
	}
	out := do(t, s, `{ entities(first: 0) { totalCount pageInfo { hasNextPage } edges { cursor } } }`, nil)
	conn := out["data"].(map[string]any)["entities"].(map[string]any)
	if len(conn["edges"].([]any)) != 0 || conn["totalCount"].(float64) != 4 || !conn["pageInfo"].(map[string]any)["hasNextPage"].(bool) {
		t.Errorf("first: 0 gave %v", conn)
	}
}

func TestIngest(t *testing.T) {
	var got []graph.Article
	ingest := func(ctx context.Context, as []graph.Article) ([]IngestResult, error) {
		got = append(got, as...)
		out := make([]IngestResult, len(as))
		for i, a := range as {
			out[i] = IngestResult{ExternalID: a.ExternalID, Status: graph.StatusCreated, Article: 2}
		}
		return out, nil
	}
	s := newTestSchema(t, newFake(), ingest)
	q := `mutation($as: [ArticleInput!]!) { ingestArticles(articles: $as) { externalId status reason article { id } } }`
	vars := map[string]any{"as": []any{
		map[string]any{"externalId": "x", "text": "Some text.", "published": "2024-05-01"},
		map[string]any{"externalId": "y", "text": "Other text.", "published": "last week"},
	}}
	res := s.Do(context.Background(), Request{Query: q, Variables: vars})
	if len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != codeUnauthorized {
		t.Fatalf("unauthorized ingest: %+v", res.Errors)
	}
	if len(got) != 0 {
		t.Fatalf("ingest called without the token")
	}
	res = s.Do(context.Background(), Request{Query: q, Variables: vars, Authorized: true})
	b, _ := encodeResult(new(bytes.Buffer), res)
	want := `{"data":{"ingestArticles":[{"article":{"id":"A2"},"externalId":"x","reason":null,"status":"CREATED"},{"article":null,"externalId":"y","reason":"published: \"last week\" is not an RFC 3339 time or a YYYY-MM-DD date","status":"REJECTED"}]}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if len(got) != 1 || got[0].Published.Year() != 2024 || got[0].Text != "Some text." {
		t.Errorf("ingest got %+v", got)
	}
}

func TestIDs(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"E1", 1, true}, {"E18446744073709551615", 18446744073709551615, true},
		{"E0", 0, false}, {"E01", 0, false}, {"E+1", 0, false}, {"E-1", 0, false},
		{"A1", 0, false}, {"E", 0, false}, {"", 0, false}, {"E1x", 0, false},
		{"E18446744073709551616", 0, false},
	}
	for _, tc := range tests {
		n, ok := parseGID(tc.in, 'E')
		if n != tc.want || ok != tc.ok {
			t.Errorf("parseGID(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.want, tc.ok)
		}
	}
	if g := entityGID(42); g != "E42" {
		t.Errorf("entityGID(42) = %q", g)
	}
	if g := articleGID(7); g != "A7" {
		t.Errorf("articleGID(7) = %q", g)
	}
}

func FuzzParseGID(f *testing.F) {
	for _, s := range []string{"E1", "A42", "E0", "", "E99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseGID(s, 'E')
		if ok && entityGID(graph.EntityID(n)) != s {
			t.Errorf("parseGID(%q) = %d does not round-trip", s, n)
		}
	})
}

// FuzzDo checks that no request document panics the schema.
func FuzzDo(f *testing.F) {
	for _, q := range []string{"{ stats { articles } }", "{", "query($a: Int) { entities(first: $a) { totalCount } }",
		"fragment f on Query { ...f } { ...f }", `{ entity(id: "E1") { neighbors { entity { name } } } }`} {
		f.Add(q)
	}
	s := newTestSchema(f, newFake(), nil)
	f.Fuzz(func(t *testing.T, q string) {
		s.Do(context.Background(), Request{Query: q})
	})
}

// TestServedSchemaMatchesFile checks that the served schema and
// schema.graphql agree type by type, field by field, argument by argument.
// The conflicts field and the Conflict type are served only for a store
// with a Conflicts method.
func TestServedSchemaMatchesFile(t *testing.T) {
	t.Run("without conflicts", func(t *testing.T) {
		checkServedSchema(t, newTestSchema(t, newFake(), nil), map[string]bool{"Query.conflicts": true, "Conflict": true})
	})
	t.Run("with conflicts", func(t *testing.T) {
		checkServedSchema(t, newTestSchema(t, conflictFake{newFake()}, nil), nil)
	})
}

func checkServedSchema(t *testing.T, s *Schema, notServed map[string]bool) {
	t.Helper()
	src, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parse(string(src))
	if err != nil {
		t.Fatalf("parse schema.graphql: %v", err)
	}
	served := s.GraphQL().TypeMap()
	file := map[string]bool{}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.ObjectDefinition:
			name := d.Name.Value
			file[name] = true
			if notServed[name] {
				continue
			}
			obj, ok := served[name].(*graphql.Object)
			if !ok {
				t.Errorf("type %s is not served", name)
				continue
			}
			fields := obj.Fields()
			seen := map[string]bool{}
			for _, fd := range d.Fields {
				fn := name + "." + fd.Name.Value
				seen[fd.Name.Value] = true
				if notServed[fn] {
					continue
				}
				sf, ok := fields[fd.Name.Value]
				if !ok {
					t.Errorf("field %s is not served", fn)
					continue
				}
				if got, want := sf.Type.String(), typeString(fd.Type); got != want {
					t.Errorf("%s: served type %s, file %s", fn, got, want)
				}
				args := map[string]*graphql.Argument{}
				for _, a := range sf.Args {
					args[a.PrivateName] = a
				}
				for _, ad := range fd.Arguments {
					sa, ok := args[ad.Name.Value]
					if !ok {
						t.Errorf("%s(%s) is not served", fn, ad.Name.Value)
						continue
					}
					delete(args, ad.Name.Value)
					if got, want := sa.Type.String(), typeString(ad.Type); got != want {
						t.Errorf("%s(%s): served type %s, file %s", fn, ad.Name.Value, got, want)
					}
					want := "<nil>"
					if ad.DefaultValue != nil {
						want = fmt.Sprint(ad.DefaultValue.GetValue())
					}
					if got := fmt.Sprint(sa.DefaultValue); got != want {
						t.Errorf("%s(%s): served default %s, file %s", fn, ad.Name.Value, got, want)
					}
				}
				for a := range args {
					t.Errorf("%s(%s) is served but not in schema.graphql", fn, a)
				}
			}
			for f := range fields {
				if !seen[f] {
					t.Errorf("field %s.%s is served but not in schema.graphql", name, f)
				}
			}
		case *ast.InputObjectDefinition:
			file[d.Name.Value] = true
			in, ok := served[d.Name.Value].(*graphql.InputObject)
			if !ok {
				t.Errorf("input %s is not served", d.Name.Value)
				continue
			}
			fields := in.Fields()
			if len(fields) != len(d.Fields) {
				t.Errorf("input %s: served %d fields, file %d", d.Name.Value, len(fields), len(d.Fields))
			}
			for _, fd := range d.Fields {
				sf, ok := fields[fd.Name.Value]
				if !ok || sf.Type.String() != typeString(fd.Type) {
					t.Errorf("input field %s.%s differs", d.Name.Value, fd.Name.Value)
				}
			}
		case *ast.EnumDefinition:
			file[d.Name.Value] = true
			en, ok := served[d.Name.Value].(*graphql.Enum)
			if !ok {
				t.Errorf("enum %s is not served", d.Name.Value)
				continue
			}
			var got, want []string
			for _, v := range en.Values() {
				got = append(got, v.Name)
			}
			for _, v := range d.Values {
				want = append(want, v.Name.Value)
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("enum %s: served %v, file %v", d.Name.Value, got, want)
			}
		}
	}
	for name, typ := range served {
		if strings.HasPrefix(name, "__") {
			continue
		}
		if _, scalar := typ.(*graphql.Scalar); scalar {
			continue
		}
		if !file[name] {
			t.Errorf("type %s is served but not in schema.graphql", name)
		}
	}
}

func typeString(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NonNull:
		return typeString(t.Type) + "!"
	case *ast.List:
		return "[" + typeString(t.Type) + "]"
	case *ast.Named:
		return t.Name.Value
	}
	return fmt.Sprintf("%T", t)
}

// TestIntrospection checks that a full introspection query (what GraphiQL
// sends) passes the depth and complexity limits.
func TestEnumOrder(t *testing.T) {
	s := newTestSchema(t, newFake(), nil)
	out := do(t, s, `{ e: __type(name: "EntityType") { enumValues { name } } r: __type(name: "RelationType") { enumValues { name } } i: __type(name: "IngestStatus") { enumValues { name } } }`, nil)
	b, _ := json.Marshal(out["data"])
	want := `{"e":{"enumValues":[{"name":"PERSON"},{"name":"ORGANIZATION"},{"name":"PLACE"},{"name":"NUMBER"},{"name":"DATE"}]},"i":{"enumValues":[{"name":"CREATED"},{"name":"UNCHANGED"},{"name":"REPLACED"},{"name":"REJECTED"}]},"r":{"enumValues":[{"name":"ROLE"},{"name":"LOCATED_IN"},{"name":"PART_OF"},{"name":"STATED"},{"name":"ACTION"},{"name":"CO_MENTIONED"}]}}`
	if string(b) != want {
		t.Errorf("enum order:\n got %s\nwant %s", b, want)
	}
}

func TestIntrospection(t *testing.T) {
	s := newTestSchema(t, newFake(), nil)
	res := s.Do(context.Background(), Request{Query: testutil.IntrospectionQuery})
	if len(res.Errors) > 0 {
		t.Fatalf("introspection: %v", res.Errors)
	}
	b, _ := json.Marshal(res.Data)
	for _, name := range []string{`"EntityConnection"`, `"ingestArticles"`, `"RelationType"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("introspection lacks %s", name)
		}
	}
}

// TestCachedDocumentLimits checks that a cached document is still held to
// the limits with each request's variables.
func TestCachedDocumentLimits(t *testing.T) {
	s := newTestSchema(t, newFake(), nil)
	q := `query($n: Int) { entities(first: $n) { edges { node { mentions(first: 100) { edges { node { article { mentions(first: 100) { edges { node { text } } } } } } } } } } }`
	for _, tc := range []struct {
		n       float64
		wantErr bool
	}{{1, false}, {100, true}, {1, false}} {
		res := s.Do(context.Background(), Request{Query: q, Variables: map[string]any{"n": tc.n}})
		if got := len(res.Errors) > 0; got != tc.wantErr {
			t.Errorf("n=%v: errors %v, want error %v", tc.n, res.Errors, tc.wantErr)
		}
	}
	if _, ok := s.docs.get(q); !ok {
		t.Error("the valid document was not cached")
	}
	s.Do(context.Background(), Request{Query: "{ nosuch }"})
	if _, ok := s.docs.get("{ nosuch }"); ok {
		t.Error("an invalid document was cached")
	}
}

// conflictFake is a fake store that detects conflicts.
type conflictFake struct{ *fakeStore }

func (f conflictFake) Conflicts(ctx context.Context, id graph.EntityID) ([]graph.Conflict, error) {
	if id != 2 {
		return nil, nil
	}
	ev := f.relations[2].Evidence
	return []graph.Conflict{{Kind: "number", Description: "two head counts", A: ev[0], B: ev[1]}}, nil
}

func TestConflicts(t *testing.T) {
	s := newTestSchema(t, conflictFake{newFake()}, nil)
	out := do(t, s, `{ a: conflicts(entity: "E2") { kind description a { article { externalId } text } b { article { externalId } sentence } }
	                   b: conflicts(entity: "E1") { kind } }`, nil)
	b, _ := json.Marshal(out)
	want := `{"data":{"a":[{"a":{"article":{"externalId":"one"},"text":"Zoë Ångström, chief executive of Acme Corp, said in Springfield that about 3,000 people work there."},"b":{"article":{"externalId":"two"},"sentence":"Acme Corp opened a plant near Springfield, the company said."},"description":"two head counts","kind":"number"}],"b":[]}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	out = do(t, newTestSchema(t, newFake(), nil), `{ conflicts(entity: "E2") { kind } }`, nil)
	if out["errors"] == nil {
		t.Error("conflicts is served by a store without Conflicts")
	}
}
