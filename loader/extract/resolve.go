package extract

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/text"
)

// genericMods do not identify an organization by themselves.
var genericMods = set("defense", "state", "national", "federal", "general", "military", "armed", "special")

// localEnt is an entity being built.
type localEnt struct {
	kind    graph.Kind
	dkey    string
	keys    []string
	country string
	words   []string // ORG: normalized words without the country
	core    []string // ORG: the words before "of": "main intelligence directorate"
	head    string
	ms      []*mention
	partOf  string // ORG: country a description attached it to
	partLbl string
}

// orgWords returns the normalized words of an organization mention without
// its country qualifier, and the country.
func (d *doc) orgWords(m *mention) ([]string, string) {
	country := m.country
	var ws []string
	if m.descriptor || m.anaphor {
		ws = append(ws, m.mods...)
		ws = append(ws, m.orgHead)
		return ws, country
	}
	for k := m.first; k < m.last; k++ {
		w := d.lower(k)
		if w == "the" && k == m.first || w == "'s" {
			continue
		}
		if c, ok := demonyms[w]; ok && k == m.first {
			country = c
			continue
		}
		if c, ok := d.country(d.tok(k)); ok && k == m.first && m.last-m.first >= 2 && !orgHeads.has(d.tok(k)) {
			country = c
			continue
		}
		ws = append(ws, normWord(w))
	}
	return ws, country
}

// resolve groups mentions into article-local entities and writes the Doc's
// entities and mentions.
func (d *doc) resolve() {
	ms := d.ms[:0]
	for _, m := range d.ms {
		if m.kind != 0 && m.last > m.first {
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(a, b int) bool {
		if ms[a].first != ms[b].first {
			return ms[a].first < ms[b].first
		}
		return ms[a].last > ms[b].last
	})
	// drop overlaps, keeping the earlier and longer mention
	kept := ms[:0]
	end := -1
	for _, m := range ms {
		if m.first < end {
			continue
		}
		kept = append(kept, m)
		end = m.last
	}
	d.ms = kept

	var ents []*localEnt
	if d.sc.byKey == nil {
		d.sc.byKey = make(map[string]*localEnt, 64)
	}
	byKey := d.sc.byKey
	get := func(kind graph.Kind, dkey string) *localEnt {
		if e := byKey[dkey]; e != nil {
			return e
		}
		e := d.sc.ents.new()
		e.kind, e.dkey = kind, dkey
		byKey[dkey] = e
		ents = append(ents, e)
		return e
	}
	attach := func(e *localEnt, m *mention) {
		e.ms = append(e.ms, m)
	}

	// People: full names first, then single names that are their surnames.
	surname := map[string]*localEnt{}
	for _, m := range d.ms {
		if m.kind == graph.KindPerson && m.last-m.first >= 2 {
			e := get(graph.KindPerson, "per:"+d.fold(d.tokText(m.first, m.last)))
			attach(e, m)
			surname[d.fold(d.tok(m.last-1))] = e
		}
	}
	for _, m := range d.ms {
		if m.kind == graph.KindPerson && m.last-m.first == 1 {
			f := d.fold(d.tok(m.first))
			if e := surname[f]; e != nil {
				attach(e, m)
			} else {
				attach(get(graph.KindPerson, "per:"+f), m)
			}
		}
	}
	// Places.
	for _, m := range d.ms {
		if m.kind != graph.KindPlace {
			continue
		}
		attach(get(graph.KindPlace, "pl:"+d.placeKey(m)), m)
	}
	// Named organizations; bare names adopt a qualified twin.
	type named struct {
		e     *localEnt
		words string
	}
	var orgs []*localEnt
	for _, m := range d.ms {
		if m.kind != graph.KindOrg || m.descriptor || m.anaphor {
			continue
		}
		ws, c := d.orgWords(m)
		key := strings.Join(ws, " ")
		if c != "" {
			key = strings.ToLower(c) + " " + key
		}
		e := get(graph.KindOrg, "org:"+key)
		if e.words == nil {
			e.words, e.core, e.country, e.head = ws, coreWords(ws), c, m.orgHead
			orgs = append(orgs, e)
		}
		attach(e, m)
	}
	for _, e := range orgs {
		if e.country != "" || len(e.ms) == 0 {
			continue
		}
		if t := bestOrg(orgs, e.ms[0].first, func(o *localEnt) bool {
			return o != e && o.country != "" && strings.Join(o.words, " ") == strings.Join(e.words, " ")
		}); t != nil {
			for _, m := range e.ms {
				attach(t, m)
			}
			e.ms = nil
		}
	}
	// An acronym joins the organization it abbreviates: "Islamic Human
	// Rights Commission (IHRC)".
	for _, a := range orgs {
		if len(a.ms) == 0 || len(a.words) != 1 || d.toks[a.ms[0].first].Shape != text.ShapeUpper {
			continue
		}
		acr := strings.ReplaceAll(a.words[0], ".", "")
		for _, b := range orgs {
			if b == a || len(b.ms) == 0 || len(b.words) < 3 || initials(b.words) != acr {
				continue
			}
			for _, m := range a.ms {
				attach(b, m)
			}
			a.ms = nil
			break
		}
	}
	// Descriptions with a country, then without one, then anaphors.
	var descs, anaphors []*mention
	for _, m := range d.ms {
		if m.kind == graph.KindOrg && m.descriptor && m.country != "" {
			descs = append(descs, m)
		}
	}
	for _, m := range d.ms {
		if m.kind == graph.KindOrg && m.descriptor && m.country == "" {
			descs = append(descs, m)
		}
		if m.kind == graph.KindOrg && m.anaphor {
			anaphors = append(anaphors, m)
		}
	}
	defer func() {
		for _, m := range anaphors {
			if t := d.anaphorTarget(ents, m); t != nil {
				attach(t, m)
			} else {
				m.kind = 0
			}
		}
		d.emit(ents)
	}()
	for _, m := range descs {
		ws, c := d.orgWords(m)
		compatible := func(o *localEnt) bool { return c == "" || o.country == "" || o.country == c }
		if c == "" {
			// Unqualified: refers to the organization with these words, unless
			// several countries' ones are named ("the defence ministry"
			// between Russia's and Ukraine's is left out).
			cands := func(o *localEnt) bool { return len(o.ms) > 0 && containsAll(o.core, ws) }
			countries := map[string]bool{}
			for _, o := range orgs {
				if cands(o) && o.country != "" {
					countries[o.country] = true
				}
			}
			if len(countries) > 1 {
				m.kind = 0
				continue
			}
			if t := bestOrg(orgs, m.first, cands); t != nil {
				attach(t, m)
				continue
			}
		}
		// a named organization with all these words
		t := bestOrg(orgs, m.first, func(o *localEnt) bool {
			return len(o.ms) > 0 && compatible(o) && containsAll(o.core, ws) && (c == "" || o.country == c)
		})
		if t == nil {
			t = bestOrg(orgs, m.first, func(o *localEnt) bool {
				return len(o.ms) > 0 && compatible(o) && containsAll(o.core, ws)
			})
		}
		if t == nil {
			// a named organization sharing a distinctive word
			t = bestOrg(orgs, m.first, func(o *localEnt) bool {
				if len(o.ms) == 0 || !compatible(o) {
					return false
				}
				for _, w := range ws[:len(ws)-1] {
					if !genericMods.has(w) && contains(o.core, w) {
						return true
					}
				}
				return false
			})
			if t != nil && c != "" && t.country == "" {
				t.partOf, t.partLbl = c, strings.Join(ws, " ")
			}
		}
		if t == nil {
			key := strings.Join(ws, " ")
			if c != "" {
				key = strings.ToLower(c) + " " + key
			}
			t = get(graph.KindOrg, "org:"+key)
			if t.words == nil {
				t.words, t.core, t.country, t.head = ws, ws, c, m.orgHead
				orgs = append(orgs, t)
			}
		}
		attach(t, m)
	}
	// Numbers and dates.
	for _, m := range d.ms {
		switch m.kind {
		case graph.KindNumber:
			attach(get(graph.KindNumber, "num:"+strconv.FormatFloat(m.value, 'g', -1, 64)+":"+m.unit), m)
		case graph.KindDate:
			k := m.iso
			if k == "" {
				k = text.Lower(d.tokText(m.first, m.last))
			}
			attach(get(graph.KindDate, "date:"+k), m)
		}
	}
}

// bestOrg returns the organization that ok accepts with the most recent
// mention before token at, else the one with the most mentions.
func bestOrg(orgs []*localEnt, at int, ok func(*localEnt) bool) *localEnt {
	var best *localEnt
	bestPos := -1
	for _, o := range orgs {
		if !ok(o) {
			continue
		}
		pos := -1
		for _, m := range o.ms {
			if m.first < at && m.first > pos {
				pos = m.first
			}
		}
		if best == nil || pos > bestPos || pos == bestPos && len(o.ms) > len(best.ms) {
			best, bestPos = o, pos
		}
	}
	return best
}

// anaphorTarget finds what "the ministry" refers to: the nearest earlier
// organization whose words contain the head.
func (d *doc) anaphorTarget(ents []*localEnt, m *mention) *localEnt {
	var best *localEnt
	pos := -1
	for _, e := range ents {
		if e.kind != graph.KindOrg || !contains(e.core, m.orgHead) && e.head != m.orgHead {
			continue
		}
		for _, o := range e.ms {
			if o.first < m.first && o.first > pos {
				best, pos = e, o.first
			}
		}
	}
	return best
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !contains(have, w) {
			return false
		}
	}
	return true
}

// placeKey returns the in-document key of a place: the country, or the
// folded name without "city"/"river", with " region" for regions.
func (d *doc) placeKey(m *mention) string {
	if c, ok := d.country(d.tokText(m.first, m.last)); ok {
		return d.fold(c)
	}
	var ws []string
	for k := m.first; k < m.last; k++ {
		w := d.tok(k)
		lw := strings.ToLower(w)
		if k > m.first && (lw == "city" || lw == "river" || regionWords.has(w) || lw == "town" || lw == "village") {
			continue
		}
		ws = append(ws, w)
	}
	base := strings.Join(ws, " ")
	if p, ok := d.lookupPlace(base); ok && p.Kind != placeCountry {
		base = p.Name
	}
	key := d.fold(base)
	if m.region {
		key += " region"
	}
	return key
}

// emit writes the local entities and their mentions to d.out.
func (d *doc) emit(ents []*localEnt) {
	d.out.Entities = slices.Grow(d.out.Entities, len(ents))
	for _, e := range ents {
		live := e.ms[:0]
		for _, m := range e.ms {
			if m.kind != 0 {
				live = append(live, m)
			}
		}
		e.ms = live
		if len(e.ms) == 0 {
			continue
		}
		sort.Slice(e.ms, func(a, b int) bool { return e.ms[a].first < e.ms[b].first })
		idx := len(d.out.Entities)
		le := graph.LocalEntity{Kind: e.kind}
		for _, m := range e.ms {
			m.ent = idx
			s := text.Norm(d.tokText(m.first, m.last))
			if !slices.Contains(le.Aliases, s) {
				le.Aliases = append(le.Aliases, s)
			}
		}
		le.Name = d.entityName(e)
		le.Keys = d.entityKeys(e, le.Name)
		switch e.kind {
		case graph.KindNumber:
			v := e.ms[0].value
			le.Value, le.Unit = &v, e.ms[0].unit
		case graph.KindDate:
			le.ISO = e.ms[0].iso
		}
		d.out.Entities = append(d.out.Entities, le)
	}
	if len(d.out.Entities) == 0 {
		d.out.Entities = nil // as without the capacity above
	}
	// mentions in text order
	n := 0
	for _, m := range d.ms {
		if m.ent >= 0 && m.kind != 0 {
			n++
		}
	}
	d.out.Mentions = slices.Grow(d.out.Mentions, n)
	for _, m := range d.ms {
		if m.ent < 0 || m.kind == 0 {
			continue
		}
		a, b := d.toks[m.first], d.toks[m.last-1]
		d.out.Mentions = append(d.out.Mentions, graph.LocalMention{
			Entity:    m.ent,
			Span:      graph.Span{Start: a.CStart, End: b.CEnd},
			Text:      d.src[a.Start:b.End],
			Sentence:  m.sent,
			Qualifier: m.qual,
		})
	}
	d.ents = ents
}

// entityName picks the fullest name the article uses.
func (d *doc) entityName(e *localEnt) string {
	first := e.ms[0]
	switch e.kind {
	case graph.KindPlace:
		if c, ok := d.country(d.tokText(first.first, first.last)); ok {
			return c
		}
		for _, m := range e.ms {
			if m.canon != "" && !m.region && d.tok(m.last-1) == "city" {
				return m.canon // "Kherson city" is the city "Kherson"
			}
		}
	case graph.KindDate:
		if first.iso != "" {
			return first.iso
		}
	}
	best := ""
	if e.kind == graph.KindOrg && e.country != "" {
		allDesc := true
		for _, m := range e.ms {
			allDesc = allDesc && (m.descriptor || m.anaphor)
		}
		if allDesc {
			return strings.TrimSpace(demonymOf(e.country) + " " + titleWords(strings.Join(e.words, " ")))
		}
	}
	for _, m := range e.ms {
		s := text.Norm(d.tokText(m.first, m.last))
		if m.descriptor || m.anaphor {
			continue
		}
		if len([]rune(s)) > len([]rune(best)) {
			best = s
		}
	}
	if e.kind == graph.KindOrg && e.country != "" && best != "" && !hasDemonym(best) &&
		!strings.Contains(strings.ToLower(best), strings.ToLower(e.country)) && !d.namesCountryFirst(best, e.country) {
		if dm := demonymOf(e.country); dm != "" {
			best = dm + " " + best // "Russia's Defense Ministry" -> "Russian Defense Ministry"
		}
	}
	if best == "" {
		best = text.Norm(d.tokText(first.first, first.last))
		if e.kind == graph.KindOrg && e.country != "" {
			if dm := demonymOf(e.country); dm != "" && !hasDemonym(best) {
				best = dm + " " + titleWords(best)
			}
		}
	}
	return best
}

// entityKeys returns the resolution keys, most specific first.
func (d *doc) entityKeys(e *localEnt, name string) []string {
	var keys []string
	add := func(k string) {
		k = strings.TrimSpace(k)
		if k == "" {
			return
		}
		for _, x := range keys {
			if x == k {
				return
			}
		}
		keys = append(keys, k)
	}
	switch e.kind {
	case graph.KindPerson:
		full := ""
		for _, m := range e.ms {
			if m.last-m.first >= 2 && m.last-m.first > len(strings.Fields(full)) {
				full = d.tokText(m.first, m.last)
			}
		}
		if full != "" {
			add(d.fold(full))
			f := strings.Fields(d.fold(full))
			add("sur:" + f[len(f)-1])
		} else {
			add("sur:" + d.fold(name))
		}
	case graph.KindPlace:
		add(strings.TrimPrefix(e.dkey, "pl:"))
	case graph.KindOrg:
		add(strings.TrimPrefix(e.dkey, "org:"))
		// "Main Intelligence Directorate of the Defence Ministry" is also
		// known as "Main Intelligence Directorate".
		if len(e.core) >= 2 && len(e.core) < len(e.words) {
			add(strings.Join(e.core, " "))
		}
		if a := acronym(e, d, name); a != "" {
			add("acr:" + a)
		}
	case graph.KindNumber:
		add(strings.TrimPrefix(e.dkey, "num:"))
	case graph.KindDate:
		add(strings.TrimPrefix(e.dkey, "date:"))
	}
	return keys
}

// acronym returns an organization's acronym: the name itself if it is all
// capitals, or the initials of three or more capitalized words.
func acronym(e *localEnt, d *doc, name string) string {
	for _, m := range e.ms {
		if m.last-m.first == 1 && d.toks[m.first].Shape == text.ShapeUpper {
			return strings.ToLower(strings.ReplaceAll(d.tok(m.first), ".", ""))
		}
	}
	if e.country != "" {
		return "" // "Russian Defense Ministry" is not known as "RDM"
	}
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(name) {
		if w == "The" || w == "Of" || w == "And" || w == "For" {
			continue
		}
		if isUpperRune(w) {
			r := []rune(w)
			b.WriteRune(r[0])
			n++
		}
	}
	if n < 3 {
		return ""
	}
	return strings.ToLower(b.String())
}

// demonymOf returns the adjective of a country: the one-word demonym
// (the first in byte order if several), or for a country of several words
// the demonym that starts with its first word ("South Korean", where
// "Korean" alone would not tell the Koreas apart).
func demonymOf(country string) string {
	best, multi, first := "", "", ""
	if f, _, ok := strings.Cut(strings.ToLower(country), " "); ok {
		first = f + " "
	}
	for k, v := range demonyms {
		if v != country {
			continue
		}
		if first != "" && strings.HasPrefix(k, first) && (multi == "" || k < multi) {
			multi = k
		}
		if !strings.Contains(k, " ") && (best == "" || k < best) {
			best = k
		}
	}
	if multi != "" {
		return titleWords(multi)
	}
	if best == "" {
		return ""
	}
	return strings.ToUpper(best[:1]) + best[1:]
}

// namesCountryFirst reports whether name starts with another name or an
// acronym of country ("US District Court", "UK Border Force"), which
// then needs no demonym in front.
func (d *doc) namesCountryFirst(name, country string) bool {
	first, _, _ := strings.Cut(name, " ")
	c, ok := d.country(first)
	return ok && c == country
}

func hasDemonym(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return false
	}
	_, ok := demonyms[f[0]]
	return ok
}

func titleWords(s string) string {
	f := strings.Fields(s)
	for i, w := range f {
		if w != "" && w[0] >= 'a' && w[0] <= 'z' {
			f[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(f, " ")
}

// initials returns the first letters of the words that are not "of",
// "and", "the", "for", "&".
func initials(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		switch w {
		case "of", "and", "the", "for", "&", "'s", "de":
			continue
		}
		r := []rune(w)
		if len(r) > 0 {
			b.WriteRune(r[0])
		}
	}
	return b.String()
}

// coreWords returns the words before an "of" or "for" that follows an
// organization head: "main intelligence directorate" of "main intelligence
// directorate of the defense ministry".
func coreWords(ws []string) []string {
	for i := 1; i < len(ws); i++ {
		if (ws[i] == "of" || ws[i] == "for") && orgHeads.has(titleWords(ws[i-1])) {
			return ws[:i]
		}
	}
	return ws
}
