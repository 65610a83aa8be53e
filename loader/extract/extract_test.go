package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/graph"
)

func seedTexts(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob("../../data/*.txt")
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(b))
	}
	if len(out) == 0 {
		tb.Skip("no seed articles")
	}
	return out
}

// checkDoc checks the invariants every Doc must keep.
func checkDoc(t *testing.T, src string, d graph.Doc) {
	t.Helper()
	if d.Article.Text != src {
		t.Fatal("article text changed")
	}
	runes := []rune(src)
	for _, s := range d.Sentences {
		if s.Start < 0 || s.End > len(runes) || s.Start > s.End {
			t.Fatalf("sentence %+v out of range", s)
		}
	}
	for _, m := range d.Mentions {
		if m.Entity < 0 || m.Entity >= len(d.Entities) {
			t.Fatalf("mention %+v: bad entity", m)
		}
		if m.Span.Start < 0 || m.Span.End > len(runes) || m.Span.Start >= m.Span.End {
			t.Fatalf("mention %+v out of range", m)
		}
		if got := string(runes[m.Span.Start:m.Span.End]); got != m.Text {
			t.Fatalf("mention text %q != code-point slice %q", m.Text, got)
		}
		if m.Sentence < 0 || m.Sentence >= len(d.Sentences) {
			t.Fatalf("mention %+v: bad sentence", m)
		}
		if s := d.Sentences[m.Sentence]; m.Span.Start < s.Start || m.Span.End > s.End {
			t.Fatalf("mention %+v outside its sentence %+v", m, s)
		}
	}
	for _, e := range d.Entities {
		if !e.Kind.Valid() || len(e.Keys) == 0 || e.Name == "" {
			t.Fatalf("bad entity %+v", e)
		}
		if e.Kind == graph.KindNumber && (e.Value == nil || e.Unit == "") {
			t.Fatalf("number without value or unit: %+v", e)
		}
	}
	for _, r := range d.Relations {
		if !r.Type.Valid() || r.Source < 0 || r.Source >= len(d.Entities) || r.Target < 0 || r.Target >= len(d.Entities) || r.Source == r.Target {
			t.Fatalf("bad relation %+v", r)
		}
		if r.Span.Start < 0 || r.Span.End > len(runes) || r.Span.Start > r.Span.End {
			t.Fatalf("relation span %+v out of range", r.Span)
		}
	}
}

func TestExtractInvariants(t *testing.T) {
	x := newTestExtractor(t)
	for _, src := range append(seedTexts(t), "", " ", "\n\n", "A", "Mr. X said.", "\xff\xfe", "‘’“”") {
		d := x.Extract(graph.Article{Text: src})
		checkDoc(t, src, d)
		if len(d.Article.Hash) != 64 {
			t.Fatalf("hash %q not filled", d.Article.Hash)
		}
	}
	d := x.Extract(graph.Article{Text: "x", Hash: "given"})
	if d.Article.Hash != "given" {
		t.Error("a given hash was replaced")
	}
}

func TestNumbers(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		in        string
		value     float64
		unit      string
		qualifier string
	}{
		{"Officials said 115,000 people were moved.", 115000, "people", ""},
		{"They took about 5,000 pieces of hardware and equipment.", 5000, "pieces of hardware", "about"},
		{"Troops retook more than 200 square kilometers from them.", 200, "square kilometers", "more than"},
		{"Kiev says it recaptured a dozen villages in the region.", 12, "villages", ""},
		{"After nine months of fighting it ended.", 9, "months", ""},
		{"Three other regions joined.", 3, "regions", ""},
		{"Sales rose 2% last year.", 2, "percent", ""},
		{"It cost $1.5 million to build.", 1.5e6, "dollars", ""},
		{"Some twenty-five soldiers died.", 25, "soldiers", "some"},
		{"Between 5 and 10 people were hurt.", 5, "people", "between"},
		{"It took 3-4 weeks.", 3, "weeks", "between"},
		{"Profit rose to 310 mln dlrs.", 310e6, "dollars", ""},
		{"The attack killed at least 1,400 Israelis, officials said.", 1400, "Israelis", "at least"},
		{"Germany will deliver 18 Leopard tanks by March.", 18, "Leopard tanks", ""},
		{"The army would send 14 Challenger 2 tanks.", 14, "Challenger 2 tanks", ""},
		// Equipment counted by a make that the tagger or the gazetteer takes for a name.
		{"Poland has received 12 Bradley fighting vehicles.", 12, "Bradley fighting vehicles", ""},
		{"The army will get 18 Leopard 2 tanks.", 18, "Leopard 2 tanks", ""},
		{"The US will send two Patriot missile batteries.", 2, "Patriot missile batteries", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d := x.Extract(graph.Article{Text: tt.in})
			found := false
			for _, m := range d.Mentions {
				e := d.Entities[m.Entity]
				if e.Kind != graph.KindNumber {
					continue
				}
				found = true
				if *e.Value != tt.value || e.Unit != tt.unit || m.Qualifier != tt.qualifier {
					t.Errorf("got %g %q qualifier %q, want %g %q %q", *e.Value, e.Unit, m.Qualifier, tt.value, tt.unit, tt.qualifier)
				}
			}
			if !found {
				t.Errorf("no number in %q", tt.in)
			}
		})
	}
}

// The make of counted equipment is no organization or person; a name
// before other things counted stays one.
func TestMakeIsNoName(t *testing.T) {
	x := newTestExtractor(t)
	for _, c := range []struct{ in, name string }{
		{"Poland has received 12 Bradley fighting vehicles.", ""},
		{"The army will get 18 Leopard 2 tanks.", ""},
		{"The firm hired 300 Google engineers last year.", "Google"},
	} {
		var names []string
		for _, e := range x.Extract(graph.Article{Text: c.in}).Entities {
			if e.Kind == graph.KindOrg || e.Kind == graph.KindPerson {
				names = append(names, e.Name)
			}
		}
		if c.name == "" && len(names) > 0 || c.name != "" && (len(names) != 1 || names[0] != c.name) {
			t.Errorf("%q: names %q, want %q", c.in, names, c.name)
		}
	}
}

func TestNotNumbers(t *testing.T) {
	x := newTestExtractor(t)
	for _, in := range []string{
		"Page 1 of 3", "29 minutes ago", "1 min read", "Updated 12:08 PM", "at 1:39 PM today",
		"In 2022 things changed.", "date 2022-11-11", "On November 5, 2022, it rained.", "Nov. 9",
		"a 2S7 Pion gun", "1. Skip to content",
	} {
		d := x.Extract(graph.Article{Text: in})
		for _, m := range d.Mentions {
			if d.Entities[m.Entity].Kind == graph.KindNumber {
				t.Errorf("%q: spurious number %q", in, m.Text)
			}
		}
	}
}

func TestDates(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct{ in, iso string }{
		{"It happened on November 5, 2022.", "2022-11-05"},
		{"By Nov. 9, 2022 it was over.", "2022-11-09"},
		{"In 2022 it began; on Nov. 9 it ended.", "2022-11-09"},
		{"The date 2022-11-11 was set.", "2022-11-11"},
		{"Elections in September 2021 were held.", "2021-09"},
		{"He arrived on 5 March 2020.", "2020-03-05"},
	}
	for _, tt := range tests {
		d := x.Extract(graph.Article{Text: tt.in})
		var got []string
		for _, e := range d.Entities {
			if e.Kind == graph.KindDate {
				got = append(got, e.ISO)
			}
		}
		if !strings.Contains(strings.Join(got, " "), tt.iso) {
			t.Errorf("%q: dates %q, want %s", tt.in, got, tt.iso)
		}
	}
}

func entityByName(d graph.Doc, name string) (graph.LocalEntity, bool) {
	for _, e := range d.Entities {
		if e.Name == name {
			return e, true
		}
		for _, a := range e.Aliases {
			if a == name {
				return e, true
			}
		}
	}
	return graph.LocalEntity{}, false
}

func TestTypes(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		in, name string
		kind     graph.Kind
	}{
		{"Defense Minister Oleg Petrenko visited troops.", "Oleg Petrenko", graph.KindPerson},
		{"The talks, said spokesman Ivan Dorov, failed.", "Ivan Dorov", graph.KindPerson},
		{"The Institute of Applied Studies said so.", "Institute of Applied Studies", graph.KindOrg},
		{"They crossed the Sava River at dawn.", "Sava River", graph.KindPlace},
		{"Fighting in the village of Zorivka continued.", "Zorivka", graph.KindPlace},
		{"(Photo by Anna Berg/Foto Agency via Getty Images)", "Anna Berg", graph.KindPerson},
		{"Officials in Paris and Berlin agreed.", "Paris", graph.KindPlace},
		{"The Russian Federation objected.", "Russian Federation", graph.KindPlace},
		{"KYIV: Units entered the city.", "KYIV", graph.KindPlace},
		{"The Securities and Exchange Commission said so.", "Securities and Exchange Commission", graph.KindOrg},
		{"He flew to Bosnia and Herzegovina.", "Bosnia and Herzegovina", graph.KindPlace},
		{"The company, based in St. Louis, said it will expand.", "St. Louis", graph.KindPlace},
		{"The House of Representatives voted on Tuesday.", "House of Representatives", graph.KindOrg},
		{"He sat in the House of Lords for ten years.", "House of Lords", graph.KindOrg},
		{"The Chamber of Deputies passed the bill.", "Chamber of Deputies", graph.KindOrg},
		{"Petroleos del Norte S.A. runs a plant.", "Petroleos del Norte S.A.", graph.KindOrg},
		{"It is a subsidiary of Vantor PLC, the group said.", "Vantor PLC", graph.KindOrg},
		{"The firm hired 300 Google engineers last year.", "Google", graph.KindOrg},
		{"According to the Institute for the Study of Conflict, the front held.", "Institute for the Study of Conflict", graph.KindOrg},
		{"Sporting Braga won the match on Sunday.", "Sporting Braga", graph.KindOrg},
		// A compass word and a continent, country, region or big city.
		{"Gas prices in Western Europe rose sharply.", "Western Europe", graph.KindPlace},
		{"Western Europe faces a cold winter.", "Western Europe", graph.KindPlace},
		{"Police in East London arrested two men.", "East London", graph.KindPlace},
		{"He sent money through Western Union.", "Western Union", graph.KindOrg},
		{"Western Australia's premier resigned.", "Western Australia", graph.KindPlace},
		// An organization before a title is a name of its own.
		{"Labour MP Anna Berg spoke on Monday.", "Labour", graph.KindOrg},
		// An apposition that says what an organization is.
		{"UNRWA, the UN agency for Palestinian refugees, said its schools were full.", "UNRWA", graph.KindOrg},
		{"Sonatrach, the state energy company, cut prices.", "Sonatrach", graph.KindOrg},
		{"Gianni Ferro, the godfather of the group, resigned.", "Gianni Ferro", graph.KindPerson},
		{"Mr. Baker said the talks had failed.", "Baker", graph.KindPerson},
		{"Speaking in Warsaw, Foreign Minister Anna Berg thanked donors.", "Warsaw", graph.KindPlace},
		{"Soldiers of the 3rd Assault Brigade advanced.", "3rd Assault Brigade", graph.KindOrg},
		{"She posted on LinkedIn that she had left.", "LinkedIn", graph.KindOrg},
		{"The United Nations Development Programme estimated losses.", "United Nations Development Programme", graph.KindOrg},
		{"Fighters from Islamic State attacked the town.", "Islamic State", graph.KindOrg},
		{"The group will report on Friday, the Sunday Telegraph reported.", "Sunday Telegraph", graph.KindOrg},
		{"After his inquiry, the watchdog Sir Henry Ashdale will report to MPs.", "Henry Ashdale", graph.KindPerson},
		{"Rebels seized the city of Jack Lorne on Monday, officials said.", "Jack Lorne", graph.KindPlace},
		{"Syrian President Karim al-Haddad spoke on Monday.", "Karim al-Haddad", graph.KindPerson},
		{"Talks with Abdel Rahman el-Tayeb ended.", "Abdel Rahman el-Tayeb", graph.KindPerson},
		{"A missile fell into the Sea of Japan on Monday.", "Sea of Japan", graph.KindPlace},
		{"Tankers avoided the Strait of Hormuz for a week.", "Strait of Hormuz", graph.KindPlace},
	}
	for _, tt := range tests {
		d := x.Extract(graph.Article{Text: tt.in})
		e, ok := entityByName(d, tt.name)
		if !ok || e.Kind != tt.kind {
			t.Errorf("%q: %q is %v (found %v), want %v; entities %+v", tt.in, tt.name, e.Kind, ok, tt.kind, d.Entities)
		}
	}
}

func TestResolutionKeys(t *testing.T) {
	x := newTestExtractor(t)
	key := func(text, name string) []string {
		t.Helper()
		d := x.Extract(graph.Article{Text: text})
		e, ok := entityByName(d, name)
		if !ok {
			t.Fatalf("%q: no entity %q in %+v", text, name, d.Entities)
		}
		return e.Keys
	}
	same := [][2][2]string{
		{{"General Valeriy Zaluzhny spoke.", "Valeriy Zaluzhny"}, {"General Valerii Zaluzhnyi spoke.", "Valerii Zaluzhnyi"}},
		{{"Russia's Defense Ministry said it.", "Defense Ministry"}, {"The Russian defence ministry said it.", "Russian defence ministry"}},
		{{"The Russian Defense Ministry said it.", "Russian Defense Ministry"}, {"The Russian defence ministry said it.", "Russian defence ministry"}},
		{{"Troops in Kiev rested.", "Kiev"}, {"Troops in Kyiv rested.", "Kyiv"}},
		{{"He went to the Russian Federation.", "Russian Federation"}, {"He went to Russia.", "Russia"}},
		{{"Talks with the U.S. ended.", "U.S."}, {"Talks with the United States ended.", "United States"}},
		{{"Fighting in the Kherson region went on.", "Kherson region"}, {"Fighting in Kherson province went on.", "Kherson province"}},
		{{"Fighting in Kherson city went on.", "Kherson city"}, {"Fighting in Kherson went on.", "Kherson"}},
	}
	for _, p := range same {
		a, b := key(p[0][0], p[0][1]), key(p[1][0], p[1][1])
		if a[0] != b[0] {
			t.Errorf("%q keys %q, %q keys %q: want the same first key", p[0][1], a, p[1][1], b)
		}
	}
	differ := [][2][2]string{
		{{"Fighting in the Kherson region went on.", "Kherson region"}, {"Fighting in Kherson went on.", "Kherson"}},
		{{"The defence ministry in Kyiv said it.", "defence ministry in Kyiv"}, {"The Russian defence ministry said it.", "Russian defence ministry"}},
	}
	for _, p := range differ {
		a, b := key(p[0][0], p[0][1]), key(p[1][0], p[1][1])
		for _, k := range a {
			for _, l := range b {
				if k == l {
					t.Errorf("%q and %q share key %q", p[0][1], p[1][1], k)
				}
			}
		}
	}
	if k := key("Sergei Shoigu spoke.", "Sergei Shoigu"); len(k) < 2 || !strings.HasPrefix(k[len(k)-1], "sur:") {
		t.Errorf("person keys %q lack a surname key", k)
	}
}

func TestCoreference(t *testing.T) {
	x := newTestExtractor(t)
	d0 := x.Extract(graph.Article{Text: "The Islamic Human Rights Commission (IHRC) said so. The IHRC chairman agreed."})
	if n := len(d0.Entities); n != 1 {
		t.Errorf("acronym and name are %d entities, want 1: %+v", n, d0.Entities)
	}
	src := "Defense Minister Sergei Shoigu ordered a retreat. Later Shoigu said the Russian Defense Ministry agreed. The ministry said nothing more."
	d := x.Extract(graph.Article{Text: src})
	count := map[int]int{}
	for _, m := range d.Mentions {
		count[m.Entity]++
	}
	for i, e := range d.Entities {
		switch e.Name {
		case "Sergei Shoigu":
			if count[i] != 2 {
				t.Errorf("Shoigu has %d mentions, want 2", count[i])
			}
		case "Russian Defense Ministry":
			if count[i] != 2 {
				t.Errorf("ministry has %d mentions, want 2 (with \"ministry\")", count[i])
			}
		}
	}
}

func TestRelations(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		in       string
		typ      graph.RelType
		src, dst string
		label    string
	}{
		{"Russian Defense Minister Sergei Shoigu ordered the withdrawal.", graph.RelRole, "Sergei Shoigu", "Russia", "defense minister"},
		{"Russia's commander in Ukraine, Sergei Surovikin, told Defense Minister Sergei Shoigu that it was done.", graph.RelAction, "Sergei Surovikin", "Sergei Shoigu", "told"},
		{"Russia's commander in Ukraine, Sergei Surovikin, spoke.", graph.RelRole, "Sergei Surovikin", "Russia", "commander"},
		{"A school in the village of Novooleksandrivka, in the Kherson region, was hit.", graph.RelLocatedIn, "Novooleksandrivka", "Kherson region", "located in"},
		{"Ukraine's defense intelligence agency spoke. The Main Intelligence Directorate of the Defence Ministry said so.", graph.RelPartOf, "Main Intelligence Directorate of the Defence Ministry", "Ukrainian Defense Ministry", "part of"},
		{"Ukraine's defense intelligence agency spoke. The Main Intelligence Directorate of the Defence Ministry said so.", graph.RelPartOf, "Main Intelligence Directorate of the Defence Ministry", "Ukraine", "intelligence agency"},
		{"Kremlin spokesman Dmitry Peskov spoke.", graph.RelRole, "Dmitry Peskov", "Kremlin", "spokesman"},
		{"Russia's Defense Ministry said it had withdrawn from Kherson.", graph.RelStated, "Russian Defense Ministry", "Kherson", "said"},
	}
	for _, tt := range tests {
		d := x.Extract(graph.Article{Text: tt.in})
		ok := false
		for _, r := range d.Relations {
			if r.Type == tt.typ && d.Entities[r.Source].Name == tt.src && d.Entities[r.Target].Name == tt.dst && strings.Contains(r.Label, tt.label) {
				ok = true
			}
		}
		if !ok {
			var got []string
			for _, r := range d.Relations {
				got = append(got, r.Type.String()+" "+r.Label+": "+d.Entities[r.Source].Name+" -> "+d.Entities[r.Target].Name)
			}
			t.Errorf("%q: no %v %s -> %s %q; have %q", tt.in, tt.typ, tt.src, tt.dst, tt.label, got)
		}
	}
}

func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"more than 30,000 troops", "a dozen villages", "$5bn", "12:08 PM", "1,2,3 x", "9.", "twenty-"} {
		f.Add(s)
	}
	x, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\ufffd")
		}
		d := x.Extract(graph.Article{Text: s})
		checkDoc(t, s, d)
	})
}

func FuzzExtract(f *testing.F) {
	for _, s := range seedTexts(f) {
		if len(s) > 600 {
			s = s[:600]
		}
		f.Add(s)
	}
	f.Add("Mr. O'Brien's U.S. firm & Co. of the West Bank, in the Kherson region, said \"no.\"")
	x, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := x.Extract(graph.Article{Text: s})
		if utf8.ValidString(s) {
			checkDoc(t, s, d)
		}
	})
}

// BenchmarkExtract extracts from >= 5 MB of news text (the seeds repeated)
// per iteration; throughput is reported as MB/s of wall time and, because
// the machine may be shared, as MB per CPU-second (MB/cpu-s). Run it with
// GOMAXPROCS=1 (or -cpu 1) for the per-core figure.
func BenchmarkExtract(b *testing.B) {
	x, err := New()
	if err != nil {
		b.Fatal(err)
	}
	benchExtract(b, x, repeatTo(seedTexts(b), 5<<20))
}

// BenchmarkExtractRules is BenchmarkExtract without the statistical tagger.
func BenchmarkExtractRules(b *testing.B) {
	x, err := New(WithTagger(nil))
	if err != nil {
		b.Fatal(err)
	}
	benchExtract(b, x, repeatTo(seedTexts(b), 5<<20))
}

// BenchmarkExtractCorpus extracts from the 2,225 BBC articles (about 5 MB,
// each article once, so words are not all cached) that the workplace keeps
// beside the project; it is skipped without them.
func BenchmarkExtractCorpus(b *testing.B) {
	x, err := New()
	if err != nil {
		b.Fatal(err)
	}
	benchExtract(b, x, corpusTexts(b, bbcCorpus))
}

// bbcCorpus is the BBC news corpus (JSONL, one article a line) that the
// workplace keeps beside the project. It is read, never copied.
const bbcCorpus = "../../../shared/corpus/bbc2225.jsonl"

// corpusTexts returns the article texts of a JSONL corpus, or skips.
func corpusTexts(tb testing.TB, path string) []string {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Skipf("no corpus: %v", err)
	}
	var out []string
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var a struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, a.Text)
	}
	return out
}

// repeatTo repeats texts until they hold at least n bytes.
func repeatTo(texts []string, n int) []string {
	var docs []string
	for total := 0; total < n; {
		for _, t := range texts {
			docs = append(docs, t)
			total += len(t)
		}
	}
	return docs
}

// benchExtract extracts every doc per iteration and reports MB/s and
// MB/cpu-s.
func benchExtract(b *testing.B, x *Extractor, docs []string) {
	total := 0
	for _, t := range docs {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	cpu0, ok := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range docs {
			x.Extract(graph.Article{Text: t})
		}
	}
	b.StopTimer()
	if cpu1, ok1 := cpuTime(); ok && ok1 && cpu1 > cpu0 {
		b.ReportMetric(float64(total)*float64(b.N)/1e6/(cpu1-cpu0).Seconds(), "MB/cpu-s")
	}
}

// TestConcurrent extracts from many goroutines at once; run it with -race.
func TestConcurrent(t *testing.T) {
	x := newTestExtractor(t)
	texts := seedTexts(t)
	want := make([]string, len(texts))
	for i, s := range texts {
		want[i] = describe(x.Extract(graph.Article{Text: s}), "")
	}
	errs := make(chan string, 8*len(texts))
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, s := range texts {
				if got := describe(x.Extract(graph.Article{Text: s}), ""); got != want[i] {
					errs <- got
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Errorf("concurrent extraction differs:\n%s", e)
	}
}

// stringTagger hides the ner model behind the Tagger interface alone, so
// the extractor takes the TagSentences path instead of the model's spans.
type stringTagger struct{ t nerTagger }

func (s stringTagger) TagSentences(sents [][]string) [][]string { return s.t.TagSentences(sents) }

// TestTaggerPaths checks that the model's spans (the default) and a Tagger
// returning tag strings give the same documents.
func TestTaggerPaths(t *testing.T) {
	fast, err := New()
	if err != nil {
		t.Fatal(err)
	}
	nt, ok := fast.tagger.(nerTagger)
	if !ok {
		t.Fatalf("default tagger is %T, not nerTagger", fast.tagger)
	}
	slow, err := New(WithTagger(stringTagger{nt}))
	if err != nil {
		t.Fatal(err)
	}
	texts := seedTexts(t)
	if len(texts) == 0 {
		t.Skip("no seed texts")
	}
	for i, s := range texts {
		a, err := json.Marshal(fast.Extract(graph.Article{Text: s}))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(slow.Extract(graph.Article{Text: s}))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("text %d: the two tagger paths differ:\n%s\n%s", i, a, b)
		}
	}
}

// An organization's name gets its country's demonym in front only when it
// does not name the country already, by name or acronym.
func TestOrgNameCountry(t *testing.T) {
	x := newTestExtractor(t)
	for _, c := range []struct{ text, want, noPlace string }{
		{"The case was heard in the US District Court in Denver on Monday.", "US District Court", ""},
		{"Officers of the UK Border Force searched the lorry.", "UK Border Force", ""},
		{"Japan's Foreign Ministry said talks would resume.", "Japanese Foreign Ministry", ""},
		{"The French Foreign Ministry said talks would resume.", "French Foreign Ministry", ""},
		{"South Korea's Joint Chiefs of Staff said the missile flew 600 km.", "South Korean Joint Chiefs of Staff", ""},
		// A place that is no country, before a description, is part of it.
		{"The Gaza health ministry said 34 people were killed.", "Gaza health ministry", "Gaza"},
	} {
		d := x.Extract(graph.Article{Text: c.text})
		var names []string
		found := false
		for _, e := range d.Entities {
			if e.Kind == graph.KindOrg {
				names = append(names, e.Name)
				found = found || e.Name == c.want
			}
		}
		if !found || len(names) != 1 {
			t.Errorf("%q: organizations %q, want only %q", c.text, names, c.want)
		}
		for _, e := range d.Entities {
			if e.Kind == graph.KindPlace && e.Name == c.noPlace {
				t.Errorf("%q: place %q apart from the organization %q", c.text, e.Name, c.want)
			}
		}
	}
}

// A possessive pronoun or a demonym that starts a sentence is no name.
func TestSentenceInitialPronoun(t *testing.T) {
	x := newTestExtractor(t)
	for _, in := range []string{"My guess is that prices will fall, he said.", "Your move, she told the board.",
		"Qatari officials met on Monday."} {
		if d := x.Extract(graph.Article{Text: in}); len(d.Entities) != 0 {
			t.Errorf("%q: entities %+v, want none", in, d.Entities)
		}
	}
}
