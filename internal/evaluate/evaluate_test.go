package evaluate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/data"
	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/internal/evaluate"
	"github.com/newsgraph/newsgraph/loader"
	"github.com/newsgraph/newsgraph/loader/extract"
	"github.com/newsgraph/newsgraph/schema"
)

func TestNorm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The Kremlin's", "kremlin"},
		{"  Defense\u00a0Ministry. ", "defense ministry"},
		{"\u201cQuoted\u201d", "quoted"},
		{"Russia\u2019s", "russia"},
		{"(AFP)", "afp"},
		{"Theodore", "theodore"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := evaluate.Norm(tc.in); got != tc.want {
			t.Errorf("Norm(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// inProcess runs queries through the schema without HTTP.
type inProcess struct{ s *schema.Schema }

func (q inProcess) Query(ctx context.Context, query string, vars map[string]any, out any) error {
	raw, err := json.Marshal(q.s.Do(ctx, schema.Request{Query: query, Variables: vars}))
	if err != nil {
		return err
	}
	return evaluate.DecodeResponse(raw, out)
}

// Quality floors on the seeds: the figures reached so far, a little
// lower. Raise them when extraction improves; never lower them to make a
// change pass.
const (
	floorPersonF1   = 0.95
	floorOrgF1      = 0.90
	floorPlaceF1    = 0.93
	floorAllF1      = 0.93
	floorNumberF1   = 0.90
	floorResolved   = 12 // of 13 multi-article entities
	maxWrongMerges  = 1
	floorLabelled   = 9 // of 11 gold relations
	floorRelFound   = 10
	floorUnitsRight = 5
)

// TestSeedQuality loads the seed articles with the real extractor into an
// in-memory store and scores them against testdata/seeds.gold.json, as
// shared/eval/run.sh does over HTTP. It fails when quality drops below
// the floors.
func TestSeedQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and extracts the seeds; skipped in -short mode")
	}
	ctx := context.Background()
	gold, err := evaluate.ReadGold("../../testdata/seeds.gold.json")
	if err != nil {
		t.Fatal(err)
	}
	store, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	x, err := extract.New() // rules, gazetteers and the default NER tagger, as load and serve use
	if err != nil {
		t.Fatal(err)
	}
	sum, err := (&loader.Loader{Sink: store, Extractor: x}).LoadFS(ctx, data.FS)
	if err != nil || sum.Rejected > 0 {
		t.Fatalf("loading the seeds: %v (%d rejected)", err, sum.Rejected)
	}
	s, err := schema.New(schema.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evaluate.Score(ctx, inProcess{s}, gold)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rep.Print(&b, true); err != nil {
		t.Fatal(err)
	}
	t.Logf("seed quality:\n%s", b.String())
	if len(rep.MissingDocs) > 0 {
		t.Errorf("articles missing from the graph: %v", rep.MissingDocs)
	}
	checks := []struct {
		name      string
		got, want float64
		atMost    bool
	}{
		{"PERSON F1", rep.Entities["PERSON"].F1, floorPersonF1, false},
		{"ORGANIZATION F1", rep.Entities["ORGANIZATION"].F1, floorOrgF1, false},
		{"PLACE F1", rep.Entities["PLACE"].F1, floorPlaceF1, false},
		{"ALL F1", rep.Entities["ALL"].F1, floorAllF1, false},
		{"NUMBER F1", rep.Numbers.F1, floorNumberF1, false},
		{"units right", float64(rep.UnitCorrect), floorUnitsRight, false},
		{"resolved", float64(rep.Resolved), floorResolved, false},
		{"wrong merges", float64(rep.WrongMerges), maxWrongMerges, true},
		{"relations found", float64(rep.RelationsFound), floorRelFound, false},
		{"relations labelled", float64(rep.RelationsLabelled), floorLabelled, false},
	}
	for _, c := range checks {
		if (!c.atMost && c.got < c.want) || (c.atMost && c.got > c.want) {
			bound := "floor"
			if c.atMost {
				bound = "ceiling"
			}
			t.Errorf("%s = %.3f, %s %.3f", c.name, c.got, bound, c.want)
		}
	}
}
