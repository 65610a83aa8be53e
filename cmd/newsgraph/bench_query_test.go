package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsgraph/newsgraph/graph"
)

// TestBenchQuery runs bench-query briefly on the seed articles and checks
// that every query and mode gave a row with requests and no errors, and the
// ratio lines.
func TestBenchQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the seeds and runs queries for a few seconds")
	}
	ctx := context.Background()
	store, err := graph.Open("", graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	x, err := buildExtractor(true)
	if err != nil {
		t.Fatal(err)
	}
	if err := loadSeeds(ctx, store, x, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	c := &benchQueryConfig{db: "seeds", clients: []int{1, 4}, duration: 150 * time.Millisecond,
		queries: benchQueryNames, modes: benchModeNames, seed: 1, minMentions: 2, pool: 1000}
	var out bytes.Buffer
	if err := benchQuery(ctx, c, store, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	row := regexp.MustCompile(`(?m)^(\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\s+(\d+)$`)
	seen := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(out.String(), -1) {
		if m[4] == "0" {
			t.Errorf("%s %s with %s clients made no request", m[1], m[2], m[3])
		}
		if m[5] != "0" {
			t.Errorf("%s %s with %s clients: %s errors", m[1], m[2], m[3], m[5])
		}
		seen[m[1]+" "+m[2]+" "+m[3]] = true
	}
	for _, q := range benchQueryNames {
		for _, m := range benchModeNames {
			for _, n := range []string{"1", "4"} {
				if !seen[q+" "+m+" "+n] {
					t.Errorf("no row for %s %s with %s clients", q, m, n)
				}
			}
		}
	}
	if got := strings.Count(out.String(), "throughput x"); got != 24 {
		t.Errorf("%d ratio lines, want 24 (4 queries, 2 client counts, 3 modes against store)", got)
	}
	if _, err := parseBenchQueryFlags([]string{"--db", "x", "--queries", "nope"}, &bytes.Buffer{}); err == nil {
		t.Error("an unknown query was accepted")
	}
}

// TestAppendRequestJSON checks the load generator's request bodies decode
// to the query and variables they were built from.
func TestAppendRequestJSON(t *testing.T) {
	vars := map[string]any{"q": "Zaluzhnyi \"the\" \\ general\n\tКиїв\x01", "id": "E42"}
	b := appendRequestJSON(nil, benchSearchQuery, vars)
	var got struct {
		Query     string            `json:"query"`
		Variables map[string]string `json:"variables"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if got.Query != benchSearchQuery || len(got.Variables) != 2 || got.Variables["q"] != vars["q"] || got.Variables["id"] != vars["id"] {
		t.Errorf("decoded %+v from %s", got, b)
	}
}
