package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsgraph/newsgraph/graph"
)

func writeInputs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunLoad(t *testing.T) {
	seeds, err := filepath.Glob("../../data/*.txt")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no seed files: %v", err)
	}
	g := newNewsGen(1)
	var feed bytes.Buffer
	if err := g.writeJSONL(&feed, "gen", 5, 1500); err != nil {
		t.Fatal(err)
	}
	feed.WriteString("{not json}\n")
	in := writeInputs(t, map[string]string{
		"feed.jsonl": feed.String(),
		"empty.txt":  "",
		"skip/x.txt": "Excluded by a glob.",
	})
	db := filepath.Join(t.TempDir(), "db")
	args := append([]string{"--db", db, "--progress", "log", "--exclude", "skip", in}, seeds...)

	var stdout, stderr bytes.Buffer
	err = runLoad(context.Background(), args, &stdout, &stderr)
	if !errors.Is(err, errRejected) {
		t.Fatalf("first load: err = %v, want errRejected\n%s\n%s", err, stdout.String(), stderr.String())
	}
	want := len(seeds) + 5
	for _, s := range []string{"created", "2 rejected", "malformed JSON line", "empty article"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("summary lacks %q:\n%s", s, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "feed.jsonl:6: malformed JSON line") {
		t.Errorf("stderr does not name the bad line:\n%s", stderr.String())
	}
	st, err := graph.Open(db, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Articles != want || stats.Entities == 0 || stats.Mentions == 0 {
		t.Errorf("stats %+v, want %d articles with entities", stats, want)
	}

	// While the database is open elsewhere, load points at --server.
	stdout.Reset()
	err = runLoad(context.Background(), []string{"--db", db, "--progress", "none", in}, &stdout, &stderr)
	if !errors.Is(err, graph.ErrLocked) || !strings.Contains(err.Error(), "--server") {
		t.Errorf("locked db: err = %v", err)
	}
	st.Close()

	// A second run stores nothing new and, without bad inputs, succeeds.
	stdout.Reset()
	args = append([]string{"--db", db, "--progress", "none", "--include", "*.jsonl", in}, seeds...)
	err = runLoad(context.Background(), args, &stdout, &stderr)
	if !errors.Is(err, errRejected) { // the malformed line is still there
		t.Fatalf("second load: %v", err)
	}
	if !strings.Contains(stdout.String(), "0 created") || !strings.Contains(stdout.String(), "unchanged") {
		t.Errorf("second load summary:\n%s", stdout.String())
	}
	stdout.Reset()
	if err := runLoad(context.Background(), []string{"--db", db, "--progress", "none", seeds[0]}, &stdout, &stderr); err != nil {
		t.Errorf("clean re-load: %v\n%s", err, stdout.String())
	}
}

func TestRunLoadServer(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, `{"errors":[{"message":"unauthorized"}]}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Variables struct {
				Articles []struct{ ExternalID, Text string }
			}
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var res []map[string]string
		for _, a := range req.Variables.Articles {
			got = append(got, a.ExternalID)
			res = append(res, map[string]string{"externalId": a.ExternalID, "status": "CREATED"})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"ingestArticles": res}})
	}))
	defer srv.Close()
	in := writeInputs(t, map[string]string{"a.txt": "One article.", "b.txt": "Another article."})
	var stdout, stderr bytes.Buffer
	err := runLoad(context.Background(), []string{"--server", srv.URL, "--token", "tok", "--progress", "none", in}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if strings.Join(got, ",") != "a,b" || !strings.Contains(stdout.String(), "2 created") {
		t.Errorf("server got %v; summary:\n%s", got, stdout.String())
	}
	err = runLoad(context.Background(), []string{"--server", srv.URL, "--token", "bad", "--progress", "none", in}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("bad token: err = %v", err)
	}
}

// TestLoadTokenFlag checks that --help does not print the token from the
// environment, that the environment supplies it when --token is not given,
// and that --token wins over it.
func TestLoadTokenFlag(t *testing.T) {
	const secret = "s3cret-token-value"
	t.Setenv(tokenEnv, secret)
	var help bytes.Buffer
	if _, err := parseLoadFlags([]string{"--help"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: err = %v", err)
	}
	if strings.Contains(help.String(), secret) {
		t.Errorf("--help shows the token:\n%s", help.String())
	}
	if !strings.Contains(help.String(), "$"+tokenEnv) {
		t.Errorf("--help does not name $%s:\n%s", tokenEnv, help.String())
	}
	c, err := parseLoadFlags([]string{"x.jsonl"}, io.Discard)
	if err != nil || c.token != secret {
		t.Errorf("token from the environment: %q, %v", c.token, err)
	}
	c, err = parseLoadFlags([]string{"--token", "flag", "x.jsonl"}, io.Discard)
	if err != nil || c.token != "flag" {
		t.Errorf("--token: %q, %v", c.token, err)
	}
}
