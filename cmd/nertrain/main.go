// Command nertrain trains the named-entity tagger of loader/ner on CoNLL-2003
// style files, picks the epoch with the best development F1 and writes the
// model.
//
//	go run ./cmd/nertrain -train eng.train -dev eng.testa -out loader/ner/model.bin.gz
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/newsgraph/newsgraph/loader/ner"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nertrain:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("nertrain", flag.ContinueOnError)
	trainPath := fs.String("train", "", "training file (CoNLL-2003 format, IOB1 or BIO tags)")
	devPath := fs.String("dev", "", "development file for choosing the epoch")
	out := fs.String("out", "loader/ner/model.bin.gz", "model file to write")
	epochs := fs.Int("epochs", 12, "training epochs")
	bits := fs.Uint("bits", 20, "log2 of the number of hashed feature rows")
	doc := fs.Bool("doc", true, "use document-level features")
	hist := fs.Bool("hist", true, "use prediction-history features")
	gazFolds := fs.Int("gaz", 0, "train with a jackknifed gazetteer of training names in this many folds (0: none)")
	lexPath := fs.String("lexicon", "", "KIND<TAB>surface lines (loader/extract/gazetteer/gazetteer.tsv) to build into the model")
	beam := fs.Int("beam", 1, "train (and decode) with a beam of this width; 1 is greedy")
	gazDrop := fs.Float64("gazdrop", 0.5, "with -gaz: fraction of training documents trained without the gazetteer")
	titleFrac := fs.Float64("titlecase", 0, "add title-cased copies of this fraction of the training sentences")
	seed := fs.Uint64("seed", 1, "shuffling seed")
	procs := fs.Int("procs", 1, "GOMAXPROCS (the machine is shared)")
	evalPath := fs.String("eval", "", "only evaluate this model file (\"embedded\": the shipped model) on -dev")
	if err := fs.Parse(args); err != nil {
		return err
	}
	runtime.GOMAXPROCS(*procs)
	if *evalPath != "" {
		if *devPath == "" {
			return errors.New("-eval needs -dev")
		}
		return evaluate(*evalPath, *devPath, stdout)
	}
	if *trainPath == "" || *devPath == "" {
		return errors.New("-train and -dev are required")
	}
	train, err := readCoNLLFile(*trainPath)
	if err != nil {
		return err
	}
	dev, err := readCoNLLFile(*devPath)
	if err != nil {
		return err
	}
	opts := ner.TrainOptions{Bits: *bits, Doc: *doc, History: *hist, Beam: *beam}
	if *lexPath != "" {
		if opts.Lexicon, err = readLexiconFile(*lexPath); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "lexicon: %d entries\n", opts.Lexicon.Len())
	}
	var devGaz ner.Gazetteer
	if *gazFolds > 1 {
		opts.Gazetteer, devGaz = jackknife(train, *gazFolds, *gazDrop)
	}
	if *titleFrac > 0 {
		aug := augmentTitleCase(train, *titleFrac)
		fmt.Fprintf(stdout, "title case: %d sentences added\n", len(aug))
		if gaz, n := opts.Gazetteer, len(train); gaz != nil {
			// The copies get no gazetteer: their originals' fold may differ.
			opts.Gazetteer = func(d int) ner.Gazetteer {
				if d >= n {
					return nil
				}
				return gaz(d)
			}
		}
		train = append(train, aug...)
	}
	start := time.Now()
	tr, err := ner.NewTrainer(train, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "train: %d documents, dev: %d documents; features ready in %v\n",
		len(train), len(dev), time.Since(start).Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(*seed, *seed^0x5eed))
	var (
		best      *ner.Model
		bestF1    float64
		bestEpoch int
	)
	for e := 1; e <= *epochs; e++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		errs := tr.Epoch(rng)
		m := tr.Model()
		s := ner.Evaluate(m, dev, devGaz)
		f1 := s.Sum("PER", "ORG", "LOC").F1()
		fmt.Fprintf(stdout, "epoch %2d  train errors %6d  dev %s  (%v)\n", e, errs, s, time.Since(start).Round(time.Second))
		if devGaz != nil {
			// Most callers pass no gazetteer: choose the epoch for them.
			plain := ner.Evaluate(m, dev, nil)
			f1 = plain.Sum("PER", "ORG", "LOC").F1()
			fmt.Fprintf(stdout, "          without gazetteer:  dev %s\n", plain)
		}
		if best == nil || f1 > bestF1 {
			best, bestF1, bestEpoch = m, f1, e
		}
	}
	for _, width := range []int{2, 3, 5} {
		s := ner.Evaluate(best.WithBeam(width), dev, devGaz)
		fmt.Fprintf(stdout, "best epoch with beam %d: dev %s\n", width, s)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := best.Encode(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "best epoch %d: dev PER+ORG+LOC F1 %.4f (without gazetteer, if one was used); wrote %s (%d bytes)\n", bestEpoch, bestF1, *out, st.Size())
	return nil
}

// evaluate prints the development-set scores of a model file, or of the
// embedded model for path "embedded", without a caller gazetteer.
func evaluate(path, devPath string, stdout io.Writer) error {
	dev, err := readCoNLLFile(devPath)
	if err != nil {
		return err
	}
	var m *ner.Model
	if path == "embedded" {
		m, err = ner.Load()
	} else {
		var f *os.File
		if f, err = os.Open(path); err != nil {
			return err
		}
		m, err = ner.Decode(f)
		f.Close()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dev (%d documents): %s\n", len(dev), ner.Evaluate(m, dev, nil))
	return nil
}
