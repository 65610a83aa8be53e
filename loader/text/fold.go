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

var foldRepl = strings.NewReplacer("kh", "h", "zh", "z", "ts", "c", "tz", "c", "ks", "x", "sch", "sh", "ph", "f", "w", "v", "j", "i", "y", "i")

func foldWord(w string) string {
	if strings.HasPrefix(w, "ye") {
		w = "e" + w[2:]
	}
	w = foldRepl.Replace(w)
	w = strings.ReplaceAll(w, "ie", "i")
	var b []byte
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			continue
		}
		b = append(b, w[i])
	}
	return string(b)
}
