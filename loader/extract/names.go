package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/text"
)

// functionWords are capitalized only because they start a sentence.
var functionWords = set("the", "a", "an", "in", "on", "at", "as", "after", "before", "but", "and", "or",
	"if", "when", "while", "since", "for", "from", "by", "with", "this", "that", "these", "those", "it",
	"its", "his", "her", "their", "our", "my", "your", "we", "they", "he", "she", "i", "you", "there", "here", "then",
	"so", "yet", "also", "meanwhile", "however", "earlier", "later", "late", "early", "last", "next",
	"both", "all", "some", "many", "most", "more", "such", "according", "under", "over", "among",
	"despite", "during", "amid", "about", "through", "to", "of", "into", "not", "no", "what", "which",
	"who", "why", "how", "where", "shortly", "even", "only", "now", "today", "yesterday", "tomorrow")

// isNameTok reports whether token i may be part of a capitalized name.
func (d *doc) isNameTok(i int) bool {
	t := d.toks[i]
	if d.taken[i] {
		return false
	}
	if t.Shape != text.ShapeTitle && t.Shape != text.ShapeUpper {
		return arabicArticleName(t.Text)
	}
	if nonNames.has(d.norm[i]) {
		return false
	}
	// nonNames[strings.Title(strings.ToLower(t.Text))] without building it.
	low := d.low[i]
	if d.norm[i] != t.Text {
		low = strings.ToLower(t.Text)
	}
	return !nonNamesTitled.has(low)
}

// joinedBefore reports whether a lower-case connector joins tokens of
// [i, j).
func (d *doc) joinedBefore(i, j int) bool {
	for k := i + 1; k < j-1; k++ {
		if d.toks[k].Shape == text.ShapeLower && connectors.has(d.tok(k)) {
			return true
		}
	}
	return false
}

// isPlaceName reports whether token k is a country or a gazetteer place.
func (d *doc) isPlaceName(k int) bool {
	if _, ok := d.country(d.tok(k)); ok {
		return true
	}
	_, ok := d.lookupPlace(d.tok(k))
	return ok
}

// isLargePlace reports whether token k names a continent, a country, a
// region or a city of 200,000 people or more: what a compass word before
// it makes a region of ("Western Europe", "Eastern Ukraine", "East
// London"; not "Western Union").
func (d *doc) isLargePlace(k int) bool {
	if continents.has(d.tok(k)) {
		return true
	}
	if _, ok := d.country(d.tok(k)); ok {
		return true
	}
	p, ok := d.lookupPlace(d.tok(k))
	return ok && (p.Kind != placeCity || p.Pop >= 200000)
}

// isDemonym reports whether token k is a demonym: "American".
func (d *doc) isDemonym(k int) bool {
	_, ok := demonyms[d.lower(k)]
	return ok
}

// isOrdinal reports whether w is an ordinal in digits: "1st", "47th".
func isOrdinal(w string) bool {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	if n == 0 || n > 4 {
		return false
	}
	switch w[n:] {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// weekdayPaper reports whether token i is a weekday that starts a
// newspaper's name: "Sunday Telegraph", "Sunday Times".
func (d *doc) weekdayPaper(i, end int) bool {
	return i+1 < end && !d.taken[i] && weekdays.has(d.tok(i)) && newspaperHeads.has(d.tok(i+1)) &&
		!d.toks[i+1].NewlineBefore
}

// arabicArticleName reports whether w is a name after the Arabic article
// written in lower case: "al-Assad", "el-Sisi", "bin-Salman".
func arabicArticleName(w string) bool {
	pre, rest, ok := strings.Cut(w, "-")
	if !ok || rest == "" || !arabicArticles.has(pre) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsUpper(r)
}

func (d *doc) isPossessive(i int) bool {
	if i < 0 || i >= len(d.toks) {
		return false
	}
	l := d.lower(i)
	return l == "'s" || (l == "'" && i > 0 && !d.toks[i].SpaceBefore && strings.HasSuffix(d.lower(i-1), "s"))
}

// findNames finds capitalized names in sentence si.
func (d *doc) findNames(si int) {
	s := d.sents[si]
	if d.headlineCase(si) {
		d.findHeadlineNames(si)
		return
	}
	for i := s.First; i < s.Last; {
		if !d.isNameTok(i) && !d.weekdayPaper(i, s.Last) {
			i++
			continue
		}
		j := i + 1
		for j < s.Last && !d.toks[j].NewlineBefore {
			if mediaHeads.has(d.tok(j - 1)) {
				break
			}
			if d.isNameTok(j) {
				j++
				continue
			}
			if d.tok(j) == "." && j+1 < s.Last && !d.toks[j].SpaceBefore && d.isNameTok(j+1) &&
				(utf8.RuneCountInString(d.tok(j-1)) == 1 || nameAbbrevs.has(d.tok(j-1)) || titleAbbrevs.has(d.tok(j-1))) {
				j += 2 // an initial: "J. Smith"; "St. Louis", "Mt. Everest"; "Mr. Trump"
				continue
			}
			if d.tok(j) == "and" {
				if k := d.andJoins(i, j, s.Last); k > j {
					j = k
					continue
				}
			}
			if d.tok(j) == "&" && j+1 < s.Last && d.isNameTok(j+1) {
				j += 2 // "Standard & Poor", "Bear Stearns & Co"
				continue
			}
			if nameParticles.has(d.tok(j)) && !orgHeads.has(d.tok(j-1)) && !placeHeads.has(d.tok(j-1)) {
				k := j + 1
				for k < s.Last && nameParticles.has(d.tok(k)) {
					k++
				}
				if k < s.Last && d.isNameTok(k) && !d.toks[k].NewlineBefore && k-j <= 2 {
					j = k + 1 // "Joost van der Westhuizen", "Ahmed bin Salman"
					continue
				}
			}
			if d.toks[j].Shape == text.ShapeLower && connectors.has(d.tok(j)) {
				k := j + 1
				if d.lower(k) == "the" {
					k++
				}
				// "Institute for the Study of War": inside an organization's
				// name that a connector already joined, a further one joins
				// what is not a place ("... of Ukraine" stays apart).
				inOrg := d.lower(j) == "of" && j-i <= 6 && d.joinedBefore(i, j) && d.orgHeadOf(i, j) != "" && k < s.Last && !d.isPlaceName(k)
				if (d.joinsOf(j-1) || inOrg) && k < s.Last && d.isNameTok(k) && !d.toks[k].NewlineBefore {
					j = k + 1
					continue
				}
			}
			break
		}
		if i > s.First && militaryUnits.has(d.tok(j-1)) && isOrdinal(d.tok(i-1)) && !d.toks[i].NewlineBefore {
			i-- // "47th Mechanized Brigade": the number is part of the unit's name
		}
		d.nameChunk(si, i, j)
		i = j
	}
}

// findHeadlineNames finds names in an all-capitals line, where
// capitalization says nothing: only gazetteer names are taken here; the
// statistical tagger may add others.
func (d *doc) findHeadlineNames(si int) {
	s := d.sents[si]
	for i := s.First; i < s.Last; i++ {
		if !d.isNameTok(i) {
			continue
		}
		for n := 3; n >= 1; n-- {
			j := i + n
			if j > s.Last {
				continue
			}
			ok := true
			for k := i; k < j; k++ {
				ok = ok && d.isNameTok(k)
			}
			if !ok {
				continue
			}
			name := text.Norm(d.tokText(i, j))
			m := d.newMention(mention{first: i, last: j})
			if c, ok := d.country(name); ok {
				if _, adj := demonyms[strings.ToLower(name)]; adj {
					continue
				}
				m.kind, m.canon = graph.KindPlace, c
			} else if p, ok := d.lookupPlace(name); ok && p.Pop >= 100000 && !d.g.isCommon(name) {
				m.kind, m.canon = graph.KindPlace, p.Name
				m.region = p.Kind == placeRegion
			} else {
				continue
			}
			if k := d.tagSays(i, j); k == graph.KindOrg && !(j < s.Last && d.taken[j]) {
				m.kind, m.canon = k, "" // a team named after its city (not a dateline)
			}
			d.add(m)
			i = j - 1
			break
		}
	}
}

// andJoins returns the end of the name when "and" at token j joins two
// parts of one name ("Securities and Exchange Commission", "Bosnia and
// Herzegovina"), else 0.
func (d *doc) andJoins(i, j, end int) int {
	k := j + 1
	for k < end && k-j <= 4 && d.isNameTok(k) && !d.toks[k].NewlineBefore {
		k++
	}
	if k == j+1 {
		return 0
	}
	if orgHeads.has(d.tok(k-1)) && !orgHeads.has(d.tok(j-1)) {
		if _, ok := d.country(d.tokText(i, j)); !ok {
			return k
		}
	}
	if c, ok := d.country(d.tokText(i, k)); ok && c != "" {
		return k
	}
	return 0
}

// joinsOf reports whether the name ending with token i may continue with
// "of": "Institute of", "Armed Forces of", "Gulf of", "Republic of".
func (d *doc) joinsOf(i int) bool {
	w := d.tok(i)
	if corpSuffixes.has(w) {
		return false // "Kia Motor Corp of South Korea": "of" starts a description
	}
	return orgHeads.has(w) || ofHeads.has(w) || placeHeads.has(w) || w == "Republic" || w == "Kingdom" || w == "States" ||
		w == "Emirates" || w == "Islands" || w == "Minister" || w == "Secretary"
}

// atSentenceStart reports whether only punctuation precedes token i in its
// sentence or line.
func (d *doc) atSentenceStart(si, i int) bool {
	for k := i - 1; k >= d.sents[si].First; k-- {
		if d.toks[k].IsWord() || d.toks[k].Shape == text.ShapeNumber {
			return false
		}
	}
	return true
}

func (d *doc) nameChunk(si, i, j int) {
	start := d.atSentenceStart(si, i) || d.toks[i].NewlineBefore
	headed := false
	for k := i; k < j; k++ {
		headed = headed || orgHeads.has(d.tok(k)) || placeHeads.has(d.tok(k)) || ofHeads.has(d.tok(k)) && k+1 < j && d.lower(k+1) == "of"
	}
	for i < j {
		w := d.lower(i)
		switch {
		case w == "the" && !(d.tok(i) == "The" && !start && newspaperHeads.has(d.tok(j-1)) && j-i >= 2):
			i++ // but "The Kyiv Independent" keeps its article mid-sentence
			continue
		case start && functionWords.has(w):
			i++
			continue
		case start && !headed && d.g.common[w] && !d.protected(i, j) && !(j-i >= 2 && d.tagSays(i, j) == graph.KindOrg):
			// w is already normal and lower case; a name that the
			// tagger takes whole as an organization keeps it
			// ("Sporting Braga won").
			i++
			continue
		}
		break
	}
	if i >= j {
		return
	}
	d.classify(si, i, j, start)
}

// protected reports whether token i (in chunk ending at j) is evidence of a
// name even though it is a common word.
func (d *doc) protected(i, j int) bool {
	w := d.tok(i)
	if _, ok := d.country(w); ok {
		return true
	}
	if d.g.given[strings.ToLower(w)] && j-i >= 2 {
		return true
	}
	if titles.has(w) || orgNames.has(w) {
		return true
	}
	if p, ok := d.lookupPlace(d.tokText(i, j)); ok && p.Pop >= 100000 {
		return true
	}
	return false
}

// owner returns the country or mention that token i's possessive or
// demonym names: "Russia's", "Russian". It returns the canonical country
// and the index of the owning mention (-1 if none).
func (d *doc) possessor(i int) (string, *mention) {
	if !d.isPossessive(i) {
		return "", nil
	}
	m := d.ending(i)
	if m == nil || m.kind == 0 {
		return "", nil
	}
	if m.kind == graph.KindPlace && m.canon != "" {
		if c, ok := d.country(m.canon); ok {
			return c, m
		}
	}
	return "", m
}

func (d *doc) classify(si, i, j int, start bool) {
	s := d.sents[si]
	name := text.Norm(d.tokText(i, j))
	lastw := d.tok(j - 1)
	m := d.newMention(mention{first: i, last: j})

	if nonEntities.has(name) || lawHeads.has(lastw) && j-i >= 2 || d.demonymPlural(name) ||
		j-i == 1 && (corpSuffixes.has(name) || orgHeads.has(name) && !mediaHeads.has(name) || placeHeads.has(name) || compass.has(name) || name == "Republic" || name == "Kingdom") {
		for k := i; k < j; k++ {
			d.taken[k] = true // nor may the tagger make one of it
		}
		return
	}
	// A demonym alone is an adjective; "Russian Federation" is a country.
	if c, ok := d.country(name); ok {
		if _, adj := demonyms[strings.ToLower(name)]; adj {
			return
		}
		m.kind, m.canon = graph.KindPlace, c
		d.extendPlace(m)
		d.add(m)
		return
	}
	if orgNames.has(name) {
		m.kind, m.canon = graph.KindOrg, name
		d.add(m)
		return
	}
	if d.dateline(i, j) {
		if p, ok := d.lookupPlace(name); ok {
			m.kind, m.canon, m.region = graph.KindPlace, p.Name, p.Kind == placeRegion
			d.add(m)
			return
		}
	}
	if d.inCredit(si, i) {
		if j-i >= 2 && d.personLike(i, j) && !orgHeads.has(lastw) {
			m.kind = graph.KindPerson
		} else {
			m.kind = graph.KindOrg
		}
		d.add(m)
		return
	}
	if orgCues.has(d.lower(i-1)) && d.toks[i-1].Shape == text.ShapeLower && j-i <= 4 && !personalTitles.has(d.tok(i)) {
		m.kind, m.orgHead = graph.KindOrg, d.lower(i-1)
		d.add(m)
		return
	}
	if d.platformAfter(j) && j-i <= 3 {
		m.kind = graph.KindOrg // "the Telegram messaging app", "its Facebook page"
		d.add(m)
		return
	}
	if d.titled(m) {
		d.add(m)
		return
	}
	if compass.has(d.tok(i)) && j-i == 2 && (lastw == "Bank" || lastw == "Coast") {
		m.kind, m.placeHead = graph.KindPlace, true // West Bank, Gold Coast
		d.add(m)
		return
	}
	if compass.has(d.tok(i)) && j-i == 2 {
		if p, known := d.lookupPlace(name); known {
			// "Western Australia", "South Carolina": the gazetteer's,
			// also where the tagger calls it an organization
			m.kind, m.canon, m.region = graph.KindPlace, p.Name, p.Kind == placeRegion
			d.add(m)
			return
		}
		if d.isLargePlace(i+1) && !compass.has(d.tok(i+1)) && !d.isDemonym(i+1) {
			m.kind = graph.KindPlace // "Western Europe", "Eastern Ukraine"; not "North American"
			d.add(m)
			return
		}
	}
	if structureNouns.has(d.lower(j)) && d.toks[j].Shape == text.ShapeLower && d.orgHeadOf(i, j) != "" {
		for k := i; k < j; k++ {
			d.taken[k] = true // nor may the tagger name it
		}
		return // "the Kherson TV tower" names a thing
	}
	// Organization by head word; a demonym or possessive names its country.
	if h := d.orgHeadOf(i, j); h != "" {
		m.kind, m.orgHead = graph.KindOrg, h
		if c, ok := demonyms[d.lower(i)]; ok {
			m.country = c
		} else if c, _ := d.possessor(i - 1); c != "" {
			m.country = c
		} else if c, ok := d.country(d.tok(i)); ok && j-i >= 2 && !orgHeads.has(d.tok(i)) {
			m.country = c
		}
		d.add(m)
		return
	}
	if placeHeads.has(d.tok(i)) && d.lower(i+1) == "of" && j-i >= 3 {
		m.kind, m.placeHead = graph.KindPlace, true // "Sea of Japan", "Strait of Hormuz"
		d.add(m)
		return
	}
	if placeHeads.has(lastw) && j-i >= 2 {
		m.kind, m.placeHead = graph.KindPlace, true
		m.region = regionWords.has(lastw)
		d.add(m)
		return
	}
	if label, owner, org := d.roleAround(si, i, j); label != "" && d.personLike(i, j) {
		m.kind, m.role, m.roleOwner, m.roleOrg = graph.KindPerson, label, owner, org
		d.add(m)
		return
	}
	// "St. Louis": the tagger, which reads the dot as a word of its own,
	// would split the name at it.
	if nameAbbrevs.has(d.tok(i)) && j-i >= 3 {
		if p, ok := d.lookupPlace(name); ok {
			m.kind, m.canon, m.region = graph.KindPlace, p.Name, p.Kind == placeRegion
			d.add(m)
			return
		}
	}
	// "the city of X", "the village of X": the cue outweighs the tagger.
	if j-i <= 3 && d.lower(i-1) == "of" && settlementNouns.has(d.lower(i-2)) && d.toks[i-2].Shape == text.ShapeLower {
		m.kind = graph.KindPlace
		if p, ok := d.lookupPlace(name); ok && p.Kind != placeCountry {
			m.canon, m.region = p.Name, p.Kind == placeRegion
		}
		d.extendPlace(m)
		d.add(m)
		return
	}
	// Weak evidence only from here on: the statistical tagger's spans
	// inside the chunk decide, where it has any.
	if d.addTaggedIn(i, j) {
		return
	}
	if d.personLike(i, j) {
		if label, owner, org := d.roleAround(si, i, j); label != "" {
			m.kind, m.role, m.roleOwner, m.roleOrg = graph.KindPerson, label, owner, org
			d.add(m)
			return
		}
		if j-i >= 2 && j-i <= 4 && d.g.given[d.lower(i)] {
			m.kind = graph.KindPerson
			d.add(m)
			return
		}
	}
	if p, ok := d.lookupPlace(name); ok && p.Kind != placeCountry {
		if !(j-i == 1 && d.g.isCommon(name) && p.Pop < 1000000) && !(j-i == 1 && d.g.given[strings.ToLower(name)] && p.Pop < 1000000) {
			m.kind, m.canon = graph.KindPlace, p.Name
			m.region = p.Kind == placeRegion
			if k := d.tagSays(i, j); k == graph.KindOrg && p.Pop < 1000000 || k == graph.KindPerson && p.Pop < 100000 {
				// a team or company named after a town: trust the tagger
				m.kind, m.canon, m.region = k, "", false
			}
			d.extendPlace(m)
			d.add(m)
			return
		}
	}
	if j-i <= 3 && d.placeCue(i) && d.unknownWords(i, j) {
		m.kind = graph.KindPlace
		if k := d.tagSays(i, j); k != 0 {
			m.kind = k
		}
		d.extendPlace(m)
		d.add(m)
		return
	}
	if j-i >= 2 && j-i <= 3 && d.personLike(i, j) && !d.isCommonTok(j-1) && (!start || !d.isCommonTok(i)) {
		m.kind = graph.KindPerson
		if k := d.tagSays(i, j); k != 0 {
			m.kind = k
		}
		d.add(m)
		return
	}
	if j-i == 1 && d.toks[i].Shape == text.ShapeUpper && utf8.RuneCountInString(name) <= 5 &&
		!d.g.isCommon(name) && !d.headlineCase(si) && !nonOrgAcronyms.has(name) {
		m.kind = graph.KindOrg
		if k := d.tagSays(i, j); k != 0 {
			m.kind = k
		}
		d.add(m)
		return
	}
	// Unknown: typed later from the rest of the document, if at all.
	if !start || !d.g.isCommon(name) {
		if d.lowerHeadAfter(j) {
			m.kind = graph.KindPlace
			d.extendPlace(m)
			d.add(m)
			return
		}
		m.kind = 0
		m.sent = si
		m.ent = -1
		if i >= s.First {
			d.ms = append(d.ms, m)
		}
	}
}

// headlineCase reports whether most words of sentence si are upper case
// (all-caps furniture such as "SHARE THIS ARTICLE").
func (d *doc) headlineCase(si int) bool {
	if d.heads == nil {
		d.heads = make([]int8, len(d.sents))
	}
	if d.heads[si] == 0 {
		d.heads[si] = 1
		if d.headlineCaseNow(si) {
			d.heads[si] = 2
		}
	}
	return d.heads[si] == 2
}

func (d *doc) headlineCaseNow(si int) bool {
	s := d.sents[si]
	up, words := 0, 0
	for k := s.First; k < s.Last; k++ {
		if d.toks[k].IsWord() {
			words++
			if d.toks[k].Shape == text.ShapeUpper {
				up++
			}
		}
	}
	return words >= 2 && up*2 > words
}

// orgHeadOf returns the organization head word of tokens [i, j), lower
// case, or "".
func (d *doc) orgHeadOf(i, j int) string {
	for k := i; k < j-1; k++ {
		if l := d.lower(k + 1); (l == "of" || l == "for") && orgHeads.has(d.tok(k)) || l == "of" && ofHeads.has(d.tok(k)) {
			return d.lower(k)
		}
	}
	if w := d.tok(j - 1); orgHeads.has(w) && j-i >= 2 {
		return strings.ToLower(w)
	}
	for k := i; k < j; k++ {
		if mediaHeads.has(d.tok(k)) && k > i {
			return d.lower(k)
		}
	}
	return ""
}

// personLike reports whether tokens [i, j) can be a person's name.
func (d *doc) personLike(i, j int) bool {
	if j-i < 1 || j-i > 4 {
		return false
	}
	for k := i; k < j; k++ {
		w := d.tok(k)
		t := d.toks[k]
		if w == "." && k > i && utf8.RuneCountInString(d.tok(k-1)) == 1 || nameParticles.has(w) && k > i && k < j-1 ||
			k > i && arabicArticleName(w) {
			continue // "S. Waugh", "Joost van der Westhuizen", "Bashar al-Assad"
		}
		if t.Shape != text.ShapeTitle && !(t.Shape == text.ShapeUpper && utf8.RuneCountInString(w) > 3) {
			return false
		}
		if orgHeads.has(w) || placeHeads.has(w) || nonNames.has(w) || titles.has(w) || orgNames.has(w) {
			return false
		}
		if _, ok := d.country(w); ok {
			return false
		}
	}
	return true
}

// unknownWords reports whether no token of [i, j) is a common word.
func (d *doc) unknownWords(i, j int) bool {
	for k := i; k < j; k++ {
		if d.isCommonTok(k) {
			return false
		}
	}
	return d.personLike(i, j) || j-i == 1
}

// placeCue reports whether the words before token i announce a place:
// "in", "near", "city of", "outskirts of".
func (d *doc) placeCue(i int) bool {
	p := d.lower(i - 1)
	switch p {
	case "in", "near", "outside", "around", "across":
		return true
	case "of":
		switch d.lower(i - 2) {
		case "city", "town", "village", "outskirts", "suburb", "suburbs", "region", "province", "capital",
			"district", "port", "centre", "center", "streets", "south", "north", "east", "west", "area":
			return true
		}
	}
	return false
}

// lowerHeadAfter reports whether a lower-case place head follows token j-1.
func (d *doc) lowerHeadAfter(j int) bool {
	return j < len(d.toks) && d.toks[j].Shape == text.ShapeLower && lowerPlaceHeads.has(d.tok(j)) &&
		d.sentOf[j] == d.sentOf[j-1]
}

// extendPlace takes a following lower-case place head into the mention:
// "Kherson region", "Kherson city", "Dnipro river".
func (d *doc) extendPlace(m *mention) {
	if m.placeHead || !d.lowerHeadAfter(m.last) {
		return
	}
	if c, ok := d.country(d.tokText(m.first, m.last)); ok && c == m.canon && d.tok(m.last) != "region" {
		return // "Ukraine state" is not a name
	}
	h := d.tok(m.last)
	m.last++
	m.placeHead = true
	if regionWords.has(h) {
		m.region = true
	}
}

// inCredit reports whether token i is inside a photo credit: "(Photo by
// X/Y via Getty Images)", "Image: X/Y".
func (d *doc) inCredit(si, i int) bool {
	for k, n := i-1, 0; k >= d.sents[si].First && n < 14; k, n = k-1, n+1 {
		w := d.lower(k)
		switch {
		case w == "/" || w == "via" || w == "and" || w == ",":
			continue
		case w == "by":
			p := d.lower(k - 1)
			return p == "photo" || p == "photos" || p == "photograph" || p == "image" || p == "images" || p == "video" || p == "picture"
		case w == ":":
			p := d.lower(k - 1)
			return p == "image" || p == "photo" || p == "photograph" || p == "credit" || p == "picture" || p == "source" || p == "images"
		case d.toks[k].Capitalized():
			continue
		default:
			return false
		}
	}
	return false
}

// titled finds a title inside the chunk ("Russian Defense Minister Sergei
// Shoigu") and, if a name follows it, makes m that person.
func (d *doc) titled(m *mention) bool {
	i, j := m.first, m.last
	k := -1
	for t := j - 2; t >= i; t-- {
		w := strings.TrimSuffix(d.tok(t), ".")
		if titleHeads.has(w) {
			k = t
			break
		}
	}
	if k < 0 {
		return false
	}
	n := k + 1
	if d.tok(n) == "." {
		n++
	}
	if n >= j || !d.personLike(n, j) || j-n > 3 {
		return false
	}
	rs := k
	for rs > i && titles.has(d.tok(rs-1)) {
		rs--
	}
	var label []string
	for t := rs; t <= k; t++ {
		label = append(label, strings.ToLower(strings.TrimSuffix(d.tok(t), ".")))
	}
	m.kind = graph.KindPerson
	m.first = n
	if personalTitles.has(d.tok(k)) {
		return true
	}
	m.role = strings.Join(label, " ")
	// The owner: a demonym or country before the title, or a possessive.
	if rs > i {
		owner := d.tokText(i, rs)
		if c, ok := d.country(owner); ok {
			m.roleOrg = c
		} else {
			m.roleOrg = text.Norm(owner)
			if rs-i == 1 && (orgNames.has(m.roleOrg) || d.toks[i].Shape == text.ShapeUpper && utf8.RuneCountInString(owner) >= 2) {
				// "NATO Secretary General Jens Stoltenberg": the
				// organization is a name of its own, the role's owner
				m.roleOwner = d.newMention(mention{first: i, last: rs, kind: graph.KindOrg})
				d.add(m.roleOwner)
			}
		}
	} else if c, o := d.possessor(i - 1); o != nil {
		m.roleOwner = o
		m.roleOrg = c
	}
	return true
}

// roleAround finds a lower-case role word next to the name [i, j):
// "spokesman Dmitry Peskov", "Russia's commander in Ukraine, Sergei
// Surovikin", "Valerii Zaluzhnyi, commander-in-chief of the Armed Forces".
// It returns the role label, the owner mention (index into d.ms or -1) and
// the owner given as a country name.
func (d *doc) roleAround(si, i, j int) (string, *mention, string) {
	s := d.sents[si]
	// before: ROLE NAME or ROLE in X, NAME
	comma := false
	for k, n := i-1, 0; k >= s.First && n < 6; k, n = k-1, n+1 {
		w := d.lower(k)
		if w == "," {
			if comma {
				break
			}
			comma = true
			continue
		}
		if roleWords.has(w) {
			if !comma && k != i-1 {
				break
			}
			var owner *mention
			org := ""
			if c, o := d.possessor(k - 1); o != nil {
				owner, org = o, c
			} else if o := d.mentionEndingAt(k); o != nil {
				owner = o
			} else if c, ok := demonyms[d.lower(k-1)]; ok {
				org = c
			}
			return w, owner, org
		}
		if !comma && k != i-1 {
			continue
		}
		if comma && (d.toks[k].Shape == text.ShapeLower || d.toks[k].Capitalized()) {
			continue
		}
		break
	}
	// after: NAME, [the] ROLE [of [the] ORG]
	k := j
	if d.tok(k) != "," {
		return "", nil, ""
	}
	k++
	if w := d.lower(k); w == "the" || w == "a" || w == "an" || w == "its" {
		k++
	}
	for n := 0; n < 3 && k < s.Last; n++ {
		w := d.lower(k)
		if roleWords.has(w) {
			if d.toks[k].Capitalized() && k+1 < s.Last && d.isNameTok(k+1) {
				break // "in Kyiv, Foreign Minister Dmytro Kuleba": the title of the next name
			}
			return w, nil, afterOwner
		}
		if d.toks[k].Shape != text.ShapeLower && !d.toks[k].Capitalized() {
			break
		}
		k++
	}
	return "", nil, ""
}

// afterOwner marks a role whose owner follows the name: "X, commander of
// the Armed Forces".
const afterOwner = "\x00after"

// mentionEndingAt returns the index of the mention whose last token is k-1.
func (d *doc) mentionEndingAt(k int) *mention {
	if m := d.ending(k); m != nil && m.kind != 0 {
		return m
	}
	return nil
}

// ending returns the longest mention added whose last token is k-1, or nil.
func (d *doc) ending(k int) *mention {
	if k < 0 || k >= len(d.endAt) {
		return nil
	}
	return d.endAt[k]
}

func isUpperRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// addTaggedIn adds the tagger's spans that lie inside tokens [i, j) and
// reports whether there were any.
func (d *doc) addTaggedIn(i, j int) bool {
	any := false
	for _, sp := range d.tagSp {
		if sp[0] < i || sp[1] > j {
			continue
		}
		ok := true
		for t := sp[0]; t < sp[1]; t++ {
			ok = ok && !d.taken[t]
		}
		if !ok {
			continue
		}
		m := d.newMention(mention{first: sp[0], last: sp[1], kind: d.tagged[sp], weak: true})
		if m.kind == graph.KindPerson {
			for m.last < j && !d.taken[m.last] && arabicArticleName(d.tok(m.last)) {
				m.last++ // the tagger, reading "al-Assad" as a lower-case word, stops before it
			}
		}
		name := text.Norm(d.tokText(m.first, m.last))
		if !d.tagOK(m) {
			continue
		}
		switch m.kind {
		case graph.KindPlace:
			if c, ok := d.country(name); ok {
				m.canon = c
			} else if p, ok := d.lookupPlace(name); ok {
				m.canon, m.region = p.Name, p.Kind == placeRegion
			}
			d.extendPlace(m)
		case graph.KindOrg:
			m.orgHead = d.lower(sp[1] - 1)
		}
		d.add(m)
		any = true
	}
	return any
}

// tagOK vets a tagger span: not in menu lines, not a lone abbreviation of
// a thing, and a lone big city's name tagged as a person is a place.
func (d *doc) tagOK(m *mention) bool {
	if d.menuLine(d.sentOf[m.first]) {
		return false
	}
	if m.last-m.first == 1 {
		w := d.tok(m.first)
		if nonOrgAcronyms.has(w) {
			return false
		}
		if _, adj := demonyms[strings.ToLower(w)]; adj {
			return false // "Qatari spokesman ...": an adjective
		}
		if p, ok := d.lookupPlace(w); ok && m.kind == graph.KindPerson && p.Pop >= 100000 && !d.g.given[strings.ToLower(w)] {
			m.kind = graph.KindPlace
		}
	}
	return true
}

// demonymPlural reports a people named by a plural demonym: "Russians".
func (d *doc) demonymPlural(name string) bool {
	l := strings.ToLower(name)
	if !strings.HasSuffix(l, "s") {
		return false
	}
	_, ok := demonyms[strings.TrimSuffix(l, "s")]
	return ok
}

// platformAfter reports whether a platform noun follows token j-1 within
// two lower-case words: "Telegram messaging app", "Twitter account".
func (d *doc) platformAfter(j int) bool {
	for k := j; k < j+2 && k < len(d.toks) && d.toks[k].Shape == text.ShapeLower && d.sentOf[k] == d.sentOf[j-1]; k++ {
		if platformNouns.has(d.tok(k)) {
			return true
		}
	}
	return false
}

// dateline reports whether tokens [i, j) open a line as a dateline does:
// "KYIV:", "CLEVELAND, Feb 26 -", "PARIS 1996-08-22", "LONDON (Reuters)".
func (d *doc) dateline(i, j int) bool {
	if i > 0 && !d.toks[i].NewlineBefore {
		return false
	}
	upper := true
	for k := i; k < j; k++ {
		upper = upper && d.toks[k].Shape == text.ShapeUpper
	}
	if j >= len(d.toks) || d.toks[j].NewlineBefore {
		return false
	}
	switch d.tok(j) {
	case ":", "-":
		return upper
	case ",", "(":
		return upper || j+1 < len(d.toks) && d.taken[j+1] // "(" may end the text
	}
	return d.taken[j] // a date follows
}

// tagSays returns the kind the statistical tagger gives exactly the span
// [i, j), or 0.
func (d *doc) tagSays(i, j int) graph.Kind { return d.tagged[[2]int{i, j}] }

// typeTeams types sports teams named after a town ("Leeds United", "Chelsea
// beat Arsenal") as organizations, and a town the tagger called an
// organization back as a place when nothing in the article is about sport
// ("Floods hit Leeds ... homes in Leeds"). The evidence is general: a club suffix after the
// town's name, sports words next to the mention ("X striker", "beat X",
// "X drew"), a match score beside it, and, for the article as a whole, how
// many sports words it has. A town once typed as a team in a sports article
// is a team in its other bare mentions there too, unless a place cue
// ("in", "mayor of") says otherwise.
func (d *doc) typeTeams() {
	sports := d.sportsArticle()
	if sports {
		// Town names the rules dropped as common words at a sentence
		// start ("Chelsea beat ...") but that sports words mark as teams.
		for i, t := range d.toks {
			if d.taken[i] || t.Shape != text.ShapeTitle {
				continue
			}
			if p, ok := d.lookupPlace(d.norm[i]); ok && p.Kind == placeCity && p.Pop < 1000000 {
				m := d.newMention(mention{first: i, last: i + 1, sent: d.sentOf[i]})
				if d.teamCue(m, true) {
					m.kind, m.orgHead, m.weak = graph.KindOrg, d.low[i], true
					d.add(m)
				}
			}
		}
	}
	teams := map[string]bool{} // folded town names typed as teams here
	var towns []*mention       // bare town mentions, for the second pass
	for _, m := range d.ms {
		if m.descriptor || m.anaphor || !(m.kind == graph.KindPlace || m.kind == graph.KindOrg ||
			m.kind == graph.KindPerson && sports && m.last-m.first == 1 && m.role == "") {
			continue
		}
		if k := m.last - m.first; k >= 2 && d.clubSuffix(m.last-1, sports) {
			if p, ok := d.lookupPlace(d.tokText(m.first, m.last-1)); ok && p.Kind == placeCity {
				d.retype(m, graph.KindOrg)
				teams[d.fold(d.tokText(m.first, m.last-1))] = true
				continue
			}
		}
		p, ok := d.lookupPlace(d.tokText(m.first, m.last))
		if !ok || p.Kind != placeCity || p.Pop >= 1000000 {
			continue // a big city's bare name is the city ("London")
		}
		towns = append(towns, m)
		if d.teamCue(m, sports) {
			teams[d.fold(d.tokText(m.first, m.last))] = true
		}
	}
	placed := map[string]bool{} // outside sport: towns with a place cue somewhere
	for _, m := range towns {
		if !sports && d.townCue(m) {
			placed[d.fold(d.tokText(m.first, m.last))] = true
		}
	}
	for _, m := range towns {
		key := d.fold(d.tokText(m.first, m.last))
		team := teams[key]
		switch {
		case team && sports && !d.townCue(m):
			d.retype(m, graph.KindOrg)
		case m.kind == graph.KindPerson:
			// a lone given name that is also a town stays a person
		case !team && placed[key] && m.kind == graph.KindOrg && m.weak:
			d.retype(m, graph.KindPlace)
		}
	}
}

// retype changes a name mention's kind between place, organization (and a
// lone town name taken for a person).
func (d *doc) retype(m *mention, k graph.Kind) {
	if m.kind == k {
		return
	}
	m.kind, m.region, m.canon, m.orgHead, m.role, m.roleOwner, m.roleOrg = k, false, "", "", "", nil, ""
	switch k {
	case graph.KindOrg:
		m.orgHead = d.lower(m.last - 1)
	case graph.KindPlace:
		if p, ok := d.lookupPlace(d.tokText(m.first, m.last)); ok {
			m.canon, m.region = p.Name, p.Kind == placeRegion
		}
	}
}

// sportsArticle reports whether the article is about sport: at least three
// sports words or match scores ("2-1") in it.
func (d *doc) sportsArticle() bool {
	n := 0
	for i := range d.toks {
		if sportsWords.has(d.low[i]) || d.isScore(i) {
			n++
			if n >= 3 {
				return true
			}
		}
	}
	return false
}

// isScore reports whether token i is a match score such as "2-1" or "3-3".
func (d *doc) isScore(i int) bool {
	w := d.norm[i]
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false // the common case, without the cut
	}
	a, b, ok := strings.Cut(w, "-")
	return ok && len(a) >= 1 && len(a) <= 2 && len(b) >= 1 && len(b) <= 2 && allDigits(a) && allDigits(b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clubSuffix reports whether token i ends a club's name after a town:
// "United", "Rovers", "FC" always; "City", "Town", "County" only in a
// sports article ("Bristol City" the club, but "Mexico City" elsewhere).
func (d *doc) clubSuffix(i int, sports bool) bool {
	w := d.tok(i)
	return clubSuffixes.has(w) || sports && sportsClubSuffixes.has(w)
}

// teamCue reports sports words right next to a town's mention: "X
// striker", "X beat", "beat X", "against X" (the last two only in a sports
// article), or a score beside it ("X 2-1 Y").
func (d *doc) teamCue(m *mention, sports bool) bool {
	after, before := d.lower(m.last), d.lower(m.first-1)
	if m.last < len(d.toks) && d.sentOf[m.last] == m.sent {
		if teamNounsAfter.has(after) || sports && (teamVerbsAfter.has(after) || d.isScore(m.last)) {
			return true
		}
		if after == "'s" || after == "’s" {
			if next := d.lower(m.last + 1); teamNounsAfter.has(next) && d.sentOf[m.last+1] == m.sent {
				return true
			}
		}
	}
	if sports && m.first > 0 && d.sentOf[m.first-1] == m.sent {
		if teamWordsBefore.has(before) || d.isScore(m.first-1) {
			return true
		}
	}
	return false
}

// townCue reports a place cue before a town's mention: "in X", "mayor of X".
func (d *doc) townCue(m *mention) bool {
	if m.first == 0 || d.sentOf[m.first-1] != m.sent {
		return false
	}
	if townWordsBefore.has(d.lower(m.first - 1)) {
		return true
	}
	return d.lower(m.first-1) == "of" && townNounsOf.has(d.lower(m.first-2))
}
