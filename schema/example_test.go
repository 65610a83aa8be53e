package schema

import (
	"context"
	"encoding/json"
	"fmt"
)

// Example runs one query in process against a store (here the tests'
// fake; newsgraph serve passes a *graph.Store).
func Example() {
	s, err := New(Config{Store: newFake()})
	if err != nil {
		fmt.Println(err)
		return
	}
	res := s.Do(context.Background(), Request{
		Query:     `query($q: String) { entities(search: $q) { edges { node { id name type mentions(first: 1) { edges { node { text start end } } } } } } }`,
		Variables: map[string]any{"q": "acme"},
	})
	b, _ := json.Marshal(res.Data)
	fmt.Println(string(b))
	// Output:
	// {"entities":{"edges":[{"node":{"id":"E2","mentions":{"edges":[{"node":{"end":42,"start":33,"text":"Acme Corp"}}]},"name":"Acme Corp","type":"ORGANIZATION"}}]}}
}
