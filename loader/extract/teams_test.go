package extract

import (
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

// TestTeamsNamedAfterTowns checks that clubs named after towns are typed
// as organizations in sports reports and that the towns stay places
// elsewhere. The texts are made up.
func TestTeamsNamedAfterTowns(t *testing.T) {
	x := newTestExtractor(t)
	tests := []struct {
		text string
		want map[string]graph.Kind // mention text -> kind (all its mentions)
	}{
		{
			text: "Chelsea beat Arsenal 2-0 on Saturday to go top of the league.\n\n" +
				"The Chelsea manager said his side had deserved the win after a tense match. " +
				"Arsenal striker Tom Baker missed a penalty before half-time.",
			want: map[string]graph.Kind{"Chelsea": graph.KindOrg, "Arsenal": graph.KindOrg},
		},
		{
			text: "Leeds United drew 1-1 with Bristol City in the Championship on Tuesday.\n\n" +
				"Leeds had led through a goal from their captain before the visitors equalised from a penalty. " +
				"The draw leaves Leeds fourth, two points behind Bristol City.",
			want: map[string]graph.Kind{"Leeds United": graph.KindOrg, "Bristol City": graph.KindOrg, "Leeds": graph.KindOrg},
		},
		{
			text: "Floods hit Leeds and Sheffield on Monday after two days of heavy rain, police said.\n\n" +
				"Hundreds of homes in Leeds were without power, and the council in Sheffield opened emergency shelters.",
			want: map[string]graph.Kind{"Leeds": graph.KindPlace, "Sheffield": graph.KindPlace},
		},
		{
			text: "The mayor of Liverpool said the city would bid to host the games in 2030.\n\n" +
				"Officials in Liverpool expect thousands of visitors if the bid succeeds.",
			want: map[string]graph.Kind{"Liverpool": graph.KindPlace},
		},
	}
	for _, tt := range tests {
		d := x.Extract(graph.Article{Text: tt.text})
		got := map[string][]graph.Kind{}
		runes := []rune(tt.text)
		for _, m := range d.Mentions {
			s := string(runes[m.Span.Start:m.Span.End])
			got[s] = append(got[s], d.Entities[m.Entity].Kind)
		}
		for name, k := range tt.want {
			if len(got[name]) == 0 {
				t.Errorf("%q: no mention of %q; got %v", tt.text[:30], name, got)
			}
			for _, g := range got[name] {
				if g != k {
					t.Errorf("%q: %q typed %s, want %s", tt.text[:30], name, g, k)
				}
			}
		}
	}
}
