package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/loader/ner"
)

func TestReadCoNLL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []ner.Document
		wantErr bool
	}{
		{
			name: "two documents",
			in: "-DOCSTART- -X- O O\n\nAcme NNP I-NP I-ORG\nCorp NNP I-NP I-ORG\nrose VBD I-VP O\n\n" +
				"Jo NNP I-NP I-PER\nLee NNP I-NP B-PER\n-DOCSTART- -X- O O\n\nParis NNP I-NP I-LOC\n",
			want: []ner.Document{
				{
					{Words: []string{"Acme", "Corp", "rose"}, Tags: []string{"B-ORG", "I-ORG", "O"}},
					{Words: []string{"Jo", "Lee"}, Tags: []string{"B-PER", "B-PER"}},
				},
				{{Words: []string{"Paris"}, Tags: []string{"B-LOC"}}},
			},
		},
		{name: "empty", in: "", want: nil},
		{name: "no tag", in: "word\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCoNLL(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
