package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/newsgraph/newsgraph/data"
	"github.com/newsgraph/newsgraph/graph"
	"github.com/newsgraph/newsgraph/internal/evaluate"
	"github.com/newsgraph/newsgraph/loader"
	"github.com/newsgraph/newsgraph/schema"
)

const evalUsage = `usage: newsgraph eval --gold FILE [--db DIR | --endpoint URL] [-v]

Scores the extraction against a document-level gold annotation, the way
shared/eval/score.py does: P/R/F1 per type, numbers, cross-article
resolution and relations. Without --db or --endpoint it loads the built-in
seed articles into a fresh in-memory database first.

Flags:
`

// runEval is the eval subcommand.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := commandFlagSet("eval", evalUsage, stderr)
	goldPath := fl.String("gold", "testdata/seeds.gold.json", "gold annotation (seed-gold/1 JSON)")
	db := fl.String("db", "", "score this database instead of the seeds (opened read-only)")
	endpoint := fl.String("endpoint", "", "score a running server's GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql")
	verbose := fl.Bool("v", false, "list every miss, spurious find and split")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	tagger := fl.Bool("tagger", true, "use the statistical NER tagger when loading the seeds")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 || (*db != "" && *endpoint != "") {
		fl.Usage()
		return fmt.Errorf("%w: eval takes no arguments and at most one of --db and --endpoint", errUsage)
	}
	gold, err := evaluate.ReadGold(*goldPath)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	var q evaluate.Querier
	switch {
	case *endpoint != "":
		q = evaluate.HTTP{URL: *endpoint}
	default:
		var store *graph.Store
		if *db != "" {
			store, err = openStore(*db, graph.Options{ReadOnly: true})
		} else {
			store, err = graph.Open("", graph.Options{InMemory: true})
		}
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer store.Close()
		if *db == "" {
			x, err := buildExtractor(*tagger)
			if err != nil {
				return fmt.Errorf("eval: %w", err)
			}
			l := &loader.Loader{Sink: store, Extractor: x}
			if _, err := l.LoadFS(ctx, data.FS); err != nil {
				return fmt.Errorf("eval: load seeds: %w", err)
			}
		}
		sch, err := schema.New(schema.Config{Store: store})
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		q = schemaQuerier{sch}
	}
	rep, err := evaluate.Score(ctx, q, gold)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.Print(stdout, *verbose)
}

// schemaQuerier runs queries in-process, without HTTP.
type schemaQuerier struct{ s *schema.Schema }

func (q schemaQuerier) Query(ctx context.Context, query string, vars map[string]any, out any) error {
	res := q.s.Do(ctx, schema.Request{Query: query, Variables: vars})
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := evaluate.DecodeResponse(raw, out); err != nil {
		return errors.Join(errors.New("in-process query"), err)
	}
	return nil
}
