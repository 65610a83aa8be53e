package graph

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/dgraph-io/badger/v4"
)

// maxConflicts caps the conflicts Conflicts returns.
const maxConflicts = 50

// maxConflictArticles caps the articles whose sentences Conflicts reads for
// one entity (the oldest ones, in ID order).
const maxConflictArticles = 1000

// denyWords mark a STATED label as a denial; any other STATED label asserts.
var denyWords = []string{"deny", "denied", "denies", "denying", "reject", "rejected", "rejects",
	"dismiss", "dismissed", "dismisses", "refute", "refuted", "refutes", "disputed", "disputes", "contradicted"}

func isDenial(label string) bool {
	for _, w := range strings.Fields(label) {
		for _, d := range denyWords {
			if w == d {
				return true
			}
		}
	}
	return false
}

// Conflicts returns statements about an entity that disagree, at most 50.
// The statements are the sentences that mention the entity and the
// sentences of its STATED relations (its claims); see docs/extraction.md.
//
//   - "number": two articles give numbers of the same counted thing (unit
//     synonyms and plurals compare alike, "troops" = "soldiers") in the same
//     context (a content word near each number is shared: "evacuated",
//     "killed") whose ranges cannot both hold, qualifiers read as ranges
//     ("more than 30,000" holds with "35,000"; "about" allows 10%);
//   - "opposition": a side contradiction — the same entity, the same motion
//     frame ("to"/"from" the <side> bank/side/shore/coast, bracketed glosses
//     such as "left [eastern]" read as the gloss; moving from one bank of a
//     river is moving to the other) and opposite sides (east/west,
//     north/south, left/right), in two sentences that share another name or
//     two content words; an antonym pair (entered/left,
//     captured/lost, advanced/retreated, confirmed/denied, or a verb and
//     its negation) with the entity in the same role right next to the verb
//     in two articles; or one source that both asserts and denies (STATED
//     labels with and without a denial verb) about the same target.
//
// A and B are the two statements: the article, the sentence and, as Span,
// the number or the opposing phrase (the claim, for STATED denials).
func (s *Store) Conflicts(ctx context.Context, id EntityID) ([]Conflict, error) {
	out := []Conflict{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		self, err := getEntity(txn, id)
		if err != nil {
			return err
		}
		c := &conflictScan{ctx: ctx, txn: txn, self: id, selfName: self.Name,
			arts: map[ArticleID]*conflictArticle{}, ents: map[EntityID]*entRec{id: self}}
		c.selfWords = capStems(append([]string{self.Name}, self.Aliases...))
		ids, err := relIdentsOf(ctx, txn, id, nil)
		if err != nil {
			return err
		}
		stated := map[[2]EntityID][]Relation{}
		var pairs [][2]EntityID
		for _, ri := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := getRelation(txn, ri)
			if err != nil {
				return err
			}
			if ri.Type == RelStated {
				k := [2]EntityID{ri.Src, ri.Dst}
				if _, ok := stated[k]; !ok {
					pairs = append(pairs, k)
				}
				stated[k] = append(stated[k], r)
			}
			other := ri.Dst
			if other == id {
				other = ri.Src
			}
			o, err := c.entity(other)
			if err != nil {
				return err
			}
			// the sentences of the entity's claims, and of its links to numbers
			if ri.Type == RelStated && ri.Src == id || o.Kind == KindNumber {
				for _, ev := range r.Evidence {
					c.addSentence(ev.Article, ev.Sentence)
				}
			}
		}
		if err := c.addMentionSentences(); err != nil {
			return err
		}
		if err := c.read(); err != nil {
			return err
		}
		out = append(out, c.numberConflicts()...)
		out = append(out, c.sideConflicts()...)
		out = append(out, c.verbConflicts()...)
		for _, k := range pairs {
			var assert, deny *Relation
			for i, r := range stated[k] {
				if len(r.Evidence) == 0 {
					continue
				}
				if isDenial(r.Label) {
					deny = &stated[k][i]
				} else {
					assert = &stated[k][i]
				}
			}
			if assert == nil || deny == nil {
				continue
			}
			src, err := c.entity(k[0])
			if err != nil {
				return err
			}
			dst, err := c.entity(k[1])
			if err != nil {
				return err
			}
			out = append(out, Conflict{Kind: "opposition", A: assert.Evidence[0], B: deny.Evidence[0],
				Description: fmt.Sprintf("%s %s and %s about %s", src.Name, assert.Label, deny.Label, dst.Name)})
		}
		if len(out) > maxConflicts {
			out = out[:maxConflicts]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: conflicts of entity %d: %w", id, err)
	}
	return out, nil
}

// conflictScan collects the sentences about one entity.
type conflictScan struct {
	ctx       context.Context
	txn       *badger.Txn
	self      EntityID
	selfName  string
	selfWords map[string]bool
	arts      map[ArticleID]*conflictArticle
	order     []ArticleID
	ents      map[EntityID]*entRec
	sents     []*cSentence
}

type conflictArticle struct {
	spans map[Span]bool
	ms    []docMention
}

// cSentence is one sentence about the entity, tokenized.
type cSentence struct {
	art   ArticleID
	span  Span
	toks  []cToken
	ms    []docMention // mentions inside the sentence
	nums  []numStmt
	sides []sideStmt
	verbs []verbStmt
	caps  map[string]bool // stems of capitalized words (names, demonyms)
	words map[string]bool // stems of lower-case content words
}

type cToken struct {
	text, lower string
	span        Span // article code points
}

func (c *conflictScan) entity(id EntityID) (*entRec, error) {
	if e, ok := c.ents[id]; ok {
		return e, nil
	}
	e, err := getEntity(c.txn, id)
	if err != nil {
		return nil, fmt.Errorf("entity %d: %w", id, err)
	}
	c.ents[id] = e
	return e, nil
}

func (c *conflictScan) addSentence(a ArticleID, sp Span) {
	ca, ok := c.arts[a]
	if !ok {
		if len(c.arts) >= maxConflictArticles {
			return
		}
		ca = &conflictArticle{spans: map[Span]bool{}}
		c.arts[a] = ca
		c.order = append(c.order, a)
	}
	ca.spans[sp] = true
}

// addMentionSentences adds the sentences that mention the entity.
func (c *conflictScan) addMentionSentences() error {
	n := 0
	return eachPosting(c.ctx, c.txn, c.self, 0, func(p entPosting) (bool, error) {
		if n == maxConflictArticles {
			return false, nil
		}
		n++
		ms, err := c.mentions(p.Article)
		if err != nil {
			return false, err
		}
		for _, st := range p.Starts {
			i := sort.Search(len(ms), func(i int) bool { return ms[i].Start >= st })
			for ; i < len(ms) && ms[i].Start == st; i++ {
				if ms[i].Entity == c.self {
					c.addSentence(p.Article, Span{ms[i].SentStart, ms[i].SentEnd})
				}
			}
		}
		return true, nil
	})
}

func (c *conflictScan) mentions(a ArticleID) ([]docMention, error) {
	if ca, ok := c.arts[a]; ok && ca.ms != nil {
		return ca.ms, nil
	}
	ms, err := getDocMentions(c.txn, a)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []docMention{}
	}
	if ca, ok := c.arts[a]; ok {
		ca.ms = ms
	} else if len(c.arts) < maxConflictArticles {
		c.arts[a] = &conflictArticle{spans: map[Span]bool{}, ms: ms}
		c.order = append(c.order, a)
	}
	return ms, nil
}

// read tokenizes every collected sentence and finds its numbers, side
// phrases and antonym verbs.
func (c *conflictScan) read() error {
	sort.Slice(c.order, func(i, j int) bool { return c.order[i] < c.order[j] })
	for _, a := range c.order {
		ca := c.arts[a]
		if len(ca.spans) == 0 {
			continue
		}
		if err := c.ctx.Err(); err != nil {
			return err
		}
		art, err := getArticle(c.txn, a, true)
		if err != nil {
			return fmt.Errorf("article %d: %w", a, err)
		}
		ms, err := c.mentions(a)
		if err != nil {
			return err
		}
		text := []rune(art.Text)
		spans := make([]Span, 0, len(ca.spans))
		for sp := range ca.spans {
			if sp.Start >= 0 && sp.End <= len(text) && sp.Start < sp.End {
				spans = append(spans, sp)
			}
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
		for _, sp := range spans {
			st := &cSentence{art: a, span: sp, toks: tokenizeSpan(text, sp)}
			i := sort.Search(len(ms), func(i int) bool { return ms[i].Start >= sp.Start })
			for ; i < len(ms) && ms[i].Start < sp.End; i++ {
				if ms[i].End <= sp.End {
					st.ms = append(st.ms, ms[i])
				}
			}
			st.caps, st.words = sentenceStems(st.toks)
			if err := c.numbers(st); err != nil {
				return err
			}
			st.sides = sides(st)
			st.verbs = c.antonymVerbs(st)
			c.sents = append(c.sents, st)
		}
	}
	return nil
}

// tokenizeSpan splits text[sp] into words (letters, digits, inner
// apostrophes, commas and dots between digits) and single punctuation marks.
func tokenizeSpan(text []rune, sp Span) []cToken {
	var out []cToken
	for i := sp.Start; i < sp.End; {
		r := text[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + 1
			for j < sp.End {
				q := text[j]
				if unicode.IsLetter(q) || unicode.IsDigit(q) {
					j++
					continue
				}
				if (q == '\'' || q == '’' || q == '-') && j+1 < sp.End && unicode.IsLetter(text[j+1]) && unicode.IsLetter(text[j-1]) {
					j++
					continue
				}
				if (q == ',' || q == '.') && j+1 < sp.End && unicode.IsDigit(text[j+1]) && unicode.IsDigit(text[j-1]) {
					j++
					continue
				}
				break
			}
			w := string(text[i:j])
			out = append(out, cToken{text: w, lower: strings.ToLower(w), span: Span{i, j}})
			i = j
		default:
			out = append(out, cToken{text: string(r), lower: string(r), span: Span{i, i + 1}})
			i++
		}
	}
	return out
}

func isWord(t cToken) bool {
	r := []rune(t.text)[0]
	return unicode.IsLetter(r)
}

func isCap(t cToken) bool {
	r := []rune(t.text)[0]
	return unicode.IsUpper(r)
}

// ---- numbers ----

// numStmt is one number in a sentence about the entity.
type numStmt struct {
	sent   *cSentence
	ev     Evidence
	value  float64
	lo, hi float64 // the range the statement allows
	unit   string  // as stored
	ukey   string  // the counted thing, synonyms and plurals folded
	ctx    map[string]bool
	text   string // mention text with its qualifier
}

func (c *conflictScan) numbers(st *cSentence) error {
	for _, m := range st.ms {
		e, err := c.entity(m.Entity)
		if err != nil {
			return err
		}
		if e.Kind != KindNumber || e.Value == nil || e.Unit == "" {
			continue
		}
		lo, hi, ok := qualRange(*e.Value, m.Qualifier, m.Text)
		if !ok {
			continue
		}
		ukey, mods := unitKey(e.Unit)
		if ukey == "" || unvalidated[ukey] {
			continue
		}
		ctx := numberContext(st.toks, Span{m.Start, m.End})
		for _, w := range mods {
			ctx[w] = true
		}
		txt := m.Text
		if m.Qualifier != "" && m.Qualifier != "between" {
			txt = m.Qualifier + " " + txt
		}
		st.nums = append(st.nums, numStmt{sent: st, value: *e.Value, lo: lo, hi: hi, unit: e.Unit, ukey: ukey, ctx: ctx, text: txt,
			ev: Evidence{Article: st.art, Sentence: st.span, Span: Span{m.Start, m.End}}})
	}
	return nil
}

// qualRange reads a number and its qualifier as the range of values the
// statement allows; ok is false for increments ("another 300").
func qualRange(v float64, qual, text string) (lo, hi float64, ok bool) {
	switch qual {
	case "", "exactly", "only", "a total of":
		return v, v, true
	case "about", "around", "roughly", "approximately", "some", "estimated", "an estimated", "close to":
		return v * 0.9, v * 1.1, true
	case "nearly", "almost", "just under":
		return v * 0.85, v, true
	case "just over":
		return v, v * 1.15, true
	case "more than", "over", "upwards of", "at least":
		return v, math.Inf(1), true
	case "less than", "fewer than", "under", "at most", "up to", "as many as", "as much as":
		return 0, v, true
	case "between":
		if hi, ok := rangeHigh(text); ok && hi > v {
			return v, hi, true
		}
		return v, math.Inf(1), true
	}
	return 0, 0, false // "another", "a further", "nearly all": not a total
}

// rangeHigh reads the upper end of a range mention ("10,000 to 20,000
// people", "1.5-2 million"): the last number written in digits, with a
// following million/billion/thousand.
func rangeHigh(text string) (float64, bool) {
	fs := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '–'
	})
	var v float64
	found := false
	for i, f := range fs {
		d := strings.ReplaceAll(f, ",", "")
		var x float64
		if _, err := fmt.Sscanf(d, "%g", &x); err != nil || d == "" || !unicode.IsDigit(rune(d[0])) {
			continue
		}
		if i+1 < len(fs) {
			switch fs[i+1] {
			case "thousand":
				x *= 1e3
			case "million", "mln":
				x *= 1e6
			case "billion", "bln":
				x *= 1e9
			}
		}
		v, found = x, true
	}
	return v, found
}

// unitKeys fold counted nouns that name the same thing (singular forms).
var unitKeys = map[string]string{
	"troop": "troop", "soldier": "troop", "serviceman": "troop", "servicemen": "troop", "servicewoman": "troop",
	"servicemember": "troop", "personnel": "troop", "service member": "troop", "force": "troop", "fighter": "troop",
	"person": "people", "people": "people", "individual": "people",
	"resident": "people", "inhabitant": "people",
	"child": "child", "children": "child", "kid": "child",
	"man": "man", "men": "man", "woman": "woman", "women": "woman",
	"civilian": "civilian", "casualty": "casualty", "death": "death", "fatality": "death",
	"refugee": "refugee", "evacuee": "evacuee", "vehicle": "vehicle", "tank": "tank",
	"km": "kilometer", "kilometre": "kilometer", "kilometer": "kilometer", "mile": "mile",
	"dollar": "dollar", "usd": "dollar", "euro": "euro", "pound": "pound",
	"percent": "percent", "pct": "percent", "per cent": "percent",
}

// unvalidated are units that name no counted thing: prices, amounts and
// rates change from day to day, and durations ("the first time in six
// years") differ without contradicting.
var unvalidated = setOf("dollar", "euro", "pound", "pence", "yen", "percent", "point", "cent", "barrel", "share",
	"year", "month", "week", "day", "hour", "minute", "time")

// unitKey returns the counted thing of a stored unit, folded, and the
// unit's other words as context stems ("wounded soldiers": "troop",
// ["wound"]). Measure words keep their "square"/"cubic".
func unitKey(unit string) (string, []string) {
	ws := strings.Fields(strings.ToLower(unit))
	if len(ws) == 0 {
		return "", nil
	}
	head := len(ws) - 1
	if len(ws) >= 2 && ws[len(ws)-2] == "service" && (ws[head] == "members" || ws[head] == "member") {
		ws = append(ws[:len(ws)-2], "servicemember")
		head = len(ws) - 1
	}
	for i, w := range ws {
		if w == "of" && i+1 < len(ws) {
			head = i + 1 // "pieces of hardware": hardware
			break
		}
	}
	key := singular(ws[head])
	if k, ok := unitKeys[key]; ok {
		key = k
	}
	var mods []string
	for i, w := range ws {
		if i == head || w == "of" {
			continue
		}
		if w == "square" || w == "cubic" {
			key = w + " " + key
			continue
		}
		if !stopWords[w] {
			mods = append(mods, stem(w))
		}
	}
	return key, mods
}

var irregularPlural = map[string]string{
	"people": "people", "men": "man", "women": "woman", "children": "child", "servicemen": "serviceman",
	"servicewomen": "servicewoman", "personnel": "personnel", "police": "police", "news": "news",
	"series": "series", "species": "species", "troops": "troop", "lives": "life", "wives": "wife",
}

// singular returns a plural noun's singular form.
func singular(w string) string {
	if s, ok := irregularPlural[w]; ok {
		return s
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// stopWords are function words, auxiliaries and reporting verbs: never
// the context that tells what a number counts.
var stopWords = setOf("a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "from", "by", "for",
	"with", "as", "into", "onto", "than", "that", "this", "these", "those", "which", "who", "whom", "whose",
	"it", "its", "they", "their", "them", "he", "his", "she", "her", "we", "our", "you", "your", "i",
	"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having", "do", "does", "did",
	"will", "would", "shall", "should", "can", "could", "may", "might", "must", "not", "no", "nor", "so",
	"said", "says", "say", "saying", "told", "tell", "according", "reported", "reports", "report", "claimed",
	"claims", "stated", "added", "announced", "noted", "wrote", "more", "than", "less", "fewer", "about",
	"around", "nearly", "almost", "some", "over", "under", "up", "least", "most", "many", "much", "just",
	"roughly", "approximately", "estimated", "only", "total", "also", "all", "there", "here", "now", "then",
	"still", "since", "after", "before", "during", "while", "when", "where", "if", "what", "other", "another",
	"further", "between", "out", "off", "per", "cent", "percent", "such", "very", "own", "each", "both",
	"last", "first", "new", "week", "weeks", "day", "days", "month", "months", "year", "years", "earlier",
	"later", "ago", "today", "yesterday", "tomorrow", "ve", "s", "t", "n't", "including", "included",
	"mr", "mrs", "ms", "dr", "half", "quarter", "third", "top")

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// stemIrregular and stemSynonyms fold verb forms and near synonyms that
// say what happened to counted things.
var stemIrregular = map[string]string{
	"withdrawn": "withdraw", "withdrew": "withdraw", "withdrawal": "withdraw", "pulled": "withdraw", "pull": "withdraw",
	"died": "kill", "dead": "kill", "die": "kill", "dies": "kill", "death": "kill", "deaths": "kill",
	"killed": "kill", "kills": "kill", "killing": "kill", "fatalities": "kill", "lives": "kill",
	"injured": "wound", "injuries": "wound", "injury": "wound", "hurt": "wound", "wounded": "wound",
	"fled": "flee", "flee": "flee", "fleeing": "flee", "left": "leave", "taken": "take", "took": "take",
	"held": "hold", "captured": "captur", "detained": "detain", "arrested": "detain", "missing": "miss",
}

var stemSynonyms = map[string]string{
	"remov": "evacuat", "relocat": "evacuat", "resettl": "evacuat", "evacue": "evacuat",
	"retreat": "withdraw", "redeploy": "withdraw",
	"resid": "liv", "inhabit": "liv",
	"injur":    "wound",
	"imprison": "detain", "jail": "detain", "arrest": "detain",
}

// stem folds a lower-case word: irregular forms, then -ing/-ed/-ion/-s/-e.
func stem(w string) string {
	if s, ok := stemIrregular[w]; ok {
		return s
	}
	s := w
	for _, suf := range []string{"ations", "ation", "ions", "ion", "ings", "ing", "ied", "ies", "ed", "es", "s", "e"} {
		if strings.HasSuffix(s, suf) && len(s)-len(suf) >= 3 {
			s = s[:len(s)-len(suf)]
			break
		}
	}
	if syn, ok := stemSynonyms[s]; ok {
		return syn
	}
	return s
}

// numberContext returns the stems of up to three lower-case content words
// on each side of a number mention, within its clause (six tokens at most).
func numberContext(toks []cToken, m Span) map[string]bool {
	out := map[string]bool{}
	first, last := -1, -1
	for i, t := range toks {
		if t.span.Start >= m.Start && t.span.End <= m.End {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return out
	}
	take := func(i int, n *int) bool {
		t := toks[i]
		if t.lower == "," || t.lower == ";" || t.lower == ":" || t.lower == "." || t.lower == "(" || t.lower == ")" ||
			t.lower == "\"" || t.lower == "“" || t.lower == "”" {
			return false
		}
		if isWord(t) && !isCap(t) && !stopWords[t.lower] && len(t.lower) > 2 {
			out[stem(t.lower)] = true
			*n++
		}
		return *n < 3
	}
	n := 0
	for i := first - 1; i >= 0 && i >= first-6; i-- {
		if !take(i, &n) {
			break
		}
	}
	n = 0
	for i := last + 1; i < len(toks) && i <= last+6; i++ {
		if !take(i, &n) {
			break
		}
	}
	return out
}

// gather returns pointers to the statements of one kind in every sentence,
// in sentence order.
func gather[T any](sents []*cSentence, of func(*cSentence) []T) []*T {
	var all []*T
	for _, st := range sents {
		xs := of(st)
		for i := range xs {
			all = append(all, &xs[i])
		}
	}
	return all
}

func (c *conflictScan) numberConflicts() []Conflict {
	all := gather(c.sents, func(st *cSentence) []numStmt { return st.nums })
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].ukey != all[j].ukey {
			return all[i].ukey < all[j].ukey
		}
		return all[i].value < all[j].value
	})
	var out []Conflict
	type pairKey struct {
		a, b   string
		aa, ba ArticleID
	}
	seen := map[pairKey]bool{}
	for i := 0; i < len(all) && len(out) < maxConflicts; i++ {
		for j := i + 1; j < len(all) && all[j].ukey == all[i].ukey && len(out) < maxConflicts; j++ {
			a, b := all[i], all[j]
			if a.ev.Article == b.ev.Article || compatible(a, b) || !shareAny(a.ctx, b.ctx) {
				continue
			}
			if a.ev.Article > b.ev.Article {
				a, b = b, a
			}
			k := pairKey{a.text, b.text, a.ev.Article, b.ev.Article}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, Conflict{Kind: "number", A: a.ev, B: b.ev,
				Description: fmt.Sprintf("%s: %s vs %s (%s)", c.selfName, a.text, b.text, strings.Join(shared(a.ctx, b.ctx), ", "))})
		}
	}
	return out
}

// compatible reports whether both numbers' ranges can hold, with 1% slack
// for rounding.
func compatible(a, b *numStmt) bool {
	slack := 0.01 * math.Max(math.Abs(a.value), math.Abs(b.value))
	return a.lo <= b.hi+slack && b.lo <= a.hi+slack
}

func shareAny(a, b map[string]bool) bool {
	for w := range a {
		if b[w] {
			return true
		}
	}
	return false
}

func shared(a, b map[string]bool) []string {
	var out []string
	for w := range a {
		if b[w] {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// ---- sides ----

// sideStmt is "<prep> the <side> [gloss] <head> [of X]" in a sentence.
type sideStmt struct {
	sent   *cSentence
	motion string // "to" or "from"
	side   string // "east", "west", "north", "south", "left", "right"
	head   string // bank, side, shore, coast, flank
	of     EntityID
	span   Span
	text   string
}

var sideWords = map[string]string{
	"east": "east", "eastern": "east", "west": "west", "western": "west", "north": "north", "northern": "north",
	"south": "south", "southern": "south", "left": "left", "right": "right",
}

var oppositeSide = map[string]string{"east": "west", "west": "east", "north": "south", "south": "north", "left": "right", "right": "left"}

var sideHeads = setOf("bank", "banks", "side", "shore", "coast", "flank")

var motionPreps = map[string]string{"to": "to", "towards": "to", "toward": "to", "onto": "to", "into": "to",
	"from": "from", "off": "from", "across": "to"}

// sides finds the side phrases of a sentence. A bracketed gloss ("left
// [eastern] bank") gives the side; on a river bank, "from" one side is
// "to" the other.
func sides(st *cSentence) []sideStmt {
	var out []sideStmt
	ts := st.toks
	for i := 0; i < len(ts); i++ {
		side, ok := sideWords[ts[i].lower]
		if !ok {
			continue
		}
		j := i + 1
		if j+2 < len(ts) && (ts[j].lower == "[" || ts[j].lower == "(") && (ts[j+2].lower == "]" || ts[j+2].lower == ")") {
			if g, ok := sideWords[ts[j+1].lower]; ok && g != "left" && g != "right" {
				side = g
			}
			j += 3
		}
		if j >= len(ts) || !sideHeads[ts[j].lower] {
			continue
		}
		head := singular(ts[j].lower)
		// back over "the"/"its"/"their" to the preposition
		k := i - 1
		for k >= 0 && (ts[k].lower == "the" || ts[k].lower == "its" || ts[k].lower == "their" || ts[k].lower == "his" || ts[k].lower == "her") {
			k--
		}
		if k < 0 || k == i-1 {
			continue
		}
		motion, ok := motionPreps[ts[k].lower]
		if !ok {
			continue
		}
		if ts[k].lower == "off" || ts[k].lower == "from" {
			if k > 0 && ts[k-1].lower == "out" {
				k--
			}
		}
		text := ts[k].lower + " the " + side + " " + head
		if head == "bank" && motion == "from" {
			motion, side = "to", oppositeSide[side]
			text += " (to the " + side + " bank)"
		}
		s := sideStmt{sent: st, motion: motion, side: side, head: head, span: Span{ts[k].span.Start, ts[j].span.End}, text: text}
		// "of <entity>" right after the head
		if j+1 < len(ts) && ts[j+1].lower == "of" {
			after := ts[j+1].span.End
			for _, m := range st.ms {
				if m.Start >= after && m.Start <= after+5 {
					s.of = m.Entity
					s.span.End = m.End
					break
				}
			}
		}
		out = append(out, s)
		i = j
	}
	return out
}

func (c *conflictScan) sideConflicts() []Conflict {
	all := gather(c.sents, func(st *cSentence) []sideStmt { return st.sides })
	var out []Conflict
	seen := map[[2]Span]bool{}
	for i := 0; i < len(all) && len(out) < maxConflicts; i++ {
		for j := i + 1; j < len(all) && len(out) < maxConflicts; j++ {
			a, b := all[i], all[j]
			if a.sent == b.sent || a.head != b.head || a.motion != b.motion || oppositeSide[a.side] != b.side ||
				a.of != 0 && b.of != 0 && a.of != b.of {
				continue
			}
			if !c.sameActors(a.sent, b.sent, a.of, b.of) {
				continue
			}
			k := [2]Span{a.sent.span, b.sent.span}
			if a.sent.art == b.sent.art && seen[k] {
				continue
			}
			seen[k] = true
			where := ""
			if a.sent.art == b.sent.art {
				where = " (same article)"
			}
			out = append(out, Conflict{Kind: "opposition",
				A:           Evidence{Article: a.sent.art, Sentence: a.sent.span, Span: a.span},
				B:           Evidence{Article: b.sent.art, Sentence: b.sent.span, Span: b.span},
				Description: fmt.Sprintf("%s: %s vs %s%s", c.selfName, a.text, b.text, where)})
		}
	}
	return out
}

// sameActors reports whether two sentences are about the same actors:
// they share a capitalized name or demonym other than the entity's own and
// the side phrase's "of" entity, or two lower-case content words.
func (c *conflictScan) sameActors(a, b *cSentence, ofs ...EntityID) bool {
	skip := map[string]bool{}
	for w := range c.selfWords {
		skip[w] = true // both sentences name the entity: no evidence
	}
	for _, of := range ofs {
		if of == 0 {
			continue
		}
		if e, err := c.entity(of); err == nil {
			for w := range capStems([]string{e.Name}) {
				skip[w] = true
			}
		}
	}
	for w := range a.caps {
		if b.caps[w] && !skip[w] {
			return true
		}
	}
	n := 0
	for w := range a.words {
		if b.words[w] && !sideOrHead(w) {
			n++
		}
	}
	return n >= 2
}

func sideOrHead(w string) bool {
	_, s := sideWords[w]
	return s || sideHeads[w] || w == "bank" || w == "eastern" || w == "western" || w == "east" || w == "west"
}

// capWordStop are capitalized words that name no actor.
var capWordStop = setOf("the", "a", "an", "in", "on", "at", "but", "and", "it", "he", "she", "they", "we", "i",
	"this", "that", "there", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"river", "region", "city", "mr", "mrs", "ms", "not", "as", "after", "for", "if", "when", "while", "with")

// capStem folds a name word and its demonym alike ("Russia", "Russian").
func capStem(w string) string {
	w = strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(w), "'s"), "’s")
	for _, suf := range []string{"ians", "ian", "ese", "ans", "an", "ns", "n", "a", "e"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

func capStems(names []string) map[string]bool {
	out := map[string]bool{}
	for _, n := range names {
		for _, w := range strings.FieldsFunc(n, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
			if w != "" && !capWordStop[strings.ToLower(w)] {
				out[capStem(w)] = true
			}
		}
	}
	return out
}

func sentenceStems(ts []cToken) (caps, words map[string]bool) {
	caps, words = map[string]bool{}, map[string]bool{}
	for i, t := range ts {
		if !isWord(t) {
			continue
		}
		if isCap(t) {
			if !capWordStop[t.lower] && !(i == 0 && stopWords[t.lower]) {
				caps[capStem(t.text)] = true
			}
			continue
		}
		if !stopWords[t.lower] && len(t.lower) > 2 {
			words[stem(t.lower)] = true
		}
	}
	return caps, words
}

// ---- antonym verbs ----

// verbStmt is an antonym-class verb next to the entity.
type verbStmt struct {
	sent     *cSentence
	class    string // "enter", "capture", "advance", "confirm"
	positive bool   // the verb's pole, flipped by a negation before it
	object   bool   // the entity follows the verb (else it precedes it)
	span     Span
	text     string
}

// antonymVerbs maps a verb form to its class and pole.
var antonymVerbs = map[string]struct {
	class string
	pos   bool
}{
	"entered": {"enter", true}, "enters": {"enter", true}, "enter": {"enter", true}, "entering": {"enter", true},
	"left": {"enter", false}, "leaves": {"enter", false}, "exited": {"enter", false}, "abandoned": {"enter", false},
	"captured": {"capture", true}, "seized": {"capture", true}, "recaptured": {"capture", true}, "retook": {"capture", true},
	"took": {"capture", true}, "lost": {"capture", false}, "surrendered": {"capture", false},
	"advanced": {"advance", true}, "advancing": {"advance", true}, "retreated": {"advance", false}, "retreating": {"advance", false},
	"confirmed": {"confirm", true}, "confirms": {"confirm", true}, "denied": {"confirm", false}, "denies": {"confirm", false},
}

var negations = setOf("not", "never", "n't", "didn't", "hasn't", "haven't", "hadn't", "wasn't", "weren't", "isn't", "aren't", "doesn't", "don't")

var beForms = setOf("is", "are", "was", "were", "be", "been", "being")

// antonymVerbs finds antonym-class verbs with the entity as their object
// (mention starts at most three tokens after the verb, over lower-case
// words only: "entered the city of X") or subject (mention ends right
// before the verb, or one auxiliary before it).
func (c *conflictScan) antonymVerbs(st *cSentence) []verbStmt {
	var out []verbStmt
	ts := st.toks
	for i, t := range ts {
		v, ok := antonymVerbs[t.lower]
		if !ok || isCap(t) {
			continue
		}
		if t.lower == "left" || t.lower == "took" {
			if i+1 < len(ts) && (sideHeads[ts[i+1].lower] || ts[i+1].lower == "wing" || ts[i+1].lower == "hand" ||
				ts[i+1].lower == "place" || ts[i+1].lower == "part") {
				continue
			}
			if i > 0 && beForms[ts[i-1].lower] {
				continue // "was left": passive, another sense
			}
		}
		pos := v.pos
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			if negations[ts[k].lower] {
				pos = !pos
				break
			}
		}
		for _, m := range st.ms {
			if m.Entity != c.self {
				continue
			}
			obj := m.Start >= t.span.End && tokensBetween(ts, t.span.End, m.Start, 3)
			subj := m.End <= t.span.Start && tokensBetween(ts, m.End, t.span.Start, 2)
			if !obj && !subj {
				continue
			}
			sp := Span{t.span.Start, m.End}
			if subj {
				sp = Span{m.Start, t.span.End}
			}
			out = append(out, verbStmt{sent: st, class: v.class, positive: pos, object: obj, span: sp, text: t.lower})
			break
		}
	}
	return out
}

// tokensBetween reports whether at most n tokens lie in [from, to), all
// lower-case words (no punctuation, no names).
func tokensBetween(ts []cToken, from, to, n int) bool {
	k := 0
	for _, t := range ts {
		if t.span.Start >= from && t.span.End <= to {
			if !isWord(t) || isCap(t) {
				return false
			}
			k++
		}
	}
	return k <= n
}

func (c *conflictScan) verbConflicts() []Conflict {
	all := gather(c.sents, func(st *cSentence) []verbStmt { return st.verbs })
	var out []Conflict
	for i := 0; i < len(all) && len(out) < maxConflicts; i++ {
		for j := i + 1; j < len(all) && len(out) < maxConflicts; j++ {
			a, b := all[i], all[j]
			if a.sent.art == b.sent.art || a.class != b.class || a.object != b.object || a.positive == b.positive {
				continue
			}
			if !c.sameActors(a.sent, b.sent) {
				continue
			}
			out = append(out, Conflict{Kind: "opposition",
				A:           Evidence{Article: a.sent.art, Sentence: a.sent.span, Span: a.span},
				B:           Evidence{Article: b.sent.art, Sentence: b.sent.span, Span: b.span},
				Description: fmt.Sprintf("%s: %s vs %s", c.selfName, a.text, b.text)})
		}
	}
	return out
}
