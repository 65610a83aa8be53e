package main

import (
	"strings"
	"testing"
)

func TestReadLexicon(t *testing.T) {
	in := "C\tFrance\tFrance\nT\tSan Jose\tUS|1000\nF\tMaria\tMaria\nW\tthe\tthe\nX\tignored\tx\n"
	lex, err := readLexicon(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if lex.Len() != 4 {
		t.Errorf("Len = %d, want 4", lex.Len())
	}
	if _, err := readLexicon(strings.NewReader("no tab here\n")); err == nil {
		t.Error("a line without a tab was accepted")
	}
}
