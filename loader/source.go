package loader

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"
	"github.com/itlightning/dateparse"
	"github.com/newsgraph/newsgraph/graph"
)

// DefaultMaxArticleBytes is the largest article text, in UTF-8 bytes, that
// the loader accepts when Source.MaxArticleBytes is 0: 4 MiB. A long news
// article is well under 100 KB; anything near the limit is almost always a
// mis-scraped page or a dump, and extraction time grows with article length.
const DefaultMaxArticleBytes = 4 << 20

// Record is one article read from an input, or the reason one could not be
// read. Exactly one of Article.Text and Err is set.
type Record struct {
	Article graph.Article // Hash and ID are not set
	Origin  string        // where it came from: "path" or "path:line"
	Bytes   int           // input bytes the record took, for throughput figures
	Err     error         // an *InputError
}

// Source reads articles from files, directories and standard input.
//
// Formats, chosen by file name:
//   - .txt: one article; ExternalID is the base name without .txt. A line
//     holding only an http(s) URL sets URL, and a line starting with
//     "date YYYY-MM-DD" sets Published, each only when the text holds
//     exactly one such value. The text itself is kept unchanged.
//   - .jsonl, .ndjson and .jsonl.gz: one JSON object per line,
//     {"id", "text", "url"?, "title"?, "published"?, "outlet"?}; id becomes
//     ExternalID. Blank lines are skipped.
//   - .html, .htm: the main text, title, site name and publication date as
//     go-readability finds them; URL is the page's canonical link (or
//     og:url).
//   - "-": JSONL read from Stdin.
//
// A directory is walked recursively in lexical order; files with other
// extensions are skipped unless an Include glob names them, in which case
// their content decides (plain text or HTML, else ErrNotText). A file named
// explicitly is handled the same way.
type Source struct {
	FS    fs.FS     // where paths are looked up; nil means the operating system
	Stdin io.Reader // read as JSONL for the path "-"
	// Include and Exclude are path.Match globs tried against a file's base
	// name and its slash-separated path. Exclude also prunes directories.
	// With Include set, only files matching one of its globs are read from
	// directories.
	Include, Exclude []string
	// MaxArticleBytes caps one article's text; 0 means
	// DefaultMaxArticleBytes. HTML pages may be 4 times as large.
	MaxArticleBytes int
}

// Validate checks the Include and Exclude globs.
func (s *Source) Validate() error {
	for _, g := range append(append([]string(nil), s.Include...), s.Exclude...) {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("loader: glob %q: %w", g, err)
		}
	}
	return nil
}

func (s *Source) max() int {
	if s.MaxArticleBytes > 0 {
		return s.MaxArticleBytes
	}
	return DefaultMaxArticleBytes
}

func (s *Source) fsys() fs.FS {
	if s.FS != nil {
		return s.FS
	}
	return osFS{}
}

// Read reads every path in order and calls emit for each article or
// rejected input. Problems with inputs are reported through emit as
// records with Err set and never stop the reading; Read returns only the
// context's error, an error from emit, or an invalid glob.
func (s *Source) Read(ctx context.Context, paths []string, emit func(Record) error) error {
	if err := s.Validate(); err != nil {
		return err
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if p == "-" {
			if s.Stdin == nil {
				err = emit(reject("-", 0, ErrMissing))
			} else {
				err = s.readJSONL(ctx, s.Stdin, "-", emit)
			}
		} else {
			err = s.readPath(ctx, p, emit)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func reject(name string, line int, err error) Record {
	origin := name
	if line > 0 {
		origin = fmt.Sprintf("%s:%d", name, line)
	}
	return Record{Origin: origin, Err: &InputError{Path: name, Line: line, Err: err}}
}

func readErr(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrMissing
	}
	return fmt.Errorf("%w: %w", ErrRead, err)
}

func (s *Source) readPath(ctx context.Context, root string, emit func(Record) error) error {
	fsys := s.fsys()
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return emit(reject(root, 0, readErr(err)))
	}
	if !info.IsDir() {
		return s.readFile(ctx, root, true, emit)
	}
	return fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			return emit(reject(name, 0, readErr(err)))
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, root), "/")
		if name != root && s.matches(s.Exclude, rel) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		included := s.matches(s.Include, rel)
		if len(s.Include) > 0 && !included {
			return nil
		}
		if formatOf(name) == formatUnknown && !included {
			return nil
		}
		return s.readFile(ctx, name, included, emit)
	})
}

func (s *Source) matches(globs []string, rel string) bool {
	base := path.Base(rel)
	for _, g := range globs {
		if ok, _ := path.Match(g, base); ok {
			return true
		}
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

type format uint8

const (
	formatUnknown format = iota
	formatText
	formatJSONL
	formatJSONLGz
	formatHTML
)

func formatOf(name string) format {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".txt"):
		return formatText
	case strings.HasSuffix(n, ".jsonl"), strings.HasSuffix(n, ".ndjson"):
		return formatJSONL
	case strings.HasSuffix(n, ".jsonl.gz"), strings.HasSuffix(n, ".ndjson.gz"):
		return formatJSONLGz
	case strings.HasSuffix(n, ".html"), strings.HasSuffix(n, ".htm"):
		return formatHTML
	}
	return formatUnknown
}

// readFile reads one file. sniff allows a file of unknown extension, whose
// first bytes then decide between text and HTML.
func (s *Source) readFile(ctx context.Context, name string, sniff bool, emit func(Record) error) error {
	f, err := s.fsys().Open(name)
	if err != nil {
		return emit(reject(name, 0, readErr(err)))
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return emit(reject(name, 0, ErrNotText))
	}
	fm := formatOf(name)
	var r io.Reader = f
	if fm == formatUnknown {
		if !sniff {
			return nil
		}
		br := bufio.NewReader(f)
		head, _ := br.Peek(512)
		switch ct := http.DetectContentType(head); {
		case bytes.IndexByte(head, 0) >= 0:
			return emit(reject(name, 0, ErrNotText))
		case strings.HasPrefix(ct, "text/html"):
			fm = formatHTML
		case strings.HasPrefix(ct, "text/plain"):
			fm = formatText
		default:
			return emit(reject(name, 0, fmt.Errorf("%w (%s)", ErrNotText, ct)))
		}
		r = br
	}
	switch fm {
	case formatJSONL:
		return s.readJSONL(ctx, r, name, emit)
	case formatJSONLGz:
		cr := &countingReader{r: r}
		zr, err := gzip.NewReader(cr)
		if err != nil {
			return emit(reject(name, 0, fmt.Errorf("%w: %w", ErrTruncated, err)))
		}
		defer zr.Close()
		return s.readJSONLCounted(ctx, zr, name, cr, emit)
	case formatHTML:
		return emit(s.readHTML(r, name))
	default:
		return emit(s.readText(r, name))
	}
}

// readAll reads at most limit bytes; tooLarge reports that there was more.
func readAll(r io.Reader, limit int) (b []byte, tooLarge bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, false, err
	}
	if len(b) > limit {
		// Drain nothing more: the caller rejects the file.
		return nil, true, nil
	}
	return b, false, nil
}

var bom = []byte("\xef\xbb\xbf")

// checkText returns why s cannot be an article's text, or nil.
func checkText(s string, limit int) error {
	switch {
	case len(s) > limit:
		return ErrTooLarge
	case strings.TrimSpace(s) == "":
		return ErrEmpty
	case strings.IndexByte(s, 0) >= 0:
		return ErrBinary
	case !utf8.ValidString(s):
		return ErrInvalidUTF8
	}
	return nil
}

func (s *Source) readText(r io.Reader, name string) Record {
	b, tooLarge, err := readAll(r, s.max()+len(bom))
	if err != nil {
		return reject(name, 0, readErr(err))
	}
	if tooLarge {
		return reject(name, 0, fmt.Errorf("%w (%d bytes)", ErrTooLarge, s.max()))
	}
	n := len(b)
	b = bytes.TrimPrefix(b, bom)
	text := string(b)
	if err := checkText(text, s.max()); err != nil {
		return reject(name, 0, err)
	}
	base := path.Base(name)
	a := graph.Article{
		ExternalID: strings.TrimSuffix(base, path.Ext(base)),
		Text:       text,
	}
	a.URL, a.Published = textMetadata(text)
	return Record{Article: a, Origin: name, Bytes: n}
}

// textMetadata finds a source URL line and a "date YYYY-MM-DD" line. Each
// is kept only when the text holds exactly one distinct value of it.
func textMetadata(text string) (src string, published time.Time) {
	var urls, dates []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
			if !strings.ContainsAny(line, " \t") {
				if u, err := url.Parse(line); err == nil && u.Host != "" && !contains(urls, line) {
					urls = append(urls, line)
				}
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], "date") {
			if _, err := time.Parse(time.DateOnly, f[1]); err == nil && !contains(dates, f[1]) {
				dates = append(dates, f[1])
			}
		}
	}
	if len(urls) == 1 {
		src = urls[0]
	}
	if len(dates) == 1 {
		published, _ = time.Parse(time.DateOnly, dates[0])
	}
	return src, published
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonArticle is one JSONL line.
type jsonArticle struct {
	ID        *json.RawMessage `json:"id"`
	Text      string           `json:"text"`
	URL       string           `json:"url"`
	Title     string           `json:"title"`
	Published string           `json:"published"`
	Outlet    string           `json:"outlet"`
}

func (s *Source) readJSONL(ctx context.Context, r io.Reader, name string, emit func(Record) error) error {
	return s.readJSONLCounted(ctx, r, name, nil, emit)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readJSONLCounted reads JSONL from r. With raw set, a record's Bytes are
// the raw (compressed) bytes read since the previous record.
func (s *Source) readJSONLCounted(ctx context.Context, r io.Reader, name string, raw *countingReader, emit func(Record) error) error {
	var seen int64
	br := bufio.NewReaderSize(r, 64<<10)
	// JSON escapes may make a line several times longer than its text.
	lineLimit := 6*s.max() + 64<<10
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(br, lineLimit)
		if err != nil && err != io.EOF {
			// A partial line before a read error is not an article.
			line, tooLong = nil, false
		}
		if len(line) > 0 || tooLong {
			var rec Record
			if tooLong {
				rec = reject(name, lineNo, fmt.Errorf("%w (%d bytes)", ErrTooLarge, s.max()))
			} else {
				rec = s.parseLine(line, name, lineNo)
			}
			if raw != nil {
				rec.Bytes = int(raw.n - seen)
				seen = raw.n
			}
			if rec.Err != nil || rec.Article.Text != "" {
				if eerr := emit(rec); eerr != nil {
					return eerr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
				err = fmt.Errorf("%w: %w", ErrTruncated, err)
			} else {
				err = readErr(err)
			}
			return emit(reject(name, lineNo, err))
		}
	}
}

// readLine returns the next line without its newline. A line longer than
// limit is consumed and reported as tooLong without being kept in memory.
// A line that fits in br's buffer is returned without a copy, so it is
// valid only until the next read from br.
func readLine(br *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	chunk, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		if len(chunk) > limit {
			return nil, true, err
		}
		return bytes.TrimRight(chunk, "\r\n"), false, err
	}
	for {
		if !tooLong {
			if len(line)+len(chunk) > limit {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err != bufio.ErrBufferFull {
			break
		}
		chunk, err = br.ReadSlice('\n')
	}
	if tooLong {
		line = nil
	}
	return bytes.TrimRight(line, "\r\n"), tooLong, err
}

// unmarshalJSON decodes JSONL lines: goccy/go-json, 7 to 9 times faster
// than encoding/json on news articles (BenchmarkReadJSONL). A variable so
// that a test can make it panic.
var unmarshalJSON = gojson.Unmarshal

// decodeJSON is unmarshalJSON, with a panic in the decoder (on input it
// did not expect) returned as an error: one bad line must not end a load.
func decodeJSON(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("JSON decoder failed: %v", r)
		}
	}()
	return unmarshalJSON(b, v)
}

func (s *Source) parseLine(line []byte, name string, lineNo int) Record {
	if len(bytes.TrimSpace(line)) == 0 {
		return Record{}
	}
	if !utf8.Valid(line) {
		return reject(name, lineNo, ErrInvalidUTF8)
	}
	var j jsonArticle
	if err := decodeJSON(line, &j); err != nil {
		return reject(name, lineNo, fmt.Errorf("%w: %w", ErrMalformed, err))
	}
	id := ""
	if j.ID != nil {
		var str string
		if err := decodeJSON(*j.ID, &str); err == nil {
			id = str
		} else {
			var n json.Number
			if err := decodeJSON(*j.ID, &n); err == nil {
				id = n.String()
			}
		}
	}
	if strings.TrimSpace(id) == "" {
		return reject(name, lineNo, ErrNoID)
	}
	if err := checkText(j.Text, s.max()); err != nil {
		return reject(name, lineNo, err)
	}
	return Record{Article: graph.Article{
		ExternalID: id,
		URL:        strings.TrimSpace(j.URL),
		Title:      strings.TrimSpace(j.Title),
		Outlet:     strings.TrimSpace(j.Outlet),
		Published:  parsePublished(j.Published),
		Text:       j.Text,
	}, Origin: name + ":" + strconv.Itoa(lineNo), Bytes: len(line) + 1}
}

// parsePublished parses RFC 3339, ISO dates and times without a zone (read
// as UTC), and the other layouts dateparse knows. It returns the zero time
// when s is empty or unparsable: a bad date does not reject an article.
func parsePublished(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if t, err := dateparse.ParseIn(s, time.UTC); err == nil {
		return t
	}
	return time.Time{}
}

// osFS opens operating-system paths as they are given, so that the
// fs.FS-based walking also serves the command line.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error)          { return os.Open(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
