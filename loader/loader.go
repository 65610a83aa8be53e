// Package loader reads news articles from files, directories and streams,
// extracts entities and relations from them in parallel and writes each
// article, with what was extracted from it, through a Sink.
//
// The pipeline has three stages joined by bounded channels: one reader
// (Source), Workers extractors, and one writer that stores articles in
// input order: through Sink.AddDocs when the Sink is a BatchSink, several
// articles to a transaction (up to Batch), else one AddDoc each. At most
// InFlight articles, and InFlightBytes of text, are between the reader and
// the writer at any time, so memory does not grow with the number of
// articles, and because writes happen in input order a load that is
// interrupted and run again ends in the same graph as an uninterrupted
// one.
package loader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/newsgraph/newsgraph/graph"
	"golang.org/x/sync/semaphore"
)

// Sink stores articles. *graph.Store satisfies it. AddDoc writes one
// article in one transaction; HasHash reports whether an article with this
// text hash is stored. Both are called from several goroutines at once
// (HasHash) or from one (AddDoc).
type Sink interface {
	AddDoc(ctx context.Context, d graph.Doc) (graph.AddResult, error)
	HasHash(ctx context.Context, hash string) (graph.ArticleID, bool, error)
}

// BatchSink is a Sink that stores several articles in one call, as
// *graph.Store does: each article whole in one transaction, several
// articles to a transaction, with a result and an error per article.
type BatchSink interface {
	Sink
	AddDocs(ctx context.Context, docs []graph.Doc) ([]graph.AddResult, []error)
}

// DefaultBatch is the default for Loader.Batch.
const DefaultBatch = 64

// DefaultInFlight is the default for Loader.InFlight: enough articles
// for the workers to go on extracting while the sink is busy for a while
// with one batch. A graph.Store in bulk-load mode writes its pending
// aggregates every few thousand articles, for half a second to a second,
// and with 136 articles in flight the workers stopped after 40 ms of it.
// 100,000 generated articles, newsgraph load, runs interleaved: 2,141 to
// 2,393 articles/s with 2,048 (seven runs, mean 2,281) against 1,984 to
// 2,261 with 136 (five, mean 2,139); the process used 1.74 cores while
// the store wrote its aggregates against 1.34, and peak RSS was the same
// (819 to 848 MiB against 815 to 856). 1,024 and 4,096 gave 2,167 to
// 2,281.
const DefaultInFlight = 2048

// DefaultInFlightBytes is the default for Loader.InFlightBytes: 16 MiB of
// text, so that long articles (up to Source.MaxArticleBytes each) and
// what is extracted from them do not take memory by the gigabyte.
const DefaultInFlightBytes = 16 << 20

// maxBatchBytes bounds the text of one batch (a store may still split a
// batch into several transactions: graph.Store.AddDocs keeps each well
// below Badger's limit).
const maxBatchBytes = 1 << 20

// batchLinger bounds how long the writer waits for a batch to fill.
const batchLinger = 20 * time.Millisecond

// Extractor turns an article into a Doc. It is called from several
// goroutines at once and must be safe for that.
type Extractor interface {
	Extract(a graph.Article) graph.Doc
}

// ErrExtract is the reason given for an article the Extractor failed on
// (it panicked); the rest of the load goes on.
var ErrExtract = errors.New("extraction failed")

// Loader runs the load pipeline. The zero value is not usable: Sink and
// Extractor must be set.
type Loader struct {
	Sink      Sink
	Extractor Extractor
	// Workers is the number of extracting goroutines; 0 means GOMAXPROCS.
	Workers int
	// InFlight bounds the articles read but not yet written; 0 means
	// DefaultInFlight (or 4*Workers+2*Batch if that is more).
	InFlight int
	// InFlightBytes bounds the text bytes of the articles read but not
	// yet written; 0 means DefaultInFlightBytes. An article longer than
	// the bound is read when no other is in flight.
	InFlightBytes int64
	// Batch bounds the articles given to one BatchSink.AddDocs call: the
	// writer waits up to 20 ms for Batch articles to be ready in input
	// order, then stores those it has (at most 1 MB of text). 0 means
	// DefaultBatch; 1 stores one article per transaction.
	Batch int
	// Progress, if set, is called by the writer goroutine after every
	// article or rejected input with the running totals.
	Progress func(Progress)
	// Rejected, if set, is called by the writer goroutine for every
	// rejected input, in input order.
	Rejected func(err error)
}

// Progress is the running total of a load.
type Progress struct {
	Records                      int   // articles and rejected inputs handled
	Bytes                        int64 // input bytes handled
	Created, Unchanged, Replaced int
	Rejected                     int
}

// MaxKeptErrors is how many rejection errors a Summary keeps verbatim;
// beyond that only the per-reason counts grow.
const MaxKeptErrors = 100

// Summary is the outcome of a load.
type Summary struct {
	Progress
	Errors   []error        // the first MaxKeptErrors rejections, in input order
	ByReason map[string]int // rejections per reason (the Err* sentinel's text)
	Elapsed  time.Duration
}

// ArticlesPerSecond returns the rate of articles handled.
func (s Summary) ArticlesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Records-s.Rejected) / s.Elapsed.Seconds()
}

// MBPerSecond returns the input rate in MB (10^6 bytes) per second.
func (s Summary) MBPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Bytes) / 1e6 / s.Elapsed.Seconds()
}

func (s *Summary) reject(err error) {
	s.Rejected++
	if len(s.Errors) < MaxKeptErrors {
		s.Errors = append(s.Errors, err)
	}
	if s.ByReason == nil {
		s.ByReason = map[string]int{}
	}
	reason := "other"
	if r := Reason(err); r != nil {
		reason = r.Error()
	}
	s.ByReason[reason]++
}

// LoadFS loads every article under the root of fsys (see Source for the
// formats). It is Load with a Source reading fsys.
func (l *Loader) LoadFS(ctx context.Context, fsys fs.FS) (Summary, error) {
	return l.Load(ctx, &Source{FS: fsys}, ".")
}

// job is one record on its way through the pipeline.
type job struct {
	seq    int
	weight int64 // of the in-flight bytes bound, given back once written
	rec    Record
	doc    graph.Doc
	known  bool // the text is already stored: nothing to write
	err    error
}

// Load reads paths from src, extracts every article whose text is not yet
// stored and writes it through the Sink in input order. Rejected inputs are counted in the Summary and do not stop
// the load. Load returns an error only when it could not go on: the
// context was cancelled, or the Sink failed with an error other than
// graph.ErrInvalid (which rejects just that article). Everything written
// before such an error stays written.
func (l *Loader) Load(ctx context.Context, src *Source, paths ...string) (Summary, error) {
	if l.Sink == nil || l.Extractor == nil {
		return Summary{}, errors.New("loader: Sink and Extractor must be set")
	}
	if err := src.Validate(); err != nil {
		return Summary{}, err
	}
	workers := l.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	batch := l.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	if _, ok := l.Sink.(BatchSink); !ok {
		batch = 1
	}
	inFlight := l.InFlight
	if inFlight <= 0 {
		inFlight = max(DefaultInFlight, 4*workers+2*batch)
	}
	budget := l.InFlightBytes
	if budget <= 0 {
		budget = DefaultInFlightBytes
	}
	mem := semaphore.NewWeighted(budget)
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	slots := make(chan struct{}, inFlight)
	jobs := make(chan *job, workers)
	results := make(chan *job, inFlight)
	readErr := make(chan error, 1)

	go func() {
		defer close(jobs)
		seq := 0
		readErr <- src.Read(ctx, paths, func(r Record) error {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			w := min(max(int64(len(r.Article.Text)), 1), budget)
			if err := mem.Acquire(ctx, w); err != nil {
				return err
			}
			j := &job{seq: seq, weight: w, rec: r}
			seq++
			select {
			case jobs <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				l.work(ctx, j)
				select {
				case results <- j:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var sum Summary
	err := l.write(ctx, results, func(j *job) { <-slots; mem.Release(j.weight) }, batch, &sum)
	cancel()
	for range results { // let the workers and the reader finish
	}
	if rerr := <-readErr; err == nil && rerr != nil && !errors.Is(rerr, context.Canceled) {
		err = rerr
	}
	sum.Elapsed = time.Since(start)
	return sum, err
}

// work hashes, checks and extracts one record. It runs on a worker.
func (l *Loader) work(ctx context.Context, j *job) {
	if j.rec.Err != nil {
		return
	}
	a := &j.rec.Article
	// The text's bytes as they are: []byte(a.Text) would copy every
	// text once more (4% of a load's allocated bytes), and Sum256 neither
	// keeps nor changes them.
	h := sha256.Sum256(unsafe.Slice(unsafe.StringData(a.Text), len(a.Text)))
	a.Hash = hex.EncodeToString(h[:])
	if a.Loaded.IsZero() {
		a.Loaded = time.Now().UTC()
	}
	if _, ok, err := l.Sink.HasHash(ctx, a.Hash); err != nil {
		j.err = err
		return
	} else if ok {
		j.known = true
		return
	}
	j.doc, j.err = l.extract(*a)
}

func (l *Loader) extract(a graph.Article) (d graph.Doc, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", ErrExtract, p)
		}
	}()
	return l.Extractor.Extract(a), nil
}

// write is the single writer: it puts results back in input order and
// stores them, all those ready (up to batch) at a time.
func (l *Loader) write(ctx context.Context, results <-chan *job, done func(*job), batch int, sum *Summary) error {
	pending := map[int]*job{}
	next := 0
	open := true
	run := make([]*job, 0, batch)
	for {
		if _, ok := pending[next]; !ok {
			if !open {
				break
			}
			j, ok := <-results
			if !ok {
				open = false
				continue
			}
			pending[j.seq] = j
			continue
		}
		// Wait a little for a full batch: a transaction of many
		// articles writes each shared entity and relation once.
		ready := 0
		for pending[next+ready] != nil {
			ready++
		}
		var linger <-chan time.Time
		var t *time.Timer
		if ready < batch && batch > 1 && open {
			t = time.NewTimer(batchLinger)
			linger = t.C
		}
	fill:
		for open && ready < batch {
			select {
			case j, ok := <-results:
				if !ok {
					open = false
					break fill
				}
				pending[j.seq] = j
				for pending[next+ready] != nil {
					ready++
				}
			case <-linger:
				break fill
			}
		}
		if t != nil {
			t.Stop()
		}
		run = run[:0]
		bytes := 0
		for len(run) < batch && bytes < maxBatchBytes {
			j, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			run = append(run, j)
			bytes += len(j.rec.Article.Text)
		}
		if err := l.storeRun(ctx, run, sum); err != nil {
			return err
		}
		for _, j := range run {
			done(j)
		}
	}
	return ctx.Err()
}

// storeRun stores a run of records in input order: the articles to write
// in one AddDocs call (or one AddDoc each), then each record's outcome in
// order.
func (l *Loader) storeRun(ctx context.Context, run []*job, sum *Summary) error {
	var docs []graph.Doc
	at := make([]int, len(run)) // index into docs, -1: nothing to write
	for k, j := range run {
		at[k] = -1
		if j.rec.Err == nil && j.err == nil && !j.known {
			at[k] = len(docs)
			docs = append(docs, j.doc)
		}
	}
	var res []graph.AddResult
	var errs []error
	if len(docs) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if bs, ok := l.Sink.(BatchSink); ok {
			res, errs = bs.AddDocs(ctx, docs)
		} else {
			res, errs = make([]graph.AddResult, len(docs)), make([]error, len(docs))
			for i := range docs {
				res[i], errs[i] = l.Sink.AddDoc(ctx, docs[i])
			}
		}
	}
	for k, j := range run {
		var err error
		if at[k] >= 0 {
			err = l.stored(j, res[at[k]], errs[at[k]], sum)
		} else {
			err = l.store(j, sum)
		}
		if err != nil {
			return err
		}
		if l.Progress != nil {
			l.Progress(sum.Progress)
		}
	}
	return nil
}

// store counts a record that had nothing to write: rejected before
// storing, or already stored.
func (l *Loader) store(j *job, sum *Summary) error {
	sum.Records++
	sum.Bytes += int64(j.rec.Bytes)
	rejectErr := j.rec.Err
	switch {
	case rejectErr != nil:
	case j.err != nil && errors.Is(j.err, ErrExtract):
		rejectErr = &InputError{Path: j.rec.Origin, Err: j.err}
	case j.err != nil:
		return fmt.Errorf("loader: %s: %w", j.rec.Origin, j.err)
	default: // known
		sum.Unchanged++
		return nil
	}
	l.reject(rejectErr, sum)
	return nil
}

// stored counts a record the sink was given, with the sink's answer.
func (l *Loader) stored(j *job, res graph.AddResult, err error, sum *Summary) error {
	sum.Records++
	sum.Bytes += int64(j.rec.Bytes)
	switch {
	case errors.Is(err, graph.ErrInvalid):
		l.reject(&InputError{Path: j.rec.Origin, Err: fmt.Errorf("%w: %w", ErrStore, err)}, sum)
		return nil
	case err != nil:
		return fmt.Errorf("loader: %s: %w", j.rec.Origin, err)
	}
	switch res.Status {
	case graph.StatusCreated:
		sum.Created++
	case graph.StatusReplaced:
		sum.Replaced++
	default:
		sum.Unchanged++
	}
	return nil
}

func (l *Loader) reject(err error, sum *Summary) {
	sum.reject(err)
	if l.Rejected != nil {
		l.Rejected(err)
	}
}
