package main

import (
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/loader/ner"
)

func TestTitleCase(t *testing.T) {
	tests := []struct {
		in    string
		minor bool
		want  string
	}{
		{"the floods hit the north of Chile", false, "The Floods Hit The North Of Chile"},
		{"the floods hit the north of Chile", true, "The Floods Hit the North of Chile"},
		{"3 killed in ÉCOLE fire , police say", false, "3 Killed In ÉCOLE Fire , Police Say"},
		{"über-rich étude", false, "Über-rich Étude"},
	}
	for _, tt := range tests {
		got := strings.Join(titleCase(strings.Fields(tt.in), tt.minor), " ")
		if got != tt.want {
			t.Errorf("titleCase(%q, %v) = %q, want %q", tt.in, tt.minor, got, tt.want)
		}
	}
}

func TestAugmentTitleCase(t *testing.T) {
	var docs []ner.Document
	for range 100 {
		docs = append(docs, ner.Document{{Words: strings.Fields("rain fell in Oslo"), Tags: strings.Fields("O O O B-LOC")}})
	}
	aug := augmentTitleCase(docs, 0.3)
	if len(aug) < 15 || len(aug) > 45 {
		t.Errorf("%d of 100 sentences augmented, want about 30", len(aug))
	}
	for _, d := range aug {
		if d[0].Words[0] != "Rain" || strings.Join(d[0].Tags, " ") != "O O O B-LOC" {
			t.Errorf("augmented %v", d)
		}
	}
	if got := augmentTitleCase(docs, 0); len(got) != 0 {
		t.Errorf("fraction 0 gave %d sentences", len(got))
	}
}
