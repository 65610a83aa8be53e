package extract

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

// relationsFile lists every typed relation extracted from the seed articles
// with a human judgement of each (right, wrong or unjudged) and, for wrong
// ones, the reason. TestSeedRelationPrecision keeps it in step with the
// extractor; -update rewrites it, keeping the judgements of unchanged rows.
const relationsFile = "../../testdata/relations_seeds.tsv"

var relHeader = []string{"article", "type", "label", "source", "target", "judgement", "reason", "sentence"}

// precisionFloor is the share of judged typed relations that must be right,
// overall and for every type.
const precisionFloor = 0.90

type relRow struct {
	article, typ, label, source, target string
	judgement, reason, sentence         string
}

func (r relRow) key() string {
	return strings.Join([]string{r.article, r.typ, r.label, r.source, r.target, r.sentence}, "\t")
}

func (r relRow) String() string {
	return fmt.Sprintf("%s %s %q: %s -> %s | %.90s", r.article, r.typ, r.label, r.source, r.target, r.sentence)
}

// tsvField makes s fit one TSV field: tabs and line breaks become single
// spaces.
func tsvField(s string) string { return strings.Join(strings.Fields(s), " ") }

// seedRelations extracts the typed relations of the seed articles, in
// article order and, inside an article, in extraction order.
func seedRelations(t *testing.T) []relRow {
	t.Helper()
	files, _ := filepath.Glob("../../data/*.txt")
	if len(files) == 0 {
		t.Skip("no seed articles")
	}
	x := newTestExtractor(t)
	var rows []relRow
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		d := x.Extract(graph.Article{ExternalID: name, Text: string(src)})
		cps := []rune(d.Article.Text)
		for _, r := range d.Relations {
			if r.Type == graph.RelCoMentioned {
				continue
			}
			s := d.Sentences[r.Sentence]
			rows = append(rows, relRow{
				article: name, typ: r.Type.String(), label: tsvField(r.Label),
				source: tsvField(d.Entities[r.Source].Name), target: tsvField(d.Entities[r.Target].Name),
				sentence: tsvField(string(cps[s.Start:s.End])),
			})
		}
	}
	return rows
}

func readRelRows(path string) ([]relRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []relRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for n := 1; sc.Scan(); n++ {
		fs := strings.Split(sc.Text(), "\t")
		if n == 1 {
			if strings.Join(fs, "\t") != strings.Join(relHeader, "\t") {
				return nil, fmt.Errorf("%s: header %q, want %q", path, fs, relHeader)
			}
			continue
		}
		if len(fs) != len(relHeader) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", path, n, len(fs), len(relHeader))
		}
		r := relRow{article: fs[0], typ: fs[1], label: fs[2], source: fs[3], target: fs[4],
			judgement: fs[5], reason: fs[6], sentence: fs[7]}
		switch r.judgement {
		case "right", "wrong", "unjudged":
		default:
			return nil, fmt.Errorf("%s:%d: judgement %q, want right, wrong or unjudged", path, n, r.judgement)
		}
		if r.judgement == "wrong" && r.reason == "" {
			return nil, fmt.Errorf("%s:%d: a wrong relation needs a reason", path, n)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func writeRelRows(path string, rows []relRow) error {
	var b strings.Builder
	b.WriteString(strings.Join(relHeader, "\t") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join([]string{r.article, r.typ, r.label, r.source, r.target,
			r.judgement, r.reason, r.sentence}, "\t") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// mergeJudgements gives each extracted row the judgement of an identical
// row of the file (rows are matched as a multiset), else "unjudged"; it
// also returns the file rows no longer extracted.
func mergeJudgements(got, judged []relRow) (merged, gone []relRow) {
	pool := map[string][]relRow{}
	for _, r := range judged {
		pool[r.key()] = append(pool[r.key()], r)
	}
	for _, r := range got {
		if old := pool[r.key()]; len(old) > 0 {
			r.judgement, r.reason = old[0].judgement, old[0].reason
			pool[r.key()] = old[1:]
		} else {
			r.judgement, r.reason = "unjudged", ""
		}
		merged = append(merged, r)
	}
	for _, r := range judged {
		if old := pool[r.key()]; len(old) > 0 {
			gone = append(gone, old[0])
			pool[r.key()] = old[1:]
		}
	}
	return merged, gone
}

type precision struct{ right, wrong int }

func (p precision) share() float64 {
	if p.right+p.wrong == 0 {
		return 1
	}
	return float64(p.right) / float64(p.right+p.wrong)
}

// relPrecision counts right and wrong judged rows per type ("" = all).
func relPrecision(rows []relRow) map[string]precision {
	ps := map[string]precision{}
	for _, r := range rows {
		for _, k := range []string{r.typ, ""} {
			p := ps[k]
			switch r.judgement {
			case "right":
				p.right++
			case "wrong":
				p.wrong++
			}
			ps[k] = p
		}
	}
	return ps
}

// TestSeedRelationPrecision checks that testdata/relations_seeds.tsv lists
// exactly the typed relations extracted from the seeds, all judged, and
// that at least precisionFloor of them are right, per type and overall.
// After a change to extraction, run it with -update, judge the rows marked
// "unjudged" by reading their sentences, and commit the file.
func TestSeedRelationPrecision(t *testing.T) {
	got := seedRelations(t)
	var judged []relRow
	if _, err := os.Stat(relationsFile); err == nil || !*update {
		var err error
		if judged, err = readRelRows(relationsFile); err != nil {
			t.Fatal(err)
		}
	}
	merged, gone := mergeJudgements(got, judged)
	if *update {
		if err := writeRelRows(relationsFile, merged); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d rows, %d no longer extracted", relationsFile, len(merged), len(gone))
	} else {
		for _, r := range merged {
			if r.judgement == "unjudged" {
				t.Errorf("extracted but not in %s: %s", relationsFile, r)
			}
		}
		for _, r := range gone {
			t.Errorf("in %s but no longer extracted: %s", relationsFile, r)
		}
		if t.Failed() {
			t.Fatalf("the extracted relations drifted from %s: run with -update and judge the unjudged rows", relationsFile)
		}
	}
	unjudged := 0
	for _, r := range merged {
		if r.judgement == "unjudged" {
			unjudged++
		}
	}
	ps := relPrecision(merged)
	var types []string
	for k := range ps {
		if k != "" {
			types = append(types, k)
		}
	}
	sort.Strings(types)
	for _, k := range append(types, "") {
		p, name := ps[k], k
		if name == "" {
			name = "all typed"
		}
		t.Logf("%-10s precision %.3f (%d right of %d judged)", name, p.share(), p.right, p.right+p.wrong)
		if !*update && p.share() < precisionFloor {
			t.Errorf("%s precision %.3f < %.2f", name, p.share(), precisionFloor)
		}
	}
	if unjudged > 0 {
		t.Logf("%d rows unjudged", unjudged)
		if !*update {
			t.Errorf("%d rows of %s are unjudged", unjudged, relationsFile)
		}
	}
}

func TestMergeJudgements(t *testing.T) {
	a := relRow{article: "a", typ: "ROLE", label: "president", source: "X", target: "Y", sentence: "s"}
	b := relRow{article: "a", typ: "STATED", label: "said", source: "X", target: "Z", sentence: "s"}
	ja, jb := a, b
	ja.judgement, jb.judgement, jb.reason = "right", "wrong", "not the speaker"
	// a twice extracted, once judged; b judged but gone.
	merged, gone := mergeJudgements([]relRow{a, a}, []relRow{ja, jb})
	if len(merged) != 2 || merged[0].judgement != "right" || merged[1].judgement != "unjudged" {
		t.Errorf("merged = %+v", merged)
	}
	if len(gone) != 1 || gone[0].key() != b.key() || gone[0].reason != "not the speaker" {
		t.Errorf("gone = %+v", gone)
	}
	ps := relPrecision([]relRow{ja, jb, merged[1]})
	if ps[""] != (precision{1, 1}) || ps["STATED"].share() != 0 || ps["ROLE"].share() != 1 {
		t.Errorf("precision = %+v", ps)
	}
}

// TestStatedClaims checks that STATED links a speaker to what it states
// and not to names elsewhere in the sentence.
func TestStatedClaims(t *testing.T) {
	x := newTestExtractor(t)
	type rel struct{ typ, src, dst string }
	tests := []struct {
		in       string
		want, no []rel
	}{
		{in: "Germany says France and Italy must pay more as Spain claims the rules are unfair.",
			want: []rel{{"STATED", "Germany", "France"}, {"STATED", "Germany", "Italy"}},
			no:   []rel{{"STATED", "Germany", "Spain"}, {"STATED", "Spain", "France"}, {"STATED", "Spain", "Germany"}}},
		{in: "Officials responsible for Brazil said the talks with Argentina had failed.",
			no: []rel{{"STATED", "Brazil", "Argentina"}}},
		{in: "\"We will not sell to Toyota,\" Angela Merkel told reporters in Berlin.",
			want: []rel{{"STATED", "Angela Merkel", "Toyota"}},
			no:   []rel{{"STATED", "Angela Merkel", "Berlin"}}},
		{in: "Toyota will close two plants in Mexico, Germany's economy ministry said on Tuesday.",
			want: []rel{{"STATED", "German Economy Ministry", "Toyota"}, {"STATED", "German Economy Ministry", "Mexico"}},
			no:   []rel{{"STATED", "German Economy Ministry", "Germany"}}},
		{in: "France said on Monday that Germany had won the contract.",
			want: []rel{{"STATED", "France", "Germany"}}},
		{in: "Toyota says its workers left Mexico.",
			want: []rel{{"STATED", "Toyota", "Mexico"}},
			no:   []rel{{"ACTION", "Toyota", "Mexico"}}},
		{in: "Angela Merkel met Emmanuel Macron in Paris.",
			want: []rel{{"ACTION", "Angela Merkel", "Emmanuel Macron"}}},
		{in: "Angela Merkel visited Paris on Monday. She said France would back Spain.",
			want: []rel{{"STATED", "Angela Merkel", "France"}, {"STATED", "Angela Merkel", "Spain"}}},
		{in: "Angela Merkel met Emmanuel Macron in Paris. He said France would back Spain.",
			no: []rel{{"STATED", "Angela Merkel", "France"}, {"STATED", "Emmanuel Macron", "France"}}},
	}
	for _, tt := range tests {
		d := x.Extract(graph.Article{Text: tt.in})
		have := map[rel]bool{}
		var got []string
		for _, r := range d.Relations {
			k := rel{r.Type.String(), d.Entities[r.Source].Name, d.Entities[r.Target].Name}
			have[k] = true
			if r.Type != graph.RelCoMentioned {
				got = append(got, fmt.Sprint(k))
			}
		}
		for _, r := range tt.want {
			if !have[r] {
				t.Errorf("%q: no %v; have %v", tt.in, r, got)
			}
		}
		for _, r := range tt.no {
			if have[r] {
				t.Errorf("%q: unwanted %v; have %v", tt.in, r, got)
			}
		}
	}
}
