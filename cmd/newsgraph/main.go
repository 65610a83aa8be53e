// Command newsgraph turns news articles into an entity-and-relation graph
// and serves it over GraphQL.
//
//	newsgraph serve [--db DIR] [--addr HOST:PORT] [--token T]   serve the graph (loads the seeds into an empty db)
//	newsgraph load --db DIR PATH...                             load articles (.txt, .jsonl, .html, directories)
//	newsgraph eval --gold FILE [--db DIR]                       score extraction against a gold annotation
//
// Every subcommand takes --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `newsgraph turns news articles into an entity-and-relation graph and serves it over GraphQL.

usage: newsgraph COMMAND [flags]

commands:
  serve   serve the graph over GraphQL with a playground (loads the built-in seed articles into an empty database)
  load    load articles (.txt, .jsonl, .jsonl.gz, .html, directories, - for stdin) into a database or a running server
  eval    score the extraction against a gold annotation (document-level P/R/F1)
  bench-load  measure bulk-load speed, memory and database size (issue 5)
  bench-query measure query latency and throughput on a database (issue 4)

Run "newsgraph COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "newsgraph:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errUsage marks a command line that names no known command.
var errUsage = errors.New("usage")

// exitCode maps run's error to the process exit status: 2 for usage
// errors, 130 for an interrupt, 1 otherwise.
func exitCode(err error) int {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}

// run dispatches a command line (without the program name).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "load":
		return runLoad(ctx, rest, stdout, stderr)
	case "eval":
		return runEval(ctx, rest, stdout, stderr)
	case "bench-load":
		return runBenchLoad(ctx, rest, stdout, stderr)
	case "bench-query":
		return runBenchQuery(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}
