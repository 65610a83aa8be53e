package ner

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestLexicon(t *testing.T) {
	lex := NewLexicon()
	adds := []struct {
		name string
		kind LexKind
		ok   bool
	}{
		{"New South Wales", LexPlace, true},
		{"New York", LexPlace, true},
		{"York", LexPlace, true},
		{"Maria", LexGiven, true},
		{"the", LexCommon, true},
		{"new", LexCommon, true},
		{"Maria Lopez", LexGiven, false},
		{"", LexPlace, false},
		{"a b c d e f", LexPlace, false},
		{"x", 0, false},
	}
	for _, a := range adds {
		if got := lex.Add(strings.Fields(a.name), a.kind); got != a.ok {
			t.Errorf("Add(%q, %d) = %v, want %v", a.name, a.kind, got, a.ok)
		}
	}
	if got := lex.Len(); got != 6 {
		t.Errorf("Len = %d, want 6 (prefixes are not entries)", got)
	}
	tests := []struct {
		sentence string
		want     []uint8
	}{
		{"Maria flew to New York .", []uint8{lbGiven, 0, 0, lbPlaceB | lbCommon, lbPlaceI | lbPlaceB, 0}},
		{"the new york office", []uint8{lbCommon, lbCommon, 0, 0}}, // lower case: no place
		{"In NEW SOUTH WALES", []uint8{0, lbPlaceB | lbCommon, lbPlaceI, lbPlaceI}},
		{"New South Africa", []uint8{lbCommon, 0, 0}}, // a prefix alone is no place
		{"York New York", []uint8{lbPlaceB, lbPlaceB | lbCommon, lbPlaceI | lbPlaceB}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			words := strings.Fields(tt.sentence)
			var s sentence
			s.prepare(words, nil, lex)
			if !reflect.DeepEqual(s.lex, tt.want) {
				t.Errorf("bits = %v, want %v", s.lex, tt.want)
			}
		})
	}
	var buf bytes.Buffer
	if err := lex.encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := decodeLexicon(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.entries, lex.entries) {
		t.Error("lexicon changed in a round trip")
	}
	if _, err := decodeLexicon(strings.NewReader("\xff\xff\xff\xff")); err == nil {
		t.Error("decodeLexicon accepted a huge count")
	}
}
