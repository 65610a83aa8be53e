package graph

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// madvPageout is Linux's MADV_PAGEOUT (5.4 and later): reclaim the pages
// of a range. Unlike MADV_DONTNEED it never discards data, so it is safe
// even if the range was unmapped and reused since /proc/self/maps was read.
const madvPageout = 21

// trimEvery is how often a BulkLoad store pages out its file mappings.
const trimEvery = 2 * time.Second

// startTrim pages out, every trimEvery until stop is closed, the resident
// pages of the Badger table and value log files (.sst, .vlog) under dir
// that this process maps. Badger writes every new table, and the value
// log, through a shared mapping and keeps it mapped, so without this the
// file-backed part of the resident set grows with the database: a bulk
// load's peak RSS would grow with the articles loaded. A page paged out
// is written back first if dirty, and a page read again is faulted back
// in from the page cache or the file.
func startTrim(dir string, stop <-chan struct{}) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	prefix := []byte(abs + string(filepath.Separator))
	go func() {
		t := time.NewTicker(trimEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if _, err := pageoutFiles(prefix); err != nil {
					return // no /proc or no MADV_PAGEOUT: nothing to do
				}
			}
		}
	}()
}

// pageoutFiles pages out the .sst and .vlog mappings under prefix and
// returns how many there were.
func pageoutFiles(prefix []byte) (int, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	n := 0
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		line := sc.Bytes()
		i := bytes.Index(line, prefix)
		if i < 0 || !bytes.HasSuffix(line, []byte(".sst")) && !bytes.HasSuffix(line, []byte(".vlog")) {
			continue
		}
		rng, _, _ := bytes.Cut(line, []byte(" "))
		lo, hi, ok := bytes.Cut(rng, []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), madvPageout)
		if errno == syscall.EINVAL {
			return n, errno // the kernel does not know MADV_PAGEOUT
		}
		n++
	}
	return n, sc.Err()
}
