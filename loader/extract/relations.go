package extract

import (
	"strings"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/text"
)

// placeVerbs may take a place as their object.
var placeVerbs = set("withdrew from", "entered", "attacked", "visited", "captured", "recaptured", "annexed",
	"invaded", "struck", "shelled", "bombed", "liberated", "occupied", "retook", "seized", "left",
	"pulled out", "retreated from", "withdrawn from")

// maxCoMentioned caps the entities per sentence that get pairwise
// CO_MENTIONED links (lists of dozens of names would be quadratic).
const maxCoMentioned = 12

// relations derives ROLE, LOCATED_IN, PART_OF, STATED, ACTION and
// CO_MENTIONED relations from the resolved mentions.
func (d *doc) relations() {
	seen := map[graph.LocalRelation]bool{}
	addRel := func(t graph.RelType, label string, src, dst, si int, sp graph.Span) {
		if src < 0 || dst < 0 || src == dst {
			return
		}
		r := graph.LocalRelation{Type: t, Label: label, Source: src, Target: dst, Sentence: si, Span: sp}
		if seen[r] {
			return
		}
		seen[r] = true
		d.out.Relations = append(d.out.Relations, r)
	}
	bySent := make([][]*mention, len(d.sents))
	for _, m := range d.ms {
		if m.ent >= 0 && m.kind != 0 {
			bySent[m.sent] = append(bySent[m.sent], m)
		}
	}
	named := func(m *mention) bool {
		return m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace
	}
	for si, ms := range bySent {
		sp := d.out.Sentences[si]
		// ROLE
		for x, m := range ms {
			if m.kind != graph.KindPerson || m.role == "" && !d.hasRoleAfter(m) {
				continue
			}
			label := m.role
			if label == "" {
				label = d.roleAfterLabel(m)
			}
			dst := -1
			if m.roleOwner != nil && m.roleOwner.kind != 0 {
				dst = m.roleOwner.ent
			}
			after := m.roleOrg == afterOwner
			if dst < 0 && m.roleOrg != "" && !after {
				dst = d.roleOrgEntity(m.roleOrg, label)
			}
			if dst < 0 {
				// nearest organization before the name, else after it
				for k := x - 1; k >= 0 && dst < 0 && !after; k-- {
					if ms[k].kind == graph.KindOrg {
						dst = ms[k].ent
					}
				}
				for k := x + 1; k < len(ms) && dst < 0 && (m.role == "" || after); k++ {
					if ms[k].kind == graph.KindOrg || after && ms[k].kind == graph.KindPlace {
						dst = ms[k].ent
					}
				}
			}
			addRel(graph.RelRole, label, m.ent, dst, si, sp)
		}
		// LOCATED_IN: "A, in the B region", "A ... in B", "A, B"
		for x, a := range ms {
			if a.kind != graph.KindPlace {
				continue
			}
			if _, country := d.country(d.tokText(a.first, a.last)); country {
				continue
			}
			for y := x + 1; y < len(ms); y++ {
				b := ms[y]
				if b.kind == graph.KindPlace {
					if b.last-a.first > 0 && b.first-a.last <= 15 && d.locatedCue(a, b) && d.biggerPlace(b) {
						addRel(graph.RelLocatedIn, "located in", a.ent, b.ent, si, sp)
					}
					break
				}
			}
			// "the west bank of the Dnipro, which includes Kherson city"
			if side := d.bankOf(a.first); side != "" {
				for y := x + 1; y < len(ms); y++ {
					b := ms[y]
					if b.kind == graph.KindPlace && b.first-a.last <= 8 && d.hasWordBetween(a.last, b.first, "where", "which", "including", "includes") {
						addRel(graph.RelLocatedIn, "located on "+side+" bank of", b.ent, a.ent, si, sp)
						break
					}
				}
			}
		}
		// STATED and ACTION
		for x, a := range ms {
			if !named(a) {
				continue
			}
			if verb, ok := d.speechAfter(a); ok {
				qs := d.quoteSpan(si)
				for _, b := range ms {
					if b != a && named(b) && b.ent != a.ent {
						addRel(graph.RelStated, verb, a.ent, b.ent, si, qs)
					}
				}
			}
			for y := x + 1; y < len(ms); y++ {
				b := ms[y]
				if !named(b) {
					continue
				}
				if verb := d.actionBetween(a.last, b.first); verb != "" && (b.kind != graph.KindPlace || placeVerbs[verb]) && a.kind != graph.KindPlace {
					addRel(graph.RelAction, verb, a.ent, b.ent, si, sp)
				}
				break
			}
		}
		// CO_MENTIONED
		var ents []int
		for _, m := range ms {
			if named(m) && !containsInt(ents, m.ent) && len(ents) < maxCoMentioned {
				ents = append(ents, m.ent)
			}
		}
		for a := 0; a < len(ents); a++ {
			for b := a + 1; b < len(ents); b++ {
				addRel(graph.RelCoMentioned, "", ents[a], ents[b], si, sp)
			}
		}
	}
	// PART_OF from names: "the Main Intelligence Directorate of the Defence
	// Ministry" is part of the defence ministry the article names, or, if it
	// names none or several countries' ones, of a "Defence Ministry" entity
	// of its own.
	for _, e := range d.ents {
		if e.kind != graph.KindOrg || len(e.core) >= len(e.words) || len(e.ms) == 0 || e.ms[0].ent < 0 {
			continue
		}
		rest := e.words[len(e.core)+1:]
		if len(rest) > 0 && rest[0] == "the" {
			rest = rest[1:]
		}
		if len(rest) == 0 || !orgHeads[titleWords(rest[len(rest)-1])] {
			continue
		}
		own := e.country
		if own == "" {
			own = e.partOf
		}
		countries := map[string]bool{}
		var cands []*localEnt
		for _, o := range d.ents {
			if o != e && o.kind == graph.KindOrg && len(o.ms) > 0 && o.ms[0].ent >= 0 && containsAll(o.core, rest) &&
				len(o.core) == len(rest) && (own == "" || o.country == "" || o.country == own) {
				cands = append(cands, o)
				countries[o.country] = true
			}
		}
		dst := -1
		if len(countries) == 1 {
			if t := bestOrg(cands, e.ms[0].first, func(*localEnt) bool { return true }); t != nil {
				dst = t.ms[0].ent
			}
		}
		if dst < 0 {
			name, key := titleWords(strings.Join(rest, " ")), strings.Join(rest, " ")
			if own != "" {
				name = strings.TrimSpace(demonymOf(own) + " " + name)
				key = strings.ToLower(own) + " " + key
			}
			d.out.Entities = append(d.out.Entities, graph.LocalEntity{
				Kind: graph.KindOrg, Name: name, Keys: []string{key},
			})
			dst = len(d.out.Entities) - 1
		}
		m := e.ms[0]
		for _, x := range e.ms {
			if x.last-x.first > m.last-m.first {
				m = x
			}
		}
		addRel(graph.RelPartOf, "part of", e.ms[0].ent, dst, m.sent, d.out.Sentences[m.sent])
	}
	// PART_OF from descriptions: "Ukraine's defense intelligence agency"
	for _, e := range d.ents {
		if e.partOf == "" || len(e.ms) == 0 || e.ms[0].ent < 0 {
			continue
		}
		if dst := d.placeEntity(e.partOf); dst >= 0 {
			var m *mention
			for _, x := range d.ms {
				if x.ent == e.ms[0].ent && x.descriptor {
					m = x
					break
				}
			}
			if m == nil {
				m = e.ms[0]
			}
			addRel(graph.RelPartOf, e.partLbl, e.ms[0].ent, dst, m.sent, d.out.Sentences[m.sent])
		}
	}
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// placeEntity returns the entity index of the country named c, or -1.
func (d *doc) placeEntity(c string) int {
	for i, e := range d.out.Entities {
		if e.Kind == graph.KindPlace && e.Name == c {
			return i
		}
	}
	return -1
}

// roleOrgEntity finds the organization or country a role belongs to:
// "Russian" + "defense minister" -> the Russian Defense Ministry if the
// article names it, else Russia.
func (d *doc) roleOrgEntity(owner, label string) int {
	if strings.HasSuffix(label, "minister") && label != "minister" && label != "prime minister" {
		want := normWord(strings.Fields(label)[0])
		for _, e := range d.ents {
			if e.kind == graph.KindOrg && e.country == owner && contains(e.words, want) && contains(e.words, "ministry") && len(e.ms) > 0 && e.ms[0].ent >= 0 {
				return e.ms[0].ent
			}
		}
	}
	if i := d.placeEntity(owner); i >= 0 {
		return i
	}
	for i, e := range d.out.Entities {
		if e.Kind == graph.KindOrg && strings.EqualFold(e.Name, owner) {
			return i
		}
	}
	if _, ok := d.g.countries[d.fold(owner)]; ok {
		// "Russian Defense Minister X" in an article that never names
		// Russia: the country is a relation end without a mention.
		d.out.Entities = append(d.out.Entities, graph.LocalEntity{
			Kind: graph.KindPlace, Name: owner, Keys: []string{d.fold(owner)},
		})
		return len(d.out.Entities) - 1
	}
	return -1
}

func (d *doc) hasRoleAfter(m *mention) bool { return d.roleAfterLabel(m) != "" }

// roleAfterLabel returns the role in apposition after a person: "X,
// commander-in-chief of ...".
func (d *doc) roleAfterLabel(m *mention) string {
	k := m.last
	if d.tok(k) != "," {
		return ""
	}
	k++
	if w := d.lower(k); w == "the" || w == "a" || w == "an" {
		k++
	}
	for n := 0; n < 3 && k < len(d.toks) && d.sentOf[k] == m.sent; n, k = n+1, k+1 {
		if roleWords[d.lower(k)] {
			return d.lower(k)
		}
		if d.toks[k].Shape != text.ShapeLower {
			break
		}
	}
	return ""
}

// locatedCue reports whether the words between places a and b say that a
// lies in b.
func (d *doc) locatedCue(a, b *mention) bool {
	between := b.first - a.last
	if between == 1 && d.tok(a.last) == "," {
		return true
	}
	k := b.first - 1
	if d.lower(k) == "the" {
		k--
	}
	return k >= a.last && d.lower(k) == "in" && between <= 15
}

// biggerPlace reports whether m can contain other places: a country, a
// region, or a place with a head word.
func (d *doc) biggerPlace(m *mention) bool {
	if m.region {
		return true
	}
	if _, ok := d.country(d.tokText(m.first, m.last)); ok {
		return true
	}
	return false
}

// bankOf returns "west" for "the west bank of [the] X" ending before i.
func (d *doc) bankOf(i int) string {
	k := i - 1
	if d.lower(k) == "the" {
		k--
	}
	if d.lower(k) != "of" || d.lower(k-1) != "bank" {
		return ""
	}
	switch s := d.lower(k - 2); s {
	case "west", "east", "left", "right", "western", "eastern", "north", "south", "northern", "southern":
		return s
	}
	return "the"
}

func (d *doc) hasWordBetween(i, j int, ws ...string) bool {
	for k := i; k < j; k++ {
		for _, w := range ws {
			if d.lower(k) == w {
				return true
			}
		}
	}
	return false
}

// speechAfter reports a speech verb right after mention a ("X said"), or
// right before it ("said X"), or "according to X".
func (d *doc) speechAfter(a *mention) (string, bool) {
	k := a.last
	if w := d.lower(k); speechVerbs[w] && w != "according" {
		return w, true
	}
	if w := d.lower(k + 1); (d.lower(k) == "has" || d.lower(k) == "had" || d.lower(k) == "have") && speechVerbs[w] {
		return w, true
	}
	if w := d.lower(a.first - 1); a.kind == graph.KindPerson && a.first > 0 && speechVerbs[w] && w != "according" {
		return w, true
	}
	if d.lower(a.first-1) == "to" && d.lower(a.first-2) == "according" {
		return "according to", true
	}
	return "", false
}

// quoteSpan returns the first quotation in sentence si, or the sentence.
func (d *doc) quoteSpan(si int) graph.Span {
	s := d.sents[si]
	open := -1
	for k := s.First; k < s.Last; k++ {
		w := text.Norm(d.toks[k].Text)
		if w != "\"" {
			continue
		}
		if open < 0 {
			open = k
			continue
		}
		if k > open+1 {
			return graph.Span{Start: d.toks[open].CStart, End: d.toks[k].CEnd}
		}
		open = -1
	}
	return graph.Span{Start: s.CStart, End: s.CEnd}
}

// actionBetween returns the action verb (with a particle) between tokens i
// and j, if the gap is short.
func (d *doc) actionBetween(i, j int) string {
	if j-i > 8 || j <= i {
		return ""
	}
	for k := i; k < j; k++ {
		w := d.lower(k)
		if actionVerbs[w] {
			if p := d.lower(k + 1); k+1 < j && (p == "from" || p == "to" || p == "into" || p == "out" || p == "with") {
				return w + " " + p
			}
			return w
		}
	}
	return ""
}
