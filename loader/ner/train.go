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
	// Beam, if above 1, trains a structured perceptron with a beam of that
	// width and early updates, and makes the model decode with it.
	Beam int
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
	beam  int // 0 or 1: greedy
	sents []trainSent
	docs  []int // docs[d] is the index of document d's first sentence
	feats []uint64
	// Scratch space of learnBeam.
	fixed  [][]uint32
	dyn    []uint32
	items  []beamItem
	counts []int
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
	if o.Beam > 1 {
		if o.Beam > maxBeam {
			return nil, fmt.Errorf("ner: train: beam %d above %d", o.Beam, maxBeam)
		}
		t.beam = o.Beam
		t.opts |= uint32(o.Beam) << beamShift
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
			if t.beam > 1 {
				pred = t.learnBeam(s, hist, pred[:0])
			} else {
				pred = t.learn(s, hist, pred[:0])
			}
			for i, p := range pred {
				if p != s.gold[i] {
					errs++
				}
			}
			errs += len(s.gold) - len(pred) // not reached after an early update
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
	m := &Model{bits: t.bits, opts: t.opts, scale: float32(scale), w: newWeights(t.bits, full), beam: max(t.beam, defaultBeam), lex: t.lex}
	m.fillTrans()
	return m
}

// learnBeam tags s with a beam search over the current weights. When the
// gold tags fall out of the beam (or lose at the end) it updates the weights
// towards the gold prefix and away from the best prefix in the beam (early
// update, Collins and Roark 2004). It returns the predicted prefix.
func (t *Trainer) learnBeam(s *trainSent, hist history, pred []int) []int {
	n := len(s.gold)
	shift := 64 - t.bits
	// Rows of the features that do not depend on earlier tags in the sentence.
	t.fixed = t.fixed[:0]
	for i := range n {
		rows := append([]uint32(nil), s.static[i]...)
		t.feats = s.sent.historyFeatures(t.feats[:0], i, hist.label(&s.sent, i))
		for _, h := range t.feats {
			rows = append(rows, uint32(h>>shift))
		}
		t.fixed = append(t.fixed, rows)
	}
	items, counts := t.items[:0], t.counts[:0]
	prevStart, prevCount := -1, 1
	goldIdx := 0 // index among the previous position's items of the gold prefix
	upto := n    // positions covered by the update
	var cands []beamItem
	for i := range n {
		static := t.scoreRows(t.fixed[i])
		cands = cands[:0]
		for j := range prevCount {
			t1, t2, base := -1, -1, int64(0)
			if prevStart >= 0 {
				it := items[prevStart+j]
				t1, t2, base = int(it.tag), int(it.prev), it.score
			}
			dyn := t.scoreRows(t.dynRows(s, i, t1, t2))
			for tg := range nTags {
				if !allowed(t1, tg) {
					continue
				}
				c := beamItem{score: base + static[tg] + dyn[tg], tag: int8(tg), prev: int8(t1), parent: int16(j)}
				if prevStart < 0 {
					c.parent = -1
				}
				cands = insertCand(cands, c, t.beam)
			}
		}
		prevStart, prevCount = len(items), len(cands)
		items = append(items, cands...)
		counts = append(counts, len(cands))
		found := -1
		for k, c := range cands {
			if int(c.tag) == s.gold[i] && (i == 0 || int(c.parent) == goldIdx) {
				found = k
				break
			}
		}
		if found < 0 {
			upto = i + 1
			break
		}
		goldIdx = found
	}
	t.items, t.counts = items, counts
	// The best item at the last position reached, followed back.
	pred = append(pred, make([]int, upto)...)
	start, k := prevStart, 0
	for i := upto - 1; i >= 0; i-- {
		it := items[start+k]
		pred[i] = int(it.tag)
		if i > 0 {
			start -= counts[i-1]
			k = int(it.parent)
		}
	}
	if upto < n || !slicesEqual(pred, s.gold[:upto]) {
		t.update(s, s.gold[:upto], 1)
		t.update(s, pred, -1)
	}
	t.c += int64(upto)
	return pred
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dynRows returns the rows of the tag-dependent features of token i.
func (t *Trainer) dynRows(s *trainSent, i, t1, t2 int) []uint32 {
	shift := 64 - t.bits
	t.feats = s.sent.dynamicFeatures(t.feats[:0], i, t1, t2)
	t.dyn = t.dyn[:0]
	for _, h := range t.feats {
		t.dyn = append(t.dyn, uint32(h>>shift))
	}
	return t.dyn
}

// scoreRows sums the current weights of rows.
func (t *Trainer) scoreRows(rows []uint32) [nTags]int64 {
	var score [nTags]int64
	for _, r := range rows {
		for k, v := range t.w[int(r)*nTags:][:nTags] {
			score[k] += int64(v)
		}
	}
	return score
}

// update adds delta times the features of the tag path (a prefix of s).
func (t *Trainer) update(s *trainSent, path []int, delta int32) {
	for i, tg := range path {
		t1, t2 := -1, -1
		if i > 0 {
			t1 = path[i-1]
		}
		if i > 1 {
			t2 = path[i-2]
		}
		for _, rows := range [2][]uint32{t.fixed[i], t.dynRows(s, i, t1, t2)} {
			for _, r := range rows {
				k := int(r)*nTags + tg
				t.w[k] += delta
				t.u[k] += t.c * int64(delta)
			}
		}
	}
}
