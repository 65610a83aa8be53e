// Package ner tags named entities (PER, ORG, LOC, MISC) in tokenized English
// sentences with an averaged structured perceptron, decoded left to right
// with a small beam.
//
// The model is a table of hashed feature weights (see features.go), trained
// on CoNLL-2003 English by cmd/nertrain and embedded in the binary; Load
// returns it. Tags are BIO; Spans turns them into token spans.
package ner

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
)

//go:embed model.bin.gz
var embedded []byte

// Gazetteer supplies optional list-lookup features. Lookup returns feature
// strings for token i of the sentence words, or nil. The embedded model was
// trained with hits of the form "B-"+T for the first token of a listed name
// and "I-"+T for the others, where T is PER, ORG, LOC or MISC; other strings
// are accepted but carry no trained weight. Lookup must be safe for
// concurrent use if the Model is used concurrently.
type Gazetteer interface {
	Lookup(words []string, i int) []string
}

// Model is a trained tagger. It is immutable after Decode or Load and safe
// for concurrent use.
type Model struct {
	bits    uint                                // log2 of the number of weight rows
	opts    uint32                              // option bits (optDoc, ...)
	scale   float32                             // weight = w * scale; only the ranking matters for tagging
	w       weights                             // (1<<bits) rows of nTags weights
	lex     *Lexicon                            // built-in lexicon, or nil
	beam    int                                 // beam width; 1 is greedy
	trans   *[nTags + 1][nTags + 1][nTags]int32 // [t1+1][t2+1]: weights of tagFeatures(t1, t2)
	bos     *wordEntry                          // the padding before a sentence, as a cached word
	eos     *wordEntry                          // and after it
	pad     *[2]tagRows                         // their rows (see wordEntry.pad)
	scratch statePool
}

// defaultBeam is the beam width of models trained without a beam; a model
// trained with one decodes with the width it was trained with.
const defaultBeam = 1

// WithBeam returns a copy of m that tags with a beam of the given width
// (1 is greedy; wider is slower). The copy shares m's weights.
func (m *Model) WithBeam(width int) *Model {
	return &Model{bits: m.bits, opts: m.opts, scale: m.scale, w: m.w, lex: m.lex, beam: max(width, 1), trans: m.trans, bos: m.bos, eos: m.eos, pad: m.pad}
}

// Model options stored in the file header.
const (
	optDoc  = 1 << iota // trained with document-level features
	optHist             // trained with prediction-history features
	optLex              // has a built-in lexicon, stored after the weights

	beamShift = 8    // opts bits 8..15: the beam width the model was trained with
	maxBeam   = 0xff // the widest beam
)

// File format: magic, then little-endian uint32 version, bits, nTags, opts,
// float32 scale, then the weights (see weights.encode), then (with optLex) the lexicon;
// the whole stream may be gzipped.
const (
	magic         = "NERP"
	formatVersion = 4
	maxBits       = 24
)

// ErrFormat is returned by Decode for a stream that is not a model.
var ErrFormat = errors.New("not a ner model")

var (
	loadOnce  sync.Once
	loadModel *Model
	loadErr   error
)

// Load returns the embedded model. It is decoded once and shared.
func Load() (*Model, error) {
	loadOnce.Do(func() {
		loadModel, loadErr = Decode(bytes.NewReader(embedded))
		if loadErr != nil {
			loadErr = fmt.Errorf("ner: embedded model: %w", loadErr)
		}
	})
	return loadModel, loadErr
}

// Decode reads a model written by Encode, gzipped or not.
func Decode(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("ner: decode: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var hdr struct {
		Magic                     [4]byte
		Version, Bits, Tags, Opts uint32
		Scale                     float32
	}
	if err := binary.Read(br, binary.LittleEndian, &hdr); err != nil {
		return nil, fmt.Errorf("ner: decode header: %w", err)
	}
	switch {
	case string(hdr.Magic[:]) != magic:
		return nil, fmt.Errorf("ner: decode: %w", ErrFormat)
	case hdr.Version != formatVersion:
		return nil, fmt.Errorf("ner: decode: version %d, want %d: %w", hdr.Version, formatVersion, ErrFormat)
	case hdr.Bits == 0 || hdr.Bits > maxBits || hdr.Tags != nTags:
		return nil, fmt.Errorf("ner: decode: %d bits, %d tags: %w", hdr.Bits, hdr.Tags, ErrFormat)
	case math.IsNaN(float64(hdr.Scale)) || hdr.Scale <= 0:
		return nil, fmt.Errorf("ner: decode: scale %v: %w", hdr.Scale, ErrFormat)
	}
	m := &Model{bits: uint(hdr.Bits), opts: hdr.Opts, scale: hdr.Scale, beam: max(int(hdr.Opts>>beamShift&maxBeam), defaultBeam)}
	w, err := decodeWeights(br, m.bits)
	if err != nil {
		return nil, fmt.Errorf("ner: decode weights: %w", err)
	}
	m.w = w
	if m.opts&optLex != 0 {
		lex, err := decodeLexicon(br)
		if err != nil {
			return nil, fmt.Errorf("ner: decode lexicon: %w", err)
		}
		m.lex = lex
	}
	m.fillTrans()
	return m, nil
}

// Encode writes the model, gzip-compressed.
func (m *Model) Encode(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return fmt.Errorf("ner: encode: %w", err)
	}
	hdr := struct {
		Magic                     [4]byte
		Version, Bits, Tags, Opts uint32
		Scale                     float32
	}{Version: formatVersion, Bits: uint32(m.bits), Tags: nTags, Opts: m.opts, Scale: m.scale}
	copy(hdr.Magic[:], magic)
	if err := binary.Write(zw, binary.LittleEndian, &hdr); err != nil {
		return fmt.Errorf("ner: encode: %w", err)
	}
	if _, err := zw.Write(m.w.encode(nil)); err != nil {
		return fmt.Errorf("ner: encode: %w", err)
	}
	if m.opts&optLex != 0 {
		if err := m.lex.encode(zw); err != nil {
			return fmt.Errorf("ner: encode lexicon: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ner: encode: %w", err)
	}
	return nil
}

// tagState is per-call scratch space, pooled to keep tagging allocation-light.
type tagState struct {
	sent   sentence
	feats  []uint64
	runes  []rune
	tags   []int
	items  []beamItem // beam items of all positions, in order
	counts []int      // counts[i] is the number of items at position i
	cands  []beamItem
	static [][nTags]int32 // the tag-independent scores of the sentence's tokens
	segs   [][2]int       // the spans of the sentence decoded (see segments)
	cache  idxTable       // hashString(word) -> index in words
	words  []wordEntry    // cached words
	tw     []tagRows      // see wordEntry.tw

	// The previous generation of the word cache: when words fills up it
	// becomes the old generation, and a word found there is copied into
	// the new one (its weights are not summed again), so frequent words
	// survive an eviction while words not seen for a generation are dropped.
	oldCache idxTable
	oldWords []wordEntry
	oldTw    []tagRows
	ents     []*wordEntry // the sentence's tokens' entries, padded like sentence.a
	kinds    []LexKind    // one-token lexicon kinds of the sentence's tokens

	// Per-document tables. Every word of a document is cached before its
	// first sentence is tagged, so indices into words stay valid for the
	// whole document; a word's lower-case form gets a document id (lid)
	// that indexes the document counts and the prediction history.
	gen     uint64      // the document number; wordEntry.gen == gen: lid is this document's
	didx    []int32     // the index in words of every token of the document
	lids    idxTable    // lower-case hash -> lid, this document
	lcounts []docCounts // by lid: how the word is written in the document
	lhist   [][5]int32  // by lid: the types tagged on it so far (prediction history)
	dtok    []docTok    // every token of the document (hash unused)
	dstart  []int       // dstart[s]: sentence s's first index in dtok and didx
	dhead   []bool      // dhead[s]: sentence s is an all-caps headline
}

func (m *Model) state() *tagState {
	return m.scratch.get()
}

// statePool keeps the tagStates of finished calls for the next ones. Unlike
// a sync.Pool it is not emptied by the garbage collector, so the word
// caches in the states survive; it keeps at most GOMAXPROCS+1 states.
type statePool struct {
	mu   sync.Mutex
	free []*tagState
}

func (p *statePool) get() *tagState {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		st := p.free[n-1]
		p.free = p.free[:n-1]
		return st
	}
	return &tagState{}
}

func (p *statePool) put(st *tagState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) <= runtime.GOMAXPROCS(0) {
		p.free = append(p.free, st)
	}
}

// Tag returns one BIO tag per word of a tokenized sentence.
func (m *Model) Tag(words []string) []string { return m.TagWith(words, nil) }

// TagWith is Tag with gazetteer features; gaz may be nil.
func (m *Model) TagWith(words []string, gaz Gazetteer) []string {
	return m.TagDocument([][]string{words}, gaz)[0]
}

// TagDocument tags the sentences of one document. Each word's other
// occurrences in the document inform its tag (a name written in full in one
// sentence helps to tag its short form in another), so tagging a whole
// document is more accurate than tagging its sentences one by one.
func (m *Model) TagDocument(sents [][]string, gaz Gazetteer) [][]string {
	out := make([][]string, len(sents))
	total := 0
	for _, words := range sents {
		total += len(words)
	}
	flat := make([]string, total) // every sentence's tags, in one allocation
	m.tagDoc(sents, gaz, func(si int, tags []int) {
		o := flat[:len(tags):len(tags)]
		flat = flat[len(tags):]
		for i, t := range tags {
			o[i] = tagNames[t]
		}
		out[si] = o
	})
	return out
}

// DocSpan is an entity span in one sentence of a document.
type DocSpan struct {
	Sentence int // index of the sentence in the document
	Span         // token indices within that sentence
}

// AppendDocumentSpans tags a document like TagDocument and appends to dst
// the entity spans of its sentences, in order: for each sentence s, the
// spans of Spans(TagDocument(sents, gaz)[s]), but without building tag
// strings.
func (m *Model) AppendDocumentSpans(dst []DocSpan, sents [][]string, gaz Gazetteer) []DocSpan {
	m.tagDoc(sents, gaz, func(si int, tags []int) {
		open := -1 // index in dst of the span being extended, or -1
		for i, t := range tags {
			if t == tagO {
				open = -1
				continue
			}
			typ := typeNames[typeOf(t)]
			if isInside(t) && open >= 0 && dst[open].Type == typ {
				dst[open].End = i + 1
				continue
			}
			dst = append(dst, DocSpan{Sentence: si, Span: Span{Start: i, End: i + 1, Type: typ}})
			open = len(dst) - 1
		}
	})
	return dst
}

// tagDoc tags the sentences of one document and calls emit with each
// sentence's tag numbers, in order; tags is reused after emit returns.
func (m *Model) tagDoc(sents [][]string, gaz Gazetteer, emit func(si int, tags []int)) {
	st := m.state()
	defer m.scratch.put(st)
	total := 0
	for _, words := range sents {
		total += len(words)
	}
	m.beginDoc(st, sents, total)
	if m.opts&optDoc != 0 {
		st.buildDoc(sents)
	}
	useHist := m.opts&optHist != 0
	useDoc := m.opts&optDoc != 0
	for si, words := range sents {
		idx := st.didx[st.dstart[si]:][:len(words)]
		if gaz == nil && st.plain(idx) {
			// No word that could start a name: all O, as the model
			// (nearly always) tags such a sentence, without the cost.
			st.tags = append(st.tags[:0], make([]int, len(idx))...)
			if useHist {
				if e := &st.words[idx[0]]; e.a.capitalized {
					st.lhist[e.lid][0]++ // recordHist of an O tag
				}
			}
			emit(si, st.tags)
			continue
		}
		tags := m.tagSentence(st, words, si, idx, useDoc, gaz, useHist)
		if useHist {
			st.recordHist(tags)
		}
		emit(si, tags)
	}
}

// beginDoc caches every word of a document's sentences (so that no word is
// evicted while the document is tagged), fills st.didx and st.dstart, and
// gives each distinct lower-case form a document id.
func (m *Model) beginDoc(st *tagState, sents [][]string, total int) {
	if len(st.words)+total > maxCache {
		st.cache, st.oldCache = st.oldCache, st.cache
		st.words, st.oldWords = st.oldWords, st.words
		st.tw, st.oldTw = st.oldTw, st.tw
		st.cache.reset(4 * maxCache)
		st.words = st.words[:0]
		st.tw = st.tw[:0]
	}
	if st.words == nil {
		// A generation's full size up front: growing by append would copy
		// megabytes of entries and rows (pages are touched only when used).
		st.words = make([]wordEntry, 0, maxCache)
		st.tw = make([]tagRows, 0, maxCache)
	}
	st.gen++
	st.lids.reset(1 << 14)
	st.lcounts = st.lcounts[:0]
	st.lhist = st.lhist[:0]
	st.didx = slices.Grow(st.didx[:0], total)
	st.dstart = st.dstart[:0]
	for _, words := range sents {
		st.dstart = append(st.dstart, len(st.didx))
		for _, w := range words {
			k := hashString(w)
			idx, ok := st.cache.get(k)
			if !ok {
				idx = int32(len(st.words))
				if oi, old := st.oldCache.get(k); old {
					st.words = append(st.words, st.oldWords[oi])
					st.promote(&st.words[idx])
				} else {
					st.words = append(st.words, wordEntry{})
					m.fillEntry(st, &st.words[idx], w)
				}
				st.cache.put(k, idx)
			}
			st.didx = append(st.didx, idx)
		}
	}
	for _, idx := range st.didx {
		e := &st.words[idx]
		if e.gen == st.gen {
			continue
		}
		e.gen = st.gen
		lid, ok := st.lids.get(e.a.lower)
		if !ok {
			lid = int32(len(st.lcounts))
			st.lids.put(e.a.lower, lid)
			st.lcounts = append(st.lcounts, docCounts{})
			st.lhist = append(st.lhist, [5]int32{})
		}
		e.lid = lid
	}
}

// plain reports whether the sentence of the words with cache indices idx
// (of the document beginDoc prepared) has no word that could be part of a
// name: no upper-case letter anywhere except in its first word, and that
// one capitalized only because it starts the sentence: written in lower
// case elsewhere in the document, never capitalized inside a sentence
// ("The", "But", but not "Bush" when "President Bush" occurs).
func (st *tagState) plain(idx []int32) bool {
	for k, wi := range idx {
		e := &st.words[wi]
		if !e.upper {
			continue
		}
		if k > 0 || e.first != 'X' || e.allCaps {
			return false
		}
		if c := st.lcounts[e.lid]; c.lower == 0 || c.capInner > 0 || c.inMulti > 0 {
			return false
		}
	}
	return len(idx) > 0
}

// promote finishes the copy e of an old-generation entry: its tagRows, if
// it has any, are copied into the new generation's tw.
func (st *tagState) promote(e *wordEntry) {
	if e.tw == 0 {
		return
	}
	old := &st.oldTw[e.tw-1]
	e.tw = 0
	*st.rows(e) = *old
}

// buildDoc is docMap.build over the cached words of the document that
// beginDoc prepared: the same counts, kept by document id.
func (st *tagState) buildDoc(sents [][]string) {
	st.dtok = st.dtok[:0]
	st.dhead = st.dhead[:0]
	for si, words := range sents {
		idx := st.didx[st.dstart[si]:][:len(words)]
		cased, caps := 0, 0
		for _, wi := range idx {
			e := &st.words[wi]
			if e.first == 'X' {
				cased++
				if e.allCaps {
					caps++
				}
			}
			st.dtok = append(st.dtok, docTok{first: e.first})
		}
		toks := st.dtok[st.dstart[si]:]
		markRuns(toks)
		headline := isHeadline(cased, caps)
		st.dhead = append(st.dhead, headline)
		if headline {
			continue
		}
		for i, tk := range toks {
			tk.count(&st.lcounts[st.words[idx[i]].lid], i, 1)
		}
	}
}

// docAttr is docMap.attrsFor for word i of sentence si.
func (st *tagState) docAttr(si, i int) docAttrs {
	k := st.dstart[si] + i
	return st.dtok[k].attrs(st.lcounts[st.words[st.didx[k]].lid], i, st.dhead[si])
}

// histLabel is history.label for token i of the sentence in st: the type
// most often given to its word earlier in the document, or -1.
func (st *tagState) histLabel(i int) int {
	e := st.ents[i+2]
	if !e.a.capitalized {
		return -1
	}
	c := &st.lhist[e.lid]
	if c[0]|c[1]|c[2]|c[3]|c[4] == 0 {
		return -1 // never recorded (counts only grow)
	}
	best := 0
	for k := 1; k < len(c); k++ {
		if c[k] > c[best] {
			best = k
		}
	}
	return best
}

// recordHist is history.record for the sentence in st.
func (st *tagState) recordHist(tags []int) {
	for i, t := range tags {
		e := st.ents[i+2]
		if !e.a.capitalized || (st.sent.headline && e.a.allCaps) {
			continue
		}
		st.lhist[e.lid][typeOf(t)]++
	}
}

// beamItem is one partial tagging in the beam: the tag at some position,
// the tag before it, its parent item at the position before, and the total
// score.
type beamItem struct {
	score  int64
	tag    int8
	prev   int8  // the tag at the position before, -1 at the start
	parent int16 // index in the previous position's items, -1 at the start
}

// tagSentence tags words left to right with a beam search over the model's
// second-order tag features, never giving an I-X tag that does not continue
// an X span. A beam of 1 is greedy tagging. The result aliases st.tags.
//
// The weights of the features that depend on one word alone (the token's
// own, a neighbour's in each position, and the token's or the previous
// token's with a previous O tag, the commonest) are summed once per distinct
// word and cached (see prepare); only the features of word pairs, lexicon,
// document, history and other previous tags are looked up per token. The
// scores are the same sums as without the cache.
func (m *Model) tagSentence(st *tagState, words []string, si int, idx []int32, useDoc bool, gaz Gazetteer, useHist bool) []int {
	shift := 64 - m.bits
	m.prepare(st, idx)
	st.tags = st.tags[:0]
	n := len(words)
	if n == 0 {
		return st.tags
	}
	ents := st.ents // ents[i+2] is token i's entry
	st.tags = slices.Grow(st.tags[:0], n)[:n]
	clear(st.tags) // tagO
	// Only the segments of the sentence around its words with an
	// upper-case letter go through the beam (see segments); the other
	// words, lower case and away from any such word, are tagged O.
	segs := st.segments(n, gaz == nil)
	for _, sg := range segs {
		// the entries the segment's scores read: its words, two on each
		// side (neighbour features, padding included)
		for _, e := range ents[sg[0] : sg[1]+4] {
			if !e.summed {
				m.fillWeights(e, &st.feats, shift)
			}
		}
	}
	// The scores that do not depend on the tags before a token first, for
	// all segments: a loop of independent table reads that the CPU can
	// overlap, apart from the beam's unpredictable branches.
	st.static = slices.Grow(st.static[:0], n)[:n]
	for _, sg := range segs {
		for i := sg[0]; i < sg[1]; i++ {
			var d *docAttrs
			if useDoc {
				da := st.docAttr(si, i) // document features of decoded words only
				d = &da
			}
			f := st.sent.pairFeatures(st.feats[:0], i, d)
			if gaz != nil {
				f = st.sent.gazetteerFeatures(f, i, gaz.Lookup(words, i))
			}
			if useHist {
				f = st.sent.historyFeatures(f, i, st.histLabel(i))
			}
			st.feats = f
			static := &st.static[i]
			cur := ents[i+2]
			// The word-only sums, packed (see wordEntry.score): three
			// additions a word, a number of rows a lane can hold.
			var p wrow
			for k := range p {
				p[k] = cur.score[k] + ents[i].nb[nbM2][k] + ents[i+1].nb[nbM1][k] +
					ents[i+3].nb[nbP1][k] + ents[i+4].nb[nbP2][k]
			}
			*static = [nTags]int32{}
			p.addTo(static, staticRows)
			m.addRows(static, f, shift)
		}
	}
	for _, sg := range segs {
		m.beamSegment(st, sg[0], sg[1], shift)
	}
	return st.tags
}

// segments returns the spans [a, b) of the sentence of n words prepared
// in st that tagSentence decodes: all of it, or (if cut) the words from
// segMargin before to tailMargin after each word with an upper-case
// letter, joined when fewer than minGap words lie between. Names have such
// a word, and the model tags the lower-case words away from them O
// (nearly always), whatever comes before or after them; a segment after
// the first is decoded as if after O tags.
func (st *tagState) segments(n int, cut bool) [][2]int {
	st.segs = st.segs[:0]
	if !cut {
		return append(st.segs, [2]int{0, n})
	}
	for i := range n {
		if !st.ents[i+2].upper {
			continue
		}
		a, b := max(i-segMargin, 0), min(i+1+tailMargin, n)
		if k := len(st.segs) - 1; k >= 0 && a-st.segs[k][1] < minGap {
			st.segs[k][1] = b
			continue
		}
		st.segs = append(st.segs, [2]int{a, b})
	}
	return st.segs
}

// beamSegment tags words a to b-1 of the sentence whose tag-independent
// scores are in st.static into st.tags, with a beam search that starts at
// the sentence start (a == 0) or after O tags.
func (m *Model) beamSegment(st *tagState, a, b int, shift uint) {
	ents := st.ents
	width := max(m.beam, 1)
	st.items = st.items[:0]
	st.counts = st.counts[:0]
	start := -1 // the tags before a
	if a > 0 {
		start = tagO
	}
	prevStart, prevCount := -1, 1 // the start is one virtual item
	for i := a; i < b; i++ {
		cur := ents[i+2]
		static := &st.static[i]
		st.cands = st.cands[:0]
		for j := range prevCount {
			t1, t2, base := start, start, int64(0)
			if prevStart >= 0 {
				it := st.items[prevStart+j]
				t1, t2, base = int(it.tag), int(it.prev), it.score
			}
			score := *static
			tr := &m.trans[t1+1][t2+1]
			if t1 == tagO {
				prev := ents[i+1]
				for k := range nTags {
					score[k] += tr[k] + cur.tagO[k] + prev.prevO[k]
				}
			} else {
				// tagWordFeatures, summed per word and previous tag
				c, p := m.tagCurRow(st, cur, t1, shift), m.tagPrevRow(st, ents[i+1], t1, shift)
				for k := range nTags {
					score[k] += tr[k] + c[k] + p[k]
				}
			}
			parent := int16(j)
			if prevStart < 0 {
				parent = -1
			}
			for t := range nTags {
				if !allowed(t1, t) {
					continue
				}
				sc := base + int64(score[t])
				if n := len(st.cands); n >= width && sc <= st.cands[n-1].score {
					continue // insertCand's common case, without the call
				}
				st.cands = insertCand(st.cands, beamItem{score: sc, tag: int8(t), prev: int8(t1), parent: parent}, width)
			}
		}
		prevStart = len(st.items)
		prevCount = len(st.cands)
		st.items = append(st.items, st.cands...)
		st.counts = append(st.counts, prevCount)
	}
	// Follow the best final item back to the start.
	start, k := prevStart, 0 // position i's items start at start; k is the item
	for i := b - 1; i >= a; i-- {
		it := st.items[start+k]
		st.tags[i] = int(it.tag)
		if i > a {
			start -= st.counts[i-a-1]
			k = int(it.parent)
		}
	}
}

// Margins of the segments a sentence is decoded in (see segments). With
// these, the development-set scores are those of decoding whole sentences,
// and 17 of the 60,947 spans in the 2,225 BBC articles differ (plain
// sentences included; see tagState.plain): 15 gone, most of them wrong,
// and 2 a word shorter.
const (
	segMargin = 1 // words before a word with an upper-case letter
	minGap    = 1 // the fewest words between two segments
)

// tailMargin is the number of words after a word with an upper-case
// letter that tagSentence decodes with it (see segments).
const tailMargin = 2

// prepare fills st.sent and st.ents for the sentence whose words have the
// cache indices idx (see beginDoc). The attributes and the summed
// word-only feature weights of each distinct word are cached in st, which
// belongs to this model's pool, so frequent words cost one map lookup.
func (m *Model) prepare(st *tagState, idx []int32) {
	st.sent.begin()
	st.kinds = st.kinds[:0]
	st.ents = append(st.ents[:0], m.bos, m.bos)
	for _, i := range idx {
		e := &st.words[i]
		st.sent.a = append(st.sent.a, e.a)
		st.kinds = append(st.kinds, e.kind)
		st.ents = append(st.ents, e)
	}
	st.sent.end(m.lex, st.kinds)
	st.ents = append(st.ents, m.eos, m.eos)
}

// rows returns e's tagRows, taking the next free ones in st.tw. Their
// rows are written whole when filled, so reused storage is not cleared.
func (st *tagState) rows(e *wordEntry) *tagRows {
	if e.tw == 0 {
		if n := len(st.tw); n < cap(st.tw) {
			st.tw = st.tw[:n+1]
		} else {
			st.tw = append(st.tw, tagRows{})
		}
		e.tw = int32(len(st.tw))
	}
	return &st.tw[e.tw-1]
}

// tagCurRow returns the summed weights of tagCurFeatures of e with previous
// tag t1 (-1 the start), computed once per word and tag.
func (m *Model) tagCurRow(st *tagState, e *wordEntry, t1 int, shift uint) *[nTags]int32 {
	bit := uint16(1) << (t1 + 1)
	r := st.rows(e)
	if e.curDone&bit == 0 {
		st.feats = tagCurFeatures(st.feats[:0], &e.a, t1)
		var sum [nTags]int32
		m.addRows(&sum, st.feats, shift)
		r.cur[t1+1] = sum
		e.curDone |= bit
	}
	return &r.cur[t1+1]
}

// tagPrevRow returns the summed weights of tagPrevFeatures of e, the
// previous token, with its tag t1, computed once per word and tag.
func (m *Model) tagPrevRow(st *tagState, e *wordEntry, t1 int, shift uint) *[nTags]int32 {
	if e.pad != 0 {
		return &m.pad[e.pad-1].prev[t1+1] // shared padding: filled by fillTrans
	}
	bit := uint16(1) << (t1 + 1)
	r := st.rows(e)
	if e.prevDone&bit == 0 {
		st.feats = tagPrevFeatures(st.feats[:0], &e.a, t1)
		var sum [nTags]int32
		m.addRows(&sum, st.feats, shift)
		r.prev[t1+1] = sum
		e.prevDone |= bit
	}
	return &r.prev[t1+1]
}

// fillEntry computes the cached attributes of word w (not its weights).
func (m *Model) fillEntry(st *tagState, e *wordEntry, w string) {
	e.a, st.runes = tokenAttrs(w, st.runes)
	e.kind = m.lex.kind1(e.a.lower)
	e.first, e.allCaps = wordShape(w)
	e.upper = strings.ContainsFunc(w, unicode.IsUpper)
	// The weights are summed when first needed (see tagSentence): many
	// words are only ever far from any name, in words tagged O unseen.
}

// fillWeights sums the word-only feature weights of e.a into e, and marks
// them summed.
func (m *Model) fillWeights(e *wordEntry, feats *[]uint64, shift uint) {
	f := wordFeatures((*feats)[:0], &e.a)
	e.score = m.packRows(f, shift)
	for r := range nbRoles {
		f = neighbourFeatures(f[:0], &e.a, r)
		e.nb[r] = m.packRows(f, shift)
	}
	f = tagCurFeatures(f[:0], &e.a, tagO)
	m.addRows(&e.tagO, f, shift)
	f = tagPrevFeatures(f[:0], &e.a, tagO)
	m.addRows(&e.prevO, f, shift)
	*feats = f
	e.summed = true
}

// maxCache bounds the words cached per tagState in one generation (see
// tagState.oldCache); a state holds at most two generations. On the BBC
// corpus (GOMAXPROCS=1) 1<<13 was faster than 1<<14 and 1<<15 (a smaller
// working set; frequent words survive in the generations) and kept the
// benchmark's peak RSS at 106 MB instead of 142 MB and 218 MB.
const maxCache = 1 << 13

// wordEntry is a cached word: its attributes, one-token lexicon kinds and
// the summed weights of the features that depend on it alone.
type wordEntry struct {
	a    attrs
	kind LexKind
	// The sums of wordFeatures and of neighbourFeatures in each role,
	// packed like weight rows (see wrow and packRows): with their fixed
	// numbers of features, a token's five add up in the lanes.
	score wrow
	nb    [nbRoles]wrow
	tagO  [nTags]int32 // tagCurFeatures after an O tag
	prevO [nTags]int32 // tagPrevFeatures of an O tag on this word

	first   rune // wordShape of the word
	allCaps bool
	summed  bool   // score, nb, tagO and prevO are filled (see fillWeights)
	upper   bool   // some letter is upper case
	gen     uint64 // tagState.gen of the document lid belongs to
	lid     int32  // the lower-case form's id in that document

	// 1 + index in Model.pad of a padding entry's rows, all filled
	// (shared, read-only); 0 for a word. An index, not a pointer, keeps
	// the word cache free of pointers: the garbage collector skips it.
	pad uint8
	// bit t+1 set: the tagRows' cur (prev) row for previous tag t is filled
	curDone, prevDone uint16
	tw                int32 // 1 + index of the word's tagRows in tagState.tw; 0: none yet
}

// tagRows are a word's summed tagCurFeatures and tagPrevFeatures weights
// after previous tags other than O, indexed by tag+1 (-1 is the start),
// filled when first needed (see wordEntry.curDone). Not every word needs
// them, so they are kept apart from wordEntry, which stays small.
type tagRows struct {
	cur, prev [nTags + 1][nTags]int32
}

// fillTrans precomputes the weights of the tag-only features and of the
// padding around sentences.
func (m *Model) fillTrans() {
	m.trans = new([nTags + 1][nTags + 1][nTags]int32)
	var f []uint64
	for t1 := -1; t1 < nTags; t1++ {
		for t2 := -1; t2 < nTags; t2++ {
			f = tagFeatures(f[:0], t1, t2)
			m.addRows(&m.trans[t1+1][t2+1], f, 64-m.bits)
		}
	}
	m.bos, m.eos = &wordEntry{a: bosAttrs}, &wordEntry{a: eosAttrs}
	m.fillWeights(m.bos, &f, 64-m.bits)
	m.fillWeights(m.eos, &f, 64-m.bits)
	// The padding is shared by all states: fill its rows now. Only the
	// start padding is ever a previous token; neither is a tagged token.
	m.pad = new([2]tagRows)
	for k, e := range []*wordEntry{m.bos, m.eos} {
		e.pad = uint8(k + 1)
		for t1 := -1; t1 < nTags; t1++ {
			f = tagPrevFeatures(f[:0], &e.a, t1)
			m.addRows(&m.pad[k].prev[t1+1], f, 64-m.bits)
		}
	}
}

// addRows adds the weight rows of feature hashes f to score: the packed
// rows (see wrow) are summed, up to maxLaneAdds at a time, with three
// additions each.
func (m *Model) addRows(score *[nTags]int32, f []uint64, shift uint) {
	for len(f) > 0 {
		chunk := f[:min(len(f), maxLaneAdds)]
		f = f[len(chunk):]
		var a0, a1, a2 uint64
		for _, h := range chunk {
			r := m.w.row(h >> shift)
			a0 += r[0]
			a1 += r[1]
			a2 += r[2]
		}
		p := wrow{a0, a1, a2}
		p.addTo(score, len(chunk))
	}
}

// staticRows is the number of rows summed in a token's five packed
// word-only sums: wordFeatures of the token and neighbourFeatures of the
// two words on each side (fixed numbers of features; see features.go).
const staticRows = 15 + 2 + 4 + 4 + 2

const _ = uint(maxLaneAdds - staticRows) // a compile error if they cannot fit

// packRows returns the packed sum of the weight rows of feature hashes f,
// at most maxLaneAdds of them; see wrow.addTo.
func (m *Model) packRows(f []uint64, shift uint) wrow {
	if len(f) > maxLaneAdds {
		panic("ner: too many rows to pack")
	}
	var p wrow
	for _, h := range f {
		r := m.w.row(h >> shift)
		p[0] += r[0]
		p[1] += r[1]
		p[2] += r[2]
	}
	return p
}

// insertCand adds c to cands, kept sorted best first and at most width
// long. Two candidates with the same tag and the same previous tag have the
// same future, so only the better one is kept.
func insertCand(cands []beamItem, c beamItem, width int) []beamItem {
	if len(cands) >= width && c.score <= cands[len(cands)-1].score {
		// No worse item is held, so neither is a worse duplicate of c, and
		// c would go after the last place: the common case, decided early.
		return cands
	}
	for k, o := range cands {
		if o.tag == c.tag && o.prev == c.prev {
			if o.score >= c.score {
				return cands
			}
			cands = append(cands[:k], cands[k+1:]...)
			break
		}
	}
	pos := len(cands)
	for pos > 0 && cands[pos-1].score < c.score {
		pos--
	}
	if pos >= width {
		return cands
	}
	cands = append(cands, beamItem{})
	for k := len(cands) - 1; k > pos; k-- { // a beam is short: no memmove call
		cands[k] = cands[k-1]
	}
	cands[pos] = c
	if len(cands) > width {
		cands = cands[:width]
	}
	return cands
}
