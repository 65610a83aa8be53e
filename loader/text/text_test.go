package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Russia's Defense Ministry", []string{"Russia", "'s", "Defense", "Ministry"}},
		{"Ukraine\u2019s forces", []string{"Ukraine", "\u2019s", "forces"}},
		{"more than 30,000 troops.", []string{"more", "than", "30,000", "troops", "."}},
		{"the U.S. and commander-in-chief", []string{"the", "U.S.", "and", "commander-in-chief"}},
		{"a 2S7 Pion at 12:08 PM", []string{"a", "2S7", "Pion", "at", "12", ":", "08", "PM"}},
		{"KYIV: Zürich", []string{"KYIV", ":", "Zürich"}},
		{"Keith O'Brien's", []string{"Keith", "O'Brien", "'s"}},
		{"in the Kherson regionImage: NurPhoto ConflictsUkraine BlackRock", []string{"in", "the", "Kherson", "region", "Image", ":", "NurPhoto", "Conflicts", "Ukraine", "BlackRock"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []string
			for _, tok := range Tokenize(tt.in) {
				got = append(got, tok.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShapes(t *testing.T) {
	tests := []struct {
		in   string
		want Shape
	}{
		{"troops", ShapeLower}, {"Kherson", ShapeTitle}, {"NurPhoto", ShapeTitle}, {"NATO", ShapeUpper},
		{"U.S.", ShapeUpper}, {"30,000", ShapeNumber}, {"2S7", ShapeMixed}, {",", ShapePunct},
	}
	for _, tt := range tests {
		if got := Tokenize(tt.in)[0].Shape; got != tt.want {
			t.Errorf("shape of %q = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Gen. Smith left. He said \"no.\" Then Nov. 9 came.", []string{"Gen. Smith left.", "He said \"no.\"", "Then Nov. 9 came."}},
		{"Headline here\nBody starts. In the U.S. it ends", []string{"Headline here", "Body starts.", "In the U.S. it ends"}},
		{"value 2.5 and x.y", []string{"value 2.5 and x.y"}},
		{"The bank said its profit for the year rose by two\ndifferent amounts. Then\nHeadline\nnext", []string{"The bank said its profit for the year rose by two\ndifferent amounts.", "Then", "Headline", "next"}},
		{"Russian Defense Ministry says all its troops left Kherson\n\nby The Kyiv Independent news desk", []string{"Russian Defense Ministry says all its troops left Kherson", "by The Kyiv Independent news desk"}},
		{"A long wrapped line of newswire text goes on and on\r\nand ends here.", []string{"A long wrapped line of newswire text goes on and on\r\nand ends here."}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			toks := Tokenize(tt.in)
			var got []string
			for _, s := range Sentences(toks) {
				got = append(got, tt.in[s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	same := [][]string{
		{"Valeriy Zaluzhny", "Valerii Zaluzhnyi", "Valeri Zaluzhnyy"},
		{"Kiev", "Kyiv"},
		{"Zaporizhia", "Zaporizhzhia"},
		{"Zelenskyy", "Zelensky", "Zelenskiy"},
		{"Sergei", "Sergey"},
		{"Dmitry", "Dmitriy", "Dmitri"},
		{"Kharkiv", "Harkiv"},
	}
	for _, g := range same {
		for _, s := range g[1:] {
			if Fold(s) != Fold(g[0]) {
				t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", s, Fold(s), g[0], Fold(g[0]))
			}
		}
	}
	if Fold("Kherson") == Fold("Moscow") {
		t.Error("distinct names fold alike")
	}
}

func checkTokens(t *testing.T, s string, toks []Token) {
	t.Helper()
	runes := []rune(s)
	for _, tok := range toks {
		if tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
			t.Fatalf("token %+v out of range", tok)
		}
		if s[tok.Start:tok.End] != tok.Text {
			t.Fatalf("token text %q != src %q", tok.Text, s[tok.Start:tok.End])
		}
		if tok.CEnd > len(runes) || string(runes[tok.CStart:tok.CEnd]) != tok.Text {
			t.Fatalf("token %q: code points [%d,%d) do not spell it", tok.Text, tok.CStart, tok.CEnd)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Russia's U.S. 30,000", "a\u00a0b\u2019s \xff", "U.", "3.", "-a-", "'s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\ufffd")
		}
		toks := Tokenize(s)
		checkTokens(t, s, toks)
		for _, tok := range toks {
			if sh, ok := asciiShape(tok.Text); ok && sh != runeShape(tok.Text) {
				t.Fatalf("asciiShape(%q) = %d, runeShape %d", tok.Text, sh, runeShape(tok.Text))
			}
		}
	})
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"A. B. C.", "Hi.\"Yes.\" No", "x\n\ny. Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\ufffd")
		}
		toks := Tokenize(s)
		prev := 0
		for _, se := range Sentences(toks) {
			if se.First < prev || se.Last <= se.First || se.Last > len(toks) {
				t.Fatalf("bad sentence %+v", se)
			}
			if se.Start != toks[se.First].Start || se.End != toks[se.Last-1].End {
				t.Fatalf("sentence offsets %+v do not match tokens", se)
			}
			prev = se.Last
		}
	})
}

// refFold is Fold as first written, with a strings.Replacer: the oracle
// for appendFoldWord, which now does Fold's word folding in one pass.
func refFold(s string) string {
	repl := strings.NewReplacer("kh", "h", "zh", "z", "ts", "c", "tz", "c", "ks", "x", "sch", "sh", "ph", "f", "w", "v", "j", "i", "y", "i")
	words := strings.FieldsFunc(Lower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != '\'' && NormRune(r) == r && !isSpaceOrPunct(r))
	})
	for i, w := range words {
		if strings.HasPrefix(w, "ye") {
			w = "e" + w[2:]
		}
		w = strings.ReplaceAll(repl.Replace(w), "ie", "i")
		var b []byte
		for i := 0; i < len(w); i++ {
			if i > 0 && w[i] == w[i-1] {
				continue
			}
			b = append(b, w[i])
		}
		words[i] = string(b)
	}
	return strings.Join(words, " ")
}

func TestAppendFold(t *testing.T) {
	for _, s := range []string{"", " ", "Valeriy Lobanovskyi", "Yevgeny Kafelnikov", "YE", "ye", "y", "Tsch-Schwarz", "KHABAROVSK", "Chernihiv's  2nd ", "Uzhhorod", "iie iee", "Mr. O'Brien", "Ksenia Phillips", "Vinnytsia\u2019s", "Düsseldorf", "Žižkov Škoda", "a\u00a0b"} {
		want := refFold(s)
		if got := Fold(s); got != want {
			t.Errorf("Fold(%q) = %q, first version %q", s, got, want)
		}
		if got := string(AppendFold(nil, s)); got != want {
			t.Errorf("AppendFold(%q) = %q, want %q", s, got, want)
		}
		if got := string(AppendFold([]byte("x|"), s)); got != "x|"+want {
			t.Errorf("AppendFold(x|, %q) = %q, want x|%q", s, got, want)
		}
	}
}

func FuzzAppendFold(f *testing.F) {
	for _, s := range []string{"Valeriy Lobanovskyi", "Yevgeny", "tsch", "KSKH ZH-ph", "iiee", "Chernihiv's 2nd", "ёж", "Žižkov"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := refFold(s)
		if got := Fold(s); got != want {
			t.Fatalf("Fold(%q) = %q, first version %q", s, got, want)
		}
		if got := string(AppendFold([]byte("p"), s)); got != "p"+want {
			t.Fatalf("AppendFold(%q) = %q, want %q", s, got, "p"+want)
		}
	})
}
