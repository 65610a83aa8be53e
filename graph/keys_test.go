package graph

import (
	"bytes"
	"errors"
	"math"
	"sort"
	"testing"
)

var keyCases = []struct {
	name string
	key  []byte
}{
	{"article", articleKey(42)},
	{"hash", hashKey(bytes.Repeat([]byte{0xab}, 32))},
	{"external", externalKey("wire/2024/0001")},
	{"external empty", externalKey("")},
	{"contrib", contribKey(7)},
	{"doc mentions", docMentionsKey(3)},
	{"entity mention", entMentionKey(99, 3)},
	{"entity", entityKey(1 << 40)},
	{"entity counts", entCountKey(1 << 40)},
	{"kind", kindKey(KindPlace, 5)},
	{"resolution key", resKey(KindPerson, "person:smith|john")},
	{"relation", relKey(relIdent{Type: RelRole, Src: 1, Dst: 2, Label: "defense minister"})},
	{"relation no label", relKey(relIdent{Type: RelCoMentioned, Src: 1, Dst: 2})},
	{"reverse relation", relRevKey(relIdent{Type: RelStated, Src: 8, Dst: 9, Label: "said"})},
	{"unit number", unitNumKey("people", 30000, 4)},
	{"unit number negative", unitNumKey("degrees", -12.5, 4)},
	{"number", numKey(0.25, 4)},
	{"counters", countersKey()},
	{"sequence", seqKey("entity")},
	{"format version", formatKey()},
}

func TestParseKeyRoundTrip(t *testing.T) {
	for _, c := range keyCases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parseKey(c.key)
			if err != nil {
				t.Fatalf("parseKey(%q): %v", c.key, err)
			}
			if got := buildKey(p); !bytes.Equal(got, c.key) {
				t.Errorf("buildKey(parseKey(%q)) = %q", c.key, got)
			}
		})
	}
}

func TestParseKeyFields(t *testing.T) {
	p, err := parseKey(entMentionKey(99, 3))
	if err != nil || p.Article != 3 || p.Entity != 99 {
		t.Errorf("entity mention parsed as %+v, %v", p, err)
	}
	p, err = parseKey(unitNumKey("people", -2.5, 4))
	if err != nil || p.Str != "people" || p.Value != -2.5 || p.Entity != 4 {
		t.Errorf("unit number parsed as %+v, %v", p, err)
	}
	ri := relIdent{Type: RelAction, Src: 10, Dst: 11, Label: "met with"}
	for _, k := range [][]byte{relKey(ri), relRevKey(ri)} {
		if p, err := parseKey(k); err != nil || p.Rel != ri {
			t.Errorf("relation key %q parsed as %+v, %v", k, p.Rel, err)
		}
	}
}

func TestParseKeyMalformed(t *testing.T) {
	cases := []struct {
		name string
		key  []byte
	}{
		{"empty", nil},
		{"unknown prefix", []byte{'Q', 1, 2}},
		{"short article", []byte{pfxArticle, 1, 2, 3}},
		{"long entity", append(entityKey(1), 0)},
		{"short entity counts", entCountKey(1)[:5]},
		{"short hash", hashKey([]byte{1, 2})},
		{"short relation", []byte{pfxRel, 1, 0, 0}},
		{"short reverse", []byte{pfxRelRev, 1}},
		{"unit without terminator", append([]byte{pfxUnitNum}, bytes.Repeat([]byte{1}, 30)...)},
		{"short number", []byte{pfxNum, 1}},
		{"resolution without kind", []byte{pfxResKey}},
		{"counters too long", []byte{pfxCounter, 1}},
		{"format too long", []byte{pfxFormat, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := parseKey(c.key); !errors.Is(err, errBadKey) {
				t.Errorf("parseKey(%q) error = %v, want errBadKey", c.key, err)
			}
		})
	}
}

func TestKeyOrder(t *testing.T) {
	cases := []struct {
		name string
		keys [][]byte // in the order they must sort
	}{
		{"articles numeric", [][]byte{articleKey(1), articleKey(255), articleKey(256), articleKey(1 << 33)}},
		{"entity mentions by entity, article", [][]byte{entMentionKey(1, 9), entMentionKey(1, 300), entMentionKey(2, 1), entMentionKey(256, 0)}},
		{"numbers by value", [][]byte{numKey(math.Inf(-1), 1), numKey(-1e9, 1), numKey(-2.5, 1), numKey(-1, 9),
			numKey(0, 1), numKey(1e-9, 1), numKey(3, 1), numKey(30000, 1), numKey(math.Inf(1), 1)}},
		{"unit numbers", [][]byte{unitNumKey("people", -5, 1), unitNumKey("people", 7, 1), unitNumKey("peoples", -5, 1)}},
		{"relations by type then source", [][]byte{
			relKey(relIdent{Type: RelRole, Src: 1, Dst: 9}), relKey(relIdent{Type: RelRole, Src: 2, Dst: 1}),
			relKey(relIdent{Type: RelLocatedIn, Src: 1, Dst: 1})}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !sort.SliceIsSorted(c.keys, func(i, j int) bool { return bytes.Compare(c.keys[i], c.keys[j]) < 0 }) {
				t.Errorf("keys not in byte order: %q", c.keys)
			}
		})
	}
}

func TestFloatEncoding(t *testing.T) {
	for _, f := range []float64{math.Inf(-1), -1e300, -3, -1e-300, 0, 1e-300, 2, 1e300, math.Inf(1)} {
		if got := decodeFloat(encodeFloat(f)); got != f {
			t.Errorf("decodeFloat(encodeFloat(%g)) = %g", f, got)
		}
	}
	if encodeFloat(math.Copysign(0, -1)) != encodeFloat(0) {
		t.Error("-0 and +0 encode differently")
	}
}

func FuzzParseKey(f *testing.F) {
	for _, c := range keyCases {
		f.Add(c.key)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, k []byte) {
		p, err := parseKey(k)
		if err != nil {
			return
		}
		got := buildKey(p)
		// Floats are normalized (-0); everything else must round-trip.
		if !bytes.Equal(got, k) {
			q, err := parseKey(got)
			if err != nil || !bytes.Equal(buildKey(q), got) {
				t.Fatalf("key %q parsed to %+v rebuilt as %q", k, p, got)
			}
		}
	})
}

func TestFold(t *testing.T) {
	cases := []struct{ a, b string }{
		{"Hrytsenkiy", "hrytsenky"},
		{"Hritsenkyi", "HRYTSENKII"},
		{"Khmelnova", "Hmelnova"},
		{"Schöllmann", "schollmann"},
		{"O'Brannagh", "obrannagh"},
		{"Dmitrievna", "dmitrivna"},
	}
	for _, c := range cases {
		t.Run(c.a, func(t *testing.T) {
			fa, fb := foldPhrase(c.a), foldPhrase(c.b)
			if fa != fb {
				t.Errorf("fold(%q) = %q, fold(%q) = %q", c.a, fa, c.b, fb)
			}
		})
	}
	if got := nameWords("Jean-Luc  Brennick, Jr."); len(got) != 4 {
		t.Errorf("nameWords = %q, want 4 words", got)
	}
}

func TestWordScore(t *testing.T) {
	cases := []struct {
		q, w string
		want int
	}{
		{"brenick", "brenick", scoreExact},
		{"bre", "brenick", scorePrefix},
		{"brenik", "brenick", scoreFuzzy1},
		{"brenikc", "brenick", scoreFuzzy2},
		{"abc", "abd", 0},
		{"quilon", "marlow", 0},
	}
	for _, c := range cases {
		t.Run(c.q+"/"+c.w, func(t *testing.T) {
			if got := wordScore(c.q, c.w, len([]rune(c.q))); got != c.want {
				t.Errorf("wordScore(%q, %q) = %d, want %d", c.q, c.w, got, c.want)
			}
		})
	}
}

func TestCodecMalformed(t *testing.T) {
	r := &entRec{Kind: KindPerson, Name: "A B", Aliases: []string{"A", "A B"}, Keys: []string{"k"}, MentionCount: 3, ArticleCount: 2, RelCount: 1}
	for _, good := range [][]byte{encodeEntity(r), encodeEntityV1(r)} {
		for i := 0; i < len(good); i++ {
			if _, _, err := decodeEntity(good[:i]); err == nil {
				t.Errorf("decodeEntity of %d/%d bytes (version %d): no error", i, len(good), good[0])
			}
		}
		got, counts, err := decodeEntity(good)
		if err != nil || got.Name != "A B" || len(got.Aliases) != 2 {
			t.Errorf("decodeEntity (version %d) = %+v, %v", good[0], got, err)
		}
		// Version 1 holds the counts; the current version leaves them to 'N'.
		if v1 := good[0] == valueVersion; counts == v1 || v1 && got.MentionCount != 3 || !v1 && got.MentionCount != 0 {
			t.Errorf("version %d: counts to read %v, mentions %d", good[0], counts, got.MentionCount)
		}
	}
	c := encodeEntCountsIn(nil, r)
	var got entRec
	if err := decodeEntCounts(&got, c); err != nil || got.MentionCount != 3 || got.ArticleCount != 2 || got.RelCount != 1 {
		t.Errorf("decodeEntCounts = %+v, %v", got, err)
	}
	if err := decodeEntCounts(&got, c[:len(c)-1]); err == nil {
		t.Errorf("decodeEntCounts of %d/%d bytes: no error", len(c)-1, len(c))
	}
}
