package ner

import "strings"

// The tag set, in the order of the weight table's columns.
const (
	tagO = iota
	tagBPER
	tagIPER
	tagBORG
	tagIORG
	tagBLOC
	tagILOC
	tagBMISC
	tagIMISC
	nTags
)

// tagNames are the BIO tags Tag returns, indexed by tag number.
var tagNames = [nTags]string{"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"}

// typeNames are the entity types, indexed by typeOf(tag); 0 is "O".
var typeNames = [...]string{"", "PER", "ORG", "LOC", "MISC"}

// Tags lists the BIO tags a Model can return, "O" first.
func Tags() []string { return append([]string(nil), tagNames[:]...) }

// tagIndex returns the number of a BIO tag name, or -1.
func tagIndex(s string) int {
	for i, n := range tagNames {
		if n == s {
			return i
		}
	}
	return -1
}

// isInside reports whether tag t is an I- tag.
func isInside(t int) bool { return t != tagO && t%2 == 0 }

// allowed reports whether tag t may follow tag prev in BIO: an I-X tag must
// continue a B-X or I-X tag. prev < 0 means the sentence start.
func allowed(prev, t int) bool {
	if !isInside(t) {
		return true
	}
	return prev == t || prev == t-1
}

// Span is one entity mention in a tagged sentence.
type Span struct {
	Start, End int    // token indices, end exclusive
	Type       string // PER, ORG, LOC or MISC
}

// Spans turns BIO tags into entity spans. An I-X tag that does not continue an
// X span starts a new one (IOB1 style), and unknown tags count as "O", so any
// slice of strings gives well-formed spans.
func Spans(tags []string) []Span {
	var out []Span
	open := -1 // index in out of the span being extended, or -1
	for i, t := range tags {
		prefix, typ, ok := strings.Cut(t, "-")
		if !ok || typ == "" || (prefix != "B" && prefix != "I") {
			open = -1
			continue
		}
		if prefix == "I" && open >= 0 && out[open].Type == typ {
			out[open].End = i + 1
			continue
		}
		out = append(out, Span{Start: i, End: i + 1, Type: typ})
		open = len(out) - 1
	}
	return out
}

// IOB1ToBIO converts CoNLL-2003 style IOB1 tags (B- only between two adjacent
// spans of the same type) to BIO (B- at every span start).
func IOB1ToBIO(tags []string) []string {
	out := make([]string, len(tags))
	prevType := ""
	for i, t := range tags {
		prefix, typ, ok := strings.Cut(t, "-")
		switch {
		case !ok:
			out[i], prevType = "O", ""
		case prefix == "I" && typ == prevType:
			out[i] = t
		default:
			out[i], prevType = "B-"+typ, typ
		}
	}
	return out
}
