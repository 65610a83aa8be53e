// Package web serves newsgraph's browser pages: the GraphiQL playground and
// the graph explore page. The pages are built from this directory's npm
// project (`make web`, which runs `npm ci && npm run build` here) into
// web/dist, and embedded into the binary from there.
//
// A binary built before the pages were built still works: Built reports
// false and Handler answers every page with a short HTML page that says how
// to build them. The GraphQL API does not depend on this package.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// dist holds the built pages. dist/.keep is committed so that the pattern
// matches before the first build.
//
//go:embed all:dist
var dist embed.FS

// distFS returns the built files with dist/ stripped from their names.
func distFS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid directory name, and "dist" is valid.
		return dist
	}
	return sub
}

// Built reports whether the pages were built before the binary was: whether
// dist/index.html is embedded.
func Built() bool { return built(distFS()) }

func built(fsys fs.FS) bool {
	st, err := fs.Stat(fsys, "index.html")
	return err == nil && !st.IsDir()
}

// Handler returns the handler for the pages and their assets:
//
//	/, /index.html, /graphql, /playground   the GraphiQL playground
//	/explore, /explore/, /explore.html       the explore page
//	/assets/...                              the bundled, content-hashed assets
//
// It answers GET and HEAD only (405 otherwise) and 404 for any other path.
// The pages are sent with "Cache-Control: no-cache" and an ETag, so a new
// build shows at once; the hashed assets are cached for a year as
// immutable. When the pages were not built, every page path answers 503
// with an HTML page that says to run `make web`.
//
// The caller routes only browser requests to it; POST /graphql and
// GraphQL GET requests belong to the API.
func Handler() http.Handler { return newHandler(distFS()) }

// pages maps request paths to the built page that answers them.
var pages = map[string]string{
	"/":             "index.html",
	"/index.html":   "index.html",
	"/graphql":      "index.html",
	"/graphql/":     "index.html",
	"/playground":   "index.html",
	"/explore":      "explore.html",
	"/explore/":     "explore.html",
	"/explore.html": "explore.html",
}

// assetPrefix is where Vite puts the content-hashed files.
const assetPrefix = "/assets/"

// contentTypes fixes the types that matter for the built files, whatever
// the system's mime tables say (some map .js to text/plain).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".wasm":  "application/wasm",
	".txt":   "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

type handler struct {
	fsys  fs.FS
	built bool
	etags map[string]string // page file name -> strong ETag
}

func newHandler(fsys fs.FS) *handler {
	h := &handler{fsys: fsys, built: built(fsys), etags: map[string]string{}}
	for _, name := range pages {
		if _, ok := h.etags[name]; ok {
			continue
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		h.etags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if page, ok := pages[r.URL.Path]; ok {
		h.servePage(w, r, page)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, assetPrefix); ok && h.built {
		h.serveAsset(w, r, name)
		return
	}
	http.NotFound(w, r)
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request, name string) {
	b, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		h.serveNotBuilt(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", h.etags[name])
	// The pages load only same-origin code; they talk only to /graphql.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "+
		"object-src 'none'; base-uri 'self'; frame-ancestors 'self'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	clean := path.Clean("/" + name)[1:]
	if clean == "" || clean != name || !fs.ValidPath(clean) {
		http.NotFound(w, r)
		return
	}
	full := "assets/" + clean
	f, err := h.fsys.Open(full)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	// The build writes NAME.gz beside the text assets; send that to
	// clients that take gzip.
	if gz, err := h.fsys.Open(full + ".gz"); err == nil {
		defer gz.Close()
		w.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			w.Header().Set("Content-Encoding", "gzip")
			f = gz
		}
	}
	// Embedded files can seek; read into memory only a file that cannot.
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "cannot read "+full, http.StatusInternalServerError)
			return
		}
		content = bytes.NewReader(b)
	}
	w.Header().Set("Content-Type", contentType(full))
	// Vite names every asset by its content hash: a file never changes.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, full, time.Time{}, content)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// notBuiltPage is what the page paths answer when web/dist was not built.
const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>newsgraph: pages not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#111827}
code,pre{background:#f3f4f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.6rem .8rem}</style></head>
<body>
<h1>newsgraph</h1>
<p>The browser pages (the GraphQL playground and the explore page) were not built into this binary.
Build them and the binary again from the project root:</p>
<pre>make web
go build ./cmd/newsgraph</pre>
<p>(<code>make run</code> does both.) <code>make web</code> needs Node.js and npm.</p>
<p>The GraphQL API works without them: POST queries to <code>/graphql</code>, for example</p>
<pre>%s</pre>
</body>
</html>
`

func (h *handler) serveNotBuilt(w http.ResponseWriter, r *http.Request) {
	example := `curl -s http://` + r.Host + `/graphql -H 'Content-Type: application/json' -d '{"query":"{ stats { articles entities } }"}'`
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method == http.MethodHead {
		return
	}
	fmt.Fprintf(w, notBuiltPage, html.EscapeString(example))
}
