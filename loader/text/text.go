// Package text splits news text into tokens and sentences with both byte
// and code-point offsets, and normalizes strings for matching.
//
// Nothing here changes the text it is given: every Token and Sentence points
// back into the original string, so offsets stay exact. Norm and Fold return
// new strings meant only for comparisons and keys.
package text

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shape is the orthographic class of a token.
type Shape uint8

// The token shapes.
const (
	ShapeOther  Shape = iota // symbols and anything else
	ShapeLower               // all letters lower case: "troops"
	ShapeTitle               // first letter upper, some lower: "Kherson", "NurPhoto"
	ShapeUpper               // letters all upper case, two or more: "NATO", "U.S."
	ShapeNumber              // digits, with inner "," or ".": "30,000", "2.5"
	ShapeMixed               // letters and digits: "2S7", "G7"
	ShapePunct               // one punctuation rune
	ShapeSpace               // never returned by Tokenize; reserved
)

// Token is one word, number or punctuation mark.
type Token struct {
	Text       string // the original text, Text == src[Start:End]
	Start, End int    // byte offsets
	CStart     int    // code-point offset of the first rune
	CEnd       int    // code-point offset after the last rune
	Shape      Shape
	// NewlineBefore reports that a line break separates this token from the
	// previous one.
	NewlineBefore bool
	// SpaceBefore reports that white space separates this token from the
	// previous one.
	SpaceBefore bool
	// BlankLineBefore reports that an empty line (two or more line breaks)
	// separates this token from the previous one.
	BlankLineBefore bool
}

// IsWord reports whether the token holds letters.
func (t Token) IsWord() bool {
	return t.Shape == ShapeLower || t.Shape == ShapeTitle || t.Shape == ShapeUpper || t.Shape == ShapeMixed
}

// Capitalized reports whether the token starts with an upper-case letter.
func (t Token) Capitalized() bool { return t.Shape == ShapeTitle || t.Shape == ShapeUpper }

// IsApostrophe reports whether r is an apostrophe or a right single quote.
func IsApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

func isDash(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011'
}

// Tokenize splits s into tokens. Words keep inner hyphens ("commander-in-chief")
// and dotted abbreviations ("U.S."); a possessive "'s" and other clitics are
// separate tokens; numbers keep inner "," and "." between digits.
func Tokenize(s string) []Token {
	return AppendTokens(make([]Token, 0, len(s)/5+1), s)
}

// AppendTokens is Tokenize appending to dst, whose storage a caller may
// reuse from one text to the next.
func AppendTokens(dst []Token, s string) []Token {
	toks := dst
	cp := 0
	i := 0
	space, newline := false, false
	breaks := 0
	for i < len(s) {
		c := s[i]
		r, w := rune(c), 1
		cl := byteClass[c]
		if cl&classNonASCII != 0 {
			r, w = utf8.DecodeRuneInString(s[i:])
			switch {
			case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
				cl = classSpace
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				cl = classWord
			default:
				cl = 0
			}
		}
		if cl&classSpace != 0 {
			if r == '\n' || r == '\u2028' || r == '\u2029' || r == '\r' && !strings.HasPrefix(s[i+w:], "\n") {
				newline = true
				breaks++
			}
			space = true
			i += w
			cp++
			continue
		}
		start, cstart := i, cp
		switch {
		case cl&classWord != 0:
			i, cp = scanWord(s, i, cp)
		case IsApostrophe(r) && len(toks) > 0 && !space && toks[len(toks)-1].IsWord():
			// clitic: 's, 't, 're, 'll, 've, 'd, 'm
			j, c := i+w, cp+1
			k, kc := j, c
			for k < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[k:])
				if !unicode.IsLetter(r2) {
					break
				}
				k += w2
				kc++
			}
			if k > j && k-j <= 3 {
				i, cp = k, kc
			} else {
				i, cp = j, c
			}
		default:
			i += w
			cp++
		}
		if len(toks) == cap(toks) {
			toks = slices.Grow(toks, 1)
		}
		toks = toks[:len(toks)+1]
		toks[len(toks)-1] = Token{Text: s[start:i], Start: start, End: i, CStart: cstart, CEnd: cp,
			Shape: shapeOf(s[start:i]), SpaceBefore: space, NewlineBefore: newline, BlankLineBefore: breaks >= 2}
		space, newline = false, false
		breaks = 0
	}
	return toks
}

// scanWord scans letters and digits from s[i:], with inner hyphens,
// apostrophe-free dotted abbreviations and digit group separators.
func scanWord(s string, i, cp int) (int, int) {
	start := i
	for i < len(s) {
		// plain ASCII letters and digits first: the common case
		c := s[i]
		if cl := byteClass[c]; cl&(classLower|classDigit) != 0 {
			i++
			cp++
			continue
		} else if cl&classUpper != 0 {
			if i > start && gluedAt(s, start, i) {
				break
			}
			i++
			cp++
			continue
		} else if cl&classNonASCII == 0 && c != '-' && c != '\'' && c != ',' && c != '.' {
			break // no other ASCII character continues a word
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if unicode.IsUpper(r) && i > start && gluedAt(s, start, i) {
			break // "regionImage", "ConflictsUkraine": words glued by scraping
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			i += w
			cp++
			continue
		}
		if i+w < len(s) {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, nw := utf8.DecodeRuneInString(s[i+w:])
			switch {
			case isDash(r) && unicode.IsLetter(prev) && unicode.IsLetter(next):
				i += w
				cp++
				continue
			case IsApostrophe(r) && unicode.IsUpper(next) && unicode.IsUpper(prev) && isSingleLetterBefore(s, i):
				// O'Brien, D'Alema
				i += w
				cp++
				continue
			case (r == ',' || r == '.') && unicode.IsDigit(prev) && unicode.IsDigit(next):
				i += w
				cp++
				continue
			case r == '.' && unicode.IsUpper(prev) && unicode.IsUpper(next) && isSingleLetterBefore(s, i):
				// U.S., U.K.: take the letter and its dot
				i += w + nw
				cp += 2
				if i < len(s) && s[i] == '.' {
					i++
					cp++
				}
				continue
			}
		}
		break
	}
	return i, cp
}

// gluedAt reports whether an upper-case letter at s[i] starts a second word
// glued to the word s[start:i]: the word so far is one lower-case run of at
// least five letters after its first, and a capitalized run of at least
// five letters follows. "NurPhoto", "McDonald" and "BlackRock" stay whole.
func gluedAt(s string, start, i int) bool {
	n := 0
	for k, r := range s[start:i] {
		if k == 0 {
			continue
		}
		if !unicode.IsLower(r) {
			return false
		}
		n++
	}
	if n < 5 {
		return false
	}
	m := 0
	for k, r := range s[i:] {
		if k > 0 && !unicode.IsLower(r) {
			break
		}
		m++
	}
	return m >= 5
}

// isSingleLetterBefore reports whether the word ending at s[:i] has its last
// letter alone since a dot or the word start ("U" in "U.S").
func isSingleLetterBefore(s string, i int) bool {
	_, w := utf8.DecodeLastRuneInString(s[:i])
	j := i - w
	if j == 0 {
		return true
	}
	p, _ := utf8.DecodeLastRuneInString(s[:j])
	return p == '.' || !(unicode.IsLetter(p) || unicode.IsDigit(p))
}

// Byte classes for the tokenizer's fast paths; on ASCII they agree with
// the unicode package, and every byte of a multi-byte rune is
// classNonASCII.
const (
	classSpace = 1 << iota
	classLower
	classUpper
	classDigit
	classNonASCII
	classWord = classLower | classUpper | classDigit
)

var byteClass = func() (t [256]uint8) {
	for c := range t {
		r := rune(c)
		switch {
		case c >= utf8.RuneSelf:
			t[c] = classNonASCII
		case unicode.IsSpace(r):
			t[c] = classSpace
		case unicode.IsLower(r):
			t[c] = classLower
		case unicode.IsUpper(r):
			t[c] = classUpper
		case unicode.IsDigit(r):
			t[c] = classDigit
		}
	}
	return t
}()

func shapeOf(w string) Shape {
	if sh, ok := asciiShape(w); ok {
		return sh
	}
	return runeShape(w)
}

// runeShape is shapeOf for any word.
func runeShape(w string) Shape {
	var letters, uppers, digits, others int
	first := rune(-1)
	for _, r := range w {
		if first < 0 {
			first = r
		}
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				uppers++
			}
		case unicode.IsDigit(r):
			digits++
		default:
			others++
		}
	}
	switch {
	case letters == 0 && digits > 0:
		return ShapeNumber
	case letters > 0 && digits > 0:
		return ShapeMixed
	case letters == 0:
		if utf8.RuneCountInString(w) == 1 && unicode.IsPunct(first) {
			return ShapePunct
		}
		return ShapeOther
	case uppers == letters && letters >= 2:
		return ShapeUpper
	case unicode.IsUpper(first):
		return ShapeTitle
	case uppers == 0:
		return ShapeLower
	}
	return ShapeOther
}

// asciiShape is shapeOf for a word of ASCII characters only; ok is false
// for any other word.
func asciiShape(w string) (sh Shape, ok bool) {
	var or uint8
	for i := 0; i < len(w); i++ {
		or |= byteClass[w[i]]
	}
	if or&classNonASCII != 0 {
		return 0, false
	}
	letters, digits := or&(classLower|classUpper) != 0, or&classDigit != 0
	switch {
	case !letters && digits:
		return ShapeNumber, true
	case letters && digits:
		return ShapeMixed, true
	case !letters:
		if len(w) == 1 && unicode.IsPunct(rune(w[0])) {
			return ShapePunct, true
		}
		return ShapeOther, true
	case or&classLower == 0 && upperCount(w) >= 2:
		return ShapeUpper, true
	case byteClass[w[0]] == classUpper:
		return ShapeTitle, true
	case or&classUpper == 0:
		return ShapeLower, true
	}
	return ShapeOther, true
}

func upperCount(w string) int {
	n := 0
	for i := 0; i < len(w); i++ {
		if byteClass[w[i]] == classUpper {
			n++
		}
	}
	return n
}

// Sentence is a half-open range of tokens and the text range they cover.
type Sentence struct {
	First, Last int // token indices [First, Last)
	Start, End  int // byte offsets
	CStart      int // code points
	CEnd        int
}

// abbreviations never end a sentence when followed by a dot.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "col": true,
	"lt": true, "sgt": true, "capt": true, "maj": true, "gov": true, "sen": true, "rep": true,
	"st": true, "jr": true, "sr": true, "vs": true, "inc": true, "corp": true,
	"co": true, "ltd": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"adm": true, "pres": true, "rev": true, "mt": true, "ft": true, "approx": true, "etc": false,
}

// Sentences splits tokens into sentences: at ".", "!", "?" (and closing
// quotes after them) followed by a capitalized word, a quote or a digit, and
// at every line break. Headlines and captions are thus sentences of their own.
func Sentences(toks []Token) []Sentence {
	return AppendSentences(nil, toks)
}

// AppendSentences is Sentences appending to dst, whose storage a caller
// may reuse from one text to the next.
func AppendSentences(dst []Sentence, toks []Token) []Sentence {
	out := dst
	first := 0
	flush := func(last int) {
		if last > first {
			out = append(out, Sentence{First: first, Last: last,
				Start: toks[first].Start, End: toks[last-1].End,
				CStart: toks[first].CStart, CEnd: toks[last-1].CEnd})
		}
		first = last
	}
	for i := range toks {
		if i > first && toks[i].NewlineBefore && !wrapped(toks, i) {
			flush(i)
		}
		t := toks[i]
		if t.Text != "." && t.Text != "!" && t.Text != "?" {
			continue
		}
		j := i + 1
		for j < len(toks) && !toks[j].SpaceBefore && isClosing(toks[j].Text) {
			j++
		}
		if j >= len(toks) || toks[j].NewlineBefore {
			continue // the line break splits
		}
		if !toks[j].SpaceBefore {
			continue
		}
		nx := toks[j]
		r, _ := utf8.DecodeRuneInString(nx.Text)
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || isOpening(nx.Text)) {
			continue
		}
		if t.Text == "." && i > 0 && toks[i-1].End == t.Start {
			p := toks[i-1].Text
			if abbreviations[strings.ToLower(p)] || (utf8.RuneCountInString(p) == 1 && unicode.IsUpper([]rune(p)[0])) {
				continue
			}
		}
		flush(j)
	}
	flush(len(toks))
	return out
}

// wrapped reports whether the line break before token i only wraps a
// sentence (newswire lines of fixed width): one line break, a long line
// before it that does not end a sentence, and a lower-case word or number
// after it.
func wrapped(toks []Token, i int) bool {
	t := toks[i]
	if t.Shape != ShapeLower && t.Shape != ShapeNumber {
		return false
	}
	prev := toks[i-1]
	if t.BlankLineBefore || prev.Shape == ShapePunct && prev.Text != "," {
		return false // a blank line, or the line ended a sentence
	}
	// the line before must be long
	k := i - 1
	for k > 0 && !toks[k].NewlineBefore {
		k--
	}
	return prev.End-toks[k].Start >= 40
}

func isClosing(s string) bool {
	switch s {
	case "\"", "\u201d", "'", "\u2019", ")", "]", "\u00bb":
		return true
	}
	return false
}

func isOpening(s string) bool {
	switch s {
	case "\"", "\u201c", "'", "\u2018", "(", "[", "\u00ab":
		return true
	}
	return false
}

// NormRune maps typographic variants to their ASCII form for matching:
// NBSP and other spaces to ' ', curly quotes to ' and ", dashes to '-'.
func NormRune(r rune) rune {
	switch r {
	case '\u00a0', '\u2007', '\u202f', '\u2009', '\u200a', '\u2002', '\u2003':
		return ' '
	case '\u2018', '\u2019', '\u02bc', '\u2032':
		return '\''
	case '\u201c', '\u201d', '\u201e', '\u00ab', '\u00bb', '\u2033':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-'
	}
	return r
}

// Norm returns s with NormRune applied and runs of space collapsed.
func Norm(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') || c < ' ' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	sp := false
	for _, r := range s {
		r = NormRune(r)
		if unicode.IsSpace(r) {
			sp = true
			continue
		}
		if sp && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sp = false
		b.WriteRune(r)
	}
	return b.String()
}

// Lower returns Norm(s) in lower case with accents removed ("Zürich" ->
// "zurich").
func Lower(s string) string {
	s = Norm(s)
	ascii := true
	upper := false
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
		upper = upper || s[i] >= 'A' && s[i] <= 'Z'
	}
	if ascii {
		if !upper {
			return s
		}
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(unicode.ToLower(baseRune(r)))
	}
	return b.String()
}

// baseRune strips common Latin diacritics.
func baseRune(r rune) rune {
	if r < 0xC0 {
		return r
	}
	if b, ok := latin[r]; ok {
		return b
	}
	return r
}

var latin = func() map[rune]rune {
	m := map[rune]rune{}
	add := func(base rune, vs string) {
		for _, v := range vs {
			m[v] = base
			m[unicode.ToUpper(v)] = unicode.ToUpper(base)
		}
	}
	add('a', "àáâãäåāăą")
	add('c', "çćĉċč")
	add('d', "ďđ")
	add('e', "èéêëēĕėęě")
	add('g', "ĝğġģ")
	add('i', "ìíîïĩīĭįı")
	add('n', "ñńņňŉ")
	add('o', "òóôõöøōŏő")
	add('r', "ŕŗř")
	add('s', "śŝşšș")
	add('t', "ţťŧț")
	add('u', "ùúûüũūŭůűų")
	add('y', "ýÿŷ")
	add('z', "źżž")
	add('l', "ĺļľŀł")
	return m
}()
