package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

// builtFS is a stand-in for a built web/dist.
func builtFS() fstest.MapFS {
	return fstest.MapFS{
		".keep":                     {Data: nil},
		"index.html":                {Data: []byte("<!doctype html><title>playground</title>")},
		"explore.html":              {Data: []byte("<!doctype html><title>explore</title>")},
		"assets/index-AbC123.js":    {Data: []byte("console.log('playground')")},
		"assets/index-AbC123.css":   {Data: []byte("body{}")},
		"assets/codicon-x1.ttf":     {Data: []byte("ttf")},
		"assets/font-x2.woff2":      {Data: []byte("woff2")},
		"assets/editor.worker-9.js": {Data: []byte("self.onmessage=null")},
		"assets/big-1.js":           {Data: []byte("plain")},
		"assets/big-1.js.gz":        {Data: []byte("gzipped")},
	}
}

func do(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestHandlerBuilt(t *testing.T) {
	h := newHandler(builtFS())
	if !h.built {
		t.Fatal("built = false for a dist with index.html")
	}
	tests := []struct {
		name, method, path string
		status             int
		ctype, cache, body string
	}{
		{"root is the playground", "GET", "/", 200, "text/html; charset=utf-8", "no-cache", "playground"},
		{"index.html", "GET", "/index.html", 200, "text/html; charset=utf-8", "no-cache", "playground"},
		{"graphql in a browser", "GET", "/graphql", 200, "text/html; charset=utf-8", "no-cache", "playground"},
		{"explore", "GET", "/explore", 200, "text/html; charset=utf-8", "no-cache", "explore"},
		{"explore slash", "GET", "/explore/", 200, "text/html; charset=utf-8", "no-cache", "explore"},
		{"script", "GET", "/assets/index-AbC123.js", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "console.log"},
		{"stylesheet", "GET", "/assets/index-AbC123.css", 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", "body{}"},
		{"ttf font", "GET", "/assets/codicon-x1.ttf", 200, "font/ttf", "public, max-age=31536000, immutable", "ttf"},
		{"woff2 font", "GET", "/assets/font-x2.woff2", 200, "font/woff2", "public, max-age=31536000, immutable", "woff2"},
		{"worker", "GET", "/assets/editor.worker-9.js", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "onmessage"},
		{"head", "HEAD", "/explore", 200, "text/html; charset=utf-8", "no-cache", ""},
		{"missing asset", "GET", "/assets/nope.js", 404, "", "", ""},
		{"asset directory", "GET", "/assets/", 404, "", "", ""},
		{"dot-dot", "GET", "/assets/../index.html", 404, "", "", ""},
		{"unclean asset path", "GET", "/assets//index-AbC123.js", 404, "", "", ""},
		{"keep file", "GET", "/.keep", 404, "", "", ""},
		{"unknown path", "GET", "/nope", 404, "", "", ""},
		{"post", "POST", "/", 405, "", "", ""},
		{"delete asset", "DELETE", "/assets/index-AbC123.js", 405, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, tt.method, tt.path, nil)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if tt.status == 405 {
				if got := res.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q", got)
				}
			}
			if tt.status != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			got := body(t, res)
			if tt.method == "HEAD" && got != "" {
				t.Errorf("HEAD has a body: %q", got)
			}
			if !strings.Contains(got, tt.body) {
				t.Errorf("body = %q, want it to contain %q", got, tt.body)
			}
		})
	}
}

func TestPageHeaders(t *testing.T) {
	h := newHandler(builtFS())
	res := do(t, h, "GET", "/", nil)
	etag := res.Header.Get("ETag")
	if len(etag) < 10 || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag = %q, want a quoted strong tag", etag)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "connect-src 'self'", "script-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy = %q, missing %q", csp, want)
		}
	}
	res = do(t, h, "GET", "/", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the page's ETag: status %d, want 304", res.StatusCode)
	}
	other := do(t, h, "GET", "/explore", nil).Header.Get("ETag")
	if other == etag {
		t.Errorf("index.html and explore.html share the ETag %s", etag)
	}
}

func TestAssetRange(t *testing.T) {
	h := newHandler(builtFS())
	res := do(t, h, "GET", "/assets/index-AbC123.js", http.Header{"Range": {"bytes=0-6"}})
	if res.StatusCode != http.StatusPartialContent {
		t.Fatalf("status = %d, want 206", res.StatusCode)
	}
	if got := body(t, res); got != "console" {
		t.Errorf("range body = %q, want %q", got, "console")
	}
}

func TestAssetGzip(t *testing.T) {
	h := newHandler(builtFS())
	tests := []struct {
		name, path, accept, body, encoding string
	}{
		{"gzip accepted", "/assets/big-1.js", "gzip, deflate, br", "gzipped", "gzip"},
		{"gzip with q", "/assets/big-1.js", "br;q=1.0, gzip;q=0.8", "gzipped", "gzip"},
		{"gzip refused", "/assets/big-1.js", "gzip;q=0", "plain", ""},
		{"no header", "/assets/big-1.js", "", "plain", ""},
		{"identity only", "/assets/big-1.js", "identity", "plain", ""},
		{"no gz variant", "/assets/index-AbC123.js", "gzip", "console.log('playground')", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr http.Header
			if tt.accept != "" {
				hdr = http.Header{"Accept-Encoding": {tt.accept}}
			}
			res := do(t, h, "GET", tt.path, hdr)
			if res.StatusCode != 200 {
				t.Fatalf("status = %d", res.StatusCode)
			}
			if got := body(t, res); got != tt.body {
				t.Errorf("body = %q, want %q", got, tt.body)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.encoding)
			}
			if got := res.Header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			wantVary := strings.HasPrefix(tt.path, "/assets/big")
			if got := res.Header.Get("Vary") == "Accept-Encoding"; got != wantVary {
				t.Errorf("Vary = %q", res.Header.Get("Vary"))
			}
		})
	}
}

func TestHandlerNotBuilt(t *testing.T) {
	h := newHandler(fstest.MapFS{".keep": {Data: nil}})
	if h.built {
		t.Fatal("built = true without index.html")
	}
	for _, p := range []string{"/", "/explore", "/graphql"} {
		t.Run(p, func(t *testing.T) {
			res := do(t, h, "GET", p, nil)
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status = %d, want 503", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			b := body(t, res)
			for _, want := range []string{"make web", "/graphql", "not built"} {
				if !strings.Contains(b, want) {
					t.Errorf("not-built page lacks %q:\n%s", want, b)
				}
			}
		})
	}
	t.Run("head", func(t *testing.T) {
		res := do(t, h, "HEAD", "/", nil)
		if res.StatusCode != http.StatusServiceUnavailable || body(t, res) != "" {
			t.Errorf("HEAD: status %d, want 503 with no body", res.StatusCode)
		}
	})
	t.Run("asset", func(t *testing.T) {
		if res := do(t, h, "GET", "/assets/index-AbC123.js", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", res.StatusCode)
		}
	})
	t.Run("host is escaped", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = "<script>x</script>"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), "<script>") {
			t.Errorf("the Host header reached the page unescaped")
		}
	})
}

// TestEmbedded checks the real embedded directory: it always holds .keep,
// and Built agrees with whether index.html was embedded.
func TestEmbedded(t *testing.T) {
	fsys := distFS()
	if _, err := fs.Stat(fsys, ".keep"); err != nil {
		t.Fatalf("dist/.keep is not embedded: %v", err)
	}
	_, err := fs.Stat(fsys, "index.html")
	if Built() != (err == nil) {
		t.Fatalf("Built() = %v, but stat index.html: %v", Built(), err)
	}
	res := do(t, Handler(), "GET", "/", nil)
	want := http.StatusServiceUnavailable
	if Built() {
		want = http.StatusOK
		if _, err := fs.Stat(fsys, "explore.html"); err != nil {
			t.Errorf("index.html is built but explore.html is not: %v", err)
		}
	}
	if res.StatusCode != want {
		t.Errorf("GET / status = %d, want %d", res.StatusCode, want)
	}
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"a.js":       "text/javascript; charset=utf-8",
		"a.JS":       "text/javascript; charset=utf-8",
		"b.css":      "text/css; charset=utf-8",
		"c.woff2":    "font/woff2",
		"d.svg":      "image/svg+xml",
		"e.unknownx": "application/octet-stream",
		"noext":      "application/octet-stream",
	}
	for name, want := range tests {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
	}
}

func FuzzHandlerPath(f *testing.F) {
	for _, p := range []string{"/", "/explore", "/assets/index-AbC123.js", "/assets/../x", "/assets/%2e%2e/index.html", "/assets/a/../../b"} {
		f.Add(p)
	}
	h := newHandler(builtFS())
	f.Fuzz(func(t *testing.T, p string) {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \t\r\n?#") {
			return
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 404:
		default:
			t.Fatalf("GET %q: status %d", p, rec.Code)
		}
		if rec.Code == 200 {
			if _, isPage := pages[p]; !isPage && !strings.HasPrefix(p, assetPrefix) {
				t.Fatalf("GET %q served a file outside the pages and assets", p)
			}
		}
	})
}
