package text

import "strings"

// Fold returns a key for s that is the same for common romanisation
// variants of Slavic and other names: lower case, no accents, and
// "kh"->"h", "zh"->"z", "ts"->"c", "ks"->"x", "ye"/"ie"->"e" at a word start
// or "i" inside, "y"->"i", "j"->"i", doubled letters collapsed, and the
// endings "iy"/"yi"/"ii"/"y" folded to "i". So "Valeriy Zaluzhny", "Valerii
// Zaluzhnyi", "Kiev" and "Kyiv", "Zaporizhia" and "Zaporizhzhia" each fold
// alike. Non-letters become single spaces.
func Fold(s string) string {
	s = Lower(s)
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != '\'' && NormRune(r) == r && !isSpaceOrPunct(r))
	})
	for i, w := range words {
		words[i] = foldWord(w)
	}
	return strings.Join(words, " ")
}

func isSpaceOrPunct(r rune) bool {
	return r == ' ' || r == '-' || r == '\'' || r == '"'
}

// foldWord folds one lower-case word (see appendFoldWord).
func foldWord(w string) string { return string(appendFoldWord(nil, w)) }

// AppendFold appends Fold(s) to dst. For ASCII s it builds no strings: the
// words (runs of ASCII letters and digits) are folded in dst itself.
func AppendFold(dst []byte, s string) []byte {
	if !IsASCII(s) {
		return append(dst, Fold(s)...)
	}
	start := len(dst)
	for i := 0; i < len(s); {
		if !isFoldByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isFoldByte(s[j]) {
			j++
		}
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		dst = appendFoldWord(dst, s[i:j])
		i = j
	}
	return dst
}

// isFoldByte reports whether ASCII c belongs to a word for Fold: a letter
// or a digit (Lower makes the letters lower case).
func isFoldByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// appendFoldWord appends the fold of the word w, its ASCII letters
// lower-cased: a "ye" start becomes "e"; "kh", "zh", "ts", "tz", "ks",
// "sch", "ph", "w", "j" and "y" become "h", "z", "c", "c", "x", "sh", "f",
// "v", "i" and "i" (at each place the one that matches; none is a prefix
// of another), in one pass; then "ie" becomes "i" and doubled letters are
// collapsed, in place. Other bytes, those of non-ASCII letters included,
// are kept as they are.
func appendFoldWord(dst []byte, w string) []byte {
	base := len(dst)
	i := 0
	if len(w) >= 2 && lowerByte(w[0]) == 'y' && lowerByte(w[1]) == 'e' {
		dst = append(dst, 'e')
		i = 2
	}
	for i < len(w) {
		c := lowerByte(w[i])
		var n byte
		if i+1 < len(w) {
			n = lowerByte(w[i+1])
		}
		switch {
		case c == 'k' && n == 'h':
			dst, i = append(dst, 'h'), i+2
		case c == 'z' && n == 'h':
			dst, i = append(dst, 'z'), i+2
		case c == 't' && (n == 's' || n == 'z'):
			dst, i = append(dst, 'c'), i+2
		case c == 'k' && n == 's':
			dst, i = append(dst, 'x'), i+2
		case c == 's' && n == 'c' && i+2 < len(w) && lowerByte(w[i+2]) == 'h':
			dst, i = append(dst, 's', 'h'), i+3
		case c == 'p' && n == 'h':
			dst, i = append(dst, 'f'), i+2
		case c == 'w':
			dst, i = append(dst, 'v'), i+1
		case c == 'j' || c == 'y':
			dst, i = append(dst, 'i'), i+1
		default:
			dst, i = append(dst, c), i+1
		}
	}
	p := dst[base:]
	k := 0 // "ie" -> "i", left to right, as strings.ReplaceAll
	for i := 0; i < len(p); i++ {
		p[k] = p[i]
		k++
		if p[i] == 'i' && i+1 < len(p) && p[i+1] == 'e' {
			i++
		}
	}
	m := 0 // doubled letters collapsed
	var prev byte
	for i, c := range p[:k] {
		if i == 0 || c != prev {
			p[m] = c
			m++
		}
		prev = c
	}
	return dst[:base+m]
}

// IsASCII reports whether s is all ASCII.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
