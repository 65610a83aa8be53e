package graph

import (
	"context"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// A snapshot released while a read uses it keeps its transaction until
// that read is done.
func TestSnapshotReleaseWhileReading(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, release := s.Snapshot(context.Background())
	sn := ctx.Value(snapshotKey{}).(*snapshot)
	err = s.view(ctx, func(txn *badger.Txn) error {
		release()
		if sn.txn == nil {
			t.Error("transaction discarded while a read uses it")
		}
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		it.Rewind()
		it.Close()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sn.txn != nil {
		t.Error("transaction kept after the last read of a released snapshot")
	}
	if err := s.view(ctx, func(*badger.Txn) error { return nil }); err != errSnapshotReleased {
		t.Errorf("view after release: %v", err)
	}
}
