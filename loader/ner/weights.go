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
	rows   []int16  // the stored rows, nTags weights each, in row order
}

// wblock is one bitmap word with its rank, together so that a lookup
// reads one cache line for both.
type wblock struct {
	bits uint64
	rank uint64 // number of stored rows in the words before this one
}

// newWeights compacts a full table of (1<<nbits)*nTags weights.
func newWeights(nbits uint, full []int16) weights {
	n := 1 << nbits
	w := weights{bitmap: make([]wblock, (n+63)/64)}
	for r := range n {
		row := full[r*nTags:][:nTags]
		for _, v := range row {
			if v != 0 {
				w.bitmap[r/64].bits |= 1 << (r % 64)
				w.rows = append(w.rows, row...)
				break
			}
		}
	}
	w.fillRank()
	return w
}

func (w *weights) fillRank() int {
	total := 0
	for k := range w.bitmap {
		w.bitmap[k].rank = uint64(total)
		total += bits.OnesCount64(w.bitmap[k].bits)
	}
	return total
}

// row returns row b, or nil if it is all zero.
func (w *weights) row(b uint64) []int16 {
	blk := &w.bitmap[b>>6]
	word := blk.bits
	bit := uint64(1) << (b & 63)
	if word&bit == 0 {
		return nil
	}
	i := int(blk.rank) + bits.OnesCount64(word&(bit-1))
	return w.rows[i*nTags:][:nTags]
}

// encode appends the bitmap and the stored rows, little-endian.
func (w *weights) encode(buf []byte) []byte {
	for _, blk := range w.bitmap {
		buf = binary.LittleEndian.AppendUint64(buf, blk.bits)
	}
	for _, v := range w.rows {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
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
	w.rows = make([]int16, nTags*stored)
	for i := range w.rows {
		w.rows[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return w, nil
}
