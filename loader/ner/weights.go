package ner

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// weights is the weight table: 1<<bits rows of nTags int16 weights, of
// which a perceptron leaves most all zero (it only touches the features of
// mistakes). Only non-zero rows are stored; a bitmap with per-word ranks
// finds them. The whole table stays small enough for the CPU caches, which
// matters more for tagging speed than anything else.
type weights struct {
	bitmap []wblock // bit b of bitmap[k].bits set: row 64k+b is stored
	rows   []wrow   // rows[0] is all zero; then the stored rows, in row order
}

// wrow is one row of nTags int16 weights, packed for adding many rows at
// once with three additions (SIMD within a register): word k holds the
// weights of tags 3k, 3k+1 and 3k+2 in lanes of laneBits bits, each
// biased by laneBias so that it is not negative. Up to maxLaneAdds rows
// can be summed before a lane could overflow into the next.
type wrow [3]uint64

const (
	laneBits    = 21
	laneMask    = 1<<laneBits - 1
	laneBias    = 1 << 15
	maxLaneAdds = laneMask / (2*laneBias - 1) // 32
)

// packRow packs nTags weights.
func packRow(r *[nTags]int16) wrow {
	var p wrow
	for t, v := range r {
		p[t/3] |= uint64(int32(v)+laneBias) << (laneBits * (t % 3))
	}
	return p
}

// unpack returns the weights of a packed row.
func (p *wrow) unpack() [nTags]int16 {
	var r [nTags]int16
	for t := range r {
		r[t] = int16(int32(p[t/3]>>(laneBits*(t%3))&laneMask) - laneBias)
	}
	return r
}

// addTo adds the weights of p, the sum of n packed rows, to score.
func (p *wrow) addTo(score *[nTags]int32, n int) {
	bias := int32(n) * laneBias
	score[0] += int32(p[0]&laneMask) - bias
	score[1] += int32(p[0]>>laneBits&laneMask) - bias
	score[2] += int32(p[0]>>(2*laneBits)) - bias
	score[3] += int32(p[1]&laneMask) - bias
	score[4] += int32(p[1]>>laneBits&laneMask) - bias
	score[5] += int32(p[1]>>(2*laneBits)) - bias
	score[6] += int32(p[2]&laneMask) - bias
	score[7] += int32(p[2]>>laneBits&laneMask) - bias
	score[8] += int32(p[2]>>(2*laneBits)) - bias
}

// zeroRow is a row of zero weights.
var zeroRow = packRow(&[nTags]int16{})

// wblock is one bitmap word with its rank, together so that a lookup
// reads one cache line for both.
type wblock struct {
	bits uint64
	rank uint64 // 1 + the number of stored rows in the words before this one
}

// newWeights compacts a full table of (1<<nbits)*nTags weights.
func newWeights(nbits uint, full []int16) weights {
	n := 1 << nbits
	w := weights{bitmap: make([]wblock, (n+63)/64), rows: []wrow{zeroRow}}
	for r := range n {
		row := (*[nTags]int16)(full[r*nTags:])
		if *row != ([nTags]int16{}) {
			w.bitmap[r/64].bits |= 1 << (r % 64)
			w.rows = append(w.rows, packRow(row))
		}
	}
	w.fillRank()
	return w
}

// fillRank fills the ranks and returns the number of stored rows.
func (w *weights) fillRank() int {
	total := 0
	for k := range w.bitmap {
		w.bitmap[k].rank = uint64(total) + 1
		total += bits.OnesCount64(w.bitmap[k].bits)
	}
	return total
}

// row returns row b, zeroRow if it is not stored. It does not branch on
// whether the row is stored: a third of the lookups find no row, an
// unpredictable branch in the tagger's hottest loop.
func (w *weights) row(b uint64) *wrow {
	blk := &w.bitmap[b>>6]
	word := blk.bits
	sh := b & 63
	present := word >> sh & 1
	return &w.rows[(blk.rank+uint64(bits.OnesCount64(word&(1<<sh-1))))*present]
}

// encode appends the bitmap and the stored rows, little-endian.
func (w *weights) encode(buf []byte) []byte {
	for _, blk := range w.bitmap {
		buf = binary.LittleEndian.AppendUint64(buf, blk.bits)
	}
	for _, row := range w.rows[1:] {
		for _, v := range row.unpack() {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
		}
	}
	return buf
}

// decodeWeights reads what encode wrote for a table of 1<<nbits rows.
func decodeWeights(r io.Reader, nbits uint) (weights, error) {
	var w weights
	raw := make([]byte, 8*((1<<nbits+63)/64))
	if _, err := io.ReadFull(r, raw); err != nil {
		return w, fmt.Errorf("bitmap: %w", err)
	}
	w.bitmap = make([]wblock, len(raw)/8)
	for k := range w.bitmap {
		w.bitmap[k].bits = binary.LittleEndian.Uint64(raw[8*k:])
	}
	if nbits < 6 {
		w.bitmap[0].bits &= 1<<(1<<nbits) - 1
	}
	stored := w.fillRank()
	raw = make([]byte, 2*nTags*stored)
	if _, err := io.ReadFull(r, raw); err != nil {
		return w, fmt.Errorf("rows: %w", err)
	}
	w.rows = make([]wrow, 1+stored)
	w.rows[0] = zeroRow
	for i := range stored {
		var row [nTags]int16
		for t := range nTags {
			row[t] = int16(binary.LittleEndian.Uint16(raw[2*(i*nTags+t):]))
		}
		w.rows[1+i] = packRow(&row)
	}
	return w, nil
}
