package loader

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/newsgraph/newsgraph/graph"
	"golang.org/x/net/html"
)

// readHTML extracts an article from an HTML page with go-readability.
func (s *Source) readHTML(r io.Reader, name string) Record {
	raw, tooLarge, err := readAll(r, 4*s.max())
	if err != nil {
		return reject(name, 0, readErr(err))
	}
	if tooLarge {
		return reject(name, 0, fmt.Errorf("%w (%d bytes of HTML)", ErrTooLarge, 4*s.max()))
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		return reject(name, 0, ErrBinary)
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		return reject(name, 0, fmt.Errorf("%w: %w", ErrNotText, err))
	}
	canonical := pageURL(doc)
	var base *url.URL
	if canonical != "" {
		base, _ = url.Parse(canonical)
	}
	art, err := readability.FromDocument(doc, base)
	if err != nil || art.Node == nil {
		return reject(name, 0, ErrEmpty)
	}
	var text strings.Builder
	if err := art.RenderText(&text); err != nil {
		return reject(name, 0, ErrEmpty)
	}
	body := strings.TrimSpace(text.String())
	if err := checkText(body, s.max()); err != nil {
		return reject(name, 0, err)
	}
	a := graph.Article{
		ExternalID: strings.TrimSuffix(path.Base(name), path.Ext(name)),
		URL:        canonical,
		Title:      strings.TrimSpace(art.Title()),
		Outlet:     strings.TrimSpace(art.SiteName()),
		Text:       body,
	}
	if t, err := art.PublishedTime(); err == nil {
		a.Published = t
	}
	return Record{Article: a, Origin: name, Bytes: len(raw)}
}

// pageURL returns the page's canonical URL: <link rel="canonical">, else
// <meta property="og:url">, else "". Only absolute http(s) URLs count.
func pageURL(doc *html.Node) string {
	var canonical, og string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "link":
				if hasToken(attr(n, "rel"), "canonical") && canonical == "" {
					canonical = absURL(attr(n, "href"))
				}
			case "meta":
				if strings.EqualFold(attr(n, "property"), "og:url") && og == "" {
					og = absURL(attr(n, "content"))
				}
			case "body":
				return // metadata lives in <head>
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if canonical != "" {
		return canonical
	}
	return og
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func absURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
