package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/schema"
)

const benchQueryUsage = `usage: newsgraph bench-query --db DIR [flags]

Measures the latency and throughput of the typical read queries (issue 4)
on an existing database, opened read-only:
  entity     an entity with its aliases and its first 10 mentions, each
             with its sentence and source article (title, url, outlet)
  neighbors  an entity's neighbourhood at depth 2 (first 25), each
             neighbour with its type, link strength and the entity it
             was reached through
  path       the shortest paths (maxDepth 3) between two entities that
             are 2 hops apart, each hop with its relation's evidence
             sentences and articles
  search     entities(search:) with a name, a word prefix or a misspelt
             word of a named entity, first 10
Each query runs for --duration with each number of concurrent closed-loop
clients, in each mode:
  http       POST /graphql over loopback HTTP to an in-process server,
             serve's with its default flags (JSON encoding, net/http
             and the client included)
  graphql    schema.Do in process, result encoded to JSON
  store      the same lookups made directly on graph.Store
  wire       (not run by default) http's requests to the same server from
             a lean client: each client writes its requests and reads the
             responses on its own keep-alive connection, with no
             net/http client (whose transport adds two goroutines and
             their hand-offs per connection). The clients share the
             server's process and CPUs in every mode; wire takes less of
             them, as a load generator on another machine would take
             none.
Entities are drawn (fixed --seed) uniformly from the PERSON,
ORGANIZATION and PLACE entities with at least --min-mentions mentions:
--pool of them, then each request picks one of those. The store keeps a
read cache per snapshot, so a pool it can hold is measured warm, and a
pool of all entities mostly cold.
It prints p50/p99 latency, requests/s, the process's CPU time per
request (user+system, all goroutines: the clients' share included; it
varies less than latency on a shared machine) and the heap allocated per
request (KB and objects, the clients' share included) per row, then the
cost of the GraphQL layer: graphql (and http) against store, as ratios.

Flags:
`

type benchQueryConfig struct {
	db          string
	clients     []int
	duration    time.Duration
	warmup      time.Duration
	queries     []string
	modes       []string
	seed        uint64
	minMentions int
	pool        int
	cpuProfile  string
	memProfile  string
	trace       string
	queryTuning
}

var (
	benchQueryNames = []string{"entity", "neighbors", "path", "search"}
	benchModeNames  = []string{"http", "graphql", "store", "wire"}
	// wire is left out by default: http is the figure compared over time.
	defaultBenchModes = []string{"http", "graphql", "store"}
)

func parseBenchQueryFlags(args []string, stderr io.Writer) (*benchQueryConfig, error) {
	c := &benchQueryConfig{}
	fl := commandFlagSet("bench-query", benchQueryUsage, stderr)
	fl.StringVar(&c.db, "db", "", "database directory (required; opened read-only)")
	clients := fl.String("clients", "1,32", "comma-separated numbers of concurrent clients")
	fl.DurationVar(&c.duration, "duration", 5*time.Second, "measured time per query, mode and client count")
	fl.DurationVar(&c.warmup, "warmup", 500*time.Millisecond, "unmeasured time before each measurement")
	queries := fl.String("queries", strings.Join(benchQueryNames, ","), "queries to run: "+strings.Join(benchQueryNames, ", "))
	modes := fl.String("modes", strings.Join(defaultBenchModes, ","), "modes to run: "+strings.Join(benchModeNames, ", "))
	fl.Uint64Var(&c.seed, "seed", 1, "seed of the entity and search-term draw")
	fl.IntVar(&c.minMentions, "min-mentions", 2, "draw only entities with at least this many mentions")
	fl.IntVar(&c.pool, "pool", 1000, "how many entities (and search terms) to draw; the store's read cache holds what they touch once warm")
	fl.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
	fl.StringVar(&c.memProfile, "memprofile", "", "write a heap profile (allocations since the start, -sample_index=alloc_space) to this file at the end")
	fl.StringVar(&c.trace, "trace", "", "write an execution trace of the measured runs to this file (go tool trace)")
	c.queryTuning.register(fl)
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	if c.db == "" || fl.NArg() > 0 {
		fl.Usage()
		return nil, fmt.Errorf("%w: bench-query needs --db DIR and no arguments", errUsage)
	}
	for _, s := range strings.Split(*clients, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%w: --clients %q: want positive integers", errUsage, *clients)
		}
		c.clients = append(c.clients, v)
	}
	var err error
	if c.queries, err = pickNames("--queries", *queries, benchQueryNames); err != nil {
		return nil, err
	}
	if c.modes, err = pickNames("--modes", *modes, benchModeNames); err != nil {
		return nil, err
	}
	if c.duration <= 0 || c.warmup < 0 || c.pool <= 0 {
		return nil, fmt.Errorf("%w: --duration and --pool must be positive and --warmup not negative", errUsage)
	}
	return c, nil
}

func pickNames(flagName, list string, valid []string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(valid, s) {
			return nil, fmt.Errorf("%w: %s: unknown %q (want %s)", errUsage, flagName, s, strings.Join(valid, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// runBenchQuery is the bench-query subcommand.
func runBenchQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseBenchQueryFlags(args, stderr)
	if err != nil {
		return err
	}
	setServeGC(c.gcPercent, c.memLimit)
	store, err := openStore(c.db, graph.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("bench-query: %w", err)
	}
	defer store.Close()
	if err := benchQuery(ctx, c, store, stdout); err != nil {
		return err
	}
	if c.memProfile != "" {
		f, err := os.Create(c.memProfile)
		if err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
	}
	return nil
}

// benchQuery runs the benchmark on an open store.
func benchQuery(ctx context.Context, c *benchQueryConfig, store *graph.Store, w io.Writer) error {
	sch, err := schema.New(schema.Config{Store: store, MaxConcurrent: c.maxConc})
	if err != nil {
		return fmt.Errorf("bench-query: %w", err)
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("bench-query: %w", err)
	}
	wl, err := newQueryWorkload(ctx, store, c.seed, c.minMentions, c.pool)
	if err != nil {
		return fmt.Errorf("bench-query: %w", err)
	}
	fmt.Fprintf(w, "db %s: %d articles, %d entities, %d mentions, %d relations; GOMAXPROCS %d\n",
		c.db, st.Articles, st.Entities, st.Mentions, st.Relations, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "workload: %d entities drawn from %d named ones with >= %d mentions, %d entity pairs for path, %d search terms\n",
		len(wl.ents), wl.named, c.minMentions, len(wl.pairs), len(wl.terms))

	var srv *http.Server
	var url string
	if slices.Contains(c.modes, "http") || slices.Contains(c.modes, "wire") {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
		// serve's server with its default flags, logging at info level
		// (to nowhere).
		sc, err := parseServeFlags(nil, io.Discard)
		if err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		srv = newHTTPServer(ctx, log, sch, sc)
		go srv.Serve(ln)
		defer srv.Close()
		url = "http://" + ln.Addr().String() + "/graphql"
	}
	maxClients := slices.Max(c.clients)
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConns: maxClients, MaxIdleConnsPerHost: maxClients}, Timeout: time.Minute}

	// Every query must give a sound answer before it is timed. (Labelled
	// as a client: the HTTP connection it opens keeps the label.)
	var checkErr error
	pprof.Do(ctx, clientLabels, func(ctx context.Context) {
		for _, q := range c.queries {
			for _, m := range c.modes {
				bc := newBenchClient(c.seed, 7)
				err := wl.do(ctx, q, m, sch, store, httpc, url, bc)
				bc.close()
				if err != nil {
					checkErr = fmt.Errorf("bench-query: %s %s: %w", q, m, err)
					return
				}
			}
		}
	})
	if checkErr != nil {
		return checkErr
	}

	for _, out := range []struct {
		path  string
		start func(io.Writer) error
		stop  func()
	}{{c.cpuProfile, pprof.StartCPUProfile, pprof.StopCPUProfile}, {c.trace, trace.Start, trace.Stop}} {
		if out.path == "" {
			continue
		}
		f, err := os.Create(out.path)
		if err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
		defer f.Close()
		if err := out.start(f); err != nil {
			return fmt.Errorf("bench-query: %w", err)
		}
		defer out.stop()
	}

	fmt.Fprintf(w, "%-10s %-8s %7s %9s %9s %9s %9s %11s %7s %10s %6s\n", "query", "mode", "clients", "requests", "req/s", "p50 ms", "p99 ms", "cpu ms/req", "KB/req", "allocs/req", "errors")
	type key struct {
		q, m string
		n    int
	}
	results := map[key]benchResult{}
	for _, q := range c.queries {
		for _, n := range c.clients {
			for _, m := range c.modes {
				r, err := wl.measure(ctx, c, q, m, n, sch, store, httpc, url)
				if err != nil {
					return err
				}
				results[key{q, m, n}] = r
				fmt.Fprintf(w, "%-10s %-8s %7d %9d %9.0f %9.2f %9.2f %11.3f %7.1f %10.0f %6d\n", q, m, n, r.requests, r.rate(), ms(r.p50), ms(r.p99),
					ms(r.cpu)/float64(r.requests), float64(r.allocBytes)/1024/float64(r.requests), float64(r.allocObjects)/float64(r.requests), r.errors)
				if r.errors > 0 {
					fmt.Fprintf(w, "  first error: %v\n", r.firstErr)
				}
			}
		}
	}
	if slices.Contains(c.modes, "store") && len(c.modes) > 1 {
		fmt.Fprintln(w, "GraphQL layer cost (mode / store): p50 and p99 latency ratios, store req/s over mode req/s, CPU per request ratio")
		for _, q := range c.queries {
			for _, n := range c.clients {
				s := results[key{q, "store", n}]
				for _, m := range c.modes {
					if m == "store" {
						continue
					}
					r := results[key{q, m, n}]
					fmt.Fprintf(w, "%-10s %-8s %7d  p50 x%.1f  p99 x%.1f  throughput x%.1f  cpu x%.1f\n", q, m, n,
						ratio(r.p50, s.p50), ratio(r.p99, s.p99), s.rate()/r.rate(),
						ratio(r.cpu/time.Duration(r.requests), s.cpu/time.Duration(s.requests)))
				}
			}
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// clientLabels mark the benchmark's clients in --cpuprofile, with the
// goroutines they start (in http mode, net/http's connection reader and
// writer): go tool pprof -tagfocus bench=client shows the clients' share
// of the CPU, which in http mode is not the server's.
var clientLabels = pprof.Labels("bench", "client")

// heapAllocs returns the bytes and objects allocated on the heap since the
// process started (runtime/metrics: no stop of the world).
func heapAllocs() [2]uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	var out [2]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			out[i] = s[i].Value.Uint64()
		}
	}
	return out
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

type benchResult struct {
	requests, errors int
	elapsed          time.Duration
	cpu              time.Duration // the process's CPU time (user+system) during the run
	// The heap allocated during the run (all goroutines), in bytes and
	// objects.
	allocBytes, allocObjects uint64
	p50, p99                 time.Duration
	firstErr                 error
}

func (r benchResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// measure runs one query in one mode with n closed-loop clients: a warm-up,
// then --duration of measured requests.
func (wl *queryWorkload) measure(ctx context.Context, c *benchQueryConfig, q, mode string, n int,
	sch *schema.Schema, store *graph.Store, httpc *http.Client, url string) (benchResult, error) {
	run := func(d time.Duration, record bool) benchResult {
		var (
			mu     sync.Mutex
			res    benchResult
			lats   []time.Duration
			wg     sync.WaitGroup
			start  = time.Now()
			finish = start.Add(d)
			cpu0   = cpuTime() // in load_bench.go
			heap0  = heapAllocs()
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pprof.SetGoroutineLabels(pprof.WithLabels(ctx, clientLabels))
				bc := newBenchClient(c.seed, uint64(i)+100)
				defer bc.close()
				var mine []time.Duration
				var errs int
				var first error
				for time.Now().Before(finish) && ctx.Err() == nil {
					t0 := time.Now()
					err := wl.do(ctx, q, mode, sch, store, httpc, url, bc)
					lat := time.Since(t0)
					if err != nil {
						errs++
						if first == nil {
							first = err
						}
						continue
					}
					if record {
						mine = append(mine, lat)
					}
					// Let the other clients' requests run, as a network
					// round trip would: without it a client keeps its P
					// for a whole 10 ms time slice, which measures the Go
					// scheduler rather than the query.
					runtime.Gosched()
				}
				mu.Lock()
				lats = append(lats, mine...)
				res.errors += errs
				if res.firstErr == nil {
					res.firstErr = first
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		res.elapsed = time.Since(start)
		res.cpu = cpuTime() - cpu0
		heap1 := heapAllocs()
		res.allocBytes, res.allocObjects = heap1[0]-heap0[0], heap1[1]-heap0[1]
		res.requests = len(lats)
		if len(lats) > 0 {
			slices.Sort(lats)
			res.p50 = lats[len(lats)/2]
			res.p99 = lats[min(len(lats)-1, len(lats)*99/100)]
		}
		return res
	}
	if c.warmup > 0 {
		run(c.warmup, false)
	}
	runtime.GC()
	r := run(c.duration, true)
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if r.requests == 0 {
		return r, fmt.Errorf("bench-query: %s %s with %d clients: no request succeeded: %v", q, mode, n, r.firstErr)
	}
	return r, nil
}

// queryWorkload holds what the queries are asked about.
type queryWorkload struct {
	ents  []graph.EntityID    // entities for entity and neighbors
	pairs [][2]graph.EntityID // path ends, 2 hops apart
	terms []string            // search terms
	named int                 // named entities with enough mentions
}

// newQueryWorkload draws the entities, path pairs and search terms.
func newQueryWorkload(ctx context.Context, store *graph.Store, seed uint64, minMentions, pool int) (*queryWorkload, error) {
	var all []graph.Entity
	for _, k := range []graph.Kind{graph.KindPerson, graph.KindOrg, graph.KindPlace} {
		p := graph.Page{First: 1000}
		for {
			l, err := store.Entities(ctx, graph.EntityFilter{Kind: k}, p)
			if err != nil {
				return nil, err
			}
			for _, e := range l.Items {
				if e.MentionCount >= minMentions {
					all = append(all, e)
				}
			}
			if !l.HasNext || len(l.Cursors) == 0 {
				break
			}
			p.After = l.Cursors[len(l.Cursors)-1]
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no PERSON, ORGANIZATION or PLACE entity with %d mentions or more", minMentions)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	wl := &queryWorkload{named: len(all)}
	pick := all[:min(len(all), pool)]
	for _, e := range pick {
		wl.ents = append(wl.ents, e.ID)
		words := strings.Fields(e.Name)
		long := slices.MaxFunc(words, func(a, b string) int { return utf8.RuneCountInString(a) - utf8.RuneCountInString(b) })
		switch i := len(wl.terms) % 3; {
		case i == 1 && utf8.RuneCountInString(long) >= 5:
			wl.terms = append(wl.terms, string([]rune(long)[:4])) // a prefix
		case i == 2 && utf8.RuneCountInString(long) >= 6:
			rs := []rune(strings.ToLower(long))
			j := 1 + r.IntN(len(rs)-2)
			rs[j], rs[j+1] = rs[j+1], rs[j] // a misspelling: two letters swapped
			wl.terms = append(wl.terms, string(rs))
		default:
			wl.terms = append(wl.terms, e.Name)
		}
	}
	for _, id := range wl.ents {
		if len(wl.pairs) == 200 {
			break
		}
		ns, err := store.Neighbors(ctx, id, 2, nil, 50)
		if err != nil {
			return nil, err
		}
		var far []graph.EntityID
		for _, nb := range ns {
			if nb.Depth == 2 {
				far = append(far, nb.Entity)
			}
		}
		if len(far) > 0 {
			wl.pairs = append(wl.pairs, [2]graph.EntityID{id, far[r.IntN(len(far))]})
		}
	}
	if len(wl.pairs) == 0 {
		return nil, errors.New("no two entities are 2 hops apart")
	}
	return wl, nil
}

// The GraphQL text of the queries.
const (
	benchEntityQuery = `query Entity($id: ID!) { entity(id: $id) { id name type aliases mentionCount articleCount
  mentions(first: 10) { totalCount edges { node { text start end sentence article { id externalId title url outlet published } } } } } }`
	benchNeighborsQuery = `query Neighbors($id: ID!) { entity(id: $id) { id name
  neighbors(depth: 2, first: 25) { depth sentenceCount articleCount types entity { id name type } via { id name } } } }`
	benchPathQuery = `query Path($from: ID!, $to: ID!) { path(from: $from, to: $to, maxDepth: 3) { hops {
  from { id name } to { id name } relation { type label sentenceCount evidence { sentence start end article { id title url } } } } } }`
	benchSearchQuery = `query Search($q: String!) { entities(search: $q, first: 10) { totalCount
  edges { node { id name type mentionCount aliases } } } }`
)

func gid(id graph.EntityID) string { return "E" + strconv.FormatUint(uint64(id), 10) }

// request returns one request of query q, drawn with r.
func (wl *queryWorkload) request(q string, r *rand.Rand) (string, map[string]any) {
	switch q {
	case "entity":
		return benchEntityQuery, map[string]any{"id": gid(wl.ents[r.IntN(len(wl.ents))])}
	case "neighbors":
		return benchNeighborsQuery, map[string]any{"id": gid(wl.ents[r.IntN(len(wl.ents))])}
	case "path":
		p := wl.pairs[r.IntN(len(wl.pairs))]
		return benchPathQuery, map[string]any{"from": gid(p[0]), "to": gid(p[1])}
	default:
		return benchSearchQuery, map[string]any{"q": wl.terms[r.IntN(len(wl.terms))]}
	}
}

// benchClient is one closed-loop client's state, reused between its
// requests so that the client's own cost stays small next to the server's.
type benchClient struct {
	r    *rand.Rand
	body []byte       // the request body being built
	resp bytes.Buffer // the response body
	req  []byte       // wire: the whole request
	conn net.Conn     // wire: the client's connection, nil until dialled
	br   *bufio.Reader
}

// close closes the client's wire connection, if any.
func (bc *benchClient) close() {
	if bc.conn != nil {
		bc.conn.Close()
		bc.conn = nil
	}
}

// doWire makes one POST /graphql of body on the client's own keep-alive
// connection to the server at url, and checks the response as http does.
// A request that fails on a connection that served others is retried
// once on a new connection (the server may have closed it).
func (bc *benchClient) doWire(url string, body []byte) error {
	addr, path, _ := strings.Cut(strings.TrimPrefix(url, "http://"), "/")
	bc.req = append(bc.req[:0], "POST /"...)
	bc.req = append(bc.req, path...)
	bc.req = append(bc.req, " HTTP/1.1\r\nHost: "...)
	bc.req = append(bc.req, addr...)
	bc.req = append(bc.req, "\r\nContent-Type: application/json\r\nAccept: application/graphql-response+json\r\nContent-Length: "...)
	bc.req = strconv.AppendInt(bc.req, int64(len(body)), 10)
	bc.req = append(bc.req, "\r\n\r\n"...)
	bc.req = append(bc.req, body...)
	for attempt := 0; ; attempt++ {
		reused := bc.conn != nil
		if !reused {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return err
			}
			bc.conn, bc.br = c, bufio.NewReaderSize(c, 64<<10)
		}
		status, keep, err := bc.wireRoundTrip()
		if err != nil || !keep {
			bc.conn.Close()
			bc.conn = nil
		}
		if err != nil && reused && attempt == 0 {
			continue
		}
		if err != nil {
			return err
		}
		b := bc.resp.Bytes()
		if status != http.StatusOK || !bytes.HasPrefix(b, []byte(`{"data":{`)) || bytes.Contains(b, []byte(`"errors":`)) {
			return fmt.Errorf("status %d: %.300s", status, b)
		}
		return nil
	}
}

// wireRoundTrip writes bc.req and reads the response into bc.resp
// (net/http's parser, on the client's own connection and goroutine): its
// status, and whether the connection may serve another request.
func (bc *benchClient) wireRoundTrip() (status int, keep bool, err error) {
	bc.conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := bc.conn.Write(bc.req); err != nil {
		return 0, false, err
	}
	resp, err := http.ReadResponse(bc.br, nil)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	bc.resp.Reset()
	if _, err := bc.resp.ReadFrom(resp.Body); err != nil {
		return 0, false, err
	}
	return resp.StatusCode, !resp.Close, nil
}

func newBenchClient(seed, stream uint64) *benchClient {
	return &benchClient{r: rand.New(rand.NewPCG(seed, stream))}
}

// appendRequestJSON appends the GraphQL-over-HTTP body of a request.
func appendRequestJSON(dst []byte, text string, vars map[string]any) []byte {
	dst = append(dst, `{"query":`...)
	dst = appendJSONString(dst, text)
	dst = append(dst, `,"variables":{`...)
	keys := make([]string, 0, 2)
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, vars[k].(string))
	}
	return append(dst, "}}"...)
}

// appendJSONString appends s as a JSON string. UTF-8 passes through as it
// is; quotes, backslashes and control characters are escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// do makes one request of query q in the given mode.
func (wl *queryWorkload) do(ctx context.Context, q, mode string, sch *schema.Schema, store *graph.Store,
	httpc *http.Client, url string, bc *benchClient) error {
	text, vars := wl.request(q, bc.r)
	switch mode {
	case "http":
		bc.body = appendRequestJSON(bc.body[:0], text, vars)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bc.body))
		if err != nil {
			return err
		}
		req.Header = http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/graphql-response+json"},
		}
		resp, err := httpc.Do(req)
		if err != nil {
			return err
		}
		bc.resp.Reset()
		_, err = bc.resp.ReadFrom(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		b := bc.resp.Bytes()
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte(`{"data":{`)) || bytes.Contains(b, []byte(`"errors":`)) {
			return fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
		}
		return nil
	case "wire":
		bc.body = appendRequestJSON(bc.body[:0], text, vars)
		return bc.doWire(url, bc.body)
	case "graphql":
		res := sch.Do(ctx, schema.Request{Query: text, Variables: vars})
		if len(res.Errors) > 0 {
			return fmt.Errorf("%v", res.Errors[0].Message)
		}
		if res.Data == nil {
			return errors.New("no data")
		}
		_, err := json.Marshal(res)
		return err
	}
	return wl.direct(ctx, q, store, vars)
}

// direct makes the lookups of query q on the store, as a Go program using
// graph.Store would, and encodes what it found to JSON.
func (wl *queryWorkload) direct(ctx context.Context, q string, store *graph.Store, vars map[string]any) error {
	id := func(k string) graph.EntityID {
		v, _ := strconv.ParseUint(vars[k].(string)[1:], 10, 64)
		return graph.EntityID(v)
	}
	var out any
	switch q {
	case "entity":
		e, err := store.Entity(ctx, id("id"))
		if err != nil {
			return err
		}
		ms, err := store.EntityMentions(ctx, e.ID, graph.Page{First: 10})
		if err != nil {
			return err
		}
		texts := newTextCache(store)
		type mentionOut struct {
			Mention  graph.Mention
			Sentence string
			Article  graph.Article
		}
		mo := make([]mentionOut, 0, len(ms.Items))
		for _, m := range ms.Items {
			a, sent, err := texts.slice(ctx, m.Article, m.Sentence)
			if err != nil {
				return err
			}
			a.Text = ""
			mo = append(mo, mentionOut{m, sent, a})
		}
		out = []any{e, ms.Total, mo}
	case "neighbors":
		e, err := store.Entity(ctx, id("id"))
		if err != nil {
			return err
		}
		ns, err := store.Neighbors(ctx, e.ID, 2, nil, 25)
		if err != nil {
			return err
		}
		ids := make([]graph.EntityID, 0, 2*len(ns))
		for _, nb := range ns {
			ids = append(ids, nb.Entity, nb.Via)
		}
		es, err := store.EntitiesByID(ctx, ids)
		if err != nil {
			return err
		}
		out = []any{e, ns, es}
	case "path":
		ps, err := store.Paths(ctx, id("from"), id("to"), 3, 10)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return errors.New("no path")
		}
		var ids []graph.EntityID
		texts := newTextCache(store)
		var sents []string
		for _, p := range ps {
			for _, h := range p {
				ids = append(ids, h.From, h.To)
				for _, ev := range h.Relation.Evidence {
					_, s, err := texts.slice(ctx, ev.Article, ev.Sentence)
					if err != nil {
						return err
					}
					sents = append(sents, s)
				}
			}
		}
		es, err := store.EntitiesByID(ctx, ids)
		if err != nil {
			return err
		}
		out = []any{ps, es, sents}
	case "search":
		l, err := store.Entities(ctx, graph.EntityFilter{Search: vars["q"].(string)}, graph.Page{First: 10})
		if err != nil {
			return err
		}
		out = l
	}
	_, err := json.Marshal(out)
	return err
}

// textCache reads each article once and slices its text by code points.
type textCache struct {
	store *graph.Store
	arts  map[graph.ArticleID]graph.Article
	runes map[graph.ArticleID][]rune
}

func newTextCache(store *graph.Store) *textCache {
	return &textCache{store: store, arts: map[graph.ArticleID]graph.Article{}, runes: map[graph.ArticleID][]rune{}}
}

func (c *textCache) slice(ctx context.Context, id graph.ArticleID, sp graph.Span) (graph.Article, string, error) {
	a, ok := c.arts[id]
	if !ok {
		var err error
		if a, err = c.store.Article(ctx, id); err != nil {
			return a, "", err
		}
		c.arts[id] = a
		c.runes[id] = []rune(a.Text)
	}
	rs := c.runes[id]
	start, end := max(sp.Start, 0), min(sp.End, len(rs))
	if start >= end {
		return a, "", nil
	}
	return a, string(rs[start:end]), nil
}
