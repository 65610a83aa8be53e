package schema

import (
	"encoding/json"
	"testing"
)

// TestAppendJSON checks that appendJSON encodes executor results byte for
// byte as encoding/json does.
func TestAppendJSON(t *testing.T) {
	s := "Kyiv <b>&</b> \"q\" \\ \x00\x1f\t\n\r\b\f é Київ \u2028\u2029 \xff\xfe end"
	v := map[string]any{
		"b": []any{1, -2, true, false, nil, "x", &s, (*string)(nil), 1.5, 1e21, float64(3)},
		"a": map[string]any{"z": s, "é": map[string]any{}, "<": []any{}},
		"c": []any(nil),
		"d": map[string]int{"k": 1},
	}
	got, err := appendJSON(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(v)
	if string(got) != string(want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("Zaluzhnyi <&> \u2028 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s want %s", s, got, want)
		}
	})
}
