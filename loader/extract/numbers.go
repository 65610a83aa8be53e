package extract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/loader/text"
)

var months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
	"nov": 11, "dec": 12,
}

var numberWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
	"dozen": 12,
}

// numberWordSet holds the keys of numberWords, for a quick test of every
// lower-case token.
var numberWordSet = func() *wordSet {
	s := set()
	for w := range numberWords {
		s.add(w)
	}
	return s
}()

var scales = map[string]float64{
	"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"mln": 1e6, "bln": 1e9, "bn": 1e9, "m": 1e6, "k": 1e3,
}

// irregularPlurals end a counted thing like plural nouns in -s do.
var irregularPlurals = set("people", "men", "women", "children", "police", "staff", "personnel", "servicemen",
	"servicewomen", "crew", "cattle", "sheep", "fish", "deer", "feet", "teeth", "mice", "geese", "data", "media",
	"aircraft", "livestock", "youth", "clergy", "militia", "infantry")

// unitStop words end a counted thing.
var unitStop = set("'s", "'", "’s", "last", "won", "sold", "include", "includes", "included", "hit", "show",
	"shows", "make", "made", "take", "took", "get", "got", "went", "came", "saw", "rose", "fell", "jumped",
	"dropped", "grew", "lost", "gained", "remain", "remained", "became", "become", "died", "left", "came",
	"vs", "versus", "v", "prior", "now", "again", "already", "today", "apiece", "overall", "altogether", "ahead", "back", "away", "whose", "whom", "what", "it", "they", "we", "he", "she", "you", "i", "them", "us", "him",
	"our", "my", "your", "because", "although", "though", "unless", "until", "against", "toward", "towards", "and", "or", "of", "in", "on", "at", "to", "from", "by", "with", "for", "as", "that",
	"which", "who", "had", "have", "has", "were", "was", "are", "is", "be", "been", "will", "would",
	"could", "can", "may", "might", "should", "the", "a", "an", "said", "says", "than", "into", "during",
	"after", "before", "since", "while", "per", "each", "this", "these", "those", "its", "their", "his",
	"her", "ago", "read", "later", "earlier", "more", "less", "still", "also", "not", "across", "near",
	"against", "through", "over", "under", "about", "between", "among", "if", "when", "where", "did", "do",
	"does", "so", "but", "then", "there", "here", "too", "very", "just", "only", "out", "up", "down", "off")

// measureHeads take an "of" phrase into the counted thing: "pieces of hardware".
var measureHeads = set("pieces", "piece", "units", "tons", "tonnes", "barrels", "items", "kinds", "types",
	"rounds", "liters", "litres", "gallons", "bags", "boxes", "cases", "sets", "head", "acres", "hectares",
	"square", "cubic", "doses", "rounds", "shells", "packs", "bottles", "cups", "grams", "kilograms")

// unitAbbrev normalizes newswire abbreviations of units.
var unitAbbrev = map[string]string{
	"dlrs": "dollars", "dlr": "dollars", "pct": "percent", "cts": "cents", "ct": "cents", "stg": "sterling",
	"km": "kilometers", "kms": "kilometers", "sq": "square", "kg": "kilograms", "kgs": "kilograms",
	"mln": "million", "bln": "billion", "yrs": "years", "mths": "months", "min": "minutes", "mins": "minutes",
	"hrs": "hours", "lbs": "pounds", "bpd": "barrels per day",
}

// notUnits are adjectives and determiners that cannot end a counted thing.
var notUnits = set("new", "different", "other", "more", "less", "large", "small", "big", "major", "key",
	"top", "main", "separate", "additional", "similar", "various", "several", "same", "previous",
	"consecutive", "straight", "successive", "further", "former", "current", "old", "young", "own",
	"such", "many", "few", "all", "both", "each", "every", "last", "next", "first", "second", "third",
	"million", "billion",
	// ranks and indexes, not counted things: "the top 40 chart", "the 50 mark"
	"list", "chart", "mark", "index", "single", "spot", "ranking", "rank", "slot", "seed", "hit", "phone", "console")

// furniture words after a counted thing mark page furniture: "29 minutes
// ago", "1 min read".
var furnitureAfter = set("ago", "read", "left", "remaining")

// unitDrop are words dropped from a normalized unit.
var unitDrop = set("other", "more", "additional", "further", "some", "of")

// findDates finds DATE mentions: "November 5, 2022", "Nov. 9", "5 November",
// "September 2022", "2022-11-11", "in March", "in 2014".
func (d *doc) findDates() {
	type found struct {
		i, j       int
		y, mo, day int
	}
	var fs []found
	n := len(d.toks)
	for i := 0; i < n; i++ {
		t := d.toks[i]
		// ISO: 2022-11-11
		if t.Shape == text.ShapeNumber && len(t.Text) == 4 && i+4 < n && d.tok(i+1) == "-" && d.tok(i+3) == "-" &&
			d.adjacent(i, i+4) && len(d.tok(i+2)) == 2 && len(d.tok(i+4)) == 2 {
			y, _ := strconv.Atoi(t.Text)
			mo, _ := strconv.Atoi(d.tok(i + 2))
			day, _ := strconv.Atoi(d.tok(i + 4))
			if validDate(y, mo, day) {
				fs = append(fs, found{i, i + 5, y, mo, day})
				i += 4
				continue
			}
		}
		if !d.toks[i].Capitalized() {
			continue
		}
		mo, isMonth := months[d.lower(i)]
		if !isMonth {
			continue
		}
		full := len(d.tok(i)) > 3 || d.tok(i) == "May" || d.tok(i) == "June" || d.tok(i) == "July"
		j := i + 1
		if d.tok(j) == "." && !full {
			j++
		}
		day, y := 0, 0
		if v, ok := d.intAt(i - 1); ok && v >= 1 && v <= 31 && len(d.tok(i-1)) <= 2 && !d.taken[i-1] {
			// 5 November [2022]
			day = v
			i--
			if v, ok := d.intAt(j); ok && v >= 1800 && v <= 2200 {
				y = v
				j++
			}
		} else if v, ok := d.intAt(j); ok && v >= 1 && v <= 31 && len(d.tok(j)) <= 2 {
			day = v
			j++
			if d.tok(j) == "," {
				if v, ok := d.intAt(j + 1); ok && v >= 1800 && v <= 2200 {
					y = v
					j += 2
				}
			} else if v, ok := d.intAt(j); ok && v >= 1800 && v <= 2200 {
				y = v
				j++
			}
		} else if v, ok := d.intAt(j); ok && v >= 1800 && v <= 2200 {
			y = v
			j++
		} else if v, ok := d.intAt(i - 1); ok && v >= 1 && v <= 31 && len(d.tok(i-1)) <= 2 {
			// 5 November [2022]
			day = v
			i--
			if v, ok := d.intAt(j); ok && v >= 1800 && v <= 2200 {
				y = v
				j++
			}
		}
		if day == 0 && y == 0 {
			// A month alone is a date only after a preposition: "since March".
			if mo == 5 || !full {
				continue
			}
			switch d.lower(i - 1) {
			case "in", "since", "by", "until", "from", "early", "late", "mid", "last", "next", "this", "of", "through", "before", "after":
			default:
				continue
			}
		}
		fs = append(fs, found{i, j, y, mo, day})
		i = j - 1
	}
	// years alone after a preposition: "in 2014"
	for i := 0; i < n; i++ {
		t := d.toks[i]
		if t.Shape != text.ShapeNumber || len(t.Text) != 4 {
			continue
		}
		v, _ := strconv.Atoi(t.Text)
		if v < 1900 || v > 2100 {
			continue
		}
		switch d.lower(i - 1) {
		case "in", "since", "by", "until", "from", "of", "before", "after", "during", "early", "late", "mid":
		default:
			continue
		}
		if d.overlapsFound(i, func(k int) (int, int) { return fs[k].i, fs[k].j }, len(fs)) {
			continue
		}
		fs = append(fs, found{i, i + 1, v, 0, 0})
	}
	if d.year == 0 {
		for _, f := range fs {
			if f.y != 0 {
				d.year = f.y
				break
			}
		}
	}
	for _, f := range fs {
		y := f.y
		if y == 0 {
			y = d.year
		}
		iso := ""
		switch {
		case y == 0:
		case f.mo == 0:
			iso = fmt.Sprintf("%04d", y)
		case f.day == 0:
			iso = fmt.Sprintf("%04d-%02d", y, f.mo)
		case validDate(y, f.mo, f.day):
			iso = fmt.Sprintf("%04d-%02d-%02d", y, f.mo, f.day)
		}
		m := d.newMention(mention{first: f.i, last: f.j, kind: graph.KindDate, iso: iso})
		d.add(m)
		for k := f.i; k < f.j; k++ {
			d.taken[k] = true
		}
	}
}

func (d *doc) overlapsFound(i int, at func(int) (int, int), n int) bool {
	for k := 0; k < n; k++ {
		a, b := at(k)
		if i >= a && i < b {
			return true
		}
	}
	return false
}

func validDate(y, mo, day int) bool {
	if y < 1 || mo < 1 || mo > 12 || day < 1 {
		return false
	}
	dim := [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	return day <= dim[mo-1]
}

// adjacent reports whether tokens i..j touch without spaces.
func (d *doc) adjacent(i, j int) bool {
	for k := i + 1; k <= j && k < len(d.toks); k++ {
		if d.toks[k].SpaceBefore {
			return false
		}
	}
	return j < len(d.toks)
}

// intAt returns the integer written by token i (digits only).
func (d *doc) intAt(i int) (int, bool) {
	if i < 0 || i >= len(d.toks) || d.toks[i].Shape != text.ShapeNumber {
		return 0, false
	}
	v, err := strconv.Atoi(d.toks[i].Text)
	return v, err == nil
}

// numberAt parses a number starting at token i: digits ("30,000", "2.5"),
// words ("nine", "a dozen", "twenty-five"), with a scale ("5 million").
// It returns the value and the token after the number.
func (d *doc) numberAt(i int) (float64, int, bool) {
	t := d.toks[i]
	var v float64
	j := i + 1
	switch {
	case t.Shape == text.ShapeNumber:
		s := strings.ReplaceAll(t.Text, ",", "")
		if strings.Count(t.Text, ",") > 0 && !validGrouping(t.Text) {
			return 0, i, false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, i, false
		}
		v = f
	case d.lower(i) == "a" && d.lower(i+1) == "dozen":
		v, j = 12, i+2
	case d.lower(i) == "a" && (d.lower(i+1) == "hundred" || d.lower(i+1) == "thousand" || d.lower(i+1) == "million"):
		v, j = scales[d.lower(i+1)], i+2
	default:
		w := d.lower(i)
		a, b, hyphen := strings.Cut(w, "-")
		if !numberWordSet.has(a) {
			return 0, i, false // no number word, nor one before a hyphen
		}
		if hyphen {
			x, ok1 := numberWords[a]
			y, ok2 := numberWords[b]
			if !ok1 || !ok2 || x < 20 || y >= 10 {
				return 0, i, false
			}
			v = x + y
		} else {
			x, ok := numberWords[w]
			if !ok || w == "hundred" || w == "thousand" || w == "dozen" {
				return 0, i, false
			}
			v = x
		}
	}
	if s, ok := scales[d.lower(j)]; ok && j < len(d.toks) && (d.toks[j].SpaceBefore || len(d.tok(j)) <= 2) {
		if len(d.tok(j)) > 1 || !d.toks[j].SpaceBefore {
			v *= s
			j++
		}
	}
	return v, j, true
}

// pluralNoun guesses that w is a plural noun: "troops", "kilometers".
func pluralNoun(w string) bool {
	if len(w) < 4 || !strings.HasSuffix(w, "s") {
		return false
	}
	for _, suf := range []string{"ss", "us", "is", "ous"} {
		if strings.HasSuffix(w, suf) {
			return false
		}
	}
	return true
}

func validGrouping(s string) bool {
	parts := strings.Split(strings.SplitN(s, ".", 2)[0], ",")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// findNumbers finds NUMBER mentions: a value with the thing it counts.
func (d *doc) findNumbers() {
	n := len(d.toks)
	for i := 0; i < n; i++ {
		if d.taken[i] {
			continue
		}
		t := d.toks[i]
		if t.Shape != text.ShapeNumber && t.Shape != text.ShapeLower && t.Shape != text.ShapeTitle {
			continue
		}
		v, j, ok := d.numberAt(i)
		if !ok {
			continue
		}
		if d.furnitureNumber(i, j) {
			i = j - 1
			continue
		}
		qualRange := ""
		if v2, j2, ok := d.rangeEnd(j); ok && v2 > v {
			qualRange = "between"
			j = j2
		}
		unit, ue, names := d.unitAfter(j)
		// money and percentages need no counted thing
		if cur := d.currencyBefore(i); cur != "" {
			unit, ue = cur, j
		} else if d.lower(j) == "%" {
			unit, ue = "percent", j+1
		} else if d.lower(j) == "percent" || (d.lower(j) == "per" && d.lower(j+1) == "cent") {
			unit, ue = "percent", j+1
			if d.lower(j) == "per" {
				ue++
			}
		}
		if unit == "" || furnitureAfter.has(d.lower(ue)) || ue > len(d.toks) || d.sentOf[ue-1] != d.sentOf[i] {
			i = j - 1
			continue
		}
		if t.Shape == text.ShapeNumber && len(t.Text) == 4 && v >= 1800 && v <= 2100 && !strings.Contains(t.Text, ",") && unit != "percent" {
			// a year before a noun ("2022 elections") is not a count
			i = j - 1
			continue
		}
		first := i
		if cur := d.currencyBefore(i); cur != "" {
			first = i - 1
		}
		qual, _ := d.qualifierBefore(first)
		if qualRange != "" {
			if d.lower(first-1) == "between" || d.lower(first-1) == "from" {
				first--
			}
			qual = qualRange
		}
		m := d.newMention(mention{first: first, last: ue, kind: graph.KindNumber, value: v, unit: unit, qual: qual})
		d.add(m)
		for _, n := range names {
			n.kind = 0 // the make of what is counted: "12 Bradley fighting vehicles"
		}
		i = ue - 1
	}
}

// rangeEnd reads the upper end of a range after a number ending before
// token j: "to 10", "and 10" (after "between"), "-10".
func (d *doc) rangeEnd(j int) (float64, int, bool) {
	if j+1 >= len(d.toks) || d.sentOf[j+1] != d.sentOf[j] {
		return 0, j, false
	}
	w := d.lower(j)
	if w != "to" && w != "and" && !(w == "-" && !d.toks[j].SpaceBefore && !d.toks[j+1].SpaceBefore) {
		return 0, j, false
	}
	if w == "and" && d.lower(j-2) != "between" {
		return 0, j, false
	}
	v, k, ok := d.numberAt(j + 1)
	if !ok {
		return 0, j, false
	}
	return v, k, true
}

// furnitureNumber reports page furniture around a number: "Page 1 of 3",
// times of day "12:08 PM", list markers "1.", and numbers glued to letters.
func (d *doc) furnitureNumber(i, j int) bool {
	p := d.lower(i - 1)
	if p == "page" || p == "of" && d.lower(i-3) == "page" || p == "no" || p == "number" || p == "#" {
		return true
	}
	if d.tok(j) == ":" || p == ":" && i > 0 && !d.toks[i].SpaceBefore {
		return true
	}
	if l := d.lower(j); l == "am" || l == "pm" || l == "a.m" || l == "p.m" || l == "gmt" || l == "utc" {
		return true
	}
	if j+1 < len(d.toks) && !d.toks[j].SpaceBefore && (d.tok(j) == "/" || d.tok(j) == "-" && d.toks[j+1].Shape != text.ShapeNumber) {
		return true
	}
	if i > 0 && !d.toks[i].SpaceBefore && (d.tok(i-1) == "-" || d.tok(i-1) == "/") {
		return true
	}
	return false
}

func (d *doc) currencyBefore(i int) string {
	if i <= 0 || d.toks[i].SpaceBefore {
		return ""
	}
	switch d.tok(i - 1) {
	case "$":
		return "dollars"
	case "€":
		return "euros"
	case "£":
		return "pounds"
	case "¥":
		return "yen"
	}
	return ""
}

// taggedAt reports whether a span of the statistical tagger covers token k.
func (d *doc) taggedAt(k int) bool {
	for _, sp := range d.tagSp {
		if sp[0] <= k && k < sp[1] {
			return true
		}
	}
	return false
}

// modelBefore reports a make or model of one or two capitalized words (a
// number may be the second: "Challenger 2") that starts at token k and is
// followed, in sentence si, by a lower-case plural noun: "18 Leopard
// tanks". It returns the token after the model, or k when there is none.
// A word that is part of a name found before (a place, a known
// organization, a span of the tagger) is no make, unless equipment is
// counted ("12 Bradley fighting vehicles", "18 Leopard 2 tanks"): then
// the names found in the model are returned, to be dropped.
func (d *doc) modelBefore(k, si int) (int, []*mention) {
	named := false
	var names []*mention
	for n := 1; n <= 2 && k+n < len(d.toks) && d.sentOf[k+n] == si; n++ {
		last := d.toks[k+n-1]
		if !last.Capitalized() && last.Shape != text.ShapeNumber && !(n > 1 && last.Shape == text.ShapeUpper) {
			return k, nil
		}
		if d.isDemonym(k + n - 1) {
			return k, nil
		}
		if d.isLargePlace(k+n-1) || orgNames.has(d.tok(k+n-1)) {
			return k, nil // "two Baghdad hospitals", "300 Google engineers": a name, not a make
		}
		if d.isPlaceName(k + n - 1) {
			named = true // a town's name too: "Bradley"
		}
		if d.taken[k+n-1] {
			m := d.ending(k + n)
			if m == nil || m.first < k || m.kind != graph.KindOrg && m.kind != graph.KindPerson || m.canon != "" {
				return k, nil
			}
			names = append(names, m)
			named = true
		} else if d.taggedAt(k + n - 1) {
			named = true
		}
		w, nx := d.lower(k+n), d.toks[k+n]
		if nx.Shape != text.ShapeLower {
			continue
		}
		if equipment.has(w) || !named && (pluralNoun(w) || irregularPlurals.has(w)) {
			return k + n, names
		}
		if k+n+1 < len(d.toks) && d.sentOf[k+n+1] == si && d.toks[k+n+1].Shape == text.ShapeLower && equipment.has(d.lower(k+n+1)) {
			return k + n, names // "Bradley fighting vehicles", "Patriot missile batteries"
		}
	}
	return k, nil
}

// unitAfter reads the counted thing after a number from token j: up to
// three words ("square kilometers", "Russian servicemen"), and an "of"
// phrase after a measure word ("pieces of hardware"). It returns the
// normalized unit and the token after it, and the names found before
// that a make in the unit replaces (modelBefore).
func (d *doc) unitAfter(j int) (string, int, []*mention) {
	var names []*mention
	var ws []string
	k := j
	si := -1
	if j > 0 && j <= len(d.toks) {
		si = d.sentOf[j-1] // the number's sentence
	}
	for n := 0; n < 3 && k < len(d.toks) && d.sentOf[k] == si; n++ {
		t := d.toks[k]
		w := d.lower(k)
		if len(ws) == 0 && t.Capitalized() && d.demonymPlural(t.Text) {
			ws = append(ws, t.Text) // "1,400 Israelis": a people counted
			k++
			break
		}
		if len(ws) == 0 && t.Capitalized() {
			if end, ns := d.modelBefore(k, si); end > k {
				names = ns
				for ; k < end; k++ {
					ws = append(ws, d.tok(k)) // "18 Leopard tanks": the make stays as written
				}
				continue
			}
		}
		if unitStop.has(w) || d.taken[k] {
			break
		}
		if _, ok := demonyms[w]; ok && t.Capitalized() {
			ws = append(ws, w)
			k++
			continue
		}
		if t.Shape != text.ShapeLower {
			break
		}
		if _, num := numberWords[w]; num {
			break // "1.34 billion two weeks"
		}
		if strings.HasSuffix(w, "ly") && len(w) > 4 || len(ws) > 0 && (strings.HasSuffix(w, "ing") || strings.HasSuffix(w, "ed")) &&
			!equipment.has(d.lower(k+1)) {
			break // but "Bradley fighting vehicles", "armored personnel carriers"
		}
		ws = append(ws, w)
		k++
		if _, abbr := unitAbbrev[w]; abbr && w != "sq" && w != "mln" && w != "bln" || w == "percent" {
			break // "pct stake": the unit is "pct"
		}
		if pluralNoun(w) || irregularPlurals.has(w) {
			break // "regions joined": the counted thing ends at its plural head
		}
	}
	if len(ws) > 0 && measureHeads.has(ws[len(ws)-1]) && d.lower(k) == "of" && k+1 < len(d.toks) &&
		d.toks[k+1].Shape == text.ShapeLower && !unitStop.has(d.lower(k+1)) && d.sentOf[k+1] == si {
		ws = append(ws, "of", d.lower(k+1))
		k += 2
	}
	var keep []string
	for _, w := range ws {
		if _, ok := demonyms[w]; ok || unitDrop.has(w) && w != "of" {
			continue
		}
		if n, ok := unitAbbrev[w]; ok {
			w = n
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 || notUnits.has(keep[len(keep)-1]) {
		return "", j, nil // "two different", "four new": no counted thing
	}
	return strings.Join(keep, " "), k, names
}

// qualifierBefore returns the qualifier phrase ending before token i
// ("more than", "about") and its first token.
func (d *doc) qualifierBefore(i int) (string, int) {
	best, at := "", i
	for _, q := range qualifierPhrases {
		s := i - len(q)
		if s < 0 {
			continue
		}
		ok := true
		for k, w := range q {
			if d.lower(s+k) != w {
				ok = false
				break
			}
		}
		if ok && len(q) > len(strings.Fields(best)) {
			best, at = strings.Join(q, " "), s
		}
	}
	return best, at
}
