package graph

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/dgraph-io/badger/v4"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Entity search.
//
// Every word of every alias is folded (foldWord) and indexed in memory
// (searchIndex) with the entity's kind and ID. A query is folded the same way. Each query word
// first scans the index range of words it prefixes (a one-letter word only
// matches exactly); when that finds few entities, the word has four letters
// or more and no digit, it also scans the range of its first two letters for
// misspellings. Indexed words score:
//
//	exact folded word          scoreExact
//	query is a word prefix     scorePrefix
//	edit distance 1 (2)        scoreFuzzy1 (scoreFuzzy2), for words of 4 (7) letters or more
//
// An entity matches when every query word matches one of its words; its
// relevance is the sum of the best score per query word, plus scoreWhole
// when the folded query equals a folded alias. Ties go to the entity with
// more mentions, then the lower ID.
const (
	scoreExact  = 10
	scorePrefix = 6
	scoreFuzzy1 = 4
	scoreFuzzy2 = 2
	scoreWhole  = 5

	// fuzzyBelow: misspellings are looked for only when exact and prefix
	// matches of a query word find fewer entities than this.
	fuzzyBelow = 10
)

// foldText lower-cases s, strips diacritics, drops apostrophes and turns
// other punctuation into spaces.
func foldText(s string) string {
	out := s
	if !isASCII(s) {
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		var err error
		if out, _, err = transform.String(t, s); err != nil {
			out = s
		}
	}
	var b strings.Builder
	b.Grow(len(out))
	for _, r := range out {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == '‘' || r == '`':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// translit folds common transliteration variants of one lower-case word:
// kh/h, ph/f, ck/k, ie/i, y/i, w/v, then collapses doubled letters, so
// Zaluzhnyi, Zaluzhny and Zaluzhniy, or Kyiv and Kiev, fold alike.
var translit = strings.NewReplacer("kh", "h", "ph", "f", "ck", "k", "ie", "i", "y", "i", "w", "v")

func foldWord(w string) string {
	w = translit.Replace(w)
	var b strings.Builder
	b.Grow(len(w))
	var prev rune
	for i, r := range w {
		if i > 0 && r == prev {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// nameWords returns the distinct folded words of a name.
func nameWords(s string) []string {
	var out []string
	for _, f := range strings.Fields(foldText(s)) {
		if w := foldWord(f); w != "" && !containsStr(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// foldPhrase folds a whole name for the whole-name bonus.
func foldPhrase(s string) string { return strings.Join(nameWords(s), " ") }

func hexSum(h string) ([]byte, error) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%w: hash %q is not hex sha256", ErrInvalid, h)
	}
	return b, nil
}

// firstRunes returns the first n runes of s.
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// wordScore scores an indexed word w against a query word q (0: no match).
func wordScore(q, w string, qlen int) int {
	switch {
	case w == q:
		return scoreExact
	case strings.HasPrefix(w, q):
		return scorePrefix
	case qlen < 4:
		return 0
	}
	wlen := utf8.RuneCountInString(w)
	maxD := 1
	if qlen >= 7 {
		maxD = 2
	}
	if wlen-qlen > maxD || qlen-wlen > maxD {
		// A long word may still match as a misspelled prefix.
		if wlen > qlen && qlen >= 5 && levenshtein.ComputeDistance(q, firstRunes(w, qlen)) <= 1 {
			return scoreFuzzy2
		}
		return 0
	}
	switch d := levenshtein.ComputeDistance(q, w); {
	case d == 1:
		return scoreFuzzy1
	case d == 2 && maxD == 2:
		return scoreFuzzy2
	}
	return 0
}

type candidate struct {
	id       EntityID
	score    int
	mentions int
}

// search ranks the entities matching f.Search; cursors are offsets into
// the ranked list.
func (s *Store) search(ctx context.Context, f EntityFilter, p Page) (List[Entity], error) {
	l := List[Entity]{Items: []Entity{}}
	start, err := decodeOffset(p.After)
	if err != nil {
		return l, err
	}
	qwords := nameWords(f.Search)
	if len(qwords) == 0 {
		return l, nil
	}
	x, err := s.searchIdx(ctx)
	if err != nil {
		return l, err
	}
	cands, total := x.rank(qwords, f.Kind, start+pageSize(p)+1)
	err = s.view(ctx, func(txn *badger.Txn) error {
		var err error
		l, err = pageOf(len(cands), start, p, func(i int) (Entity, string, bool, error) {
			r, err := s.cachedEntity(txn, cands[i].id)
			if errors.Is(err, ErrNotFound) {
				return Entity{}, "", true, nil // deleted since the index was read
			}
			if err != nil {
				return Entity{}, "", false, fmt.Errorf("entity %d: %w", cands[i].id, err)
			}
			return entityCopy(r, cands[i].id), offsetCursor(i), false, nil
		})
		// The ranking holds only the first candidates: past them, more
		// matches follow when there are more than were ranked.
		l.Total, l.HasNext = total, l.HasNext || len(cands) < total
		if l.Items == nil {
			l.Items = []Entity{}
		}
		return err
	})
	return l, err
}
