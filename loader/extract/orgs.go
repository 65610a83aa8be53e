package extract

import (
	"github.com/newsgraph/newsgraph/loader/ner"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/text"
)

// descHeads are lower-case organization nouns that a description ends with:
// "the defence ministry", "Ukraine's defense intelligence agency".
var descHeads = set("ministry", "agency", "directorate", "service", "forces", "staff", "command", "department")

// descMods qualify a description; one is needed ("the ministry" alone is
// an anaphor).
var descMods = set("defense", "defence", "foreign", "interior", "intelligence", "security", "health",
	"finance", "justice", "emergency", "emergencies", "economy", "economic", "armed", "general", "military",
	"border", "tax", "energy", "education", "culture", "space", "nuclear", "atomic", "environment",
	"agriculture", "transport", "trade", "counterintelligence", "secret", "special", "federal", "state",
	"national")

// anaphorHeads are bare nouns that refer back to a named organization.
var anaphorHeads = set("ministry", "agency", "directorate", "company", "firm", "bank", "party", "group",
	"organisation", "organization", "alliance", "council", "committee", "government")

// findDescriptors finds lower-case organization descriptions and anaphors.
func (d *doc) findDescriptors() {
	for h := range d.toks {
		w := d.lower(h)
		if d.taken[h] || d.toks[h].Shape != text.ShapeLower {
			continue
		}
		if !descHeads.has(w) && !anaphorHeads.has(w) {
			continue
		}
		si := d.sentOf[h]
		st := h
		var mods []string
		for st-1 >= d.sents[si].First && descMods.has(d.lower(st-1)) && !d.taken[st-1] {
			st--
			mods = append([]string{normWord(d.lower(st))}, mods...)
		}
		if w == "forces" && (len(mods) == 0 || mods[len(mods)-1] != "armed") {
			continue
		}
		if w == "staff" && (len(mods) == 0 || mods[len(mods)-1] != "general") {
			continue
		}
		m := d.newMention(mention{first: st, last: h + 1, kind: graph.KindOrg, orgHead: w, mods: mods})
		if len(mods) == 0 {
			if !anaphorHeads.has(w) || !(d.lower(st-1) == "the" || d.lower(st-1) == "its" || d.lower(st-1) == "their") {
				continue
			}
			m.anaphor = true
		} else {
			if !descHeads.has(w) {
				continue
			}
			m.descriptor = true
		}
		// The owner: demonym (taken into the span), possessive, "its", "in X".
		p := st - 1
		if c, ok := demonyms[d.lower(p)]; ok && d.toks[p].Capitalized() && !d.taken[p] {
			m.country = c
			m.first = p
		} else if c, _ := d.possessor(p); c != "" {
			m.country = c
		} else if d.lower(p) == "its" || d.lower(p) == "their" {
			m.country = d.firstCountry(si, p)
		} else if pm := d.ending(st); len(mods) > 0 && pm != nil && pm.kind == graph.KindPlace {
			// "the Gaza health ministry": the place names the ministry
			// with the description (a flat span, as for a demonym).
			if pm.canon != "" {
				m.country, _ = d.country(pm.canon)
			}
			m.first = pm.first
			pm.kind = 0
		}
		if m.country == "" && d.lower(h+1) == "in" {
			if c, end := d.countryOfPlaceAt(h + 2); c != "" {
				// "the defence ministry in Kyiv": the place is part of the name
				m.country = c
				m.last = end
			}
		}
		if m.anaphor && m.country != "" {
			m.anaphor = false
			m.descriptor = true
		}
		d.add(m)
	}
}

// apposOrgNouns head an apposition that says what an organization is:
// "UNRWA, the UN agency for Palestinian refugees". They are the nouns that
// introduce a name (orgCues) or refer back to one (anaphorHeads), and more.
var apposOrgNouns = func() *wordSet {
	s := set("union", "fund", "body", "militia", "movement", "coalition", "federation", "association",
		"institute", "department", "commission", "programme", "program", "club")
	for _, o := range []*wordSet{orgCues, anaphorHeads} {
		for w := range o.m {
			s.add(w)
		}
	}
	return s
}()

// apposStops end an apposition's head noun phrase.
var apposStops = set("of", "for", "in", "at", "on", "with", "and", "or", "that", "which", "who", "whose", "to", "from", "by")

// typeByApposition types as an organization a name that only the tagger
// or a weak rule typed when an apposition after it says it is one: "X,
// the UN agency for refugees, said". The apposition is "the", "a" or
// "an", then up to five words, lower case or names, none possessive nor a
// preposition, ending in an organization noun that ends the phrase.
func (d *doc) typeByApposition() {
	for _, m := range d.ms {
		if !m.weak || m.canon != "" || m.kind != graph.KindPlace && m.kind != graph.KindPerson {
			continue
		}
		if m.kind == graph.KindPerson && m.last-m.first >= 2 && d.g.given[d.lower(m.first)] {
			continue // "Gianni Agnelli, the head of the group"
		}
		k := m.last
		if d.tok(k) != "," || d.sentOf[k] != m.sent {
			continue
		}
		if a := d.lower(k + 1); a != "the" && a != "a" && a != "an" {
			continue
		}
		for n, t := 0, k+2; n < 5 && t < len(d.toks) && d.sentOf[t] == m.sent; n, t = n+1, t+1 {
			w := d.lower(t)
			if !d.toks[t].IsWord() || d.isPossessive(t) || apposStops.has(w) {
				break // "the godfather of the group" is no group
			}
			if d.toks[t].Shape == text.ShapeLower && apposOrgNouns.has(w) {
				if nx := d.lower(t + 1); nx == "," || nx == "." || nx == "for" || nx == "that" || nx == "which" || nx == "based" || nx == "" {
					m.kind, m.weak = graph.KindOrg, false
				}
				break
			}
		}
	}
}

// firstCountry returns the first country named in sentence si before
// token p: the likely owner of "its".
func (d *doc) firstCountry(si, p int) string {
	for _, m := range d.ms {
		if m.sent == si && m.first < p && m.kind == graph.KindPlace && m.canon != "" {
			if c, ok := d.country(m.canon); ok {
				return c
			}
		}
	}
	return ""
}

// countryOfPlaceAt returns the country of the place mention starting at
// token i (a country itself, or a city's country).
func (d *doc) countryOfPlaceAt(i int) (string, int) {
	if d.lower(i) == "the" {
		i++
	}
	for _, m := range d.ms {
		if m.first == i && m.kind == graph.KindPlace {
			if c, ok := d.country(m.canon); ok {
				return c, m.last
			}
			if p, ok := d.lookupPlace(d.tokText(m.first, m.last)); ok {
				if p.Kind == placeCountry {
					return p.Name, m.last
				}
				return p.Country, m.last
			}
		}
	}
	return "", 0
}

// normWord folds spelling variants that name the same thing.
func normWord(w string) string {
	switch w {
	case "defence":
		return "defense"
	case "organisation":
		return "organization"
	case "centre":
		return "center"
	case "programme":
		return "program"
	}
	return w
}

// typeUnknown types capitalized names that had no evidence of their own
// from the rest of the document: a surname of a person named in full, a
// name typed elsewhere, or an item of a list of places.
func (d *doc) typeUnknown() {
	known := map[string]*mention{}
	surnames := map[string]bool{}
	for _, m := range d.ms {
		if m.kind == 0 {
			continue
		}
		known[d.fold(d.tokText(m.first, m.last))] = m
		if m.kind == graph.KindPerson && m.last-m.first >= 2 {
			surnames[d.fold(d.tok(m.last-1))] = true
		}
	}
	for _, m := range d.ms {
		if m.kind != 0 {
			continue
		}
		key := d.fold(d.tokText(m.first, m.last))
		switch {
		case m.last-m.first == 1 && surnames[key]:
			m.kind = graph.KindPerson
		case known[key] != nil:
			k := known[key]
			m.kind, m.canon, m.region, m.orgHead, m.country = k.kind, k.canon, k.region, k.orgHead, k.country
		case d.listedWithPlace(m):
			m.kind = graph.KindPlace
		default:
			continue
		}
		for i := m.first; i < m.last; i++ {
			d.taken[i] = true
		}
	}
}

// listedWithPlace reports whether m is an item of a list whose neighbour
// items are places: "Luhansk, Donetsk and Zaporizhia".
func (d *doc) listedWithPlace(m *mention) bool {
	for _, o := range d.ms {
		if o.kind != graph.KindPlace || o.sent != m.sent {
			continue
		}
		sep := ""
		switch {
		case o.last+1 == m.first:
			sep = d.lower(o.last)
		case m.last+1 == o.first:
			sep = d.lower(m.last)
		}
		if sep == "," || sep == "and" || sep == "or" {
			return true
		}
	}
	return false
}

// menuLine reports whether sentence si looks like navigation or footer
// furniture: three or more words, all capitalized, no digits, no
// punctuation ("Press TV News Roku").
func (d *doc) menuLine(si int) bool {
	s := d.sents[si]
	words := 0
	for k := s.First; k < s.Last; k++ {
		t := d.toks[k]
		if !t.Capitalized() {
			return false
		}
		words++
	}
	return words >= 2 && !d.headlineCase(si)
}

// harmonize gives every occurrence of one name in the document one kind:
// the kind most of its occurrences have, strong evidence (gazetteers, head
// words, titles) counting three times the tagger's word.
func (d *doc) harmonize() {
	// d.sc.votes[votes[name]][kind-KindPerson]: the three kinds are
	// consecutive; the counts are kept in storage reused across documents
	votes := map[string]int{}
	all := d.sc.votes[:0]
	defer func() { d.sc.votes = all }()
	for _, m := range d.ms {
		if m.descriptor || m.anaphor || !(m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace) {
			continue
		}
		k := d.fold(d.tokText(m.first, m.last))
		vi, ok := votes[k]
		if !ok {
			vi = len(all)
			all = append(all, kindVotes{})
			votes[k] = vi
		}
		v := &all[vi]
		w := 3
		if m.weak {
			w = 1
		}
		v[m.kind-graph.KindPerson] += w
	}
	for _, m := range d.ms {
		if m.descriptor || m.anaphor || !(m.kind == graph.KindPerson || m.kind == graph.KindOrg || m.kind == graph.KindPlace) || !m.weak {
			continue
		}
		vi, ok := votes[d.fold(d.tokText(m.first, m.last))]
		if !ok {
			continue
		}
		v := &all[vi]
		kinds := 0
		for _, n := range v {
			if n > 0 {
				kinds++
			}
		}
		if kinds < 2 {
			continue
		}
		best := m.kind
		for _, k := range []graph.Kind{graph.KindPlace, graph.KindOrg, graph.KindPerson} {
			if v[k-graph.KindPerson] > v[best-graph.KindPerson] {
				best = k
			}
		}
		if best == m.kind {
			continue
		}
		m.kind, m.region = best, false
		m.canon, m.orgHead, m.role = "", "", ""
		if best == graph.KindPlace {
			name := text.Norm(d.tokText(m.first, m.last))
			if c, ok := d.country(name); ok {
				m.canon = c
			} else if p, ok := d.lookupPlace(name); ok {
				m.canon, m.region = p.Name, p.Kind == placeRegion
			}
		}
	}
}

// kindVotes are harmonize's votes for a name: by kind-KindPerson.
type kindVotes [graph.KindPlace - graph.KindPerson + 1]int

// tagAll runs the statistical tagger over the document.
func (d *doc) tagAll() {
	d.tagKind = grow(d.sc.tagKind, len(d.toks))
	if d.sc.tagged == nil {
		d.sc.tagged = map[[2]int]graph.Kind{}
	}
	d.tagged, d.tagSp = d.sc.tagged, d.sc.tagSp[:0]
	if d.x.tagger == nil {
		return
	}
	sents := grow(d.sc.sents, len(d.sents))
	words := grow(d.sc.words, len(d.toks))
	d.sc.sents, d.sc.words = sents, words
	for i, t := range d.toks {
		words[i] = t.Text
	}
	for si, s := range d.sents {
		sents[si] = words[s.First:s.Last:s.Last]
	}
	if nt, ok := d.x.tagger.(nerTagger); ok {
		// The spans straight from the model, without tag strings.
		d.sc.spans = nt.m.AppendDocumentSpans(d.sc.spans[:0], sents, nil)
		for _, sp := range d.sc.spans {
			d.addTagSpan(d.sents[sp.Sentence].First, sp.Span)
		}
		return
	}
	all := d.x.tagger.TagSentences(sents)
	if len(all) != len(sents) {
		return
	}
	for si, s := range d.sents {
		tags := all[si]
		if len(tags) != len(sents[si]) {
			continue
		}
		for _, sp := range ner.Spans(tags) {
			d.addTagSpan(s.First, sp)
		}
	}
}

// addTagSpan records the tagger's span sp of the sentence that starts at
// token first, if it is a person, organization or place.
func (d *doc) addTagSpan(first int, sp ner.Span) {
	i, j := first+sp.Start, first+sp.End
	var k graph.Kind
	switch sp.Type {
	case "PER":
		k = graph.KindPerson
	case "ORG":
		k = graph.KindOrg
	case "LOC":
		k = graph.KindPlace
	default:
		return
	}
	d.tagged[[2]int{i, j}] = k
	d.tagSp = append(d.tagSp, [2]int{i, j})
	for t := i; t < j; t++ {
		d.tagKind[t] = k
	}
}

// findTagged adds the statistical tagger's names that the rules missed and
// types the rules' unknown names with its labels.
func (d *doc) findTagged() {
	unknown := map[[2]int]*mention{}
	for _, m := range d.ms {
		if m.kind == 0 {
			unknown[[2]int{m.first, m.last}] = m
		}
	}
	{
		for _, sp := range d.tagSp {
			i, j := sp[0], sp[1]
			k := d.tagged[sp]
			if d.menuLine(d.sentOf[i]) {
				continue
			}
			if u := unknown[[2]int{i, j}]; u != nil {
				u.kind, u.weak = k, true
				if !d.tagOK(u) {
					u.kind = 0
					continue
				}
				for t := i; t < j; t++ {
					d.taken[t] = true
				}
				continue
			}
			ok := true
			for t := i; t < j; t++ {
				if d.taken[t] || !d.isNameTok(t) {
					ok = false
					break
				}
			}
			if !ok || (j-i == 1 && (d.isCommonTok(i) || nonOrgAcronyms.has(d.tok(i)))) {
				continue
			}
			m := d.newMention(mention{first: i, last: j, kind: k, weak: true})
			if !d.tagOK(m) {
				continue
			}
			if k == graph.KindOrg {
				m.orgHead = d.lower(j - 1)
			}
			d.add(m)
		}
	}
}
