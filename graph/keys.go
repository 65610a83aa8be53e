package graph

// Badger key layout. Only this file builds and parses keys.
//
// One prefix byte per keyspace; integers are big-endian and fixed width, so
// byte order is numeric order and every prefix below is one contiguous range.
// A string that is prefix-searched or followed by more fields is normalized,
// stripped of NUL and terminated with 0x00; a string that ends the key ("rest")
// is stored as is and is the only variable-length field of its key.
//
//	'a' article:8                                -> article (meta, then text)
//	'h' sha256:32                                -> article:8   (text hash index)
//	'x' externalID(rest)                         -> article:8   (external ID index)
//	'p' article:8                                -> relation contributions, for replace
//	'd' article:8                                -> the article's mentions, by start then entity
//	'm' entity:8 article:8                       -> starts of the entity's mentions there, merges
//	'n' entity:8                                 -> entity      (name, aliases, keys, merges)
//	'N' entity:8                                 -> counts      (mentions, articles, relations)
//	'c' kind:1 entity:8                          -> empty       (entities by kind)
//	'k' kind:1 key(rest)                         -> entity ids  (resolution key holders)
//	'r' type:1 src:8 dst:8 label(rest)           -> relation aggregate (counts, outlets, evidence)
//	'R' dst:8 type:1 src:8 label(rest)           -> counts      (reverse relation: sentences, articles)
//	'u' unit 0x00 value:8 entity:8 article:8 start:4 -> empty   (numbers by unit and value)
//	'w' value:8 entity:8 article:8 start:4       -> empty       (numbers by value)
//	'z'                                          -> counters    (exact totals, one key)
//	's' name(rest)                               -> badger Sequence state
//	'v'                                          -> storage format version (uvarint)
//	'l'                                          -> unfinished load: first article and entity IDs (see pending.go)
//
// Formats 1 and 2 also kept 'i' word 0x00 kind:1 entity:8 (the words of
// the entities' names), which the search index now takes from the
// entities' aliases; they are dropped when such a database is restamped.
//
// value:8 is a float64 in order-preserving form (see encodeFloat). Offsets
// (start) are code points and fit in 32 bits.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Keyspace prefixes.
const (
	pfxArticle  byte = 'a'
	pfxHash     byte = 'h'
	pfxExternal byte = 'x'
	pfxContrib  byte = 'p'
	pfxDocMent  byte = 'd'
	pfxEntMent  byte = 'm'
	pfxEntity   byte = 'n'
	pfxEntCount byte = 'N'
	pfxKind     byte = 'c'
	pfxResKey   byte = 'k'
	pfxOldWord  byte = 'i' // formats 1 and 2 only
	pfxRel      byte = 'r'
	pfxRelRev   byte = 'R'
	pfxUnitNum  byte = 'u'
	pfxNum      byte = 'w'
	pfxCounter  byte = 'z'
	pfxSeq      byte = 's'
	pfxFormat   byte = 'v'
	pfxLoad     byte = 'l'
)

// Counter IDs in the counters value.
const (
	ctrArticles  byte = 1
	ctrEntities  byte = 2
	ctrMentions  byte = 3
	ctrRelations byte = 4
	ctrKindBase  byte = 0x10 // + Kind: entities of that kind
	ctrTypeBase  byte = 0x20 // + RelType: relations of that type
)

var errBadKey = errors.New("malformed key")

func u64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }
func u32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// keyString makes s safe to put before a 0x00 terminator.
func keyString(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// encodeFloat maps a float64 to 8 bytes whose unsigned big-endian order is
// the numeric order: the sign bit is flipped for positives, every bit is
// inverted for negatives, and -0 is stored as +0.
func encodeFloat(f float64) uint64 {
	if f == 0 {
		f = 0 // normalizes -0
	}
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func decodeFloat(u uint64) float64 {
	if u&(1<<63) != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

func articleKey(id ArticleID) []byte { return u64(append(make([]byte, 0, 9), pfxArticle), uint64(id)) }

func hashKey(sum []byte) []byte { return append([]byte{pfxHash}, sum...) }

func externalKey(ext string) []byte { return append([]byte{pfxExternal}, ext...) }

func contribKey(id ArticleID) []byte { return u64(append(make([]byte, 0, 9), pfxContrib), uint64(id)) }

func docMentionsKey(a ArticleID) []byte {
	return u64(append(make([]byte, 0, 9), pfxDocMent), uint64(a))
}

func entMentionPrefix(e EntityID) []byte {
	return u64(append(make([]byte, 0, 17), pfxEntMent), uint64(e))
}

func entMentionKey(e EntityID, a ArticleID) []byte {
	return u64(entMentionPrefix(e), uint64(a))
}

func entityKey(id EntityID) []byte { return u64(append(make([]byte, 0, 9), pfxEntity), uint64(id)) }

func entCountKey(id EntityID) []byte {
	return u64(append(make([]byte, 0, 9), pfxEntCount), uint64(id))
}

func kindPrefix(k Kind) []byte { return []byte{pfxKind, byte(k)} }

func kindKey(k Kind, id EntityID) []byte {
	return u64(append(make([]byte, 0, 10), pfxKind, byte(k)), uint64(id))
}

func resKey(k Kind, key string) []byte { return append([]byte{pfxResKey, byte(k)}, key...) }

// relIdent identifies an aggregated relation.
type relIdent struct {
	Type     RelType
	Src, Dst EntityID
	Label    string // normalized lower case
}

func relTypePrefix(t RelType) []byte { return []byte{pfxRel, byte(t)} }

func relSrcPrefix(t RelType, src EntityID) []byte {
	return u64(append(make([]byte, 0, 18), pfxRel, byte(t)), uint64(src))
}

func relKey(r relIdent) []byte {
	b := u64(relSrcPrefix(r.Type, r.Src), uint64(r.Dst))
	return append(b, r.Label...)
}

func relRevPrefix(dst EntityID) []byte {
	return u64(append(make([]byte, 0, 18), pfxRelRev), uint64(dst))
}

func relRevKey(r relIdent) []byte {
	b := u64(append(relRevPrefix(r.Dst), byte(r.Type)), uint64(r.Src))
	return append(b, r.Label...)
}

func unitPrefix(unit string) []byte {
	return append(append([]byte{pfxUnitNum}, keyString(unit)...), 0)
}

// unitNumKey and numKey index a NUMBER entity (not each of its mentions)
// by its value, with and without its unit: an entity's value and unit are
// set once, so the keys are written with its record and deleted with it.
func unitNumKey(unit string, v float64, e EntityID) []byte {
	return u64(u64(unitPrefix(unit), encodeFloat(v)), uint64(e))
}

func numKey(v float64, e EntityID) []byte {
	return u64(u64([]byte{pfxNum}, encodeFloat(v)), uint64(e))
}

// numIndexKeys returns the number index keys of entity id with record r:
// none unless it is a NUMBER with a value.
func numIndexKeys(id EntityID, r *entRec) [][]byte {
	if r == nil || r.Kind != KindNumber || r.Value == nil {
		return nil
	}
	return [][]byte{numKey(*r.Value, id), unitNumKey(normUnit(r.Unit), *r.Value, id)}
}

func countersKey() []byte { return []byte{pfxCounter} }

func seqKey(name string) []byte { return append([]byte{pfxSeq}, name...) }

func formatKey() []byte { return []byte{pfxFormat} }

func loadMarkKey() []byte { return []byte{pfxLoad} }

// parsedKey is any key taken apart by parseKey. Only the fields of the key's
// kind are set.
type parsedKey struct {
	Prefix  byte
	Article ArticleID
	Entity  EntityID
	Start   int
	Kind    Kind
	Str     string // external ID, resolution key, word, unit or sequence name
	Rel     relIdent
	Value   float64
	Hash    []byte
}

// parseKey inverts the key builders above. It never panics.
func parseKey(k []byte) (parsedKey, error) {
	if len(k) == 0 {
		return parsedKey{}, fmt.Errorf("%w: empty", errBadKey)
	}
	p := parsedKey{Prefix: k[0]}
	b := k[1:]
	need := func(n int) error {
		if len(b) != n {
			return fmt.Errorf("%w: prefix %q wants %d bytes, has %d", errBadKey, p.Prefix, n, len(b))
		}
		return nil
	}
	be := binary.BigEndian
	switch p.Prefix {
	case pfxArticle, pfxContrib, pfxDocMent:
		if err := need(8); err != nil {
			return p, err
		}
		p.Article = ArticleID(be.Uint64(b))
	case pfxHash:
		if err := need(32); err != nil {
			return p, err
		}
		p.Hash = append([]byte(nil), b...)
	case pfxExternal, pfxSeq:
		p.Str = string(b)
	case pfxEntMent:
		if err := need(16); err != nil {
			return p, err
		}
		p.Entity, p.Article = EntityID(be.Uint64(b)), ArticleID(be.Uint64(b[8:]))
	case pfxEntity, pfxEntCount:
		if err := need(8); err != nil {
			return p, err
		}
		p.Entity = EntityID(be.Uint64(b))
	case pfxKind:
		if err := need(9); err != nil {
			return p, err
		}
		p.Kind, p.Entity = Kind(b[0]), EntityID(be.Uint64(b[1:]))
	case pfxResKey:
		if len(b) < 1 {
			return p, fmt.Errorf("%w: resolution key without kind", errBadKey)
		}
		p.Kind, p.Str = Kind(b[0]), string(b[1:])
	case pfxRel:
		if len(b) < 17 {
			return p, fmt.Errorf("%w: relation key too short", errBadKey)
		}
		p.Rel = relIdent{Type: RelType(b[0]), Src: EntityID(be.Uint64(b[1:])), Dst: EntityID(be.Uint64(b[9:])), Label: string(b[17:])}
	case pfxRelRev:
		if len(b) < 17 {
			return p, fmt.Errorf("%w: reverse relation key too short", errBadKey)
		}
		p.Rel = relIdent{Dst: EntityID(be.Uint64(b)), Type: RelType(b[8]), Src: EntityID(be.Uint64(b[9:])), Label: string(b[17:])}
	case pfxUnitNum:
		i := len(b) - 17
		if i < 0 || b[i] != 0 {
			return p, fmt.Errorf("%w: unit key without terminator", errBadKey)
		}
		p.Str = string(b[:i])
		if strings.IndexByte(p.Str, 0) >= 0 {
			return p, fmt.Errorf("%w: unit contains NUL", errBadKey)
		}
		b = b[i+1:]
		p.Value, p.Entity = decodeFloat(be.Uint64(b)), EntityID(be.Uint64(b[8:]))
	case pfxNum:
		if err := need(16); err != nil {
			return p, err
		}
		p.Value, p.Entity = decodeFloat(be.Uint64(b)), EntityID(be.Uint64(b[8:]))
	case pfxCounter, pfxFormat, pfxLoad:
		if err := need(0); err != nil {
			return p, err
		}
	default:
		return p, fmt.Errorf("%w: unknown prefix %q", errBadKey, p.Prefix)
	}
	return p, nil
}

// buildKey rebuilds a key from its parsed form; buildKey(parseKey(k)) == k.
func buildKey(p parsedKey) []byte {
	switch p.Prefix {
	case pfxArticle:
		return articleKey(p.Article)
	case pfxContrib:
		return contribKey(p.Article)
	case pfxHash:
		return hashKey(p.Hash)
	case pfxExternal:
		return externalKey(p.Str)
	case pfxSeq:
		return seqKey(p.Str)
	case pfxDocMent:
		return docMentionsKey(p.Article)
	case pfxEntMent:
		return entMentionKey(p.Entity, p.Article)
	case pfxEntity:
		return entityKey(p.Entity)
	case pfxEntCount:
		return entCountKey(p.Entity)
	case pfxKind:
		return kindKey(p.Kind, p.Entity)
	case pfxResKey:
		return resKey(p.Kind, p.Str)
	case pfxRel:
		return relKey(p.Rel)
	case pfxRelRev:
		return relRevKey(p.Rel)
	case pfxUnitNum:
		return unitNumKey(p.Str, p.Value, p.Entity)
	case pfxNum:
		return numKey(p.Value, p.Entity)
	case pfxCounter:
		return countersKey()
	case pfxFormat:
		return formatKey()
	case pfxLoad:
		return loadMarkKey()
	}
	return nil
}
