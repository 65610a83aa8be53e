package ner

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"unicode"
)

// LexKind is the kind of a Lexicon entry.
type LexKind uint8

// Lexicon entry kinds.
const (
	LexPlace  LexKind = 1 << iota // a place name: country, region, city (may be several tokens)
	LexGiven                      // a given name (one token)
	LexCommon                     // a common English word, usually written in lower case (one token)

	// lexPrefix marks the first tokens of a longer place name: a sequence
	// that is a proper prefix of an entry. It is not an entry kind, only a
	// hint that lets lookups stop early.
	lexPrefix LexKind = 1 << 7
)

// Per-token lexicon bits, as features see them.
const (
	lbPlaceB = 1 << iota // first token of a place name
	lbPlaceI             // later token of a place name
	lbGiven
	lbCommon
)

// maxLexLen is the longest name, in tokens, a Lexicon holds.
const maxLexLen = 5

// Lexicon is a list of words and names built into a model: unlike a
// Gazetteer, which the caller supplies, the same lexicon is used in
// training and tagging, so its features always carry trained weight.
// Entries match whole tokens, case-insensitively. A Lexicon is immutable
// once given to NewTrainer.
type Lexicon struct {
	entries map[uint64]LexKind // seqHash of the lower-cased tokens -> kinds (and lexPrefix)
}

// NewLexicon returns an empty lexicon.
func NewLexicon() *Lexicon { return &Lexicon{entries: make(map[uint64]LexKind)} }

// Len is the number of distinct entries.
func (l *Lexicon) Len() int {
	n := 0
	for _, k := range l.entries {
		if k&^lexPrefix != 0 {
			n++
		}
	}
	return n
}

// Add lists tokens as kind. It reports false, adding nothing, for no tokens,
// more than five tokens, or a multi-token entry of a one-token kind.
func (l *Lexicon) Add(tokens []string, kind LexKind) bool {
	if len(tokens) == 0 || len(tokens) > maxLexLen || (len(tokens) > 1 && kind != LexPlace) || kind == 0 {
		return false
	}
	h := uint64(0x1e5)
	for i, w := range tokens {
		if i > 0 {
			l.entries[h] |= lexPrefix
		}
		h = combine(h, lowerHash(w))
	}
	l.entries[h] |= kind
	return true
}

// kind1 returns the kinds of the one-token entry with lower-case hash h.
func (l *Lexicon) kind1(h uint64) LexKind {
	if l == nil {
		return 0
	}
	return l.entries[combine(0x1e5, h)]
}

// bits returns the lexicon bits of every token of s, in dst. kinds, if not
// nil, holds kind1 of every token, already looked up.
func (l *Lexicon) bits(dst []uint8, s *sentence, n int, kinds []LexKind) []uint8 {
	dst = slices.Grow(dst[:0], n)[:n]
	clear(dst)
	if l == nil || len(l.entries) == 0 {
		return dst
	}
	for j := range n {
		a := s.at(j)
		h := combine(0x1e5, a.lower)
		var k LexKind
		if kinds != nil {
			k = kinds[j]
		} else {
			k = l.entries[h]
		}
		if k&LexGiven != 0 {
			dst[j] |= lbGiven
		}
		if k&LexCommon != 0 {
			dst[j] |= lbCommon
		}
		if !a.capitalized {
			continue
		}
		end := 0 // end of the longest place name starting at j
		if k&LexPlace != 0 {
			end = j + 1
		}
		for e := j + 1; k&lexPrefix != 0 && e < n && e < j+maxLexLen; e++ {
			h = combine(h, s.at(e).lower)
			k = l.entries[h]
			if k&LexPlace != 0 {
				end = e + 1
			}
		}
		if end > 0 {
			dst[j] |= lbPlaceB
			for e := j + 1; e < end; e++ {
				dst[e] |= lbPlaceI
			}
		}
	}
	return dst
}

// lowerHash is an FNV-1a hash of the normalized, lower-cased word; it
// equals tokenAttrs's attrs.lower.
func lowerHash(w string) uint64 {
	h := uint64(fnvOffset)
	for _, r := range w {
		h = hashRune(h, unicode.ToLower(normRune(r)))
	}
	return h
}

// encode writes the lexicon: uint32 count, then (uint64 hash, uint8 kinds)
// entries in hash order, so the bytes are deterministic.
func (l *Lexicon) encode(w io.Writer) error {
	keys := make([]uint64, 0, len(l.entries))
	for h := range l.entries {
		keys = append(keys, h)
	}
	slices.SortFunc(keys, cmp.Compare)
	buf := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+9*len(keys)), uint32(len(keys)))
	for _, h := range keys {
		buf = binary.LittleEndian.AppendUint64(buf, h)
		buf = append(buf, byte(l.entries[h]))
	}
	_, err := w.Write(buf)
	return err
}

// maxLexEntries bounds the entry count Decode accepts.
const maxLexEntries = 1 << 22

func decodeLexicon(r io.Reader) (*Lexicon, error) {
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, err
	}
	if n > maxLexEntries {
		return nil, fmt.Errorf("%d lexicon entries: %w", n, ErrFormat)
	}
	raw := make([]byte, 9*int(n))
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, err
	}
	l := &Lexicon{entries: make(map[uint64]LexKind, n)}
	for i := range int(n) {
		l.entries[binary.LittleEndian.Uint64(raw[9*i:])] = LexKind(raw[9*i+8])
	}
	return l, nil
}
