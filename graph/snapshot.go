package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Snapshot returns a context under which every read of this Store sees
// one snapshot of the database, the one of the first read made under it:
// a GraphQL query's fields then agree with each other even while articles
// are being written, and the reads share one Badger read transaction
// instead of opening one each (each costs two hand-offs to Badger's
// watermark goroutine). release ends the snapshot; reads still running
// under it finish first, and later ones fail. A snapshot holds back the
// cleanup of the versions written after it, so keep it for one request.
// Writes never use it.
func (s *Store) Snapshot(ctx context.Context) (_ context.Context, release func()) {
	sn := &snapshot{store: s}
	return context.WithValue(ctx, snapshotKey{}, sn), sn.release
}

type snapshotKey struct{}

// snapshot is one read transaction shared by the reads of a context. It
// is created by the first read and discarded when it has been released
// and no read uses it.
type snapshot struct {
	store    *Store
	mu       sync.Mutex
	txn      *badger.Txn
	users    int
	released bool
}

var errSnapshotReleased = errors.New("graph: read after its snapshot was released")

func (sn *snapshot) acquire(db *badger.DB) (*badger.Txn, error) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.released {
		return nil, errSnapshotReleased
	}
	if sn.txn == nil {
		sn.txn = db.NewTransaction(false)
	}
	sn.users++
	return sn.txn, nil
}

func (sn *snapshot) done() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.users--
	sn.discardIfIdle()
}

func (sn *snapshot) release() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	sn.released = true
	sn.discardIfIdle()
}

// discardIfIdle discards the transaction of a released snapshot that no
// read uses. sn.mu is held.
func (sn *snapshot) discardIfIdle() {
	if sn.released && sn.users == 0 && sn.txn != nil {
		sn.txn.Discard()
		sn.txn = nil
	}
}

// view runs fn in a read transaction: the snapshot of ctx if it has one
// of this Store, else a transaction of its own.
func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if s.db == nil {
		return errors.New("store is closed")
	}
	if s.pendDirty.Load() {
		// A BulkLoad store's aggregates are written before it is read.
		if err := s.Checkpoint(ctx); err != nil {
			return err
		}
	}
	return s.viewStored(ctx, fn)
}

// hashSnapshot is the read transaction that a BulkLoad store's HasHash
// shares, renewed every hashSnapshotAge: a new Badger transaction waits
// until the commits under way are applied, which held up every
// extraction worker's check while a load wrote. An article stored since
// is then not seen and is extracted again; AddDocs knows it and stores it
// once (StatusUnchanged).
type hashSnapshot struct {
	mu     sync.Mutex
	txn    *badger.Txn
	since  time.Time
	closed bool
}

const hashSnapshotAge = time.Second

// viewHashes runs fn on the shared hash snapshot of a BulkLoad store, on
// a transaction of its own otherwise.
func (s *Store) viewHashes(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if s.pend == nil {
		return s.viewStored(ctx, fn)
	}
	h := &s.hashSnap
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errors.New("store is closed")
	}
	if h.txn == nil || time.Since(h.since) > hashSnapshotAge {
		if h.txn != nil {
			h.txn.Discard()
		}
		h.txn, h.since = s.db.NewTransaction(false), time.Now()
	}
	return fn(h.txn)
}

// endHashSnapshot discards the hash snapshot (Close).
func (s *Store) endHashSnapshot() {
	h := &s.hashSnap
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.txn != nil {
		h.txn.Discard()
		h.txn = nil
	}
	h.closed = true
}

// viewStored is view without the checkpoint: for reads of what every
// transaction writes itself (article hashes).
func (s *Store) viewStored(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if s.db == nil {
		return errors.New("store is closed")
	}
	if sn, ok := ctx.Value(snapshotKey{}).(*snapshot); ok && sn.store == s {
		txn, err := sn.acquire(s.db)
		if err != nil {
			return err
		}
		defer sn.done()
		return fn(txn)
	}
	return s.db.View(fn)
}
