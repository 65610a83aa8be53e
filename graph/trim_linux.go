package graph

import (
	"bufio"
	"bytes"
	"fmt"
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

// A BulkLoad store pages out its file mappings every trimEvery, and
// sooner when its file-backed resident set, read every trimCheck, has
// grown by trimGrowth since its lowest point after the last page-out: a
// compaction, which reads and writes tables through their mappings,
// added 130 MiB between two page-outs 2 seconds apart. A page-out every time the set had grown by
// 32 MiB (no period) cut a 400,000-article load's peak RSS from 958 to
// 798 MiB but faulted 391,262 pages back in against 14,387, and the load
// took 347 s against 301.
const (
	trimEvery  = 2 * time.Second
	trimCheck  = 100 * time.Millisecond
	trimGrowth = 96 << 20
)

// startTrim pages out, until stop is closed, the resident pages of the
// Badger table and value log files (.sst, .vlog) under dir that this
// process maps (see trimEvery). Badger writes every new table, and the
// value log, through a shared mapping and keeps it mapped, so without
// this the file-backed part of the resident set grows with the
// database: a bulk load's peak RSS would grow with the articles loaded.
// A page paged out is written back first if dirty, and a page read
// again is faulted back in from the page cache or the file.
func startTrim(dir string, stop <-chan struct{}) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	go trimLoop([]byte(abs+string(filepath.Separator)), stop, trimCheck, trimEvery, trimGrowth)
}

// trimLoop is startTrim's loop: it looks every check, and pages out
// every period or after growth bytes.
func trimLoop(prefix []byte, stop <-chan struct{}, check, every time.Duration, growth int64) {
	t := time.NewTicker(check)
	defer t.Stop()
	var last time.Time // of the last page-out
	low := int64(-1)   // lowest file-backed RSS since then
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			rss, err := fileRSS()
			if err != nil {
				return // no /proc: nothing to do
			}
			if low >= 0 && rss < low+growth && now.Sub(last) < every {
				low = min(low, rss)
				continue
			}
			if _, err := pageoutFiles(prefix); err != nil {
				return // no MADV_PAGEOUT: nothing to do
			}
			last = time.Now()
			if low, err = fileRSS(); err != nil {
				return
			}
		}
	}
}

// fileRSS returns the file-backed (and shared memory) resident set of
// this process in bytes: the third field of /proc/self/statm, in pages.
func fileRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(b)
	if len(f) < 3 {
		return 0, fmt.Errorf("/proc/self/statm: %q", b)
	}
	n, err := strconv.ParseInt(string(f[2]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("/proc/self/statm: %w", err)
	}
	return n * int64(os.Getpagesize()), nil
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
