package ner

import (
	"fmt"
	"strings"
)

// Counts are exact-span match counts for one entity type.
type Counts struct{ TP, FP, FN int }

// F1 is the harmonic mean of precision and recall (0 when undefined).
func (c Counts) F1() float64 {
	if 2*c.TP+c.FP+c.FN == 0 {
		return 0
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// Precision is TP/(TP+FP), or 0.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN), or 0.
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// Scores holds exact-span counts per entity type.
type Scores map[string]Counts

// Sum adds up the counts of the given types (all types if none are given).
func (s Scores) Sum(types ...string) Counts {
	var out Counts
	for typ, c := range s {
		if len(types) > 0 && !contains(types, typ) {
			continue
		}
		out.TP += c.TP
		out.FP += c.FP
		out.FN += c.FN
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// String prints F1 for PER+ORG+LOC, every type and all types.
func (s Scores) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "PER+ORG+LOC F1 %.4f", s.Sum("PER", "ORG", "LOC").F1())
	for _, typ := range []string{"PER", "ORG", "LOC", "MISC"} {
		c := s[typ]
		fmt.Fprintf(&b, " | %s P %.3f R %.3f F1 %.4f", typ, c.Precision(), c.Recall(), c.F1())
	}
	fmt.Fprintf(&b, " | all F1 %.4f", s.Sum().F1())
	return b.String()
}

// Add counts the spans of predicted tags against gold tags.
func (s Scores) Add(gold, pred []string) {
	g, p := Spans(gold), Spans(pred)
	matched := make(map[Span]bool, len(g))
	for _, sp := range g {
		matched[sp] = false
	}
	for _, sp := range p {
		c := s[sp.Type]
		if done, ok := matched[sp]; ok && !done {
			matched[sp] = true
			c.TP++
		} else {
			c.FP++
		}
		s[sp.Type] = c
	}
	for sp, done := range matched {
		if !done {
			c := s[sp.Type]
			c.FN++
			s[sp.Type] = c
		}
	}
}

// Evaluate tags every document with m (and gaz, which may be nil) and scores
// the result against the gold tags.
func Evaluate(m *Model, docs []Document, gaz Gazetteer) Scores {
	s := Scores{}
	for _, doc := range docs {
		words := make([][]string, len(doc))
		for i, sent := range doc {
			words[i] = sent.Words
		}
		for i, tags := range m.TagDocument(words, gaz) {
			s.Add(doc[i].Tags, tags)
		}
	}
	return s
}
