package loader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ErrServer is the reason given for an article a server rejected.
var ErrServer = errors.New("rejected by the server")

// Remote sends articles to a running newsgraph server through its GraphQL
// mutation ingestArticles, which extracts and stores them there. Use it when
// the database is held open by the server.
type Remote struct {
	URL   string       // the GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql
	Token string       // the server's write token, sent as "Authorization: Bearer"
	HTTP  *http.Client // nil: a client with a 2-minute timeout
	// BatchSize and BatchBytes bound one request; 0 means 50 articles and
	// 4 MB of text.
	BatchSize, BatchBytes int
	// Retries is how often a failed request (network error or 5xx) is
	// retried before the load stops; 0 means 3. Retrying is safe: a server
	// stores identical text once.
	Retries int
}

// Send reads paths from src and sends the articles to r in batches, in
// input order. l's Sink, Extractor and Workers are not used; Progress and
// Rejected are. Rejections by the source or by the server are counted and
// do not stop the load; an unreachable server, a refused token or a
// cancelled context do.
func (l *Loader) Send(ctx context.Context, r *Remote, src *Source, paths ...string) (Summary, error) {
	if err := src.Validate(); err != nil {
		return Summary{}, err
	}
	start := time.Now()
	var sum Summary
	var batch []Record
	var batchBytes int
	maxN, maxBytes := r.BatchSize, r.BatchBytes
	if maxN <= 0 {
		maxN = 50
	}
	if maxBytes <= 0 {
		maxBytes = 4 << 20
	}
	rejectOne := func(err error) {
		sum.reject(err)
		if l.Rejected != nil {
			l.Rejected(err)
		}
	}
	progress := func() {
		if l.Progress != nil {
			l.Progress(sum.Progress)
		}
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		results, err := r.ingest(ctx, batch)
		if err != nil {
			return err
		}
		for i, rec := range batch {
			sum.Records++
			sum.Bytes += int64(rec.Bytes)
			switch res := results[i]; res.Status {
			case "CREATED":
				sum.Created++
			case "UNCHANGED":
				sum.Unchanged++
			case "REPLACED":
				sum.Replaced++
			default:
				rejectOne(&InputError{Path: rec.Origin, Err: fmt.Errorf("%w: %s", ErrServer, res.Reason)})
			}
			progress()
		}
		batch, batchBytes = batch[:0], 0
		return nil
	}
	err := src.Read(ctx, paths, func(rec Record) error {
		if rec.Err != nil {
			sum.Records++
			sum.Bytes += int64(rec.Bytes)
			rejectOne(rec.Err)
			progress()
			return nil
		}
		if len(batch) > 0 && (len(batch) >= maxN || batchBytes+len(rec.Article.Text) > maxBytes) {
			if err := flush(); err != nil {
				return err
			}
		}
		batch = append(batch, rec)
		batchBytes += len(rec.Article.Text)
		return nil
	})
	if err == nil {
		err = flush()
	}
	sum.Elapsed = time.Since(start)
	return sum, err
}

const ingestMutation = `mutation Ingest($articles: [ArticleInput!]!) {
  ingestArticles(articles: $articles) { externalId status reason }
}`

type articleInput struct {
	ExternalID string `json:"externalId"`
	Text       string `json:"text"`
	URL        string `json:"url,omitempty"`
	Title      string `json:"title,omitempty"`
	Outlet     string `json:"outlet,omitempty"`
	Published  string `json:"published,omitempty"`
}

type ingestResult struct {
	ExternalID string `json:"externalId"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
}

// errPermanent marks a request failure that retrying cannot fix.
type errPermanent struct{ err error }

func (e errPermanent) Error() string { return e.err.Error() }
func (e errPermanent) Unwrap() error { return e.err }

// ingest sends one batch and returns one result per record.
func (r *Remote) ingest(ctx context.Context, batch []Record) ([]ingestResult, error) {
	in := make([]articleInput, len(batch))
	for i, rec := range batch {
		a := rec.Article
		in[i] = articleInput{ExternalID: a.ExternalID, Text: a.Text, URL: a.URL, Title: a.Title, Outlet: a.Outlet}
		if !a.Published.IsZero() {
			in[i].Published = a.Published.Format(time.RFC3339)
		}
	}
	body, err := json.Marshal(map[string]any{"query": ingestMutation, "variables": map[string]any{"articles": in}})
	if err != nil {
		return nil, fmt.Errorf("loader: encode batch: %w", err)
	}
	retries := r.Retries
	if retries <= 0 {
		retries = 3
	}
	for attempt := 0; ; attempt++ {
		res, err := r.post(ctx, body)
		if err == nil {
			if len(res) != len(batch) {
				return nil, fmt.Errorf("loader: server returned %d results for %d articles", len(res), len(batch))
			}
			return res, nil
		}
		var perm errPermanent
		if errors.As(err, &perm) || attempt >= retries || ctx.Err() != nil {
			return nil, err
		}
		select {
		case <-time.After(time.Duration(attempt+1) * 500 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (r *Remote) post(ctx context.Context, body []byte) ([]ingestResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return nil, errPermanent{fmt.Errorf("loader: server %s: %w", r.URL, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	client := r.HTTP
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loader: server %s: %w", r.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("loader: server %s: %w", r.URL, err)
	}
	if resp.StatusCode >= 500 {
		return nil, fmt.Errorf("loader: server %s: %s", r.URL, resp.Status)
	}
	var out struct {
		Data struct {
			IngestArticles []ingestResult `json:"ingestArticles"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, errPermanent{fmt.Errorf("loader: server %s: %s: %w", r.URL, resp.Status, err)}
	}
	if len(out.Errors) > 0 {
		return nil, errPermanent{fmt.Errorf("loader: server %s: %s: %s", r.URL, resp.Status, out.Errors[0].Message)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errPermanent{fmt.Errorf("loader: server %s: %s", r.URL, resp.Status)}
	}
	return out.Data.IngestArticles, nil
}
