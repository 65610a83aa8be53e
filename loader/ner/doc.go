package ner

import "unicode"

// docCounts counts how a lower-cased word is written across a document.
type docCounts struct {
	capInner int32 // capitalized, not sentence-initial
	lower    int32 // starting with a lower-case letter
	inMulti  int32 // capitalized, inside a run of two or more capitalized words
}

// docMap collects document-level word statistics. Its storage is reused.
type docMap struct {
	counts   map[uint64]docCounts
	tok      []docTok // every token, sentences concatenated
	start    []int    // start[s] is sentence s's first index in tok
	headline []bool   // headline[s]: sentence s is an all-caps headline
}

// docTok is what docMap knows of one token.
type docTok struct {
	hash  uint64 // lowerHash of the word
	first rune   // wordShape's first
	run   int32  // length of the run of capitalized words through it
}

// wordShape classifies a word by its first letter: 'X' capitalized, 'x' lower
// case, 0 for no leading letter; allCaps reports two or more letters, all upper.
func wordShape(w string) (first rune, allCaps bool) {
	letters, uppers := 0, 0
	for i, r := range w {
		if i == 0 {
			switch {
			case unicode.IsUpper(r):
				first = 'X'
			case unicode.IsLower(r):
				first = 'x'
			default:
				return 0, false
			}
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				uppers++
			}
		}
	}
	return first, letters > 1 && uppers == letters
}

// build counts the words of a document's sentences.
func (d *docMap) build(sents [][]string) {
	if d.counts == nil {
		d.counts = make(map[uint64]docCounts)
	}
	clear(d.counts)
	d.tok, d.start, d.headline = d.tok[:0], d.start[:0], d.headline[:0]
	for _, words := range sents {
		d.start = append(d.start, len(d.tok))
		cased, caps := 0, 0
		for _, w := range words {
			f, ac := wordShape(w)
			if f == 'X' {
				cased++
				if ac {
					caps++
				}
			}
			d.tok = append(d.tok, docTok{hash: lowerHash(w), first: f})
		}
		toks := d.tok[d.start[len(d.start)-1]:]
		markRuns(toks)
		headline := isHeadline(cased, caps)
		d.headline = append(d.headline, headline)
		if headline {
			continue
		}
		for i, tk := range toks {
			c := d.counts[tk.hash]
			tk.count(&c, i, 1)
			d.counts[tk.hash] = c
		}
	}
}

// markRuns sets each capitalized token's run to the length of the run of
// capitalized words it stands in.
func markRuns(toks []docTok) {
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].first == 'X' {
			j++
		}
		for k := i; k < j; k++ {
			toks[k].run = int32(j - i)
		}
		i = max(j, i+1)
	}
}

// isHeadline reports whether a sentence with cased capitalized words, caps
// of them all capitals, reads as a headline (at least 3, 90% all capitals).
func isHeadline(cased, caps int) bool { return cased >= 3 && caps*10 >= cased*9 }

// attrs is the document attributes of the token at position i, given the
// counts c of its word over the document (this occurrence included, unless
// the sentence is a headline, which is not counted).
func (tk docTok) attrs(c docCounts, i int, headline bool) docAttrs {
	var a docAttrs
	if !headline {
		tk.count(&c, i, -1) // take this occurrence out
	}
	if tk.first != 0 {
		a.capElsewhere = c.capInner > 0
		a.lowerElsewhere = c.lower > 0
		a.longer = tk.first == 'X' && c.inMulti > 0 && (headline || tk.run == 1)
	}
	return a
}

// count adds sign times the token at position i to c.
func (tk docTok) count(c *docCounts, i int, sign int32) {
	switch tk.first {
	case 'X':
		if i > 0 {
			c.capInner += sign
		}
		if tk.run >= 2 {
			c.inMulti += sign
		}
	case 'x':
		c.lower += sign
	}
}

// attrsFor appends the document attributes of sentence si's words to dst.
func (d *docMap) attrsFor(dst []docAttrs, si int, words []string) []docAttrs {
	headline := d.headline[si]
	toks := d.tok[d.start[si]:][:len(words)]
	for i, tk := range toks {
		dst = append(dst, tk.attrs(d.counts[tk.hash], i, headline))
	}
	return dst
}
