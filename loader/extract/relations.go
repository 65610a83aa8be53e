package extract

import (
	"slices"
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
	if d.sc.seenRel == nil {
		d.sc.seenRel = make(map[graph.LocalRelation]bool, 64)
	}
	seen := d.sc.seenRel
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
	// The resolved mentions of each sentence, in d.ms order: counted per
	// sentence first, then appended into one reused array, each sentence's
	// slice holding exactly its own.
	sc := d.sc
	off := grow(sc.sentN, len(d.sents)+1)
	for _, m := range d.ms {
		if m.ent >= 0 && m.kind != 0 {
			off[m.sent+1]++
		}
	}
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	flat := grow(sc.sentMs, off[len(d.sents)])
	bySent := grow(sc.bySent, len(d.sents))
	for si := range bySent {
		bySent[si] = flat[off[si]:off[si]:off[si+1]]
	}
	for _, m := range d.ms {
		if m.ent >= 0 && m.kind != 0 {
			bySent[m.sent] = append(bySent[m.sent], m)
		}
	}
	sc.sentN, sc.sentMs, sc.bySent = off, flat, bySent
	type speaker struct{ ent, sent int }
	lastSpeaker := map[graph.Kind]speaker{}
	named := func(m *mention) bool {
		return m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace
	}
	// The CO_MENTIONED pairs below, counted first: the relations are
	// allocated once for them and, as a margin for the other relations
	// (fewer than the entities in all but 1 of 3,000 news articles), one a
	// local entity, instead of growing by doubling.
	pairs := 0
	var ents []int
	for _, ms := range bySent {
		ents = coMentioned(ents[:0], ms)
		pairs += len(ents) * (len(ents) - 1) / 2
	}
	if pairs > 0 { // (without pairs, a document with no relations keeps a nil list)
		d.out.Relations = slices.Grow(d.out.Relations, pairs+len(d.ents))
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
				for k := x - 1; k >= 0 && dst < 0 && !after && !d.quoteBetween(ms[k].last, m.first); k-- {
					if ms[k].kind == graph.KindOrg {
						dst = ms[k].ent
					}
				}
				for k := x + 1; k < len(ms) && dst < 0 && (m.role == "" || after) && !d.quoteBetween(m.last, ms[k].first); k++ {
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
		// STATED: the speaker -> each name and number of its claim
		stated := func(a *mention, verb string, vk int) {
			cs, ce := d.claim(a, verb, vk, ms)
			if cs >= ce {
				return
			}
			qs := d.quoteSpan(si)
			for _, b := range ms {
				if b != a && b.ent != a.ent && b.first >= cs && b.last <= ce && (named(b) || b.kind == graph.KindNumber) &&
					!d.topicName(b) {
					addRel(graph.RelStated, verb, a.ent, b.ent, si, qs)
				}
			}
			lastSpeaker[a.kind] = speaker{a.ent, si}
		}
		spoke := false
		for _, a := range ms {
			if named(a) {
				if verb, vk, ok := d.speechOf(a); ok {
					stated(a, verb, vk)
					spoke = true
				}
			}
		}
		if !spoke {
			// "It said ...", "He told ...": the last speaker of that kind
			// within the three sentences before.
			// Else the only name of that kind in the sentence before.
			if p, verb, vk, kind := d.pronounSpeech(si); p >= 0 {
				ent := -1
				if sp, ok := lastSpeaker[kind]; ok && si-sp.sent <= 3 {
					ent = sp.ent
				} else if si > 0 {
					for _, m := range bySent[si-1] {
						if m.kind == kind && ent != m.ent {
							if ent >= 0 {
								ent = -1
								break
							}
							ent = m.ent
						}
					}
				}
				if ent >= 0 {
					stated(d.newMention(mention{first: p, last: p + 1, kind: kind, sent: si, ent: ent}), verb, vk)
				}
			}
		}
		// ACTION: subject -> the next name when a verb from a general list
		// follows the subject directly
		for x, a := range ms {
			if !named(a) || a.kind == graph.KindPlace {
				continue
			}
			for y := x + 1; y < len(ms); y++ {
				b := ms[y]
				if !named(b) {
					continue
				}
				if verb := d.actionBetween(a.last, b.first); verb != "" && (b.kind != graph.KindPlace || placeVerbs.has(verb)) {
					addRel(graph.RelAction, verb, a.ent, b.ent, si, sp)
				}
				break
			}
		}
		// CO_MENTIONED
		ents = coMentioned(ents[:0], ms)
		// The entities of ents are distinct and no other rule adds this
		// type, so no pair repeats and seen need not hold them.
		for a := 0; a < len(ents); a++ {
			for b := a + 1; b < len(ents); b++ {
				d.out.Relations = append(d.out.Relations, graph.LocalRelation{Type: graph.RelCoMentioned,
					Source: ents[a], Target: ents[b], Sentence: si, Span: sp})
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
		if len(rest) == 0 || !orgHeads.has(titleWords(rest[len(rest)-1])) {
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
		if dst < 0 && len(rest) == 1 {
			continue // "Joint Chiefs of Staff": a head word alone names nothing
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

// coMentioned appends to dst the distinct named entities (people,
// organizations, places) of a sentence's mentions, at most maxCoMentioned:
// those that get CO_MENTIONED pairs.
func coMentioned(dst []int, ms []*mention) []int {
	for _, m := range ms {
		if (m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace) &&
			!containsInt(dst, m.ent) && len(dst) < maxCoMentioned {
			dst = append(dst, m.ent)
		}
	}
	return dst
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
		if roleWords.has(d.lower(k)) {
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
	if k < a.last || d.lower(k) != "in" || between > 15 {
		return false
	}
	// "X, a village ... in B" (apposition), else at most two lower-case
	// words between: "the Y fields in B", not "Y from interests in B"
	if d.tok(a.last) == "," {
		return true
	}
	if k-a.last > 2 {
		return false
	}
	for j := a.last; j < k; j++ {
		if d.toks[j].Shape != text.ShapeLower || notSubject.has(d.lower(j)) {
			return false
		}
	}
	return true
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

// speechDets may stand between "according to" and its source, or before a
// speaker's name.
var speechDets = set("the", "its", "his", "her", "their", "a", "an", "our")

// notSubject are prepositions: a name right after one is not the subject
// of the verb after it ("officials responsible for Ukraine said").
var notSubject = set("of", "for", "in", "from", "to", "with", "by", "against", "on", "at", "about", "into",
	"over", "near", "toward", "towards", "between", "among", "than", "via")

// claimAfterStops join the clause of another speaker: "... as Ukraine claims".
var claimAfterStops = set(",", "as", "while", "and", "but", "whereas", "although", "though", "when", "after", "before")

// addresseeVerbs take the listener as their object ("told reporters"): their
// claim is only what follows "that".
var addresseeVerbs = set("told", "tells", "urged", "warned", "warns", "asked", "accused", "informed", "assured")

var relPronouns = set("which", "who", "whose", "whom", "where")

var speechAux = set("has", "had", "have", "also", "later", "earlier", "again", "then", "reportedly", "repeatedly")

// speechOf finds the speech verb whose speaker is a: "X said", "X has said",
// "said X" (persons), "according to X". vk is the verb's token ("according"
// for "according to").
func (d *doc) speechOf(a *mention) (verb string, vk int, ok bool) {
	k := a.first - 1
	for n := 0; n < 2 && k >= 0 && speechDets.has(d.lower(k)); n++ {
		k--
	}
	if d.lower(k) == "to" && d.lower(k-1) == "according" && d.sentOf[k-1] == a.sent {
		return "according to", k - 1, true
	}
	if notSubject.has(d.lower(k)) {
		return "", 0, false
	}
	k = a.last
	if d.tok(k) == "," && d.sentOf[k] == a.sent {
		// "Russia's commander, X, told ...", "X, commander of Y, said ..."
		v := k + 1
		if speechAux.has(d.lower(v)) {
			v++
		}
		switch {
		case d.tok(a.first-1) == "," && speechVerbs.has(d.lower(v)):
			k++
		case k+1 < len(d.toks) && d.toks[k+1].Shape == text.ShapeLower:
			for j := k + 2; j < k+12 && j < len(d.toks) && d.sentOf[j] == a.sent && d.tok(j) != "\""; j++ {
				if d.tok(j) == "," {
					k = j + 1
					break
				}
			}
		}
	}
	if speechAux.has(d.lower(k)) && d.sentOf[k] == a.sent {
		k++
	}
	if w := d.lower(k); speechVerbs.has(w) && w != "according" && d.sentOf[k] == a.sent {
		return w, k, true
	}
	if w := d.lower(a.first - 1); a.kind == graph.KindPerson && a.first > 0 && speechVerbs.has(w) && w != "according" &&
		d.sentOf[a.first-1] == a.sent {
		return w, a.first - 1, true
	}
	return "", 0, false
}

// phraseStart returns the first token of the noun phrase that ends with
// mention a: determiners, a possessor ("Ukraine's") and capitalized titles
// before the name.
func (d *doc) phraseStart(a *mention) int {
	first := d.sents[a.sent].First
	k := a.first
	for n := 0; n < 6 && k > first; n++ {
		w, t := d.lower(k-1), d.toks[k-1]
		if speechDets.has(w) || w == "'s" || roleWords.has(w) || t.Shape == text.ShapeTitle || t.Shape == text.ShapeUpper {
			k--
			continue
		}
		break
	}
	return k
}

// claim returns the tokens [cs, ce) of what speaker a states with the
// speech verb at vk: the words after the verb up to the clause of another
// speaker ("X said CLAIM as Y claims ..."), from "that" on when the verb
// first names a listener or circumstances ("told Y on Wednesday that ...");
// else, when nothing that could be a claim follows, the words before the
// speaker ("CLAIM, X said on Friday", "\"...\" said X, from Z").
func (d *doc) claim(a *mention, verb string, vk int, ms []*mention) (cs, ce int) {
	s := d.sents[a.sent]
	ps, pe := d.phraseStart(a), vk+1
	if verb == "according to" || vk < a.first {
		ps, pe = vk, a.last
	}
	if cs, ce = d.claimAfter(a, verb, pe, ms); cs < ce {
		return cs, ce
	}
	if d.tok(a.first-1) == "," && d.tok(a.last) == "," && vk > a.last && vk <= a.last+2 {
		return 0, 0 // ", X, said": the words before name the speaker
	}
	if p := d.tok(ps - 1); ps-1 > s.First && (p == "," || p == "\"") {
		cs = s.First
		for k := s.First; k < ps-1 && k < s.First+4; k++ {
			if d.tok(k) == ":" {
				cs = k + 1
				break
			}
		}
		return cs, ps - 1
	}
	return 0, 0
}

// claimTime are words of time that may follow a speech verb before the
// claim or instead of it ("said late Thursday", "said on Friday").
var claimTime = set("late", "early", "earlier", "later", "yesterday", "today", "tonight", "last", "this",
	"week", "month", "morning", "afternoon", "evening", "night", "monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", "sunday", "again", "also")

func (d *doc) claimAfter(a *mention, verb string, pe int, ms []*mention) (cs, ce int) {
	s := d.sents[a.sent]
	cs, ce = pe, s.Last
	for _, b := range ms {
		if b == a || b.first < pe || !(b.kind == graph.KindPerson || b.kind == graph.KindOrg || b.kind == graph.KindPlace) {
			continue
		}
		if _, bk, ok := d.speechOf(b); ok {
			ce = min(bk, d.phraseStart(b))
			for ce > cs && claimAfterStops.has(d.lower(ce-1)) {
				ce--
			}
			break
		}
	}
	// ", which owns ...": a relative clause after a comma describes its
	// antecedent in the writer's voice
	for k := cs; k+1 < ce; k++ {
		if d.tok(k) == "," && relPronouns.has(d.lower(k+1)) {
			ce = k
			break
		}
	}
	for k := cs; k < ce && k < cs+12; k++ {
		if w := d.lower(k); w == "that" {
			return k + 1, ce
		} else if w == "," || d.tok(k) == "\"" {
			break
		}
	}
	for cs < ce && claimTime.has(d.lower(cs)) {
		cs++
	}
	if addresseeVerbs.has(verb) || cs >= ce || notSubject.has(d.lower(cs)) || d.toks[cs].Shape == text.ShapePunct {
		return cs, cs
	}
	return cs, ce
}

// topicName reports a name that opens its sentence before a colon or is a
// dateline: "KYIV:", a headline's topic ("Ukraine: Russia says ..."),
// "LONDON (Reuters)".
func (d *doc) topicName(m *mention) bool {
	return m.first == d.sents[m.sent].First && d.tok(m.last) == ":" || d.dateline(m.first, m.last)
}

// pronounSpeech finds "it said", "he told" in sentence si: the pronoun's
// token, the verb and its token, and the kind of speaker it refers to; p
// is -1 if there is none.
func (d *doc) pronounSpeech(si int) (p int, verb string, vk int, kind graph.Kind) {
	s := d.sents[si]
	for k := s.First; k+1 < s.Last; k++ {
		switch d.lower(k) {
		case "it":
			kind = graph.KindOrg
		case "he", "she":
			kind = graph.KindPerson
		default:
			continue
		}
		if prev := d.tok(k - 1); k != s.First && prev != "," && prev != "\"" {
			continue
		}
		v := k + 1
		if speechAux.has(d.lower(v)) && v+1 < s.Last {
			v++
		}
		if w := d.lower(v); speechVerbs.has(w) && w != "according" {
			return k, w, v, kind
		}
	}
	return -1, "", 0, 0
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
		if actionVerbs.has(w) {
			if p := d.lower(k + 1); k+1 < j && (p == "from" || p == "to" || p == "into" || p == "out" || p == "with") {
				return w + " " + p
			}
			return w
		}
		// the subject must come right before its verb: only auxiliaries,
		// adverbs and commas between ("Russia's commander, X, told")
		if w != "," && !actionAux.has(w) && !(strings.HasSuffix(w, "ly") && d.toks[k].Shape == text.ShapeLower) {
			return ""
		}
	}
	return ""
}

var actionAux = set("has", "have", "had", "was", "were", "is", "are", "will", "would", "could", "did", "does",
	"been", "also", "then", "later", "earlier", "never", "already", "reportedly", "again", "not")

// quoteBetween reports a quotation mark among tokens [i, j): a name in a
// quotation is in another voice than a name outside it.
func (d *doc) quoteBetween(i, j int) bool {
	for k := i; k < j; k++ {
		if d.tok(k) == "\"" {
			return true
		}
	}
	return false
}
