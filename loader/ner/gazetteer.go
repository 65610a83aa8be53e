package ner

import "unicode"

// Entity types a ListGazetteer can hold.
var gazTypes = [...]string{"PER", "ORG", "LOC", "MISC"}

// gazHits[k][b] is the hit string for type k at a name's first token (b=0)
// or a later token (b=1), so Lookup does not build strings.
var gazHits = [len(gazTypes)][2]string{
	{"B-PER", "I-PER"}, {"B-ORG", "I-ORG"}, {"B-LOC", "I-LOC"}, {"B-MISC", "I-MISC"},
}

// maxGazLen is the longest name, in tokens, a ListGazetteer matches.
const maxGazLen = 6

// ListGazetteer is a Gazetteer over a list of multi-token names with entity
// types, matched case-insensitively on whole tokens. A token gets a hit for
// every listed name that covers it: "B-T" at the name's first token, "I-T"
// at the others. It is immutable after construction and safe for concurrent
// use.
type ListGazetteer struct {
	names map[uint64]uint8 // hash of lower-cased tokens -> bit set of types
}

// NewListGazetteer returns an empty gazetteer.
func NewListGazetteer() *ListGazetteer {
	return &ListGazetteer{names: make(map[uint64]uint8)}
}

// Add lists a name, given as tokens, with type typ (PER, ORG, LOC or MISC).
// It reports false, and adds nothing, for an unknown type or a name of no or
// more than six tokens. Add must not be called concurrently with Lookup.
func (g *ListGazetteer) Add(tokens []string, typ string) bool {
	k := -1
	for i, t := range gazTypes {
		if t == typ {
			k = i
		}
	}
	if k < 0 || len(tokens) == 0 || len(tokens) > maxGazLen {
		return false
	}
	h := uint64(fnvOffset)
	for _, w := range tokens {
		h = gazStep(h, w)
	}
	g.names[h] |= 1 << k
	return true
}

// Len is the number of distinct listed token sequences.
func (g *ListGazetteer) Len() int { return len(g.names) }

// gazStep extends a token-sequence hash by one lower-cased token.
func gazStep(h uint64, w string) uint64 {
	for _, r := range w {
		h = hashRune(h, unicode.ToLower(normRune(r)))
	}
	return mix(h ^ 0x2f)
}

// Lookup implements Gazetteer.
func (g *ListGazetteer) Lookup(words []string, i int) []string {
	if i < 0 || i >= len(words) || len(g.names) == 0 {
		return nil
	}
	var out []string
	var seen [len(gazTypes)][2]bool
	for j := max(0, i-maxGazLen+1); j <= i; j++ {
		h := uint64(fnvOffset)
		for e := j; e < len(words) && e < j+maxGazLen; e++ {
			h = gazStep(h, words[e])
			if e < i {
				continue
			}
			bits, ok := g.names[h]
			if !ok {
				continue
			}
			b := 0
			if j < i {
				b = 1
			}
			for k := range gazTypes {
				if bits&(1<<k) != 0 && !seen[k][b] {
					seen[k][b] = true
					out = append(out, gazHits[k][b])
				}
			}
		}
	}
	return out
}
