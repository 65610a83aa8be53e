package schema

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
)

// Media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// HandlerConfig configures Handler. Zero fields take the defaults below.
type HandlerConfig struct {
	// Token is the write token that the ingestArticles mutation requires
	// as "Authorization: Bearer TOKEN"; empty refuses every mutation.
	Token string
	// MaxBodyBytes bounds a POST body (default 1 MiB); larger: 413.
	MaxBodyBytes int64
	// MaxWriteBodyBytes bounds the body of a request that carries the
	// write token (default 64 MiB): ingestArticles batches are large.
	MaxWriteBodyBytes int64
	// Timeout bounds one request's execution (default 10s).
	Timeout time.Duration
	// WriteTimeout bounds the execution of a mutation (default 2 min).
	WriteTimeout time.Duration
	// Playground, when set, answers a browser's GET (Accept: text/html,
	// no query parameter) instead of the API.
	Playground http.Handler
}

// Default handler limits.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxWriteBodyBytes = 64 << 20
	DefaultTimeout           = 10 * time.Second
	DefaultWriteTimeout      = 2 * time.Minute
)

// Handler serves GraphQL over HTTP as the GraphQL-over-HTTP spec says
// (https://graphql.github.io/graphql-over-http): POST with an
// application/json body {query, operationName, variables, extensions}; GET
// with the same as URL parameters (queries only: a mutation over GET is
// 405); responses in application/json, or application/graphql-response+json
// when the client accepts it (then GraphQL request errors are 400; with
// application/json they are 200). A body that is not JSON, or parameters
// of the wrong type, are 400 in both. Other methods
// get 405, other request media types 415, unacceptable Accept headers 406,
// bodies above the limit 413. A mutation without the write token is 401
// (403 when the server has no token).
func (s *Schema) Handler(cfg HandlerConfig) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxWriteBodyBytes <= 0 {
		cfg.MaxWriteBodyBytes = DefaultMaxWriteBodyBytes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	h := &handler{s: s, cfg: cfg}
	if cfg.Token != "" {
		sum := sha256.Sum256([]byte(cfg.Token))
		h.tokenSum = sum[:]
	}
	return h
}

type handler struct {
	s        *Schema
	cfg      HandlerConfig
	tokenSum []byte // sha256 of the token; nil: no token
}

// params are a request's GraphQL parameters.
type params struct {
	query, operationName string
	variables            map[string]any
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.writeErr(w, mediaJSON, http.StatusMethodNotAllowed, codeBadRequest, "method "+r.Method+" is not allowed: use GET or POST")
		return
	}
	if r.Method != http.MethodPost && h.cfg.Playground != nil && r.URL.Query().Get("query") == "" && acceptsHTML(r) {
		h.cfg.Playground.ServeHTTP(w, r)
		return
	}
	media, ok := responseMedia(r.Header.Values("Accept"))
	if !ok {
		h.writeErr(w, mediaJSON, http.StatusNotAcceptable, codeBadRequest, "cannot respond in any accepted media type: accept application/json or application/graphql-response+json")
		return
	}
	// GraphQL request errors (the document does not parse or validate, the
	// variables do not coerce): 400 for application/graphql-response+json;
	// 200 with errors for application/json, as the spec says for legacy
	// clients.
	reqErrStatus := http.StatusOK
	if media == mediaGraphQLResponse {
		reqErrStatus = http.StatusBadRequest
	}

	var (
		p   params
		msg string
	)
	if r.Method == http.MethodPost {
		ct := r.Header.Get("Content-Type")
		mt, ctParams, err := mime.ParseMediaType(ct)
		if ct == "" || err != nil || mt != mediaJSON {
			h.writeErr(w, media, http.StatusUnsupportedMediaType, codeUnsupportedCT, "POST needs Content-Type: application/json")
			return
		}
		if cs, ok := ctParams["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			h.writeErr(w, media, http.StatusUnsupportedMediaType, codeUnsupportedCT, "only the utf-8 charset is supported")
			return
		}
		limit := h.cfg.MaxBodyBytes
		if h.authorized(r) {
			limit = max(limit, h.cfg.MaxWriteBodyBytes)
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.writeErr(w, media, http.StatusRequestEntityTooLarge, codeBadRequest, "request body is larger than "+strconv.FormatInt(limit, 10)+" bytes")
			return
		}
		if err != nil {
			h.writeErr(w, media, http.StatusBadRequest, codeBadRequest, "reading the request body: "+err.Error())
			return
		}
		p, msg = paramsFromJSON(body)
	} else {
		p, msg = paramsFromURL(r)
	}
	if msg != "" {
		// Not a well-formed GraphQL-over-HTTP request: 400 whatever the
		// media type.
		h.writeErr(w, media, http.StatusBadRequest, codeBadRequest, msg)
		return
	}

	prep, errs := h.s.prepare(p.query, p.operationName, p.variables)
	if errs != nil {
		h.write(w, media, reqErrStatus, &graphql.Result{Errors: errs})
		return
	}
	if prep.op.Operation == "mutation" {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			h.writeErr(w, media, http.StatusMethodNotAllowed, codeGETMutation, "mutations need POST")
			return
		}
		if h.tokenSum == nil {
			h.writeErr(w, media, http.StatusForbidden, codeForbidden, "this server does not accept writes (start it with --token or NEWSGRAPH_TOKEN)")
			return
		}
		if !h.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newsgraph"`)
			h.writeErr(w, media, http.StatusUnauthorized, codeUnauthorized, "mutations need the server's write token as \"Authorization: Bearer TOKEN\"")
			return
		}
	}
	timeout := h.cfg.Timeout
	if prep.op.Operation == "mutation" {
		timeout = h.cfg.WriteTimeout
	}
	if prep.op.Operation != "mutation" {
		if err := h.s.acquire(r.Context(), timeout); err != nil {
			w.Header().Set("Retry-After", "1")
			h.writeErr(w, media, http.StatusServiceUnavailable, codeBusy, err.Error())
			return
		}
		// Held until the response is written: encoding is part of the
		// query's CPU time.
		defer h.s.release()
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	res := h.s.execute(ctx, prep, Request{
		Query: p.query, OperationName: p.operationName, Variables: p.variables,
		Authorized: h.authorized(r),
	})
	status := http.StatusOK
	if !executed(res) && media == mediaGraphQLResponse {
		// No data entry: the request failed before execution proper
		// (variables) or timed out.
		status = http.StatusBadRequest
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			status = http.StatusGatewayTimeout
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		for i := range res.Errors {
			if res.Errors[i].Extensions == nil {
				res.Errors[i].Extensions = map[string]any{"code": codeTimeout}
			}
		}
	}
	h.write(w, media, status, res)
}

// authorized reports whether the request carries the write token, compared
// in constant time (over hashes, so the length does not leak either).
func (h *handler) authorized(r *http.Request) bool {
	if h.tokenSum == nil {
		return false
	}
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) <= len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(auth[len(prefix):])))
	return subtle.ConstantTimeCompare(sum[:], h.tokenSum) == 1
}

// paramsFromJSON reads a POST body. It returns a message for the client
// when the body is not a well-formed GraphQL-over-HTTP request.
func paramsFromJSON(body []byte) (params, string) {
	var raw map[string]json.RawMessage
	if len(body) == 0 {
		return params{}, "the request body is empty: send {\"query\": ...}"
	}
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return params{}, "the request body is not a JSON object"
	}
	var p params
	q, ok := raw["query"]
	if !ok {
		return p, "the request has no query parameter"
	}
	if err := json.Unmarshal(q, &p.query); err != nil || isNull(q) {
		return params{}, "the query parameter must be a string"
	}
	if v, ok := raw["operationName"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &p.operationName); err != nil {
			return params{}, "the operationName parameter must be a string or null"
		}
	}
	if v, ok := raw["variables"]; ok && !isNull(v) {
		if !isObject(v) || json.Unmarshal(v, &p.variables) != nil {
			return params{}, "the variables parameter must be an object or null"
		}
	}
	if v, ok := raw["extensions"]; ok && !isNull(v) && !isObject(v) {
		return params{}, "the extensions parameter must be an object or null"
	}
	return p, ""
}

// paramsFromURL reads a GET request's URL parameters.
func paramsFromURL(r *http.Request) (params, string) {
	q := r.URL.Query()
	p := params{query: q.Get("query"), operationName: q.Get("operationName")}
	if !q.Has("query") {
		return p, "the request has no query parameter"
	}
	if v := q.Get("variables"); v != "" {
		if !isObject([]byte(v)) || json.Unmarshal([]byte(v), &p.variables) != nil {
			return params{}, "the variables parameter must be a JSON object"
		}
	}
	if v := q.Get("extensions"); v != "" && !isObject([]byte(v)) {
		return params{}, "the extensions parameter must be a JSON object"
	}
	return p, ""
}

func isNull(b json.RawMessage) bool { return strings.TrimSpace(string(b)) == "null" }

func isObject(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(s, "{") && json.Valid([]byte(s))
}

// responseMedia picks the response media type from Accept headers: the
// first of application/graphql-response+json and application/json the
// client accepts; application/json for */*, application/* or no Accept.
func responseMedia(accepts []string) (string, bool) {
	if len(accepts) == 0 {
		return mediaJSON, true
	}
	wildcard, sawAny := false, false
	for _, h := range accepts {
		for _, part := range strings.Split(h, ",") {
			mt, ps, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			sawAny = true
			if q, ok := ps["q"]; ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			switch mt {
			case mediaGraphQLResponse, mediaJSON:
				return mt, true
			case "*/*", "application/*":
				wildcard = true
			}
		}
	}
	if wildcard || !sawAny {
		return mediaJSON, true
	}
	return "", false
}

// acceptsHTML reports whether a GET comes from a browser asking for a page.
func acceptsHTML(r *http.Request) bool {
	for _, h := range r.Header.Values("Accept") {
		if strings.Contains(h, "text/html") {
			return true
		}
	}
	return false
}

func (h *handler) writeErr(w http.ResponseWriter, media string, status int, code, msg string) {
	h.write(w, media, status, &graphql.Result{Errors: []gqlerrors.FormattedError{requestError(code, msg)}})
}

func (h *handler) write(w http.ResponseWriter, media string, status int, res *graphql.Result) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	body, err := encodeResult(buf, res)
	if err != nil {
		h.s.log.Error("encoding a graphql response", "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"message":"internal error encoding the response"}]}`)
	}
	hd := w.Header()
	hd["Content-Type"] = []string{media + "; charset=utf-8"}
	hd["Content-Length"] = []string{strconv.Itoa(len(body))}
	hd["Cache-Control"] = cacheNoStore
	hd["X-Content-Type-Options"] = noSniff
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		h.s.log.Debug("writing a graphql response", "err", err)
	}
}

// Header values every response shares (net/http only reads them).
var (
	cacheNoStore = []string{"no-store"}
	noSniff      = []string{"nosniff"}
)

// bufPool holds response buffers; one larger than maxPooledBuf is dropped
// rather than kept.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuf = 1 << 20

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBuf {
		b.Reset()
		bufPool.Put(b)
	}
}

// executed reports whether execution started: there is data, or a field
// error (which has a path) nulled it.
func executed(res *graphql.Result) bool {
	if res.Data != nil {
		return true
	}
	for _, e := range res.Errors {
		if len(e.Path) > 0 {
			return true
		}
	}
	return false
}

// encodeResult encodes res into buf (empty) and returns its bytes, which
// live as long as buf is not reused. Unlike graphql.Result's encoding it
// leaves out "data" when execution did not start (a request error), as
// GraphQL over HTTP asks, and keeps "data": null when it did. The data is
// encoded by appendJSON (encode.go), the errors by encoding/json.
func encodeResult(buf *bytes.Buffer, res *graphql.Result) ([]byte, error) {
	b := buf.AvailableBuffer()
	b = append(b, '{')
	if executed(res) {
		b = append(b, `"data":`...)
		var err error
		if b, err = appendJSON(b, res.Data); err != nil {
			return nil, err
		}
	}
	if len(res.Errors) > 0 {
		if len(b) > 1 {
			b = append(b, ',')
		}
		errs, err := json.Marshal(res.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), errs...)
	}
	b = append(b, '}')
	buf.Write(b) // keeps the grown slice for the next user of buf
	return buf.Bytes(), nil
}
