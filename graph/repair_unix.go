//go:build unix

package graph

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// removeEmptyLogs deletes the empty write-ahead and value log files
// (.mem, .vlog) that a process killed while Badger was creating one leaves
// behind: Badger refuses to open a directory holding one ("Create a new
// file"), though such a file holds no data (a log that was ever written
// starts with a 20-byte header). It does so only while it holds Badger's
// directory lock (an exclusive flock on the directory), that is while no
// other process has the database open; otherwise it does nothing and
// Badger's own open reports the lock. It returns the names removed.
func removeEmptyLogs(dir string) []string {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return nil
	}
	defer syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() || !(strings.HasSuffix(name, ".vlog") || strings.HasSuffix(name, ".mem")) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Size() == 0 && os.Remove(filepath.Join(dir, name)) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}
