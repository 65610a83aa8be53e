package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader"
	"github.com/newsgraph/newsgraph/loader/extract"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

const loadUsage = `usage: newsgraph load [flags] PATH...

Loads news articles into the graph database. PATH is a .txt file (one
article), a .jsonl, .ndjson or .jsonl.gz file (one {"id","text","url"?,
"title"?,"published"?,"outlet"?} object per line), an .html/.htm page, a
directory (walked recursively) or - for JSONL on standard input.

Articles already stored with the same text are skipped, so re-running an
interrupted load finishes it. The exit status is 1 when any input was
rejected (each is listed with its file and line), 0 otherwise.

Flags:
`

// loadConfig holds the load subcommand's flags.
type loadConfig struct {
	db               string
	server, token    string
	include, exclude multiFlag
	maxArticleBytes  int
	progress         string
	paths            []string
	pipelineFlags
}

// multiFlag is a repeatable, comma-separable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*m = append(*m, p)
		}
	}
	return nil
}

// pipelineFlags are the flags load and bench-load share: how the
// extraction pipeline runs.
type pipelineFlags struct {
	workers  int
	batch    int
	tagger   bool
	memLimit int64
	// checkpoint: most articles whose aggregates a load keeps in memory
	checkpoint int
}

// commandFlagSet makes a subcommand's flag set whose --help prints usage
// and the flags to stderr.
func commandFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, usage)
		fl.PrintDefaults()
	}
	return fl
}

// newFlagSet makes a subcommand's flag set whose --help prints usage and
// the flags to stderr, with the pipeline flags that load and bench-load
// share registered into p.
func newFlagSet(name, usage string, stderr io.Writer, p *pipelineFlags) *flag.FlagSet {
	fl := commandFlagSet(name, usage, stderr)
	fl.IntVar(&p.workers, "workers", 0, "extraction goroutines (0: one per CPU)")
	fl.IntVar(&p.batch, "batch", loader.DefaultBatch, "most articles written in one transaction, or sent in one request with --server (an article is always whole in one)")
	fl.BoolVar(&p.tagger, "tagger", true, "use the statistical NER tagger in addition to the extraction rules")
	fl.Int64Var(&p.memLimit, "memory-limit", defaultMemLimit, "soft limit in bytes on the Go heap (runtime/debug.SetMemoryLimit); 0 leaves it to $GOMEMLIMIT")
	fl.IntVar(&p.checkpoint, "checkpoint", graph.DefaultCheckpointArticles, "write the graph's aggregates (entity counts, relations, totals) at least every N articles; a killed load's next run stores again the articles since the last one")
	return fl
}

// tokenEnv names the environment variable that holds the server's write
// token. It is read after the flags are parsed, so that --help never
// prints its value.
const tokenEnv = "NEWSGRAPH_TOKEN"

func parseLoadFlags(args []string, stderr io.Writer) (*loadConfig, error) {
	c := &loadConfig{}
	fl := newFlagSet("load", loadUsage, stderr, &c.pipelineFlags)
	fl.StringVar(&c.db, "db", "newsgraph.db", "database directory")
	fl.StringVar(&c.server, "server", "", "send articles to a running server's GraphQL endpoint (e.g. http://127.0.0.1:8080/graphql) instead of opening --db")
	fl.StringVar(&c.token, "token", "", "the server's write token for --server (default $"+tokenEnv+")")
	fl.Var(&c.include, "include", "only load files matching this glob (base name or path below the directory; repeatable)")
	fl.Var(&c.exclude, "exclude", "skip files and directories matching this glob (repeatable)")
	fl.IntVar(&c.maxArticleBytes, "max-article-size", loader.DefaultMaxArticleBytes, "reject articles whose text is larger than this many bytes")
	fl.StringVar(&c.progress, "progress", "auto", "progress display: auto (a bar on a terminal, log lines otherwise), bar, log or none")
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	if c.token == "" {
		c.token = os.Getenv(tokenEnv)
	}
	c.paths = fl.Args()
	switch {
	case len(c.paths) == 0:
		fl.Usage()
		return nil, errors.New("load: no input paths")
	case c.maxArticleBytes <= 0:
		return nil, errors.New("load: --max-article-size must be positive")
	}
	switch c.progress {
	case "auto", "bar", "log", "none":
	default:
		return nil, fmt.Errorf("load: --progress %q: want auto, bar, log or none", c.progress)
	}
	return c, nil
}

// errRejected is returned (wrapped) when a load finished but rejected
// some inputs; the process should exit with status 1.
var errRejected = errors.New("inputs rejected")

// runLoad is the load subcommand. It returns an error wrapping
// errRejected when any input was rejected, graph.ErrLocked when the
// database is held by another process, and context.Canceled when
// interrupted; everything stored before any of these stays stored.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseLoadFlags(args, stderr)
	if err != nil {
		return err
	}
	src := &loader.Source{
		Stdin:           os.Stdin,
		Include:         c.include,
		Exclude:         c.exclude,
		MaxArticleBytes: c.maxArticleBytes,
	}
	if err := src.Validate(); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	setMemoryLimit(c.memLimit)
	rep := newReporter(stderr, c.progress, inputSize(src, c.paths))
	l := &loader.Loader{Workers: c.workers, Batch: c.batch, Progress: rep.progress, Rejected: rep.rejected}

	var sum loader.Summary
	gcFiles := 0 // value log files rewritten
	if c.server != "" {
		r := &loader.Remote{URL: c.server, Token: c.token, BatchSize: c.batch}
		sum, err = l.Send(ctx, r, src, c.paths...)
	} else {
		store, oerr := graph.Open(c.db, graph.Options{BulkLoad: true, CheckpointArticles: c.checkpoint})
		if errors.Is(oerr, graph.ErrLocked) {
			return fmt.Errorf("load: database %s is in use by another process, probably a running `newsgraph serve`; "+
				"load through it instead: newsgraph load --server http://HOST:PORT/graphql --token TOKEN PATH...: %w", c.db, oerr)
		}
		if oerr != nil {
			return fmt.Errorf("load: %w", oerr)
		}
		defer store.Close()
		x, xerr := buildExtractor(c.tagger)
		if xerr != nil {
			return fmt.Errorf("load: %w", xerr)
		}
		l.Sink, l.Extractor = store, x
		sum, err = l.Load(ctx, src, c.paths...)
		// Collecting the value log's garbage and closing (which writes
		// the last memtable and merges the level-0 tables) are part of
		// the load: the summary's time and rates include them.
		closeStart := time.Now()
		if err == nil && sum.Replaced > 0 {
			// The replaced texts are garbage in the value log. Failing
			// to collect it loses nothing: say so and go on.
			var gerr error
			if gcFiles, gerr = store.CollectGarbage(ctx); gerr != nil {
				fmt.Fprintf(stderr, "load: warning: %v\n", gerr)
			}
		}
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("load: close %s: %w", c.db, cerr)
		}
		sum.Elapsed += time.Since(closeStart)
	}
	rep.finish()
	printSummary(stdout, sum)
	if gcFiles > 0 {
		fmt.Fprintf(stdout, "value log: %d files of replaced texts rewritten\n", gcFiles)
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "load: interrupted; everything counted above is stored. Run the same command again to finish.")
		return fmt.Errorf("load: %w", err)
	case err != nil:
		return err
	case sum.Rejected > 0:
		return fmt.Errorf("load: %d of %d %w", sum.Rejected, sum.Records, errRejected)
	}
	return nil
}

// defaultMemLimit is load's default soft heap limit. Most of a load's heap
// is Badger's (memtables, table buffers and block cache) and the write
// cache's, about 500 MiB live in a long load; with Go's default GOGC the
// heap would swing to twice that between collections. The limit keeps the
// peak RSS of a long load under 1 GiB; the room above the live heap sets
// how often the collector runs. 200,000 generated articles (bench-load,
// one after the other): 640 MiB, 1.48 ms of CPU per article, 1,213
// articles/s, peak RSS 706 MiB; 768 MiB, 1.24 ms, 1,437/s, 810 MiB.
const defaultMemLimit = 768 << 20

// setMemoryLimit applies a soft heap limit unless $GOMEMLIMIT sets one.
func setMemoryLimit(limit int64) {
	if limit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	}
}

// buildExtractor returns the extractor that load, serve and eval use:
// the rules and gazetteers, plus package ner's statistical tagger when
// tagger is set.
func buildExtractor(tagger bool) (*extract.Extractor, error) {
	if tagger {
		return extract.New()
	}
	return extract.New(extract.WithTagger(nil))
}

// inputSize sums the sizes of the files the paths name, for the ETA. It
// returns 0 when unknown (standard input).
func inputSize(src *loader.Source, paths []string) int64 {
	var n int64
	for _, p := range paths {
		if p == "-" {
			return 0
		}
		_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					n += info.Size()
				}
			}
			return nil
		})
	}
	return n
}

// reporter shows progress on stderr: a bar on a terminal, a log line every
// few seconds otherwise. Rejections are listed as they happen.
type reporter struct {
	mu       sync.Mutex
	w        io.Writer
	bar      *progressbar.ProgressBar
	logEvery time.Duration
	start    time.Time
	lastLog  time.Time
	logged   bool // a log line was written
	last     loader.Progress
	total    int64
	shown    int
}

const maxShownRejections = 50

func newReporter(w io.Writer, mode string, total int64) *reporter {
	now := time.Now()
	r := &reporter{w: w, logEvery: 5 * time.Second, start: now, lastLog: now, total: total}
	if mode == "auto" {
		mode = "log"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		max := total
		if max <= 0 {
			max = -1
		}
		r.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("loading"),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionFullWidth(),
		)
	case "none":
		r.logEvery = 0
	}
	return r
}

func (r *reporter) progress(p loader.Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = p
	if r.bar != nil {
		rate := float64(p.Records) / time.Since(r.start).Seconds()
		r.bar.Describe(fmt.Sprintf("%d articles (%d new, %d rejected) %.0f/s", p.Records, p.Created+p.Replaced, p.Rejected, rate))
		_ = r.bar.Set64(p.Bytes)
		return
	}
	if r.logEvery > 0 && time.Since(r.lastLog) >= r.logEvery {
		r.lastLog, r.logged = time.Now(), true
		r.logLine(p)
	}
}

func (r *reporter) logLine(p loader.Progress) {
	el := time.Since(r.start).Seconds()
	line := fmt.Sprintf("load: %d articles (%d created, %d unchanged, %d replaced, %d rejected), %.1f MB, %.0f articles/s, %.2f MB/s",
		p.Records, p.Created, p.Unchanged, p.Replaced, p.Rejected, float64(p.Bytes)/1e6, float64(p.Records)/el, float64(p.Bytes)/1e6/el)
	if r.total > 0 && p.Bytes > 0 && p.Bytes < r.total {
		eta := time.Duration(float64(r.total-p.Bytes) / float64(p.Bytes) * el * float64(time.Second))
		line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	fmt.Fprintln(r.w, line)
}

func (r *reporter) rejected(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown++
	if r.shown > maxShownRejections {
		return
	}
	if r.bar != nil {
		_ = r.bar.Clear()
	}
	fmt.Fprintf(r.w, "rejected: %v\n", err)
	if r.shown == maxShownRejections {
		fmt.Fprintln(r.w, "rejected: (further rejections are only counted)")
	}
}

func (r *reporter) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		_ = r.bar.Finish()
		return
	}
	if r.logged {
		r.logLine(r.last)
	}
}

// printSummary writes the outcome of a load.
func printSummary(w io.Writer, s loader.Summary) {
	fmt.Fprintf(w, "loaded %d articles in %s: %d created, %d unchanged, %d replaced, %d rejected\n",
		s.Records-s.Rejected, s.Elapsed.Round(time.Millisecond), s.Created, s.Unchanged, s.Replaced, s.Rejected)
	fmt.Fprintf(w, "throughput: %.0f articles/s, %.2f MB/s (%.1f MB read)\n", s.ArticlesPerSecond(), s.MBPerSecond(), float64(s.Bytes)/1e6)
	if s.Rejected == 0 {
		return
	}
	reasons := make([]string, 0, len(s.ByReason))
	for r := range s.ByReason {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return s.ByReason[reasons[i]] > s.ByReason[reasons[j]] })
	fmt.Fprintln(w, "rejected by reason:")
	for _, r := range reasons {
		fmt.Fprintf(w, "  %6d  %s\n", s.ByReason[r], r)
	}
}
