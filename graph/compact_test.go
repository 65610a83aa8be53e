package graph

import (
	"fmt"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// A bulk-loading store leaves no level-0 tables when it is closed: a
// read-only server, which never compacts, would otherwise seek in each of
// them on every read.
func TestBulkLoadCloseLeavesNoLevel0(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{BulkLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	// More than one memtable (8 MiB) of values, so that tables are
	// flushed to level 0 while writing and once more on closing.
	val := make([]byte, 4<<10)
	for b := 0; b < 30; b++ {
		err := s.db.Update(func(txn *badger.Txn) error {
			for i := 0; i < 200; i++ {
				if err := txn.Set([]byte(fmt.Sprintf("t%02d%05d", b, i)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := badger.Open(badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := db.Tables()
	if len(tables) == 0 {
		t.Fatal("no tables after closing")
	}
	for _, ti := range tables {
		if ti.Level == 0 {
			t.Errorf("table %d is on level 0 after closing (%d tables in all)", ti.ID, len(tables))
		}
	}
}
