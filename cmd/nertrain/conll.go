package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsgraph/newsgraph/loader/ner"
)

// readCoNLLFile reads a CoNLL-2003 file; see readCoNLL.
func readCoNLLFile(path string) ([]ner.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := readCoNLL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// readCoNLL reads lines "word ... tag" (the tag is the last column), blank
// lines between sentences and -DOCSTART- lines between documents. Tags are
// converted from IOB1 to BIO.
func readCoNLL(r io.Reader) ([]ner.Document, error) {
	var (
		docs  []ner.Document
		doc   ner.Document
		sent  ner.Sentence
		lines int
	)
	flushSent := func() {
		if len(sent.Words) > 0 {
			sent.Tags = ner.IOB1ToBIO(sent.Tags)
			doc = append(doc, sent)
		}
		sent = ner.Sentence{}
	}
	flushDoc := func() {
		flushSent()
		if len(doc) > 0 {
			docs = append(docs, doc)
		}
		doc = nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines++
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 0:
			flushSent()
		case fields[0] == "-DOCSTART-":
			flushDoc()
		case len(fields) < 2:
			return nil, fmt.Errorf("line %d: want a word and a tag", lines)
		default:
			sent.Words = append(sent.Words, fields[0])
			sent.Tags = append(sent.Tags, fields[len(fields)-1])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lines, err)
	}
	flushDoc()
	return docs, nil
}
