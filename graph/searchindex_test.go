package graph

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestCloseStopsSearchIndexBuild checks that Close stops the search index
// build that Open starts in the background instead of waiting for it to
// read every entity.
func TestCloseStopsSearchIndexBuild(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	addAll(t, s, uniqueDocs(20, 30, 3, ""), 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The build blocks at its first entity until it is stopped, or for
	// 5 s, which only a Close that does not stop it waits out.
	started, stopped := make(chan struct{}), make(chan error, 1)
	var once sync.Once
	searchIndexEntityHook = func(ctx context.Context) {
		once.Do(func() {
			close(started)
			select {
			case <-ctx.Done():
				stopped <- ctx.Err()
			case <-time.After(5 * time.Second):
				stopped <- errors.New("the build was not stopped")
			}
		})
	}
	t.Cleanup(func() { searchIndexEntityHook = nil })
	s = openAt(t, dir)
	<-started
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Fatalf("search index build at Close: %v", err)
	}
}
