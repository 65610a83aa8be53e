package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

// snapshot is what must not depend on how often a load was interrupted.
type snapshot struct {
	stats    graph.Stats
	external []string          // sorted external IDs
	entities map[string][2]int // "KIND name" -> mention and article counts
}

func takeSnapshot(t *testing.T, dir string) snapshot {
	t.Helper()
	ctx := context.Background()
	st, err := graph.Open(dir, graph.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	defer st.Close()
	s := snapshot{entities: map[string][2]int{}}
	if s.stats, err = st.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	for p := (graph.Page{First: 1000}); ; {
		l, err := st.Articles(ctx, graph.ArticleFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range l.Items {
			s.external = append(s.external, a.ExternalID)
		}
		if !l.HasNext {
			break
		}
		p.After = l.Cursors[len(l.Cursors)-1]
	}
	sort.Strings(s.external)
	for p := (graph.Page{First: 1000}); ; {
		l, err := st.Entities(ctx, graph.EntityFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.Items {
			k := e.Kind.String() + " " + e.Name
			if e.Kind == graph.KindNumber && e.Value != nil {
				k += fmt.Sprintf(" %g %s", *e.Value, e.Unit)
			}
			c := s.entities[k]
			s.entities[k] = [2]int{c[0] + e.MentionCount, c[1] + e.ArticleCount}
		}
		if !l.HasNext {
			break
		}
		p.After = l.Cursors[len(l.Cursors)-1]
	}
	return s
}

// storedArticles opens the database like the next load would (replaying
// what the killed process left) and counts its articles; 0 when the killed
// process had not created it yet.
func storedArticles(t *testing.T, dir string) int {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		return 0
	}
	st, err := graph.Open(dir, graph.Options{})
	if err != nil {
		t.Fatalf("open %s after a kill: %v", dir, err)
	}
	defer st.Close()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stats.Articles
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "newsgraph")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestLoadSurvivesSIGKILL kills a real `newsgraph load` at random moments,
// re-runs it to completion and checks the graph equals a clean load's.
func TestLoadSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs many loads")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	if err := os.MkdirAll(filepath.Join(corpus, "txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	g := newNewsGen(7)
	f, err := os.Create(filepath.Join(corpus, "feed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	const nJSONL, nTxt = 500, 20
	if err := g.writeJSONL(f, "kill", nJSONL, 2000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for i := range nTxt {
		_, text := g.article(1500)
		if err := os.WriteFile(filepath.Join(corpus, "txt", fmt.Sprintf("t%02d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A checkpoint every 40 articles: kills then land between
	// checkpoints (the articles since the last one are taken back by the
	// next run and stored again), during them (the redo file is applied
	// again), and while articles are written.
	load := func(db string) *exec.Cmd {
		cmd := exec.Command(bin, "load", "--db", db, "--progress", "none", "--checkpoint", "40", corpus)
		cmd.Stdout, cmd.Stderr = new(bytes.Buffer), new(bytes.Buffer)
		return cmd
	}
	runToEnd := func(db string) string {
		t.Helper()
		cmd := load(db)
		if err := cmd.Run(); err != nil {
			t.Fatalf("load %s: %v\nstdout: %s\nstderr: %s", db, err, cmd.Stdout, cmd.Stderr)
		}
		return cmd.Stdout.(*bytes.Buffer).String()
	}

	cleanDB := filepath.Join(dir, "clean.db")
	start := time.Now()
	out := runToEnd(cleanDB)
	cleanTime := time.Since(start)
	if !strings.Contains(out, fmt.Sprintf("%d created", nJSONL+nTxt)) {
		t.Fatalf("clean load: %s", out)
	}
	want := takeSnapshot(t, cleanDB)
	if want.stats.Articles != nJSONL+nTxt || len(want.entities) == 0 {
		t.Fatalf("clean load stored %+v, %d distinct entities", want.stats, len(want.entities))
	}

	// check compares a database with the clean load's.
	check := func(db, when string) {
		t.Helper()
		got := takeSnapshot(t, db)
		if got.stats != want.stats {
			t.Errorf("stats %s: %+v, clean load: %+v", when, got.stats, want.stats)
		}
		if strings.Join(got.external, ",") != strings.Join(want.external, ",") {
			t.Errorf("stored articles %s differ: %d vs %d", when, len(got.external), len(want.external))
		}
		diffs := 0
		for k, w := range want.entities {
			if g := got.entities[k]; g != w && diffs < 10 {
				diffs++
				t.Errorf("entity %q %s: mentions/articles %v, clean load %v", k, when, g, w)
			}
		}
		if len(got.entities) != len(want.entities) {
			t.Errorf("%d distinct entities %s, clean load %d", len(got.entities), when, len(want.entities))
		}
	}

	// The time a load takes to start and stop with nothing to load: a
	// kill before it mostly lands before the first write.
	emptyDir := filepath.Join(dir, "empty")
	if err := os.MkdirAll(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if cmd := exec.Command(bin, "load", "--db", filepath.Join(dir, "empty.db"), "--progress", "none", emptyDir); cmd.Run() != nil {
		t.Fatalf("load of an empty directory failed")
	}
	startup := time.Since(start)

	killedDB := filepath.Join(dir, "killed.db")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills, midLoad := 0, 0
	var progress []int
	prev := 0
	// Go on past 10 kills until 5 landed mid-load: on a busy machine
	// some land in start-up, before anything is stored.
	for i := 0; (kills < 10 || midLoad < 5) && i < 60; i++ {
		cmd := load(killedDB)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Anywhere from the middle of start-up to the end of a whole
		// load (a re-run skips what is stored, so it may end sooner).
		from := startup / 2
		time.Sleep(from + time.Duration(r.Int64N(int64(max(cleanTime, time.Millisecond)))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		n := storedArticles(t, killedDB)
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			kills++
			if n > prev && n < want.stats.Articles {
				// This run was killed after it had stored something
				// and before it had stored everything.
				midLoad++
			}
			progress = append(progress, n)
		}
		prev = n
		if n >= want.stats.Articles {
			// The load is complete: a run ended before its kill, or
			// was killed after its last write (the clean load may have
			// been slowed by other work). Check this database now and
			// go on with a new one, so that the next kills land
			// mid-load.
			check(killedDB, fmt.Sprintf("after %d kills", kills))
			killedDB = filepath.Join(dir, fmt.Sprintf("killed-%d.db", i))
			prev = 0
		}
	}
	t.Logf("articles stored after each kill: %v", progress)
	if kills < 10 || midLoad < 5 {
		t.Fatalf("%d loads killed, %d of them after storing some articles and before storing all; want at least 10 and 5", kills, midLoad)
	}
	out = runToEnd(killedDB)
	check(killedDB, "after the last kill and a final run")
	t.Logf("clean load %s; %d kills; final run: %s", cleanTime.Round(time.Millisecond), kills, strings.TrimSpace(out))
}
