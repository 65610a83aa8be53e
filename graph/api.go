package graph

import "time"

// Page asks for one page of a list: up to First items after the opaque
// cursor After ("" for the first page). Cursors come from List.Cursors.
type Page struct {
	After string
	First int
}

// List is one page of a list. Cursors[i] is the opaque cursor of Items[i];
// passing it as Page.After continues after that item. Total counts every item
// of the whole list (all pages), not just this page.
type List[T any] struct {
	Items   []T
	Cursors []string
	HasNext bool
	Total   int
}

// AddStatus says what Store.AddDoc did with an article.
type AddStatus uint8

// The outcomes of AddDoc.
const (
	StatusCreated   AddStatus = iota + 1 // a new article was stored
	StatusUnchanged                      // the same text was already stored: nothing was written
	StatusReplaced                       // the external ID existed with other text: the old version was replaced
)

// String returns "created", "unchanged" or "replaced".
func (s AddStatus) String() string {
	switch s {
	case StatusCreated:
		return "created"
	case StatusUnchanged:
		return "unchanged"
	case StatusReplaced:
		return "replaced"
	}
	return "invalid"
}

// AddResult is what AddDoc reports for one article.
type AddResult struct {
	Article ArticleID
	Status  AddStatus
}

// ArticleFilter narrows Store.Articles. Zero fields do not filter.
type ArticleFilter struct {
	Outlet          string    // exact, case-insensitive
	PublishedAfter  time.Time // inclusive
	PublishedBefore time.Time // exclusive
	Search          string    // words that must all occur in title or text, case-insensitive
}

// EntityFilter narrows Store.Entities. Zero fields do not filter.
type EntityFilter struct {
	Kind   Kind
	Search string // ranked, fuzzy: see Store.Entities
}

// NumberFilter narrows Store.Numbers. Zero fields do not filter.
type NumberFilter struct {
	Unit     string // normalized unit, e.g. "people"; matched as Entity.Unit is
	Min, Max *float64
}

// Neighbor is an entity reached from another by relations.
type Neighbor struct {
	Entity EntityID
	Depth  int      // 1 for a direct neighbour
	Via    EntityID // the entity one hop closer to the start (the start itself at depth 1)
	// The link from Via to Entity: how many distinct sentences and articles
	// support any relation between them, and the relation types seen.
	Sentences, Articles int
	Types               []RelType
}

// Hop is one step of a path: the relation that links From to To.
type Hop struct {
	From, To EntityID
	Relation Relation
}

// Stats are the graph's totals.
type Stats struct {
	Articles, Entities, Mentions, Relations int
}

// Conflict is a pair of statements about one entity that disagree: two
// different numbers given for the same counted thing ("number"), or a
// claim and its denial ("opposition"). A and B are the two statements.
// The schema serves Query.conflicts when the Store has a method
// Conflicts(ctx, EntityID) ([]Conflict, error).
type Conflict struct {
	Kind        string // "number" or "opposition"
	Description string
	A, B        Evidence
}
