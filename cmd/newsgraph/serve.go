package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/data"
	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader"
	"github.com/newsgraph/newsgraph/schema"
	"github.com/newsgraph/newsgraph/web"
)

const serveUsage = `usage: newsgraph serve [flags]

Serves the graph in --db over GraphQL at http://ADDR/graphql, with the
GraphiQL playground at / and the graph explorer at /explore. An empty
database is first filled with the built-in seed articles (--seeds=false
to skip). Mutations (ingestArticles) need --token or $NEWSGRAPH_TOKEN,
sent as "Authorization: Bearer TOKEN". SIGINT/SIGTERM shut down gracefully.

Flags:
`

// serveConfig holds the serve subcommand's flags.
type serveConfig struct {
	db, addr, token   string
	timeout, shutdown time.Duration
	writeTimeout      time.Duration
	vlogGC            time.Duration
	maxBody           int64
	seeds, tagger     bool
	logLevel          string
	queryTuning
}

// queryTuning holds the flags that serve and bench-query share: how many
// queries run at once and how the Go heap is collected.
type queryTuning struct {
	maxConc   int
	gcPercent int
	memLimit  int64
}

func (t *queryTuning) register(fl *flag.FlagSet) {
	fl.IntVar(&t.maxConc, "max-concurrent", 0, "GraphQL queries executed at once; the others wait in arrival order (0: 2 x GOMAXPROCS)")
	fl.IntVar(&t.gcPercent, "gc-percent", defaultServeGCPercent, "Go GC target percentage (runtime/debug.SetGCPercent) unless $GOGC is set")
	fl.Int64Var(&t.memLimit, "memory-limit", defaultServeMemLimit, "soft limit in bytes on the Go heap (runtime/debug.SetMemoryLimit) unless $GOMEMLIMIT is set; 0: none")
}

func parseServeFlags(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	fl := commandFlagSet("serve", serveUsage, stderr)
	fl.StringVar(&c.db, "db", "newsgraph.db", "database directory (created if missing)")
	fl.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (port 0 picks a free one)")
	// The default is read after parsing so that --help never prints the
	// token from the environment.
	fl.StringVar(&c.token, "token", "", "write token for the ingestArticles mutation (default $NEWSGRAPH_TOKEN; none: read-only)")
	fl.DurationVar(&c.timeout, "timeout", schema.DefaultTimeout, "time limit of one GraphQL request")
	fl.DurationVar(&c.writeTimeout, "write-timeout", schema.DefaultWriteTimeout, "time limit of one ingestArticles request")
	fl.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long to wait for running requests on shutdown")
	fl.Int64Var(&c.maxBody, "max-body", schema.DefaultMaxBodyBytes, "largest request body in bytes without the write token (larger: 413); with it, 64 MiB")
	fl.BoolVar(&c.seeds, "seeds", true, "load the built-in seed articles when the database is empty")
	fl.BoolVar(&c.tagger, "tagger", true, "use the statistical NER tagger for seeds and ingested articles")
	fl.StringVar(&c.logLevel, "log", "info", "log level: debug, info, warn or error")
	fl.DurationVar(&c.vlogGC, "vlog-gc-interval", 10*time.Minute, "how often to give back the space of replaced article texts in the value log (0: never)")
	c.queryTuning.register(fl)
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return nil, fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, fl.Args())
	}
	if c.token == "" {
		c.token = os.Getenv("NEWSGRAPH_TOKEN")
	}
	if c.timeout <= 0 || c.writeTimeout <= 0 || c.shutdown <= 0 || c.maxBody <= 0 {
		return nil, fmt.Errorf("%w: --timeout, --write-timeout, --shutdown-timeout and --max-body must be positive", errUsage)
	}
	if c.vlogGC < 0 {
		return nil, fmt.Errorf("%w: --vlog-gc-interval must not be negative", errUsage)
	}
	return c, nil
}

// openStore opens the database, turning a lock held by another process
// into advice.
func openStore(dir string, opts graph.Options) (*graph.Store, error) {
	st, err := graph.Open(dir, opts)
	if errors.Is(err, graph.ErrLocked) {
		return nil, fmt.Errorf("database %s is in use by another newsgraph process; stop it or use `load --server URL --token T`: %w", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dir, err)
	}
	return st, nil
}

// runServe is the serve subcommand. It returns nil after a graceful
// shutdown on ctx's cancellation.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("%w: --log %q: %v", errUsage, c.logLevel, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	setServeGC(c.gcPercent, c.memLimit)

	store, err := openStore(c.db, graph.Options{})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Close the store on every path; the normal path closes it after the
	// HTTP server has drained, and reports the error.
	closed := false
	defer func() {
		if !closed {
			if err := store.Close(); err != nil {
				log.Error("closing the database", "err", err)
			}
		}
	}()

	x, err := buildExtractor(c.tagger)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if c.seeds {
		if err := loadSeeds(ctx, store, x, stdout); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}

	sch, err := schema.New(schema.Config{Store: store, Ingest: ingester(store, x), Logger: log, MaxConcurrent: c.maxConc})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := newHTTPServer(ctx, log, sch, c)
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "newsgraph: serving %s/ (GraphQL at %s/graphql, explorer at %s/explore)\n", url, url, url)
	if !web.Built() {
		fmt.Fprintln(stdout, "newsgraph: the playground is not built; run `make web` (the API works without it)")
	}
	if c.token == "" {
		fmt.Fprintln(stdout, "newsgraph: read-only: start with --token or NEWSGRAPH_TOKEN to accept ingestArticles")
	}
	fmt.Fprintf(stdout, "newsgraph: try\n  curl -s %s/graphql -H 'Content-Type: application/json' \\\n    -d '{\"query\":\"{ entities(search: \\\"Surovikin\\\") { edges { node { name type mentions(first: 5) { edges { node { text start end sentence article { externalId title url } } } } } } } }\"}'\n", url)

	if c.vlogGC > 0 {
		go collectGarbage(ctx, log, store, c.vlogGC)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", c.shutdown)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.shutdown)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(sctx); err != nil {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
		if err := srv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close: %w", err))
		}
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	closed = true
	if err := store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close database: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// collectGarbage runs the store's value log garbage collection every
// interval until ctx is done (Close waits for a running one).
func collectGarbage(ctx context.Context, log *slog.Logger, store *graph.Store, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		n, err := store.CollectGarbage(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("value log garbage collection", "err", err)
		case n > 0:
			log.Info("value log garbage collected", "files_rewritten", n, "took", time.Since(start).Round(time.Millisecond))
		}
	}
}

// newHTTPServer returns serve's HTTP server: the GraphQL handler at
// /graphql and the web pages at /, behind the access log. bench-query
// measures this same server.
func newHTTPServer(ctx context.Context, log *slog.Logger, sch *schema.Schema, c *serveConfig) *http.Server {
	pages := web.Handler()
	mux := http.NewServeMux()
	mux.Handle("/graphql", sch.Handler(schema.HandlerConfig{
		Token: c.token, Timeout: c.timeout, WriteTimeout: c.writeTimeout,
		MaxBodyBytes: c.maxBody, Playground: pages,
	}))
	mux.Handle("/", pages)
	return &http.Server{
		Handler:           accessLog(log, mux),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       time.Minute, // ingest batches of up to 64 MiB
		WriteTimeout:      max(c.timeout, c.writeTimeout) + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
}

// loadSeeds fills an empty store with the embedded seed articles.
func loadSeeds(ctx context.Context, store *graph.Store, x loader.Extractor, stdout io.Writer) error {
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Articles > 0 {
		return nil
	}
	l := &loader.Loader{Sink: store, Extractor: x}
	sum, err := l.LoadFS(ctx, data.FS)
	if err != nil {
		return fmt.Errorf("load seeds: %w", err)
	}
	if sum.Rejected > 0 {
		return fmt.Errorf("load seeds: %d rejected: %w", sum.Rejected, errors.Join(sum.Errors...))
	}
	fmt.Fprintf(stdout, "newsgraph: empty database: loaded %d seed articles\n", sum.Created)
	return nil
}

// ingestStore is what the ingest mutation writes through.
type ingestStore interface {
	AddDocs(ctx context.Context, docs []graph.Doc) ([]graph.AddResult, []error)
	HasHash(ctx context.Context, hash string) (graph.ArticleID, bool, error)
}

// ingester returns the ingestArticles implementation: extract the
// articles of a batch in parallel, then store them in input order, several
// whole articles to a transaction (graph.Store.AddDocs). A bad article is
// rejected with a reason; the others are still stored.
func ingester(store ingestStore, x loader.Extractor) schema.IngestFunc {
	return func(ctx context.Context, as []graph.Article) ([]schema.IngestResult, error) {
		out := make([]schema.IngestResult, len(as))
		docs := make([]*graph.Doc, len(as))
		var todo []int
		for i, a := range as {
			out[i].ExternalID = a.ExternalID
			switch {
			case a.Text == "":
				out[i].Reason = "empty text"
				continue
			case !utf8.ValidString(a.Text):
				out[i].Reason = "text is not valid UTF-8"
				continue
			case len(a.Text) > loader.DefaultMaxArticleBytes:
				out[i].Reason = fmt.Sprintf("text is larger than %d bytes", loader.DefaultMaxArticleBytes)
				continue
			}
			sum := sha256.Sum256([]byte(a.Text))
			as[i].Hash = hex.EncodeToString(sum[:])
			if id, ok, err := store.HasHash(ctx, as[i].Hash); err != nil {
				return nil, err
			} else if ok {
				out[i].Status, out[i].Article = graph.StatusUnchanged, id
				continue
			}
			as[i].Loaded = time.Now().UTC()
			todo = append(todo, i)
		}
		// Extract on every core; extraction is the expensive part.
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, i := range todo {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer func() {
					if r := recover(); r != nil {
						out[i].Reason = fmt.Sprintf("extraction failed: %v", r)
						docs[i] = nil
					}
				}()
				d := x.Extract(as[i])
				docs[i] = &d
			}()
		}
		wg.Wait()
		var batch []graph.Doc
		var at []int
		for _, i := range todo {
			if docs[i] != nil {
				batch, at = append(batch, *docs[i]), append(at, i)
			}
		}
		if len(batch) == 0 {
			return out, nil
		}
		res, errs := store.AddDocs(ctx, batch)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for k, i := range at {
			if errs[k] != nil {
				out[i].Reason = errs[k].Error()
				continue
			}
			out[i].Status, out[i].Article = res[k].Status, res[k].Article
		}
		return out, nil
	}
}

// serve's GC settings. GOGC is 400: the live heap of a server on 21,578
// articles is about 130 MB (the read cache, the search index, badger's
// block cache) and graphql-go allocates about 60 KB per entity query, so
// at Go's default of 100 a collection ran every 0.3 s and its concurrent
// mark (about 130 ms of wall time each) covered some 40% of the time.
// bench-query (entity and search, 32 HTTP clients, three alternating
// rounds) spent 0.27-0.32 CPU ms per entity query at 400 against
// 0.38-0.39 at 100, and p99 fell from 21-28 ms to 19-21 ms (search: 13-17
// against 18-21); the heap peaks near 700 MB. --gc-percent (or $GOGC)
// changes it. The soft memory limit makes the GC work harder before the
// heap would outgrow a small machine.
const (
	defaultServeGCPercent = 400
	defaultServeMemLimit  = 1 << 30
)

// setServeGC applies serve's GC settings unless $GOGC or $GOMEMLIMIT set
// them.
func setServeGC(gcPercent int, memLimit int64) {
	if gcPercent > 0 && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	setMemoryLimit(memLimit)
}

// accessLog logs every request at debug level (serve --log debug).
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.n, "duration", time.Since(start))
	})
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
