package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// newsGen writes synthetic news-like articles for load tests and
// benchmarks: sentences built from templates over generic name, role,
// place and unit lists, so the extractor finds people, organizations,
// places, numbers, dates and relations at a realistic density. It is
// deterministic for a seed.
type newsGen struct {
	r *rand.Rand
}

func newNewsGen(seed uint64) *newsGen {
	return &newsGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var (
	genFirst = []string{"Maria", "James", "Anna", "David", "Elena", "Michael", "Sofia", "Peter", "Laura", "Thomas",
		"Julia", "Daniel", "Sarah", "Robert", "Ingrid", "Carlos", "Amina", "Kenji", "Olga", "Samuel"}
	genLast = []string{"Hartmann", "Okafor", "Lindqvist", "Moreau", "Castillo", "Novak", "Brennan", "Takahashi",
		"Alvarez", "Petrov", "Schneider", "Mensah", "Rossi", "Kowalski", "Fischer", "Haddad", "Duarte", "Nilsen"}
	genOrgHead = []string{"Ministry of Finance", "Central Bank", "Ministry of Defence", "Health Ministry",
		"Energy Agency", "Supreme Court", "National Assembly", "Red Cross", "World Bank", "Trade Union Federation"}
	genCompany = []string{"Northwind Energy", "Bluecrest Holdings", "Atlas Shipping", "Meridian Motors",
		"Silverline Telecom", "Harbor Foods", "Summit Pharmaceuticals", "Ironbridge Steel"}
	genPlace = []string{"Paris", "Berlin", "Madrid", "Warsaw", "Cairo", "Nairobi", "Lagos", "Tokyo", "Seoul",
		"Jakarta", "Lima", "Bogota", "Ottawa", "Canberra", "Oslo", "Lisbon", "Athens", "Vienna", "Dublin", "Manila"}
	genCountry = []string{"France", "Germany", "Spain", "Poland", "Egypt", "Kenya", "Nigeria", "Japan",
		"South Korea", "Indonesia", "Peru", "Colombia", "Canada", "Australia", "Norway", "Portugal"}
	genRole  = []string{"minister", "spokesperson", "chief executive", "president", "director", "governor", "chairman"}
	genUnit  = []string{"people", "troops", "workers", "jobs", "homes", "vehicles", "tonnes of grain", "schools", "patients"}
	genVerb  = []string{"evacuated", "hired", "affected", "moved", "damaged", "counted", "registered", "delivered"}
	genTopic = []string{"the budget", "the new law", "the strike", "the storm", "the election", "the merger",
		"the price of fuel", "the ceasefire", "the vaccination campaign", "the trade agreement"}
	genMonth = []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	genDay   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	genAdj   = []string{"sharp", "modest", "unexpected", "steady", "record", "temporary"}
	genNoun  = []string{"increase", "decline", "delay", "recovery", "shortfall", "surge"}
	genQuote = []string{"We will not accept this", "The situation is under control", "This is only the beginning",
		"Our priority is the safety of the population", "The numbers speak for themselves", "We expect a decision soon"}
)

func (g *newsGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *newsGen) person() string { return g.pick(genFirst) + " " + g.pick(genLast) }

func (g *newsGen) org() string {
	if g.r.IntN(2) == 0 {
		return g.pick(genCompany)
	}
	return g.pick(genCountry) + "'s " + g.pick(genOrgHead)
}

func (g *newsGen) number() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("%d", 2+g.r.IntN(98))
	case 1:
		return fmt.Sprintf("%d,%03d", 1+g.r.IntN(99), g.r.IntN(1000))
	}
	return fmt.Sprintf("%d.%d million", 1+g.r.IntN(20), g.r.IntN(10))
}

func (g *newsGen) date() string {
	return fmt.Sprintf("%s %d, %d", g.pick(genMonth), 1+g.r.IntN(28), 2015+g.r.IntN(10))
}

// filler returns a sentence that names nothing: real news has many, and
// without them the entity density would be twice that of real articles.
func (g *newsGen) filler() string {
	return fmt.Sprintf("%s %s %s %s.", g.pick(genFillA), g.pick(genFillB), g.pick(genFillC), g.pick(genFillD))
}

var (
	genFillA = []string{"The decision", "The announcement", "The proposal", "The report", "The move", "The agreement"}
	genFillB = []string{"is expected to", "could", "was meant to", "is likely to", "did not"}
	genFillC = []string{"change the way", "shape how", "affect whether", "reduce how much", "determine when"}
	genFillD = []string{"local authorities plan their spending", "families heat their homes in winter",
		"small businesses hire new staff", "the government raises money", "prices develop over the coming months",
		"officials respond to similar crises in the future"}
)

func (g *newsGen) sentence(p1, p2, place string) string {
	if g.r.IntN(2) == 0 {
		return g.filler()
	}
	switch g.r.IntN(8) {
	case 0:
		return fmt.Sprintf("%s, the %s of %s, said on %s that %s %s had been %s in %s.",
			p1, g.pick(genRole), g.org(), g.pick(genDay), g.number(), g.pick(genUnit), g.pick(genVerb), place)
	case 1:
		return fmt.Sprintf("%q, %s told reporters in %s.", g.pick(genQuote), p2, place)
	case 2:
		return fmt.Sprintf("%s said it would spend %s dollars on %s by %s.", g.org(), g.number(), g.pick(genTopic), g.date())
	case 3:
		return fmt.Sprintf("The %s %s in %s, %s, was reported after more than %s %s were %s.",
			g.pick(genAdj), g.pick(genNoun), place, g.pick(genCountry), g.number(), g.pick(genUnit), g.pick(genVerb))
	case 4:
		return fmt.Sprintf("%s met %s in %s on %s to discuss %s.", p1, p2, place, g.date(), g.pick(genTopic))
	case 5:
		return fmt.Sprintf("According to %s, about %s %s were %s between %s and %s.",
			g.org(), g.number(), g.pick(genUnit), g.pick(genVerb), g.pick(genMonth), g.pick(genMonth))
	case 6:
		return fmt.Sprintf("Critics of %s, including %s, said the plan for %s came too late.", g.org(), p2, g.pick(genTopic))
	}
	return fmt.Sprintf("Officials in %s declined to comment on %s.", place, g.pick(genTopic))
}

// article returns one article of about size bytes.
func (g *newsGen) article(size int) (title, text string) {
	p1, p2, place := g.person(), g.person(), g.pick(genPlace)
	title = fmt.Sprintf("%s: %s %s over %s", place, p1, []string{"warns", "speaks", "acts", "vows"}[g.r.IntN(4)], g.pick(genTopic))
	var b strings.Builder
	for b.Len() < size {
		n := 2 + g.r.IntN(3)
		for i := 0; i < n && b.Len() < size; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(g.sentence(p1, p2, place))
		}
		b.WriteString("\n\n")
	}
	return title, strings.TrimSpace(b.String())
}

// writeJSONL writes n articles of about size bytes each as JSONL, ids
// prefix-000000001 onward.
func (g *newsGen) writeJSONL(w io.Writer, prefix string, n, size int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		title, text := g.article(size)
		rec := map[string]string{
			"id":        fmt.Sprintf("%s-%09d", prefix, i+1),
			"title":     title,
			"text":      text,
			"published": day.AddDate(0, 0, i%1500).Format(time.DateOnly),
			"outlet":    []string{"Daily Ledger", "Evening Courier", "Morning Herald"}[i%3],
		}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}
