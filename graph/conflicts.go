package graph

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// maxConflicts caps the conflicts Conflicts returns.
const maxConflicts = 50

// denyWords mark a STATED label as a denial; any other STATED label asserts.
var denyWords = []string{"deny", "denied", "denies", "denying", "reject", "rejected", "rejects",
	"dismiss", "dismissed", "dismisses", "refute", "refuted", "refutes", "disputed", "disputes", "contradicted"}

func isDenial(label string) bool {
	for _, w := range strings.Fields(label) {
		for _, d := range denyWords {
			if w == d {
				return true
			}
		}
	}
	return false
}

// Conflicts returns statements about an entity that disagree, at most 50:
//
//   - "number": the entity is linked (by any relation) to two NUMBER
//     entities with the same unit and values more than 1% apart, in
//     different articles; A and B are the first evidence of each link;
//   - "opposition": one source both asserts and denies (STATED labels with
//     and without a denial verb such as "denied" or "rejected") about the
//     same target, with the entity at either end.
func (s *Store) Conflicts(ctx context.Context, id EntityID) ([]Conflict, error) {
	out := []Conflict{}
	err := s.view(func(txn *badger.Txn) error {
		self, err := getEntity(txn, id)
		if err != nil {
			return err
		}
		ids, err := relIdentsOf(ctx, txn, id, nil)
		if err != nil {
			return err
		}
		type numLink struct {
			value float64
			unit  string
			ev    Evidence
		}
		byUnit := map[string][]numLink{}
		var units []string
		stated := map[[2]EntityID][]Relation{}
		var pairs [][2]EntityID
		for _, ri := range ids {
			if err := ctx.Err(); err != nil {
				return err
			}
			other := ri.Dst
			if other == id {
				other = ri.Src
			}
			r, err := getRelation(txn, ri)
			if err != nil {
				return err
			}
			if ri.Type == RelStated {
				k := [2]EntityID{ri.Src, ri.Dst}
				if _, ok := stated[k]; !ok {
					pairs = append(pairs, k)
				}
				stated[k] = append(stated[k], r)
			}
			o, err := getEntity(txn, other)
			if err != nil {
				return fmt.Errorf("entity %d: %w", other, err)
			}
			if o.Kind != KindNumber || o.Value == nil || len(r.Evidence) == 0 {
				continue
			}
			u := normUnit(o.Unit)
			if _, ok := byUnit[u]; !ok {
				units = append(units, u)
			}
			byUnit[u] = append(byUnit[u], numLink{value: *o.Value, unit: o.Unit, ev: r.Evidence[0]})
		}
		// one conflict per pair of values and articles, however many
		// relations (labels) link the entity to the two numbers
		type numPair struct {
			a, b   float64
			aa, ba ArticleID
		}
		seenPair := map[numPair]bool{}
		for _, u := range units {
			ls := byUnit[u]
			sort.SliceStable(ls, func(i, j int) bool { return ls[i].value < ls[j].value })
			for i := 0; i < len(ls) && len(out) < maxConflicts; i++ {
				for j := i + 1; j < len(ls) && len(out) < maxConflicts; j++ {
					a, b := ls[i], ls[j]
					if a.ev.Article == b.ev.Article || !differ(a.value, b.value) {
						continue
					}
					if k := (numPair{a.value, b.value, a.ev.Article, b.ev.Article}); seenPair[k] {
						continue
					} else {
						seenPair[k] = true
					}
					out = append(out, Conflict{Kind: "number", A: a.ev, B: b.ev,
						Description: fmt.Sprintf("%s: %s %s vs %s %s", self.Name, fmtNum(a.value), a.unit, fmtNum(b.value), b.unit)})
				}
			}
		}
		for _, k := range pairs {
			var assert, deny *Relation
			for i, r := range stated[k] {
				if len(r.Evidence) == 0 {
					continue
				}
				if isDenial(r.Label) {
					deny = &stated[k][i]
				} else {
					assert = &stated[k][i]
				}
			}
			if assert == nil || deny == nil || len(out) >= maxConflicts {
				continue
			}
			src, err := getEntity(txn, k[0])
			if err != nil {
				return fmt.Errorf("entity %d: %w", k[0], err)
			}
			dst, err := getEntity(txn, k[1])
			if err != nil {
				return fmt.Errorf("entity %d: %w", k[1], err)
			}
			out = append(out, Conflict{Kind: "opposition", A: assert.Evidence[0], B: deny.Evidence[0],
				Description: fmt.Sprintf("%s %s and %s about %s", src.Name, assert.Label, deny.Label, dst.Name)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: conflicts of entity %d: %w", id, err)
	}
	return out, nil
}

// differ reports whether two values differ by more than 1% of the larger.
func differ(a, b float64) bool {
	return math.Abs(a-b) > 0.01*math.Max(math.Abs(a), math.Abs(b))
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}
