package graph

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
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
// Every word of every alias is folded (foldWord) and indexed under 'i' with
// the entity's kind and ID. A query is folded the same way; each query word
// scans the index range of its first two letters (the whole word when it is
// shorter than four letters) and scores every indexed word:
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

	// maxWordKeys bounds the index keys one query word scans, and
	// maxCandidates the entities ranked, so short queries stay fast.
	maxWordKeys   = 20000
	maxCandidates = 2000
)

// foldText lower-cases s, strips diacritics, drops apostrophes and turns
// other punctuation into spaces.
func foldText(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
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
	id    EntityID
	score int
	rec   *entRec
}

// search ranks the entities matching f.Search; cursors are offsets into
// the ranked list.
func (s *Store) search(ctx context.Context, f EntityFilter, p Page) (List[Entity], error) {
	var l List[Entity]
	qwords := nameWords(f.Search)
	start, err := decodeOffset(p.After)
	if err != nil {
		return l, err
	}
	if len(qwords) == 0 {
		return List[Entity]{Items: []Entity{}}, nil
	}
	whole := strings.Join(qwords, " ")
	err = s.view(func(txn *badger.Txn) error {
		var total map[EntityID]int
		for qi, q := range qwords {
			best, err := scanWord(ctx, txn, q, f.Kind)
			if err != nil {
				return err
			}
			if qi == 0 {
				total = best
				continue
			}
			for id, sc := range total {
				if b, ok := best[id]; ok {
					total[id] = sc + b
				} else {
					delete(total, id)
				}
			}
		}
		cands := make([]candidate, 0, len(total))
		for id, sc := range total {
			cands = append(cands, candidate{id: id, score: sc})
		}
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].score != cands[j].score {
				return cands[i].score > cands[j].score
			}
			return cands[i].id < cands[j].id
		})
		if len(cands) > maxCandidates {
			cands = cands[:maxCandidates]
		}
		for i := range cands {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := getEntity(txn, cands[i].id)
			if err != nil {
				return fmt.Errorf("entity %d: %w", cands[i].id, err)
			}
			cands[i].rec = r
			for _, al := range r.Aliases {
				if foldPhrase(al) == whole {
					cands[i].score += scoreWhole
					break
				}
			}
		}
		sort.Slice(cands, func(i, j int) bool {
			a, b := cands[i], cands[j]
			if a.score != b.score {
				return a.score > b.score
			}
			if a.rec.MentionCount != b.rec.MentionCount {
				return a.rec.MentionCount > b.rec.MentionCount
			}
			return a.id < b.id
		})
		l.Total = len(cands)
		n := pageSize(p)
		i := start
		for ; i < len(cands) && len(l.Items) < n; i++ {
			l.Items = append(l.Items, cands[i].rec.entity(cands[i].id))
			l.Cursors = append(l.Cursors, offsetCursor(i))
		}
		l.HasNext = i < len(cands)
		return nil
	})
	if l.Items == nil {
		l.Items = []Entity{}
	}
	return l, err
}

// scanWord returns the best score per entity for one folded query word.
func scanWord(ctx context.Context, txn *badger.Txn, q string, kind Kind) (map[EntityID]int, error) {
	qlen := utf8.RuneCountInString(q)
	scope := q
	if qlen >= 4 {
		scope = firstRunes(q, 2)
	}
	prefix := wordPrefix(scope)
	best := map[EntityID]int{}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues, opts.Prefix = false, prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	n := 0
	lastWord, lastScore := "", 0
	for it.Seek(prefix); it.ValidForPrefix(prefix) && n < maxWordKeys; it.Next() {
		n++
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		pk, err := parseKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		if kind != 0 && pk.Kind != kind {
			continue
		}
		sc := lastScore
		if pk.Str != lastWord {
			sc = wordScore(q, pk.Str, qlen)
			lastWord, lastScore = pk.Str, sc
		}
		if sc > best[pk.Entity] {
			best[pk.Entity] = sc
		}
	}
	for id, sc := range best {
		if sc == 0 {
			delete(best, id)
		}
	}
	return best, nil
}
