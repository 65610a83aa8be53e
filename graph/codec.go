package graph

// Value encoding. Every value starts with a format version byte, then
// fields as unsigned/signed varints, length-prefixed strings and 8-byte
// floats. The decoders never panic: a short or malformed value sets an error.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"time"

	"github.com/klauspost/compress/s2"
)

const valueVersion byte = 1

var errBadValue = errors.New("malformed value")

type enc struct {
	b    []byte
	room int // the arena space e.b started in; 0: not in an arena
}

func newEnc(n int) *enc { return &enc{b: append(make([]byte, 0, n), valueVersion)} }

// arena hands out the value buffers of one write transaction from one
// block that is reused by the next: Badger copies every value into its WAL
// and memtable before Txn.Commit returns, so after that nothing refers to
// them. A nil arena allocates each value. Only the writer (under
// Store.wmu) uses one.
type arena struct {
	b    []byte // handed out: b[:len(b)]; free: b[len(b):cap(b)]
	need int    // bytes asked for since the last reset
	// ops is a deferred transaction's writes, kept with its values so
	// that the next one reuses the slice
	ops []redoOp
}

// arenaKeep bounds the block kept between transactions.
const arenaKeep = 4 << 20

// enc returns an encoder for a value of about n bytes.
func (a *arena) enc(n int) *enc {
	if a == nil || cap(a.b)-len(a.b) < n+1 {
		if a != nil {
			a.need += n + 1
		}
		return newEnc(n)
	}
	a.need += n + 1
	room := cap(a.b) - len(a.b)
	return &enc{b: append(a.b[len(a.b):len(a.b):cap(a.b)], valueVersion), room: room}
}

// take returns e's value, moving the arena's free space past it when it
// was encoded there (an append past the block moved it elsewhere).
func (a *arena) take(e *enc) []byte {
	if a != nil && e.room > 0 && cap(e.b) == e.room {
		a.b = a.b[:len(a.b)+len(e.b)]
	}
	return e.b
}

// reset makes the whole block free again, sized for the last transaction
// when it did not fit. Call it only once the values handed out are no
// longer used.
func (a *arena) reset() {
	if a.need > cap(a.b) && a.need <= arenaKeep {
		a.b = make([]byte, 0, a.need+a.need/4)
	} else if cap(a.b) > arenaKeep {
		a.b = nil
	}
	a.b, a.need = a.b[:0], 0
	clear(a.ops)
	a.ops = a.ops[:0]
}

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) int(v int)        { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) byte(v byte)      { e.b = append(e.b, v) }
func (e *enc) float(f float64)  { e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	e.byte(1)
	e.varint(t.UnixNano())
}

type dec struct {
	b   []byte
	err error
}

// newDec checks the version byte.
func newDec(b []byte) *dec {
	if len(b) == 0 || b[0] != valueVersion {
		return &dec{err: errBadValue}
	}
	return &dec{b: b[1:]}
}

func (d *dec) fail() { d.err, d.b = errBadValue, nil }

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) int() int { return int(d.varint()) }

// count reads a length and checks it against the bytes left, so a corrupt
// length cannot make a caller allocate a huge slice.
func (d *dec) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *dec) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) float() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) time() time.Time {
	if d.byte() == 0 || d.err != nil {
		return time.Time{}
	}
	return time.Unix(0, d.varint()).UTC()
}

// Article value: meta fields first so filters can stop before the text.

// articleVersion is the version byte of an article value whose text is
// compressed (S2, the Snappy format's faster successor): news text takes
// about half its size, and a text over Badger's value threshold goes to
// its value log, which Badger does not compress. Values with the common
// version byte (1) hold the text as it is; both are read.
const articleVersion byte = 2

func encodeArticle(a Article) []byte { return encodeArticleIn(nil, a) }

func encodeArticleIn(ar *arena, a Article) []byte {
	zmax := s2.MaxEncodedLen(len(a.Text))
	e := ar.enc(zmax + len(a.URL) + len(a.Title) + 128)
	e.b[len(e.b)-1] = articleVersion
	e.articleMeta(a)
	// The compressed text is the rest of the value (an S2 block records
	// its own length), encoded in place after the other fields.
	n := len(e.b)
	e.b = slices.Grow(e.b, zmax)
	e.b = e.b[:n+len(s2.Encode(e.b[n:n+zmax], []byte(a.Text)))]
	return ar.take(e)
}

// encodeArticleV1 encodes an article with its text as it is (value version
// 1), as databases of storage format 1 hold them.
func encodeArticleV1(a Article) []byte {
	e := newEnc(len(a.Text) + len(a.URL) + len(a.Title) + 128)
	e.articleMeta(a)
	e.str(a.Text)
	return e.b
}

func (e *enc) articleMeta(a Article) {
	e.str(a.ExternalID)
	e.str(a.URL)
	e.str(a.Title)
	e.str(a.Outlet)
	e.time(a.Published)
	e.str(a.Hash)
	e.time(a.Loaded)
}

// decodeArticle decodes an article of either version; with withText false
// it skips the text.
func decodeArticle(id ArticleID, b []byte, withText bool) (Article, error) {
	compressed := len(b) > 0 && b[0] == articleVersion
	d := newDec(b)
	if compressed {
		d = &dec{b: b[1:]}
	}
	a := Article{ID: id}
	a.ExternalID = d.str()
	a.URL = d.str()
	a.Title = d.str()
	a.Outlet = d.str()
	a.Published = d.time()
	a.Hash = d.str()
	a.Loaded = d.time()
	if withText {
		if !compressed {
			a.Text = d.str()
		} else if d.err == nil {
			t, err := s2.Decode(nil, d.b)
			if err != nil {
				return Article{}, fmt.Errorf("%w: article text: %v", errBadValue, err)
			}
			a.Text = string(t)
		}
	}
	return a, d.err
}

// docMention is one stored mention; the 'd' value of an article is the
// list of them sorted by start, then entity.
type docMention struct {
	Start, End         int
	Entity             EntityID
	SentStart, SentEnd int
	Text, Qualifier    string
}

func encodeDocMentions(ms []docMention) []byte { return encodeDocMentionsIn(nil, ms) }

func encodeDocMentionsIn(ar *arena, ms []docMention) []byte {
	e := ar.enc(4 + len(ms)*24)
	e.uvarint(uint64(len(ms)))
	prev := 0
	for _, m := range ms {
		e.int(m.Start - prev)
		e.int(m.End - m.Start)
		e.uvarint(uint64(m.Entity))
		e.int(m.Start - m.SentStart)
		e.int(m.SentEnd - m.End)
		e.str(m.Text)
		e.str(m.Qualifier)
		prev = m.Start
	}
	return ar.take(e)
}

func decodeDocMentions(b []byte) ([]docMention, error) {
	d := newDec(b)
	n := d.count()
	ms := make([]docMention, 0, n)
	prev := 0
	for i := 0; i < n && d.err == nil; i++ {
		var m docMention
		m.Start = prev + d.int()
		m.End = m.Start + d.int()
		m.Entity = EntityID(d.uvarint())
		m.SentStart = m.Start - d.int()
		m.SentEnd = m.End + d.int()
		m.Text = d.str()
		m.Qualifier = d.str()
		prev = m.Start
		ms = append(ms, m)
	}
	return ms, d.err
}

func (m docMention) mention(a ArticleID) Mention {
	return Mention{Article: a, Entity: m.Entity, Span: Span{m.Start, m.End}, Text: m.Text,
		Sentence: Span{m.SentStart, m.SentEnd}, Qualifier: m.Qualifier}
}

// entArticle is the 'm' value: where an entity is mentioned in one
// article.
type entArticle struct {
	Starts []int // ascending
}

func encodeEntArticle(v *entArticle) []byte { return encodeEntArticleIn(nil, v) }

func encodeEntArticleIn(ar *arena, v *entArticle) []byte {
	e := ar.enc(2 + len(v.Starts)*2)
	e.starts(v.Starts)
	return ar.take(e)
}

// starts encodes ascending mention starts: their number, then each as the
// difference from the one before.
func (e *enc) starts(starts []int) {
	e.uvarint(uint64(len(starts)))
	prev := 0
	for _, st := range starts {
		e.int(st - prev)
		prev = st
	}
}

func decodeEntArticle(b []byte) (*entArticle, error) {
	d := newDec(b)
	v := &entArticle{}
	n := d.count()
	prev := 0
	for i := 0; i < n && d.err == nil; i++ {
		prev += d.int()
		v.Starts = append(v.Starts, prev)
	}
	return v, d.err
}

// entPosting is where an entity is mentioned in one article.
type entPosting struct {
	Article ArticleID
	Starts  []int // ascending
}

// entRunVersion is the version byte of an 'm' value that holds a run of
// articles (written by a bulk load's checkpoint, storage format 4): the
// postings of the key's entity in articles from the key's article up to,
// not including, the article of its next 'm' key. Values with the common
// version byte hold one article's starts (entArticle), that of the key.
const entRunVersion byte = 2

// maxRunArticles bounds the articles of one run value: a reader decodes
// the whole value, and a replaced article's run is rewritten.
const maxRunArticles = 256

// encodeEntRunIn encodes the postings ps, in article order, of a run
// whose key holds article key (at most ps[0].Article).
func encodeEntRunIn(ar *arena, key ArticleID, ps []entPosting) []byte {
	n := 4
	for _, p := range ps {
		n += 4 + 3*len(p.Starts)
	}
	e := ar.enc(n)
	e.b[len(e.b)-1] = entRunVersion
	e.uvarint(uint64(len(ps)))
	prevA := key
	for _, p := range ps {
		e.uvarint(uint64(p.Article - prevA))
		prevA = p.Article
		e.starts(p.Starts)
	}
	return ar.take(e)
}

// decodeEntPostings decodes the 'm' value b under article key: a run, or
// one article's starts.
func decodeEntPostings(key ArticleID, b []byte) ([]entPosting, error) {
	if len(b) == 0 || b[0] != entRunVersion {
		ea, err := decodeEntArticle(b)
		if err != nil {
			return nil, err
		}
		return []entPosting{{Article: key, Starts: ea.Starts}}, nil
	}
	d := &dec{b: b[1:]}
	n := d.count()
	ps := make([]entPosting, 0, n)
	a := key
	for i := 0; i < n && d.err == nil; i++ {
		delta := d.uvarint()
		if i > 0 && delta == 0 {
			d.fail() // articles ascend
		}
		a += ArticleID(delta)
		p := entPosting{Article: a, Starts: make([]int, d.count())}
		prev := 0
		for j := range p.Starts {
			prev += d.int()
			p.Starts[j] = prev
		}
		ps = append(ps, p)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail()
	}
	return ps, d.err
}

// entRec is the stored entity: the public fields plus what the store needs
// to keep indexes and counts exact.
type entRec struct {
	Kind         Kind
	Name         string
	Aliases      []string
	Keys         []string // resolution keys held (for removal)
	Value        *float64
	Unit         string
	ISO          string
	MentionCount int
	ArticleCount int
	RelCount     int     // aggregated relations this entity is an end of
	Merges       []Merge // the first maxMerges distinct (name, key), oldest first

	// stored is the hash (staticHash) of the record's value as stored
	// under 'n', 0 when none is stored in the current version: the writer
	// rewrites that value only when it changed, and the counts, which
	// change with every article, under 'N'. Only the writer sets it
	// (writer.entity); it is not stored.
	stored uint64
}

// entityVersion is the version byte of an entity value without counts
// (they are under 'N' since storage format 3). Values with the common
// version byte (1) hold the counts themselves; both are read.
const entityVersion byte = 2

// staticSeed seeds staticHash; the hashes are never stored.
var staticSeed = maphash.MakeSeed()

func staticHash(v []byte) uint64 { return maphash.Bytes(staticSeed, v) | 1 }

func encodeEntity(r *entRec) []byte { return encodeEntityIn(nil, r) }

// encodeEntityIn encodes r without its counts (encodeEntCounts).
func encodeEntityIn(ar *arena, r *entRec) []byte {
	// Size the buffer once: growing it was a tenth of AddDoc's time.
	n := 32 + len(r.Name) + len(r.Unit) + len(r.ISO)
	for _, s := range r.Aliases {
		n += len(s) + 2
	}
	for _, s := range r.Keys {
		n += len(s) + 2
	}
	for _, m := range r.Merges {
		n += len(m.Name) + len(m.Key) + 14
	}
	e := ar.enc(n)
	e.b[len(e.b)-1] = entityVersion
	e.byte(byte(r.Kind))
	e.entityFields(r)
	return ar.take(e)
}

// encodeEntityV1 encodes r as storage format 1 and 2 did, counts
// included; format sniffing and tests use it.
func encodeEntityV1(r *entRec) []byte {
	e := newEnc(64)
	e.byte(byte(r.Kind))
	e.int(r.MentionCount)
	e.int(r.ArticleCount)
	e.int(r.RelCount)
	e.entityFields(r)
	return e.b
}

func (e *enc) entityFields(r *entRec) {
	e.str(r.Name)
	if r.Value != nil {
		e.byte(1)
		e.float(*r.Value)
	} else {
		e.byte(0)
	}
	e.str(r.Unit)
	e.str(r.ISO)
	e.uvarint(uint64(len(r.Aliases)))
	for _, s := range r.Aliases {
		e.str(s)
	}
	e.uvarint(uint64(len(r.Keys)))
	for _, s := range r.Keys {
		e.str(s)
	}
	e.uvarint(uint64(len(r.Merges)))
	for _, m := range r.Merges {
		e.uvarint(uint64(m.Article))
		e.str(m.Name)
		e.str(m.Key)
	}
}

// decodeEntity decodes an entity value of either version. The second
// result reports whether the counts are still to be read (decodeEntCounts):
// a version 1 value holds them.
func decodeEntity(b []byte) (*entRec, bool, error) {
	v2 := len(b) > 0 && b[0] == entityVersion
	d := newDec(b)
	if v2 {
		d = &dec{b: b[1:]}
	}
	r := &entRec{}
	r.Kind = Kind(d.byte())
	if !v2 {
		r.MentionCount = d.int()
		r.ArticleCount = d.int()
		r.RelCount = d.int()
	}
	r.Name = d.str()
	if d.byte() == 1 {
		v := d.float()
		r.Value = &v
	}
	r.Unit = d.str()
	r.ISO = d.str()
	n := d.count()
	for i := 0; i < n && d.err == nil; i++ {
		r.Aliases = append(r.Aliases, d.str())
	}
	n = d.count()
	for i := 0; i < n && d.err == nil; i++ {
		r.Keys = append(r.Keys, d.str())
	}
	n = d.count()
	for i := 0; i < n && d.err == nil; i++ {
		r.Merges = append(r.Merges, Merge{Article: ArticleID(d.uvarint()), Name: d.str(), Key: d.str()})
	}
	return r, v2, d.err
}

// encodeEntCounts encodes the counts of r, stored under 'N'.
func encodeEntCountsIn(ar *arena, r *entRec) []byte {
	e := ar.enc(16)
	e.int(r.MentionCount)
	e.int(r.ArticleCount)
	e.int(r.RelCount)
	return ar.take(e)
}

// decodeEntCounts sets the counts of r from an 'N' value.
func decodeEntCounts(r *entRec, b []byte) error {
	d := newDec(b)
	r.MentionCount = d.int()
	r.ArticleCount = d.int()
	r.RelCount = d.int()
	return d.err
}

func (r *entRec) entity(id EntityID) Entity {
	e := Entity{ID: id, Kind: r.Kind, Name: r.Name, Aliases: r.Aliases, Unit: r.Unit, ISO: r.ISO,
		MentionCount: r.MentionCount, ArticleCount: r.ArticleCount}
	if r.Value != nil {
		v := *r.Value
		e.Value = &v
	}
	if e.Aliases == nil {
		e.Aliases = []string{}
	}
	e.Merges = append([]Merge(nil), r.Merges...)
	return e
}

// relAgg is the stored aggregate of one relation. Counts are exact; the
// evidence is a sample of at most maxEvidence items.
type relAgg struct {
	Sentences, Articles int
	Outlets             []outletCount // articles per outlet; len = distinct outlets
	Evidence            []Evidence
}

type outletCount struct {
	Outlet   string
	Articles int
}

// maxEvidence caps the evidence stored and returned per relation.
const maxEvidence = 20

// addOutlet counts n more articles of outlet. It returns the index of
// the outlet's count it raised, or -1 if it appended one.
func (a *relAgg) addOutlet(outlet string, n int) int {
	for i := range a.Outlets {
		if a.Outlets[i].Outlet == outlet {
			a.Outlets[i].Articles += n
			return i
		}
	}
	a.Outlets = append(a.Outlets, outletCount{Outlet: outlet, Articles: n})
	return -1
}

// addEvidence appends ev, up to maxEvidence items in all.
func (a *relAgg) addEvidence(ev []Evidence) {
	if room := maxEvidence - len(a.Evidence); room > 0 {
		a.Evidence = append(a.Evidence, ev[:min(room, len(ev))]...)
	}
}

func encodeRel(r *relAgg) []byte { return encodeRelIn(nil, r) }

func encodeRelIn(ar *arena, r *relAgg) []byte {
	e := ar.enc(16 + len(r.Evidence)*10 + len(r.Outlets)*12)
	e.int(r.Sentences)
	e.int(r.Articles)
	e.uvarint(uint64(len(r.Outlets)))
	e.uvarint(uint64(len(r.Evidence)))
	for _, o := range r.Outlets {
		e.str(o.Outlet)
		e.int(o.Articles)
	}
	for _, v := range r.Evidence {
		e.uvarint(uint64(v.Article))
		e.int(v.Sentence.Start)
		e.int(v.Sentence.End)
		e.int(v.Span.Start)
		e.int(v.Span.End)
	}
	return ar.take(e)
}

// decodeRel decodes a relation aggregate; with full false it stops after
// the counts (Outlets is left nil but its length is returned in outlets).
func decodeRel(b []byte, full bool) (r *relAgg, outlets int, err error) {
	d := newDec(b)
	r = &relAgg{}
	r.Sentences = d.int()
	r.Articles = d.int()
	no := d.count()
	ne := d.count()
	if !full || d.err != nil {
		return r, no, d.err
	}
	r.Outlets = make([]outletCount, 0, no)
	for i := 0; i < no && d.err == nil; i++ {
		r.Outlets = append(r.Outlets, outletCount{Outlet: d.str(), Articles: d.int()})
	}
	r.Evidence = make([]Evidence, 0, ne)
	for i := 0; i < ne && d.err == nil; i++ {
		var v Evidence
		v.Article = ArticleID(d.uvarint())
		v.Sentence.Start = d.int()
		v.Sentence.End = d.int()
		v.Span.Start = d.int()
		v.Span.End = d.int()
		r.Evidence = append(r.Evidence, v)
	}
	return r, no, d.err
}

// contrib is what one article added to relation aggregates, kept so a
// replace can take it back.
type contrib struct {
	Rels []relContrib
}

type relContrib struct {
	ID        relIdent
	Sentences int
}

func encodeContrib(c *contrib) []byte { return encodeContribIn(nil, c) }

func encodeContribIn(ar *arena, c *contrib) []byte {
	e := ar.enc(8 + len(c.Rels)*24)
	e.uvarint(uint64(len(c.Rels)))
	for _, r := range c.Rels {
		e.byte(byte(r.ID.Type))
		e.uvarint(uint64(r.ID.Src))
		e.uvarint(uint64(r.ID.Dst))
		e.str(r.ID.Label)
		e.int(r.Sentences)
	}
	return ar.take(e)
}

func decodeContrib(b []byte) (*contrib, error) {
	d := newDec(b)
	c := &contrib{}
	n := d.count()
	for i := 0; i < n && d.err == nil; i++ {
		var r relContrib
		r.ID.Type = RelType(d.byte())
		r.ID.Src = EntityID(d.uvarint())
		r.ID.Dst = EntityID(d.uvarint())
		r.ID.Label = d.str()
		r.Sentences = d.int()
		c.Rels = append(c.Rels, r)
	}
	return c, d.err
}

func encodeIDs(ids []EntityID) []byte {
	e := newEnc(1 + len(ids)*4)
	e.uvarint(uint64(len(ids)))
	for _, id := range ids {
		e.uvarint(uint64(id))
	}
	return e.b
}

func decodeIDs(b []byte) ([]EntityID, error) {
	d := newDec(b)
	n := d.count()
	ids := make([]EntityID, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		ids = append(ids, EntityID(d.uvarint()))
	}
	return ids, d.err
}

func encodeU64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeU64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, errBadValue
	}
	return binary.BigEndian.Uint64(b), nil
}

// encodeRevCountsIn is the value under an 'R' key: the relation's sentence
// and article counts, so traversals need not read the forward value.
func encodeRevCountsIn(ar *arena, r *relAgg) []byte {
	e := ar.enc(8)
	e.int(r.Sentences)
	e.int(r.Articles)
	return ar.take(e)
}

func decodeRevCounts(b []byte) (sentences, articles int, err error) {
	d := newDec(b)
	sentences = d.int()
	articles = d.int()
	return sentences, articles, d.err
}

func encodeCounters(cs map[byte]int) []byte {
	e := newEnc(4 + len(cs)*4)
	e.uvarint(uint64(len(cs)))
	for c := 0; c < 256; c++ {
		if v, ok := cs[byte(c)]; ok {
			e.byte(byte(c))
			e.int(v)
		}
	}
	return e.b
}

func decodeCounters(b []byte) (map[byte]int, error) {
	d := newDec(b)
	n := d.count()
	cs := make(map[byte]int, n)
	for i := 0; i < n && d.err == nil; i++ {
		c := d.byte()
		cs[c] = d.int()
	}
	return cs, d.err
}
