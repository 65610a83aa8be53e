package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader"
)

const benchLoadUsage = `usage: newsgraph bench-load [flags]

Measures bulk loading (issue 5). For each corpus size it generates N
news-like articles of about --size bytes as JSONL (or samples --corpus),
then reports:
  - end to end: newsgraph's load into a fresh database (articles/s, MB/s,
    peak RSS, database size per article and relative to the text);
  - extraction only: the same pipeline with a sink that stores nothing;
  - raw Badger: the very keys and values the load wrote, read back from
    its database and written into a fresh Badger, opened with the load's
    Badger settings, with a WriteBatch (the writing and closing are
    timed);
and the ratios end-to-end/extraction-only and end-to-end/raw-Badger.

Flags:
`

type benchLoadConfig struct {
	sizes      []int
	size       int
	dir        string
	corpus     string
	keep       bool
	cpuProfile string
	memProfile string
	profile    io.Writer // open cpuProfile, nil without
	tracePath  string
	trace      io.Writer // open tracePath, nil without
	pipelineFlags
}

func parseBenchLoadFlags(args []string, stderr io.Writer) (*benchLoadConfig, error) {
	c := &benchLoadConfig{}
	fl := newFlagSet("bench-load", benchLoadUsage, stderr, &c.pipelineFlags)
	n := fl.String("n", "10000,200000", "comma-separated corpus sizes (articles)")
	fl.IntVar(&c.size, "size", 3000, "approximate article size in bytes (generated corpus)")
	fl.StringVar(&c.dir, "dir", "", "work directory for corpora and databases (default: a new temporary directory)")
	fl.StringVar(&c.corpus, "corpus", "", "sample article texts from this JSONL file instead of generating them")
	fl.BoolVar(&c.keep, "keep", false, "keep the work directory")
	fl.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the end-to-end loads to this file")
	fl.StringVar(&c.memProfile, "memprofile", "", "write a heap profile, taken as the first end-to-end load ends (before the store is closed), to this file")
	fl.StringVar(&c.tracePath, "trace", "", "write an execution trace (go tool trace) of the first end-to-end load to this file")
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	for _, s := range strings.Split(*n, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("bench-load: -n %q: want positive integers", *n)
		}
		c.sizes = append(c.sizes, v)
	}
	return c, nil
}

// runBenchLoad is the bench-load subcommand.
func runBenchLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseBenchLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "newsgraph-bench-"); err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
		if !c.keep {
			defer os.RemoveAll(c.dir)
		}
	} else if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("bench-load: work directory: %w", err)
	}
	x, err := buildExtractor(c.tagger)
	if err != nil {
		return fmt.Errorf("bench-load: %w", err)
	}
	setMemoryLimit(c.memLimit)
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
		defer f.Close()
		c.profile = f
	}
	if c.tracePath != "" {
		f, err := os.Create(c.tracePath)
		if err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
		defer f.Close()
		c.trace = f
	}
	for _, n := range c.sizes {
		if err := benchOne(ctx, c, x, n, stdout); err != nil {
			return err
		}
	}
	return nil
}

// discardSink stores nothing: it measures extraction alone.
type discardSink struct{}

func (discardSink) AddDoc(context.Context, graph.Doc) (graph.AddResult, error) {
	return graph.AddResult{Status: graph.StatusCreated}, nil
}
func (discardSink) HasHash(context.Context, string) (graph.ArticleID, bool, error) {
	return 0, false, nil
}

func benchOne(ctx context.Context, c *benchLoadConfig, x loader.Extractor, n int, w io.Writer) error {
	corpus := filepath.Join(c.dir, fmt.Sprintf("corpus-%d.jsonl", n))
	textBytes, err := writeBenchCorpus(corpus, c, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== %d articles, %.1f MB of text (%s)\n", n, float64(textBytes)/1e6, corpus)
	src := &loader.Source{}

	// Extraction only.
	l := &loader.Loader{Sink: discardSink{}, Extractor: x, Workers: c.workers}
	cpu0 := cpuTime()
	xs, err := l.Load(ctx, src, corpus)
	if err != nil {
		return fmt.Errorf("bench-load: extraction only: %w", err)
	}
	xcpu := cpuTime() - cpu0
	fmt.Fprintf(w, "extraction only: %8.0f articles/s %6.2f MB/s (%s; CPU %.2f ms/article)\n", xs.ArticlesPerSecond(), xs.MBPerSecond(),
		xs.Elapsed.Round(time.Millisecond), perArticleMS(xcpu, n))

	// End to end.
	debug.FreeOSMemory()
	peakNote := "VmHWM during the end-to-end load"
	if err := resetPeakRSS(); err != nil {
		peakNote = fmt.Sprintf("VmHWM since the process started: %v", err)
	}
	db := filepath.Join(c.dir, fmt.Sprintf("db-%d", n))
	store, err := graph.Open(db, graph.Options{BulkLoad: true, CheckpointArticles: c.checkpoint})
	if err != nil {
		return fmt.Errorf("bench-load: %w", err)
	}
	l = &loader.Loader{Sink: store, Extractor: x, Workers: c.workers, Batch: c.batch}
	sampler := startRSSSampler(200 * time.Millisecond)
	if c.profile != nil {
		if err := pprof.StartCPUProfile(c.profile); err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
	}
	if c.trace != nil {
		if err := trace.Start(c.trace); err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
	}
	cpu0 = cpuTime()
	es, err := l.Load(ctx, src, corpus)
	ecpu := cpuTime() - cpu0
	loadCPU := ecpu
	if c.trace != nil {
		trace.Stop()
		c.trace = nil
	}
	if c.profile != nil {
		pprof.StopCPUProfile()
		c.profile = nil // one profile per file: the first corpus size's
	}
	anon, file := sampler.stop()
	if c.memProfile != "" {
		if err := writeHeapProfile(c.memProfile); err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
		c.memProfile = "" // the first corpus size's, like the CPU profile
	}
	// Closing the store is part of the load: it writes the last
	// memtable and merges the level-0 tables (graph.Options.BulkLoad).
	closeStart, closeCPU := time.Now(), cpuTime()
	if cerr := store.Close(); err == nil && cerr != nil {
		err = cerr
	}
	closing := time.Since(closeStart)
	ecpu += cpuTime() - closeCPU
	if err != nil {
		return fmt.Errorf("bench-load: end to end: %w", err)
	}
	peak := peakRSS()
	dbSize := dirSize(db)
	// The rates over the load and its closing (Summary's are over the load).
	total := es.Elapsed + closing
	withClose := es
	withClose.Elapsed = total
	rate := withClose.ArticlesPerSecond()
	fmt.Fprintf(w, "end to end:      %8.0f articles/s %6.2f MB/s (%s, of which closing the store %s; CPU %.2f ms/article, %.2f before closing; %d created, %d rejected)\n",
		rate, withClose.MBPerSecond(), total.Round(time.Millisecond), closing.Round(time.Millisecond),
		perArticleMS(ecpu, n), perArticleMS(loadCPU, n), es.Created, es.Rejected)
	fmt.Fprintf(w, "peak RSS:        %8.0f MiB (%s); sampled peaks: %.0f MiB anonymous, %.0f MiB file-backed (Badger's mmaps); Go heap live %.0f MiB, Go runtime total %.0f MiB\n",
		float64(peak)/(1<<20), peakNote, float64(anon)/(1<<20), float64(file)/(1<<20), float64(sampler.heap)/(1<<20), float64(sampler.goTotal)/(1<<20))
	fmt.Fprintf(w, "db size:         %8.0f bytes/article, %.2fx the raw text (%.1f MB)\n",
		float64(dbSize)/float64(n), float64(dbSize)/float64(textBytes), float64(dbSize)/1e6)

	// Raw Badger: the same keys and values through a WriteBatch.
	raw, kvBytes, err := rawBadgerWrite(db, filepath.Join(c.dir, fmt.Sprintf("raw-%d", n)))
	if err != nil {
		return fmt.Errorf("bench-load: raw badger: %w", err)
	}
	rawRate := float64(n) / raw.Seconds()
	fmt.Fprintf(w, "raw badger:      %8.0f articles/s %6.2f MB/s of keys+values (%.1f MB in %s)\n",
		rawRate, float64(kvBytes)/1e6/raw.Seconds(), float64(kvBytes)/1e6, raw.Round(time.Millisecond))
	fmt.Fprintf(w, "ratios:          end-to-end/extraction-only %.2f, end-to-end/raw-badger %.3f\n",
		rate/xs.ArticlesPerSecond(), rate/rawRate)
	for _, p := range []string{corpus, db, filepath.Join(c.dir, fmt.Sprintf("raw-%d", n))} {
		if !c.keep {
			os.RemoveAll(p)
		}
	}
	return nil
}

// writeBenchCorpus writes n articles to path and returns their text bytes.
func writeBenchCorpus(path string, c *benchLoadConfig, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("bench-load: %w", err)
	}
	defer f.Close()
	if c.corpus == "" {
		if err := newNewsGen(uint64(n)).writeJSONL(f, "bench", n, c.size); err != nil {
			return 0, err
		}
	} else if err := sampleCorpus(f, c.corpus, n); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("bench-load: %w", err)
	}
	// Count the text bytes as the loader will see them.
	var total int64
	err = (&loader.Source{}).Read(context.Background(), []string{path}, func(r loader.Record) error {
		total += int64(len(r.Article.Text))
		return nil
	})
	return total, err
}

// sampleCorpus writes n articles cycling through the JSONL file src; each
// round appends a marker line so that every article's text is distinct.
func sampleCorpus(w io.Writer, src string, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	written := 0
	for round := 0; written < n; round++ {
		f, err := os.Open(src)
		if err != nil {
			return fmt.Errorf("bench-load: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		before := written
		for sc.Scan() && written < n {
			var a map[string]any
			if json.Unmarshal(sc.Bytes(), &a) != nil {
				continue
			}
			text, _ := a["text"].(string)
			if strings.TrimSpace(text) == "" {
				continue
			}
			if round > 0 {
				a["text"] = fmt.Sprintf("%s\n\n(Copy %d.)", text, round)
			}
			a["id"] = fmt.Sprintf("sample-%09d", written+1)
			if err := enc.Encode(a); err != nil {
				f.Close()
				return fmt.Errorf("bench-load: %w", err)
			}
			written++
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return fmt.Errorf("bench-load: %s: %w", src, err)
		}
		if written == before {
			return fmt.Errorf("bench-load: %s holds no articles", src)
		}
	}
	return bw.Flush()
}

// rawBadgerWrite copies every key and value of the database in from into
// a fresh Badger database in to, opened with the load's Badger settings,
// with WriteBatch, in chunks of about 64 MB read ahead of time; only the
// writing (and closing) is timed.
func rawBadgerWrite(from, to string) (time.Duration, int64, error) {
	in, err := badger.Open(badger.DefaultOptions(from).WithReadOnly(true).WithLogger(nil))
	if err != nil {
		return 0, 0, err
	}
	defer in.Close()
	// The load's own Badger settings (graph.Options.BulkLoad): the
	// baseline differs from the load only in what is written, and how.
	out, err := badger.Open(graph.BadgerOptions(to, graph.Options{BulkLoad: true}))
	if err != nil {
		return 0, 0, err
	}
	type kv struct{ k, v []byte }
	var (
		chunk   []kv
		size    int64
		total   int64
		elapsed time.Duration
	)
	wb := out.NewWriteBatch()
	flush := func() error {
		start := time.Now()
		for _, e := range chunk {
			if err := wb.Set(e.k, e.v); err != nil {
				return err
			}
		}
		elapsed += time.Since(start)
		chunk, size = chunk[:0], 0
		return nil
	}
	err = in.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			k := item.KeyCopy(nil)
			chunk = append(chunk, kv{k, v})
			size += int64(len(k) + len(v))
			total += int64(len(k) + len(v))
			if size >= 64<<20 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	if err != nil {
		wb.Cancel()
		out.Close()
		return 0, 0, err
	}
	start := time.Now()
	err = wb.Flush()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	elapsed += time.Since(start)
	return elapsed, total, err
}

// rssSampler records the largest RssAnon and RssFile seen.
type rssSampler struct {
	done       chan struct{}
	finished   chan struct{}
	anon, file int64
	heap       int64 // Go heap in use after the last GC (live objects)
	goTotal    int64 // all memory the Go runtime has mapped and not released
	m          []metrics.Sample
}

func startRSSSampler(every time.Duration) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), finished: make(chan struct{}),
		m: []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}}
	go func() {
		defer close(s.finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	s.anon = max(s.anon, statusKB("RssAnon:")<<10)
	s.file = max(s.file, statusKB("RssFile:")<<10)
	metrics.Read(s.m)
	s.heap = max(s.heap, int64(s.m[0].Value.Uint64()))
	s.goTotal = max(s.goTotal, int64(s.m[1].Value.Uint64()-s.m[2].Value.Uint64()))
}

// stop ends the sampling and returns the peaks in bytes.
func (s *rssSampler) stop() (anon, file int64) {
	close(s.done)
	<-s.finished
	s.sample()
	return s.anon, s.file
}

// statusKB returns a "Name:  123 kB" field of /proc/self/status, or 0.
func statusKB(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes,
// or 0 when /proc is not there.
func peakRSS() int64 { return statusKB("VmHWM:") << 10 }

// resetPeakRSS resets VmHWM to the current RSS (Linux clear_refs "5"), so
// that each measurement sees only its own peak.
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// cpuTime returns the user and system CPU time the process has used, or
// 0 where getrusage is not available. On a machine shared with other work
// the CPU time per article is steadier than the wall-clock rate.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perArticleMS(d time.Duration, n int) float64 {
	return d.Seconds() * 1000 / float64(n)
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// writeHeapProfile writes the heap profile (in use at the last GC) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
