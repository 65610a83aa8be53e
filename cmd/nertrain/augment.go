package main

import (
	"unicode"
	"unicode/utf8"

	"github.com/newsgraph/newsgraph/loader/ner"
)

// minorWords stay lower case in AP-style title case.
var minorWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "but": true, "or": true, "nor": true,
	"for": true, "of": true, "in": true, "on": true, "at": true, "to": true, "by": true,
	"as": true, "with": true, "from": true, "up": true,
}

// titleCase capitalizes the words of a sentence as news headlines do; with
// minor set, short function words after the first stay in lower case.
func titleCase(words []string, minor bool) []string {
	out := make([]string, len(words))
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		if !unicode.IsLower(r) || (minor && i > 0 && minorWords[w]) {
			out[i] = w
			continue
		}
		out[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return out
}

// augmentTitleCase returns title-cased copies of about a fraction of the
// sentences of docs, each as a one-sentence document with the same tags, so
// that the model learns that capitals in a title-case headline are not names.
// The choice of sentences and of style is a fixed hash of their position.
func augmentTitleCase(docs []ner.Document, fraction float64) []ner.Document {
	var out []ner.Document
	for d, doc := range docs {
		for s, sent := range doc {
			h := (uint32(d)*2654435761 ^ uint32(s)*2246822519) * 3266489917
			if float64(h>>8%1000) >= fraction*1000 || len(sent.Words) < 3 {
				continue
			}
			out = append(out, ner.Document{{Words: titleCase(sent.Words, h&1 == 0), Tags: sent.Tags}})
		}
	}
	return out
}
