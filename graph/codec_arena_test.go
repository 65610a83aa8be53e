package graph

import (
	"bytes"
	"testing"
)

// Values encoded in an arena decode like the allocated ones, do not
// overlap while the transaction lasts, and the block is reused and resized
// after reset.
func TestArenaValues(t *testing.T) {
	var ar arena
	r := &entRec{Kind: KindPerson, Name: "A Name", Aliases: []string{"A Name", "Name"}, Keys: []string{"a name"}, MentionCount: 3}
	big := Article{Text: string(bytes.Repeat([]byte("x"), 5000))}
	for round := 0; round < 3; round++ {
		var vals, want [][]byte
		for i := 0; i < 20; i++ {
			r.MentionCount = i
			vals = append(vals, encodeEntityIn(&ar, r))
			want = append(want, encodeEntity(r))
			if i == 10 {
				vals = append(vals, encodeArticleIn(&ar, big))
				want = append(want, encodeArticle(big))
			}
		}
		for i := range vals {
			if !bytes.Equal(vals[i], want[i]) {
				t.Fatalf("round %d: value %d = %x, want %x", round, i, vals[i], want[i])
			}
		}
		if round > 0 && len(ar.b) == 0 {
			t.Fatalf("round %d: nothing encoded in the arena after a reset sized it", round)
		}
		ar.reset()
	}
	if cap(ar.b) < 5000 {
		t.Fatalf("arena block %d bytes, want it sized for the transaction", cap(ar.b))
	}
	var nilArena *arena
	if v := encodeEntityIn(nilArena, r); !bytes.Equal(v, encodeEntity(r)) {
		t.Fatal("nil arena encodes differently")
	}
}
