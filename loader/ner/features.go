package ner

import (
	"unicode"
	"unicode/utf8"
)

// Features are hashed, never built as strings: every token's attributes are
// hashed once (tokenAttrs), and a feature is a template number mixed with one
// or more attribute hashes. The top bits of the mix pick a row of the weight
// table. Training and tagging share this file, so a change here needs a
// retrained model (bump formatVersion).

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix is the splitmix64 finalizer: a cheap, well-spread 64-bit hash.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// combine hashes the pair (a, b); the order matters.
func combine(a, b uint64) uint64 { return mix(a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019) }

// hashString is FNV-1a over the bytes of s.
func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashRune adds one rune to an FNV-1a style hash.
func hashRune(h uint64, r rune) uint64 {
	h ^= uint64(r)
	return h * fnvPrime
}

// Flag bits of a token.
const (
	flInitCap = 1 << iota
	flAllCaps
	flHasDigit
	flAllDigit
	flHasHyphen
	flHasPeriod
	flHasLetter
	flInnerCap
	flHasApos
	flPunctOnly
)

// attrs are the hashed attributes of one token.
type attrs struct {
	lower, raw, shape, short, flags, length uint64
	pre, suf                                [4]uint64
	capitalized                             bool // first rune upper case
	allCaps                                 bool // more than one letter, all upper case
}

// Padding attributes for positions before the start and after the end.
var (
	bosAttrs = padAttrs(0xb05)
	eosAttrs = padAttrs(0xe05)
)

func padAttrs(seed uint64) attrs {
	h := mix(seed)
	a := attrs{lower: h, raw: h, shape: h, short: h, flags: h, length: h}
	for k := range a.pre {
		a.pre[k], a.suf[k] = h, h
	}
	return a
}

// normRune maps typographic variants to the ASCII forms of the training
// text (Reuters 1996 newswire): curly quotes, dashes, and invalid UTF-8.
func normRune(r rune) rune {
	switch r {
	case utf8.RuneError:
		return '?'
	case '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '`', '\u00b4':
		return '\''
	case '\u201c', '\u201d', '\u201e', '\u201f', '\u00ab', '\u00bb', '\u2033':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-'
	case '\u2026':
		return '.'
	case '\u00a0', '\u2009', '\u202f':
		return ' '
	}
	return r
}

// maxAffix is the longest prefix and suffix used.
const maxAffix = 4

// tokenAttrs hashes the attributes of word. buf is scratch space for the
// word's lower-cased runes; the possibly grown buffer is returned.
func tokenAttrs(word string, buf []rune) (attrs, []rune) {
	var a attrs
	buf = buf[:0]
	raw := uint64(fnvOffset)
	lower := uint64(fnvOffset)
	shape := uint64(fnvOffset)
	short := uint64(fnvOffset)
	var flags uint64
	var prevClass rune
	run := 0
	letters, uppers, digits, runes := 0, 0, 0, 0
	punctOnly := true
	for i, r := range word {
		r = normRune(r)
		runes++
		raw = hashRune(raw, r)
		lr := unicode.ToLower(r)
		buf = append(buf, lr)
		lower = hashRune(lower, lr)
		var class rune
		switch {
		case unicode.IsUpper(r):
			class = 'X'
			letters++
			uppers++
			if i == 0 {
				flags |= flInitCap
				a.capitalized = true
			} else {
				flags |= flInnerCap
			}
		case unicode.IsLetter(r):
			class = 'x'
			letters++
		case unicode.IsDigit(r):
			class = 'd'
			digits++
		default:
			class = r
			switch r {
			case '-':
				flags |= flHasHyphen
			case '.':
				flags |= flHasPeriod
			case '\'':
				flags |= flHasApos
			}
		}
		if class == 'X' || class == 'x' || class == 'd' {
			punctOnly = false
		}
		if class == prevClass {
			run++
		} else {
			run = 1
			short = hashRune(short, class)
		}
		if run <= 4 {
			shape = hashRune(shape, class)
		}
		prevClass = class
	}
	if letters > 0 {
		flags |= flHasLetter
		if uppers == letters && letters > 1 {
			flags |= flAllCaps
		}
		if uppers == letters {
			flags &^= flInnerCap
		}
	}
	if digits > 0 {
		flags |= flHasDigit
		if digits == runes {
			flags |= flAllDigit
		}
	}
	if punctOnly && runes > 0 {
		flags |= flPunctOnly
	}
	a.allCaps = flags&flAllCaps != 0
	a.raw, a.lower, a.shape, a.short, a.flags = raw, lower, shape, short, mix(flags+1)
	n := len(buf)
	a.length = mix(uint64(min(n, 12)) + 0x1e6)
	for k := range maxAffix {
		if k >= n {
			a.pre[k], a.suf[k] = a.pre[k-1], a.suf[k-1]
			continue
		}
		p, s := uint64(fnvOffset), uint64(fnvOffset)
		for _, r := range buf[:k+1] {
			p = hashRune(p, r)
		}
		for _, r := range buf[n-k-1:] {
			s = hashRune(s, r)
		}
		a.pre[k], a.suf[k] = p, s
	}
	return a, buf
}

// Feature template numbers. Never renumber: they are part of the model.
const (
	fBias uint64 = iota + 1
	fLower
	fRaw
	fShape
	fShort
	fFlags
	fLength
	fPre1
	fPre2
	fPre3
	fPre4
	fSuf1
	fSuf2
	fSuf3
	fSuf4
	fLowerM1
	fLowerP1
	fLowerM2
	fLowerP2
	fShapeM1
	fShapeP1
	fShortM2
	fShortP2
	fBigramM1
	fBigramP1
	fShortTri
	fLowerM1Short
	fShortLowerP1
	fFirstLower
	fFirstShape
	fHeadlineLower
	fHeadlineShort
	fSuf3M1
	fSuf3P1
	fFlagsM1
	fFlagsP1
	fDocCapLower  // the word appears capitalized elsewhere in the document, not sentence-initially
	fDocLowerSeen // the word appears in lower case elsewhere in the document
	fDocLonger    // the word is part of a longer capitalized sequence elsewhere in the document
	fGazetteer
	fGazetteerShort
	// Features of the previous tags.
	fTag1
	fTag2
	fTag1Lower
	fTag1Short
	fTag1LowerM1
	// Features of the tags given earlier in the document.
	fHist
	fHistShort
	fHistFirst
	// Features of the built-in lexicon.
	fLex
	fLexShort
	fLexM1
	fLexP1
	fLexFirst
	// Features of title-case sentences ("Floods Hit The North").
	fTitleLower
	fTitleShort
)

// docAttrs are per-token document-level facts, computed by TagDocument.
type docAttrs struct {
	capElsewhere   bool
	lowerElsewhere bool
	longer         bool
}

// sentence holds the hashed attributes of a sentence's tokens, padded with
// two positions on each side.
type sentence struct {
	a        []attrs // len(words)+4; a[i+2] is token i
	headline bool    // every cased token is all caps
	titled   bool    // title case: common words capitalized too
	lex      []uint8 // lexicon bits of each token
}

func (s *sentence) at(i int) *attrs { return &s.a[i+2] }

// prepare fills s from words, reusing its storage. lex may be nil.
func (s *sentence) prepare(words []string, buf []rune, lex *Lexicon) []rune {
	s.begin()
	for _, w := range words {
		var a attrs
		a, buf = tokenAttrs(w, buf)
		s.a = append(s.a, a)
	}
	s.end(lex, nil)
	return buf
}

// begin starts filling s; append the tokens' attrs to s.a, then call end.
func (s *sentence) begin() { s.a = append(s.a[:0], bosAttrs, bosAttrs) }

// end finishes what begin started. kinds is as for Lexicon.bits.
func (s *sentence) end(lex *Lexicon, kinds []LexKind) {
	cased, caps := 0, 0
	for _, a := range s.a[2:] {
		if a.capitalized {
			cased++
		}
		if a.allCaps {
			caps++
		}
	}
	n := len(s.a) - 2
	s.a = append(s.a, eosAttrs, eosAttrs)
	s.headline = cased >= 3 && caps*10 >= cased*9
	s.lex = s.lex[:0]
	s.titled = false
	if lex != nil {
		s.lex = lex.bits(s.lex, s, n, kinds)
		s.titled = !s.headline && isTitled(s.a[2:2+n], s.lex)
	}
}

// isTitled reports whether a sentence is in title case: at least two common
// lower-case words written capitalized after the first token, and at least
// half of its common words so written.
func isTitled(a []attrs, lex []uint8) bool {
	common, capped := 0, 0
	for i := 1; i < len(a); i++ {
		if lex[i]&lbCommon == 0 {
			continue
		}
		common++
		if a[i].capitalized && !a[i].allCaps {
			capped++
		}
	}
	return capped >= 2 && 2*capped >= common
}

// wordFeatures appends the feature hashes that depend on the token alone,
// so a tagger can cache their summed weights per word.
func wordFeatures(dst []uint64, c *attrs) []uint64 {
	return append(dst,
		mix(fBias),
		combine(fLower, c.lower),
		combine(fRaw, c.raw),
		combine(fShape, c.shape),
		combine(fShort, c.short),
		combine(fFlags, c.flags),
		combine(fLength, c.length),
		combine(fPre1, c.pre[0]),
		combine(fPre2, c.pre[1]),
		combine(fPre3, c.pre[2]),
		combine(fPre4, c.pre[3]),
		combine(fSuf1, c.suf[0]),
		combine(fSuf2, c.suf[1]),
		combine(fSuf3, c.suf[2]),
		combine(fSuf4, c.suf[3]),
	)
}

// staticFeatures appends the feature hashes of token i that do not depend on
// the tags before it: wordFeatures and contextFeatures.
func (s *sentence) staticFeatures(dst []uint64, i int, doc *docAttrs) []uint64 {
	return s.contextFeatures(wordFeatures(dst, s.at(i)), i, doc)
}

// contextFeatures appends the feature hashes of token i that depend on its
// neighbours, position, document and lexicon, but not on earlier tags: the
// neighbourFeatures of the four tokens around it and pairFeatures.
func (s *sentence) contextFeatures(dst []uint64, i int, doc *docAttrs) []uint64 {
	for r := range nbRoles {
		dst = neighbourFeatures(dst, s.at(i+nbOffset[r]), r)
	}
	return s.pairFeatures(dst, i, doc)
}

// Neighbour roles: a token seen from the token two before it, one before,
// one after and two after it.
const (
	nbM2 = iota
	nbM1
	nbP1
	nbP2
	nbRoles
)

// nbOffset[r] is the position of a role-r neighbour relative to the token.
var nbOffset = [nbRoles]int{-2, -1, 1, 2}

// neighbourFeatures appends the features of the tagged token that depend on
// the attributes a of one neighbour alone, in role r (nbM2 ... nbP2). They
// depend on the neighbour's word only, so a tagger can cache their summed
// weights per word and role.
func neighbourFeatures(dst []uint64, a *attrs, r int) []uint64 {
	switch r {
	case nbM2:
		return append(dst, combine(fLowerM2, a.lower), combine(fShortM2, a.short))
	case nbM1:
		return append(dst, combine(fLowerM1, a.lower), combine(fShapeM1, a.shape),
			combine(fSuf3M1, a.suf[2]), combine(fFlagsM1, a.flags))
	case nbP1:
		return append(dst, combine(fLowerP1, a.lower), combine(fShapeP1, a.shape),
			combine(fSuf3P1, a.suf[2]), combine(fFlagsP1, a.flags))
	default:
		return append(dst, combine(fLowerP2, a.lower), combine(fShortP2, a.short))
	}
}

// pairFeatures appends the context features of token i that are not
// neighbourFeatures: word pairs and triples, position, lexicon, sentence
// style and document.
func (s *sentence) pairFeatures(dst []uint64, i int, doc *docAttrs) []uint64 {
	c, m1, p1 := s.at(i), s.at(i-1), s.at(i+1)
	dst = append(dst,
		combine(combine(fBigramM1, m1.lower), c.lower),
		combine(combine(fBigramP1, c.lower), p1.lower),
		combine(combine(combine(fShortTri, m1.short), c.short), p1.short),
		combine(combine(fLowerM1Short, m1.lower), c.short),
		combine(combine(fShortLowerP1, c.short), p1.lower),
	)
	if i == 0 {
		dst = append(dst, combine(fFirstLower, c.lower), combine(fFirstShape, c.shape))
	}
	if len(s.lex) > 0 {
		b := uint64(s.lex[i])
		if b != 0 {
			dst = append(dst, combine(fLex, b), combine(combine(fLexShort, b), c.short))
			if i == 0 {
				dst = append(dst, combine(combine(fLexFirst, b), c.short))
			}
		}
		if i > 0 && s.lex[i-1] != 0 {
			dst = append(dst, combine(combine(fLexM1, uint64(s.lex[i-1])), c.short))
		}
		if i+1 < len(s.lex) && s.lex[i+1] != 0 {
			dst = append(dst, combine(combine(fLexP1, uint64(s.lex[i+1])), c.short))
		}
	}
	if s.headline {
		dst = append(dst, combine(fHeadlineLower, c.lower), combine(fHeadlineShort, c.short))
	}
	if s.titled {
		dst = append(dst, combine(fTitleLower, c.lower), combine(fTitleShort, c.short))
	}
	if doc != nil {
		if doc.capElsewhere {
			dst = append(dst, combine(fDocCapLower, c.short))
		}
		if doc.lowerElsewhere {
			dst = append(dst, combine(fDocLowerSeen, c.short))
		}
		if doc.longer {
			dst = append(dst, combine(fDocLonger, c.short))
		}
	}
	return dst
}

// gazetteerFeatures appends the hashes of gazetteer hit strings for token i.
func (s *sentence) gazetteerFeatures(dst []uint64, i int, hits []string) []uint64 {
	c := s.at(i)
	for _, h := range hits {
		g := hashString(h)
		dst = append(dst, combine(fGazetteer, g), combine(combine(fGazetteerShort, g), c.short))
	}
	return dst
}

// dynamicFeatures appends the features of token i that depend on the two
// previous tags t1 (at i-1) and t2 (at i-2); -1 is the sentence start.
func (s *sentence) dynamicFeatures(dst []uint64, i, t1, t2 int) []uint64 {
	return s.tagWordFeatures(tagFeatures(dst, t1, t2), i, t1)
}

// tagFeatures appends the features of the previous tags alone.
func tagFeatures(dst []uint64, t1, t2 int) []uint64 {
	h1 := tagHash(t1)
	return append(dst,
		combine(fTag1, h1),
		combine(combine(fTag2, h1), uint64(t2+2)),
	)
}

// tagWordFeatures appends the features of the previous tag with words.
func (s *sentence) tagWordFeatures(dst []uint64, i, t1 int) []uint64 {
	return tagPrevFeatures(tagCurFeatures(dst, s.at(i), t1), s.at(i-1), t1)
}

// tagHash is the hash of previous tag t1 in the tag-word features.
func tagHash(t1 int) uint64 { return mix(uint64(t1+2) + 0x7a9) }

// tagCurFeatures appends the features of the previous tag t1 with the
// attributes c of the tagged token itself.
func tagCurFeatures(dst []uint64, c *attrs, t1 int) []uint64 {
	h1 := tagHash(t1)
	return append(dst, combine(combine(fTag1Lower, h1), c.lower), combine(combine(fTag1Short, h1), c.short))
}

// tagPrevFeatures appends the features of the previous tag t1 with the
// attributes m1 of the previous token.
func tagPrevFeatures(dst []uint64, m1 *attrs, t1 int) []uint64 {
	return append(dst, combine(combine(fTag1LowerM1, tagHash(t1)), m1.lower))
}

// history remembers the entity types (0 for none, 1..4 for PER, ORG, LOC,
// MISC) the tagger gave to capitalized words earlier in a document: a name
// written in full once is usually tagged right, and its later short forms
// should agree (Ratinov and Roth's prediction history).
type history map[uint64][5]int32

// typeOf maps a tag to its entity type number, 0 for O.
func typeOf(t int) int { return (t + 1) / 2 }

// label returns the type most often given to token i's word earlier, or -1.
func (h history) label(s *sentence, i int) int {
	a := s.at(i)
	if h == nil || !a.capitalized {
		return -1
	}
	c, ok := h[a.lower]
	if !ok {
		return -1
	}
	best := 0
	for k := 1; k < len(c); k++ {
		if c[k] > c[best] {
			best = k
		}
	}
	return best
}

// record adds a tagged sentence to the history.
func (h history) record(s *sentence, tags []int) {
	for i, t := range tags {
		a := s.at(i)
		if !a.capitalized || (s.headline && a.allCaps) {
			continue
		}
		c := h[a.lower]
		c[typeOf(t)]++
		h[a.lower] = c
	}
}

// historyFeatures appends the features of label, the type most often given
// to token i's word earlier in the document (-1: none).
func (s *sentence) historyFeatures(dst []uint64, i, label int) []uint64 {
	if label < 0 {
		return dst
	}
	l := uint64(label + 1)
	dst = append(dst, combine(fHist, l), combine(combine(fHistShort, l), s.at(i).short))
	if i == 0 {
		dst = append(dst, combine(fHistFirst, l))
	}
	return dst
}
