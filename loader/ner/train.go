package ner

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sentence is a tokenized sentence with its gold BIO tags, for training and
// evaluation.
type Sentence struct {
	Words []string
	Tags  []string
}

// Document is a sequence of sentences that belong together.
type Document []Sentence

// TrainOptions configure a Trainer.
type TrainOptions struct {
	// Bits is log2 of the number of hashed feature rows (1..24).
	Bits uint
	// Doc enables document-level features.
	Doc bool
	// Lexicon, if set, is built into the model.
	Lexicon *Lexicon
	// History enables prediction-history features (see history).
	History bool
	// Gazetteer, if set, returns the gazetteer to use for document d of the
	// training set. It should not list the document's own names, or the
	// model learns to trust the gazetteer more than it deserves.
	Gazetteer func(d int) Gazetteer
}

// trainSent is a training sentence with its features precomputed.
type trainSent struct {
	sent   sentence
	gold   []int
	static [][]uint32 // static feature rows of every token
}

// Trainer trains an averaged perceptron. It is not safe for concurrent use.
type Trainer struct {
	bits  uint
	opts  uint32
	w     []int32 // current weights
	u     []int64 // sum of c*update, for averaging
	c     int64   // updates clock
	lex   *Lexicon
	sents []trainSent
	docs  []int // docs[d] is the index of document d's first sentence
	feats []uint64
}

// NewTrainer precomputes the features of docs.
func NewTrainer(docs []Document, o TrainOptions) (*Trainer, error) {
	if o.Bits == 0 || o.Bits > maxBits {
		return nil, fmt.Errorf("ner: train: bits %d out of range 1..%d", o.Bits, maxBits)
	}
	t := &Trainer{bits: o.Bits, c: 1, lex: o.Lexicon}
	if o.Doc {
		t.opts |= optDoc
	}
	if o.History {
		t.opts |= optHist
	}
	if o.Lexicon != nil {
		t.opts |= optLex
	}
	n := (1 << o.Bits) * nTags
	t.w, t.u = make([]int32, n), make([]int64, n)
	var (
		runes []rune
		dm    docMap
		da    []docAttrs
	)
	shift := 64 - o.Bits
	for di, doc := range docs {
		t.docs = append(t.docs, len(t.sents))
		var gaz Gazetteer
		if o.Gazetteer != nil {
			gaz = o.Gazetteer(di)
		}
		if o.Doc {
			words := make([][]string, len(doc))
			for i, s := range doc {
				words[i] = s.Words
			}
			dm.build(words)
		}
		for si, s := range doc {
			if len(s.Words) != len(s.Tags) {
				return nil, fmt.Errorf("ner: train: document %d sentence %d: %d words, %d tags", di, si, len(s.Words), len(s.Tags))
			}
			ts := trainSent{gold: make([]int, len(s.Tags)), static: make([][]uint32, len(s.Words))}
			for i, tag := range s.Tags {
				if ts.gold[i] = tagIndex(tag); ts.gold[i] < 0 {
					return nil, fmt.Errorf("ner: train: document %d sentence %d: unknown tag %q", di, si, tag)
				}
			}
			runes = ts.sent.prepare(s.Words, runes, o.Lexicon)
			if o.Doc {
				da = dm.attrsFor(da[:0], si, s.Words)
			}
			for i := range s.Words {
				var d *docAttrs
				if o.Doc {
					d = &da[i]
				}
				f := ts.sent.staticFeatures(t.feats[:0], i, d)
				if gaz != nil {
					f = ts.sent.gazetteerFeatures(f, i, gaz.Lookup(s.Words, i))
				}
				t.feats = f
				rows := make([]uint32, len(f))
				for k, h := range f {
					rows[k] = uint32(h >> shift)
				}
				ts.static[i] = rows
			}
			t.sents = append(t.sents, ts)
		}
	}
	return t, nil
}

// Epoch makes one pass over the training documents in a random order and
// returns the number of tokens it mistagged.
func (t *Trainer) Epoch(rng *rand.Rand) int {
	var hist history
	if t.opts&optHist != 0 {
		hist = make(history)
	}
	errs := 0
	pred := make([]int, 0, 128)
	for _, d := range rng.Perm(len(t.docs)) {
		end := len(t.sents)
		if d+1 < len(t.docs) {
			end = t.docs[d+1]
		}
		clear(hist)
		for si := t.docs[d]; si < end; si++ {
			s := &t.sents[si]
			pred = t.learn(s, hist, pred[:0])
			for i, p := range pred {
				if p != s.gold[i] {
					errs++
				}
			}
			if hist != nil {
				hist.record(&s.sent, pred)
			}
		}
	}
	return errs
}

// learn tags s greedily with the current weights, updating them at every
// mistake, and returns the predicted tags appended to pred.
func (t *Trainer) learn(s *trainSent, hist history, pred []int) []int {
	shift := 64 - t.bits
	var dyn [16]uint32
	for i := range s.gold {
		t1, t2 := -1, -1
		if i > 0 {
			t1 = pred[i-1]
		}
		if i > 1 {
			t2 = pred[i-2]
		}
		t.feats = s.sent.dynamicFeatures(t.feats[:0], i, t1, t2)
		t.feats = s.sent.historyFeatures(t.feats, i, hist.label(&s.sent, i))
		nd := 0
		for _, h := range t.feats {
			dyn[nd] = uint32(h >> shift)
			nd++
		}
		var score [nTags]int64
		for _, rows := range [2][]uint32{s.static[i], dyn[:nd]} {
			for _, r := range rows {
				for k, v := range t.w[int(r)*nTags:][:nTags] {
					score[k] += int64(v)
				}
			}
		}
		best := tagO
		for k := 1; k < nTags; k++ {
			if score[k] > score[best] {
				best = k
			}
		}
		if g := s.gold[i]; best != g {
			for _, rows := range [2][]uint32{s.static[i], dyn[:nd]} {
				for _, r := range rows {
					base := int(r) * nTags
					t.w[base+g]++
					t.u[base+g] += t.c
					t.w[base+best]--
					t.u[base+best] -= t.c
				}
			}
		}
		t.c++
		pred = append(pred, best)
	}
	return pred
}

// Model returns the averaged weights as a tagging model, quantized to int16.
func (t *Trainer) Model() *Model {
	avg := make([]float64, len(t.w))
	maxAbs := 0.0
	c := float64(t.c)
	for i, w := range t.w {
		a := float64(w) - float64(t.u[i])/c
		avg[i] = a
		maxAbs = max(maxAbs, math.Abs(a))
	}
	if maxAbs == 0 {
		maxAbs = 1
	}
	scale := maxAbs / math.MaxInt16
	full := make([]int16, len(avg))
	for i, a := range avg {
		full[i] = int16(math.Round(a / scale))
	}
	return &Model{bits: t.bits, opts: t.opts, scale: float32(scale), w: newWeights(t.bits, full), beam: defaultBeam, lex: t.lex}
}
