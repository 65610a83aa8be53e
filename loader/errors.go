package loader

import (
	"errors"
	"fmt"
)

// Reasons an input is rejected. An InputError wraps one of them, so callers
// group rejections with errors.Is.
var (
	ErrEmpty       = errors.New("empty article")
	ErrBinary      = errors.New("binary data (NUL bytes)")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrTooLarge    = errors.New("article larger than the maximum size")
	ErrMalformed   = errors.New("malformed JSON line")
	ErrNoID        = errors.New("missing id")
	ErrTruncated   = errors.New("truncated or corrupt compressed file")
	ErrNotText     = errors.New("not a text, JSONL or HTML file")
	ErrMissing     = errors.New("no such file or directory")
	ErrRead        = errors.New("read error")
	ErrStore       = errors.New("store error")
)

// reasons lists the sentinels in the order summaries print them.
var reasons = []error{ErrEmpty, ErrBinary, ErrInvalidUTF8, ErrTooLarge, ErrMalformed,
	ErrNoID, ErrTruncated, ErrNotText, ErrMissing, ErrRead, ErrStore, ErrExtract, ErrServer}

// InputError is one rejected input: a file, or one line of a JSONL file.
// Line is 0 when the whole file is meant. Err wraps one of the Err*
// sentinels above.
type InputError struct {
	Path string
	Line int
	Err  error
}

// Error returns "path:line: reason", or "path: reason" when Line is 0.
func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the reason.
func (e *InputError) Unwrap() error { return e.Err }

// Reason returns the sentinel that e wraps, or nil when it wraps none.
func Reason(err error) error {
	for _, r := range reasons {
		if errors.Is(err, r) {
			return r
		}
	}
	return nil
}
