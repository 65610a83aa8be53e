package extract

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

var (
	dump      = flag.String("dump", "", "print what is extracted from these files (glob)")
	dumpJSONL = flag.String("dump.jsonl", "", "print what is extracted from the articles of this JSONL file")
	dumpN     = flag.Int("dump.n", 20, "how many JSONL articles to print")
	dumpSkip  = flag.Int("dump.skip", 0, "JSONL articles to skip first")
)

// TestDump prints entities and relations for -dump files; it is a reading
// aid, skipped without the flag.
func TestDump(t *testing.T) {
	if *dumpJSONL != "" {
		dumpLines(t)
		return
	}
	if *dump == "" {
		t.Skip("no -dump")
	}
	files, _ := filepath.Glob(*dump)
	x := newTestExtractor(t)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Print(describe(x.Extract(graph.Article{Text: string(src)}), filepath.Base(f)))
	}
}

func describe(d graph.Doc, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s\n", name)
	for i, e := range d.Entities {
		var ms []string
		for _, m := range d.Mentions {
			if m.Entity == i {
				s := m.Text
				if m.Qualifier != "" {
					s = m.Qualifier + "|" + s
				}
				ms = append(ms, s)
			}
		}
		extra := ""
		if e.Value != nil {
			extra = fmt.Sprintf(" value=%g unit=%q", *e.Value, e.Unit)
		}
		if e.ISO != "" {
			extra = " iso=" + e.ISO
		}
		fmt.Fprintf(&b, "%-12s %-35q keys=%q%s  %q\n", e.Kind, e.Name, e.Keys, extra, ms)
	}
	for _, r := range d.Relations {
		if r.Type == graph.RelCoMentioned {
			continue
		}
		fmt.Fprintf(&b, "  %s %q: %s -> %s\n", r.Type, r.Label, d.Entities[r.Source].Name, d.Entities[r.Target].Name)
	}
	return b.String()
}

func dumpLines(t *testing.T) {
	f, err := os.Open(*dumpJSONL)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x := newTestExtractor(t)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() && n < *dumpN+*dumpSkip {
		n++
		if n <= *dumpSkip {
			continue
		}
		var a struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		fmt.Print(describe(x.Extract(graph.Article{Text: a.Text}), a.ID))
	}
}
