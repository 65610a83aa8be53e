package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/newsgraph/newsgraph/loader/ner"
)

// lexKinds maps the kinds of loader/extract/gazetteer/gazetteer.tsv lines
// to lexicon kinds; other kinds are skipped.
var lexKinds = map[string]ner.LexKind{
	"C": ner.LexPlace,  // countries
	"A": ner.LexPlace,  // other country names
	"R": ner.LexPlace,  // regions, provinces, states
	"T": ner.LexPlace,  // cities
	"F": ner.LexGiven,  // given names
	"W": ner.LexCommon, // common lower-case words
}

// readLexiconFile reads a lexicon; see readLexicon.
func readLexiconFile(path string) (*ner.Lexicon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lex, err := readLexicon(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lex, nil
}

// readLexicon reads lines "KIND<TAB>surface<TAB>..." and lists each surface
// form, split on white space, under its kind.
func readLexicon(r io.Reader) (*ner.Lexicon, error) {
	lex := ner.NewLexicon()
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		kind, rest, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: no tab", line)
		}
		k, ok := lexKinds[kind]
		if !ok {
			continue
		}
		surface, _, _ := strings.Cut(rest, "\t")
		lex.Add(strings.Fields(surface), k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line, err)
	}
	return lex, nil
}
