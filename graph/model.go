// Package graph is newsgraph's domain: articles, entities, mentions and
// relations, and the Badger-backed Store that keeps them.
//
// The loader turns text into a Doc (one article with what was extracted from
// it, entities local to that article); Store.AddDoc resolves the local
// entities against the graph and writes the whole article in one
// transaction. The schema package reads the graph through the Store's read
// methods. graph imports the standard library and Badger, nothing else from
// this module.
package graph

import (
	"errors"
	"strings"
	"time"
)

// ArticleID identifies a stored article. IDs are allocated by the Store; 0
// means "none".
type ArticleID uint64

// EntityID identifies a resolved entity node. IDs are allocated by the
// Store; 0 means "none".
type EntityID uint64

// Kind is an entity's type.
type Kind uint8

// The entity kinds. The zero Kind is invalid.
const (
	KindPerson Kind = iota + 1
	KindOrg
	KindPlace
	KindNumber
	KindDate
	kindEnd
)

var kindNames = [...]string{"", "PERSON", "ORGANIZATION", "PLACE", "NUMBER", "DATE"}

// Kinds lists every valid Kind in order.
func Kinds() []Kind { return []Kind{KindPerson, KindOrg, KindPlace, KindNumber, KindDate} }

// String returns the kind's GraphQL enum name, e.g. "PERSON".
func (k Kind) String() string {
	if k == 0 || k >= kindEnd {
		return "INVALID"
	}
	return kindNames[k]
}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return k > 0 && k < kindEnd }

// ParseKind parses a kind name as String returns it; it also accepts the
// synonyms PER, ORG, LOC, LOCATION and GPE. It is case-insensitive.
func ParseKind(s string) (Kind, bool) {
	switch strings.ToUpper(s) {
	case "PERSON", "PER":
		return KindPerson, true
	case "ORGANIZATION", "ORGANISATION", "ORG":
		return KindOrg, true
	case "PLACE", "LOC", "LOCATION", "GPE":
		return KindPlace, true
	case "NUMBER", "QUANTITY":
		return KindNumber, true
	case "DATE":
		return KindDate, true
	}
	return 0, false
}

// RelType is a relation's kind. The zero RelType is invalid.
type RelType uint8

// The relation kinds. RelCoMentioned is the weak "same sentence" link; it is
// kept apart from the typed kinds.
const (
	RelRole        RelType = iota + 1 // person holds a role with an organization or country
	RelLocatedIn                      // place lies in place
	RelPartOf                         // organization is part of organization or country
	RelStated                         // person or organization said something (target: what it is about)
	RelAction                         // other verb-mediated relation; Label holds the verb
	RelCoMentioned                    // both named in one sentence
	relEnd
)

var relNames = [...]string{"", "ROLE", "LOCATED_IN", "PART_OF", "STATED", "ACTION", "CO_MENTIONED"}

// RelTypes lists every valid RelType in order.
func RelTypes() []RelType {
	return []RelType{RelRole, RelLocatedIn, RelPartOf, RelStated, RelAction, RelCoMentioned}
}

// String returns the relation type's GraphQL name, e.g. "LOCATED_IN".
func (t RelType) String() string {
	if t == 0 || t >= relEnd {
		return "INVALID"
	}
	return relNames[t]
}

// Valid reports whether t is one of the defined relation types.
func (t RelType) Valid() bool { return t > 0 && t < relEnd }

// ParseRelType parses a relation type name as String returns it.
func ParseRelType(s string) (RelType, bool) {
	for i, n := range relNames {
		if i > 0 && strings.EqualFold(n, s) {
			return RelType(i), true
		}
	}
	return 0, false
}

// Span is a half-open range [Start, End) of Unicode code-point offsets into
// an article's text.
type Span struct{ Start, End int }

// Len returns the number of code points in the span.
func (s Span) Len() int { return s.End - s.Start }

// Article is one loaded news article. Text is exactly the text that was
// loaded; every offset in the graph is a code-point offset into it.
type Article struct {
	ID         ArticleID
	ExternalID string
	URL        string
	Title      string
	Outlet     string
	Published  time.Time // zero when unknown
	Text       string
	Hash       string // hex SHA-256 of Text; identical text is stored once
	Loaded     time.Time
}

// Doc is one article with everything the loader extracted from it: the unit
// that Store.AddDoc writes in one transaction. Entities are local to the
// article; mentions and relations refer to them by index.
type Doc struct {
	Article   Article
	Sentences []Span
	Entities  []LocalEntity
	Mentions  []LocalMention
	Relations []LocalRelation
}

// LocalEntity is an entity as the loader resolved it inside one article.
type LocalEntity struct {
	Kind    Kind
	Name    string   // the fullest name the article uses
	Aliases []string // every surface form the article uses
	// Keys are normalized resolution keys, most specific first. The Store
	// merges the local entity into the existing entity of the same Kind
	// that is the only holder of one of its keys, trying keys in order, and
	// records the key that decided the merge. A key shared by several
	// entities is ambiguous and skipped.
	Keys []string
	// Number entities: the value and the normalized counted thing.
	Value *float64
	Unit  string
	// Date entities: an ISO 8601 value (YYYY, YYYY-MM or YYYY-MM-DD).
	ISO string
}

// LocalMention is one occurrence of a local entity in the article text.
type LocalMention struct {
	Entity    int  // index into Doc.Entities
	Span      Span // code points; Article.Text[Span] == Text
	Text      string
	Sentence  int    // index into Doc.Sentences
	Qualifier string // numbers: "about", "more than", ... ; empty otherwise
}

// LocalRelation is one relation stated in one sentence of the article.
type LocalRelation struct {
	Type     RelType
	Label    string // the role or relation words, e.g. "defense minister", "told"
	Source   int    // index into Doc.Entities
	Target   int    // index into Doc.Entities
	Sentence int    // index into Doc.Sentences
	Span     Span   // the evidence: the sentence, or the quotation/claim inside it
}

// Entity is a resolved node of the graph.
type Entity struct {
	ID           EntityID
	Kind         Kind
	Name         string
	Aliases      []string // every surface form seen, first-seen order
	Value        *float64 // NUMBER
	Unit         string   // NUMBER
	ISO          string   // DATE
	MentionCount int      // exact, over all articles
	ArticleCount int      // exact
	Merges       []Merge  // why local entities were merged into this node: each name and key once, with the first article (at most 20)
}

// Merge records why a local entity of an article was resolved into an
// existing entity node.
type Merge struct {
	Article ArticleID
	Name    string // the local entity's name
	Key     string // the resolution key that decided it
}

// Mention is a stored occurrence of an entity.
type Mention struct {
	Article   ArticleID
	Entity    EntityID
	Span      Span // code points into the article's text
	Text      string
	Sentence  Span // the sentence containing the mention, code points
	Qualifier string
}

// Relation is an aggregated relation between two entities: every article
// sentence stating it contributes one Evidence.
type Relation struct {
	Type     RelType
	Label    string
	Source   EntityID
	Target   EntityID
	Evidence []Evidence
	// Counts of distinct supporting sentences, articles and outlets.
	Sentences, Articles, Outlets int
}

// Evidence is one sentence that supports a relation.
type Evidence struct {
	Article  ArticleID
	Sentence Span // the whole sentence, code points
	Span     Span // the evidence proper (sentence or quotation), code points
}

// Errors returned by the Store. Callers test them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrLocked   = errors.New("database is in use by another process")
)
