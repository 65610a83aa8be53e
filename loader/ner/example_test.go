package ner_test

import (
	"fmt"
	"strings"

	"github.com/newsgraph/newsgraph/loader/ner"
)

func ExampleModel_Tag() {
	m, err := ner.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	words := strings.Fields("John Smith met officials of Acme Corp in Paris .")
	for _, sp := range ner.Spans(m.Tag(words)) {
		fmt.Println(sp.Type, strings.Join(words[sp.Start:sp.End], " "))
	}
	// Output:
	// PER John Smith
	// ORG Acme Corp
	// LOC Paris
}

func ExampleSpans() {
	fmt.Println(ner.Spans([]string{"B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"}))
	// Output: [{0 2 PER} {3 4 LOC} {4 5 LOC} {5 6 ORG}]
}
