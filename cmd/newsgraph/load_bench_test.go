package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// TestBenchLoad runs bench-load on a small corpus and checks its report.
// With NEWSGRAPH_BENCH_LOAD_ARGS set (e.g. "-n 10000"), it runs those
// arguments instead and logs the report: a way to run the benchmark with
// `go test -run TestBenchLoad -v -timeout 0 ./cmd/newsgraph`.
func TestBenchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a generated corpus")
	}
	args := []string{"-n", "300", "-size", "1500"}
	var out bytes.Buffer
	var w io.Writer = &out
	if env := os.Getenv("NEWSGRAPH_BENCH_LOAD_ARGS"); env != "" {
		// A long run: show each line as it comes.
		args, w = strings.Fields(env), io.MultiWriter(&out, os.Stdout)
	}
	if err := runBenchLoad(context.Background(), args, w, w); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	for _, want := range []string{"extraction only:", "end to end:", "peak RSS:", "db size:", "raw badger:", "ratios:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out.String(), " 0 created") {
		t.Error("end-to-end load created nothing")
	}
}
