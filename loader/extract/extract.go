// Package extract turns an article's text into a graph.Doc: PERSON,
// ORGANIZATION, PLACE, NUMBER and DATE mentions, the article-local entities
// they resolve to (with resolution keys for the Store), and relations.
//
// Extraction is rule-based and combines several kinds of evidence:
// capitalization (and its exceptions at sentence starts and in furniture),
// titles and role words before names, organization and place head words,
// gazetteers generated from real data sets (see gazetteer/README.md), and
// in-document coreference. An optional statistical tagger (see Tagger) adds
// candidate spans that the rules then type and check.
package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/ner"
	"github.com/newsgraph/newsgraph/loader/text"
)

// Tagger is a statistical named-entity tagger: for the words of each
// sentence of one document it returns one BIO tag per word (B-PER, I-PER,
// B-ORG, I-ORG, B-LOC, I-LOC, B-MISC, I-MISC, O). It must be safe for
// concurrent use, and must not keep sents after it returns: the Extractor
// reuses their storage.
type Tagger interface {
	TagSentences(sents [][]string) [][]string
}

// nerTagger adapts the CoNLL-trained model of package ner.
type nerTagger struct{ m *ner.Model }

func (t nerTagger) TagSentences(sents [][]string) [][]string { return t.m.TagDocument(sents, nil) }

// Extractor extracts entities, mentions and relations from articles. It is
// read-only after New and safe for concurrent use by many goroutines.
type Extractor struct {
	gaz    *gazetteer
	tagger Tagger
}

// Option configures an Extractor.
type Option func(*Extractor)

// WithTagger replaces the statistical tagger (package ner's model by
// default); nil turns it off, leaving rules and gazetteers alone.
func WithTagger(t Tagger) Option { return func(x *Extractor) { x.tagger = t } }

// New loads the embedded gazetteers and NER model and returns an Extractor.
func New(opts ...Option) (*Extractor, error) {
	g, err := sharedGazetteer()
	if err != nil {
		return nil, err
	}
	m, err := ner.Load()
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	x := &Extractor{gaz: g, tagger: nerTagger{m}}
	for _, o := range opts {
		o(x)
	}
	return x, nil
}

// Extract returns everything found in a. a.Text is not changed; a.Hash is
// filled with the hex SHA-256 of the text when empty. Extract never panics
// on any input text.
func (x *Extractor) Extract(a graph.Article) graph.Doc {
	if a.Hash == "" {
		sum := sha256.Sum256([]byte(a.Text))
		a.Hash = hex.EncodeToString(sum[:])
	}
	d := newDoc(x, a)
	d.run()
	d.release()
	return d.out
}

// scratch is the per-document storage that is reused across documents:
// slices indexed by token. Nothing in it outlives Extract.
type scratch struct {
	toks    []text.Token
	norm    []string
	low     []string
	words   []string
	sents   [][]string
	spans   []ner.DocSpan // the tagger's spans (types are constants: not cleared)
	sentOf  []int
	taken   []bool
	tagKind []graph.Kind
	lowBuf  []byte
	key     []byte // a gazetteer key being built (see doc.lookupPlace)
	tsents  []text.Sentence
	tagged  map[[2]int]graph.Kind // doc.tagged and doc.tagSp
	tagSp   [][2]int
	folds   map[string]string     // the document's fold results
	ctry    map[string]countryHit // and country results
	votes   []kindVotes           // doc.harmonize's counts
	bySent  [][]*mention          // doc.relations' mentions by sentence
	sentMs  []*mention            // and their storage
	sentN   []int                 // and the sentences' offsets in it
	endAt   []*mention            // doc.endAt
	ments   chunks[mention]       // the document's mentions, by doc.newMention
	ents    chunks[localEnt]      // and entities
	// doc.resolve's entities by key and doc.relations' relations made,
	// emptied for the next document: made anew for each, they were 7%
	// of a load's allocated bytes
	byKey   map[string]*localEnt
	seenRel map[graph.LocalRelation]bool
}

// chunks hands out zeroed values of T from storage allocated in chunks and
// reused from one document to the next.
type chunks[T any] struct {
	c []*[chunkLen]T
	n int // values handed out
}

// chunkLen is how many values chunks allocates at once.
const chunkLen = 128

func (a *chunks[T]) new() *T {
	c := a.n / chunkLen
	if c == len(a.c) {
		a.c = append(a.c, new([chunkLen]T))
	}
	p := &a.c[c][a.n%chunkLen]
	a.n++
	return p
}

// reset zeroes the values handed out, so that they keep nothing alive, and
// takes them back; it keeps at most 16 chunks.
func (a *chunks[T]) reset() {
	for c := 0; c*chunkLen < a.n; c++ {
		clear(a.c[c][:min(a.n-c*chunkLen, chunkLen)])
	}
	a.n = 0
	if len(a.c) > 16 {
		a.c = a.c[:16]
	}
}

// newMention returns a pointer to a mention holding v, from the
// document's reused storage; it lives until release.
func (d *doc) newMention(v mention) *mention {
	m := d.sc.ments.new()
	*m = v
	return m
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{folds: make(map[string]string, 64), ctry: make(map[string]countryHit, 64)}
}}

// emptied returns m emptied for the next document, or nil (made again
// when needed) when it grew past 1,024 entries: clear costs the map's
// capacity, which a long document would leave large.
func emptied[K comparable, V any](m map[K]V) map[K]V {
	if len(m) > 1024 {
		return nil
	}
	clear(m)
	return m
}

// grow returns s resliced to n elements, all zero.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// release gives the document's token storage back to the pool. The
// strings in it are cleared so that the pool keeps no article text alive.
func (d *doc) release() {
	sc := d.sc
	if sc == nil {
		return
	}
	d.sc = nil
	clear(d.toks)
	clear(d.norm)
	clear(d.low)
	clear(sc.words)
	clear(sc.sents)
	if len(sc.folds) > 1024 || len(sc.ctry) > 1024 {
		sc.folds, sc.ctry = make(map[string]string, 64), make(map[string]countryHit, 64)
	} else {
		clear(sc.folds)
		clear(sc.ctry)
	}
	sc.byKey, sc.seenRel = emptied(sc.byKey), emptied(sc.seenRel)
	sc.ments.reset()
	sc.ents.reset()
	sc.toks, sc.norm, sc.low, sc.sentOf, sc.taken, sc.tagKind = d.toks[:0], d.norm[:0], d.low[:0], d.sentOf[:0], d.taken[:0], d.tagKind[:0]
	sc.words, sc.sents = sc.words[:0], sc.sents[:0]
	sc.tsents, d.sents = d.sents[:0], nil
	if len(d.tagged) > 4096 {
		sc.tagged = nil
	} else {
		clear(d.tagged)
	}
	sc.tagSp, d.tagged, d.tagSp = d.tagSp[:0], nil, nil
	if d.endAt != nil {
		sc.endAt, d.endAt = d.endAt[:0], nil
	}
	d.toks, d.norm, d.low, d.sentOf, d.taken, d.tagKind = nil, nil, nil, nil, nil, nil
	scratchPool.Put(sc)
}

// doc is the working state of one extraction.
type doc struct {
	x      *Extractor
	g      *gazetteer
	src    string
	toks   []text.Token
	sents  []text.Sentence
	sentOf []int // token -> sentence
	ms     []*mention
	taken  []bool // tokens inside a name mention
	year   int    // year dates without one default to
	ents   []*localEnt
	norm   []string   // text.Norm of each token
	low    []string   // and in lower case
	heads  []int8     // headlineCase cache per sentence: 0 unknown, 1 no, 2 yes
	endAt  []*mention // endAt[k]: the longest mention ending before token k (see ending)
	// the statistical tagger's spans: tagged[[2]int{i, j}] is the kind of
	// the tagged span of tokens [i, j); tagKind[i] the kind over token i
	tagged  map[[2]int]graph.Kind
	tagKind []graph.Kind
	tagSp   [][2]int
	out     graph.Doc
	sc      *scratch // reused storage, returned by release
}

func newDoc(x *Extractor, a graph.Article) *doc {
	sc := scratchPool.Get().(*scratch)
	d := &doc{x: x, g: x.gaz, src: a.Text, sc: sc}
	d.out.Article = a
	d.toks = text.AppendTokens(sc.toks[:0], a.Text)
	d.sents = text.AppendSentences(sc.tsents[:0], d.toks)
	n := len(d.toks)
	d.norm = grow(sc.norm, n)
	d.low = grow(sc.low, n)
	// One scan of each token: a plain ASCII token (the common case) is
	// its own text.Norm, and its lower case is itself or goes into one
	// string for all; other tokens use text.Norm and strings.ToLower.
	buf := sc.lowBuf[:0]
	for i, t := range d.toks {
		w := t.Text
		switch plainASCII(w) {
		case asciiLower:
			d.norm[i], d.low[i] = w, w
		case asciiMixed:
			d.norm[i] = w // d.low[i] is filled below, from lows
			buf = appendASCIILower(buf, w)
		default:
			d.norm[i] = text.Norm(w)
			if asciiUpper(d.norm[i]) {
				buf = appendASCIILower(buf, d.norm[i])
			} else {
				d.low[i] = strings.ToLower(d.norm[i])
			}
		}
	}
	lows := string(buf)
	sc.lowBuf = buf
	off := 0
	for i, w := range d.norm {
		if d.low[i] == "" && w != "" { // lower-cased into lows, in order
			d.low[i] = lows[off : off+len(w)]
			off += len(w)
		}
	}
	d.sentOf = grow(sc.sentOf, n)
	d.taken = grow(sc.taken, n)
	if len(d.sents) > 0 {
		d.out.Sentences = slices.Grow(d.out.Sentences, len(d.sents))
	}
	for si, s := range d.sents {
		for i := s.First; i < s.Last; i++ {
			d.sentOf[i] = si
		}
		d.out.Sentences = append(d.out.Sentences, graph.Span{Start: s.CStart, End: s.CEnd})
	}
	if !a.Published.IsZero() {
		d.year = a.Published.Year()
	}
	return d
}

// Kinds of token for plainASCII.
const (
	asciiOther = iota // not plain ASCII: text.Norm may change it
	asciiLower        // plain ASCII without upper-case letters
	asciiMixed        // plain ASCII with some upper-case letter
)

// plainASCII classifies s: plain ASCII is printable ASCII without spaces,
// which text.Norm returns unchanged and strings.ToLower only maps 'A'-'Z'.
func plainASCII(s string) int {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x80 {
			return asciiOther
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if upper {
		return asciiMixed
	}
	return asciiLower
}

// asciiUpper reports whether s is all ASCII with some upper-case letter:
// strings.ToLower(s) then only maps 'A'-'Z' to 'a'-'z'.
func asciiUpper(s string) bool {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	return upper
}

func appendASCIILower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func (d *doc) run() {
	if len(d.toks) == 0 {
		return
	}
	d.tagAll()
	d.findDates()
	for si := range d.sents {
		d.findNames(si)
	}
	d.typeUnknown()
	d.findTagged()
	d.typeTeams()
	d.findDescriptors()
	d.typeByApposition()
	d.harmonize()
	d.findNumbers()
	d.resolve()
	d.relations()
}

// mention is a candidate or accepted mention, in tokens [first, last).
type mention struct {
	first, last int
	kind        graph.Kind
	sent        int
	canon       string // canonical name: country, city, normalized org words
	country     string // country that owns an org or role ("Russian Defense Ministry")
	region      bool   // a region, not the city of the same name
	placeHead   bool   // the name carries a place head word (River, Sea)
	orgHead     string // the organization head word, lower case
	descriptor  bool   // a lower-case description ("the defence ministry")
	anaphor     bool   // "the ministry": refers back
	mods        []string
	weak        bool // typed by the tagger or a weak rule only
	// relations found while typing
	role      string   // "defense minister"
	roleOwner *mention // the owner's mention, if any
	roleOrg   string   // owner given as words ("Russian" -> Russia)
	// numbers and dates
	value float64
	unit  string
	qual  string
	iso   string
	ent   int // local entity index
}

func (d *doc) tokText(i, j int) string {
	if i >= j {
		return ""
	}
	return d.src[d.toks[i].Start:d.toks[j-1].End]
}

func (d *doc) add(m *mention) {
	if m.first < 0 || m.last > len(d.toks) || m.first >= m.last || d.sentOf[m.first] != d.sentOf[m.last-1] {
		return // a mention never crosses a sentence boundary
	}
	m.sent = d.sentOf[m.first]
	m.ent = -1
	if m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace {
		for i := m.first; i < m.last; i++ {
			d.taken[i] = true
		}
	}
	d.ms = append(d.ms, m)
	if d.endAt == nil {
		d.endAt = grow(d.sc.endAt, len(d.toks)+1)
	}
	if o := d.endAt[m.last]; o == nil || o.first > m.first {
		d.endAt[m.last] = m
	}
}

func (d *doc) lower(i int) string {
	if i < 0 || i >= len(d.toks) {
		return ""
	}
	return d.low[i]
}

// isCommonTok is d.g.isCommon(d.tok(i)): token i's lower-case form is a
// common English word.
func (d *doc) isCommonTok(i int) bool { return d.g.common[d.lower(i)] }

func (d *doc) tok(i int) string {
	if i < 0 || i >= len(d.toks) {
		return ""
	}
	return d.norm[i]
}

// fold is text.Fold, remembered for the document. For ASCII s it
// allocates only the result (see text.AppendFold); a cache shared across
// documents cost more than it saved.
func (d *doc) fold(s string) string {
	if f, ok := d.sc.folds[s]; ok {
		return f
	}
	d.sc.key = text.AppendFold(d.sc.key[:0], s)
	f := string(d.sc.key)
	d.sc.folds[s] = f
	return f
}

// countryHit is a remembered result of doc.country.
type countryHit struct {
	country string
	ok      bool
}

// country returns the canonical country for a name, acronym or demonym,
// remembered for the document.
func (d *doc) country(name string) (string, bool) {
	h, ok := d.sc.ctry[name]
	if !ok {
		h = d.countryOf(name)
		d.sc.ctry[name] = h
	}
	return h.country, h.ok
}

// countryOf looks name up as a demonym (normalized, lower case), then
// folded (text.Fold) among the countries, with the keys built in the
// document's buffer: no strings for an ASCII name. The two maps are small;
// a cache shared across documents cost more than it saved.
func (d *doc) countryOf(name string) countryHit {
	n := text.Norm(name)
	var c string
	var ok bool
	if text.IsASCII(n) {
		d.sc.key = appendASCIILower(d.sc.key[:0], n) // strings.ToLower(n)
		c, ok = demonyms[string(d.sc.key)]
	} else {
		c, ok = demonyms[strings.ToLower(n)]
	}
	if ok {
		return countryHit{c, true}
	}
	d.sc.key = text.AppendFold(d.sc.key[:0], name)
	c, ok = d.g.countries[string(d.sc.key)]
	return countryHit{c, ok}
}

// lookupPlace finds a place by name, tolerant of romanisation variants
// (text.Fold), with the key built in the document's buffer (no string for
// an ASCII name).
func (d *doc) lookupPlace(name string) (place, bool) {
	d.sc.key = text.AppendFold(d.sc.key[:0], name)
	p, ok := d.g.places[string(d.sc.key)]
	return p, ok
}
