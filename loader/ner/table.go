package ner

// idxTable maps 64-bit hashes (of words) to int32 indices: open addressing
// with linear probing in a power-of-two array at most half full. The keys
// are hashes already, so a lookup is a multiply, a shift and usually one
// slot; cheaper than a Go map in the tagger's per-token loops.
type idxTable struct {
	slots []idxSlot
	n     int  // keys stored
	shift uint // 64 - log2(len(slots))
}

type idxSlot struct {
	key uint64 // stored key; 0 marks an empty slot (see slotKey)
	val int32
}

// minTableBits is log2 of the smallest slot array.
const minTableBits = 8

// slotKey is the stored form of key k: a zero key is stored as 1, so the
// two are one key (as two words with equal hashes already are).
func slotKey(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

func (t *idxTable) home(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> t.shift) }

// get returns the index stored for k.
func (t *idxTable) get(k uint64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	k = slotKey(k)
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.key == k {
			return s.val, true
		}
		if s.key == 0 {
			return 0, false
		}
	}
}

// put stores v for k, which must not be stored yet.
func (t *idxTable) put(k uint64, v int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	k = slotKey(k)
	mask := len(t.slots) - 1
	i := t.home(k)
	for t.slots[i].key != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = idxSlot{key: k, val: v}
	t.n++
}

func (t *idxTable) grow() {
	old := t.slots
	bits := uint(minTableBits)
	if len(old) > 0 {
		bits = 65 - t.shift
	}
	t.slots, t.shift, t.n = make([]idxSlot, 1<<bits), 64-bits, 0
	for _, s := range old {
		if s.key != 0 {
			t.put(s.key, s.val)
		}
	}
}

// reset empties t. A slot array grown past keep slots is dropped, so one
// huge document does not make every later reset slow.
func (t *idxTable) reset(keep int) {
	if len(t.slots) > keep {
		t.slots, t.shift = nil, 0
	} else if t.n > 0 {
		clear(t.slots)
	}
	t.n = 0
}
