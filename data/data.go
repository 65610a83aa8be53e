// Package data embeds the seed articles, one news article per .txt file,
// that `newsgraph serve` loads into an empty database. It imports only embed.
package data

import "embed"

// FS holds the seed articles as *.txt at its root; an article's externalId
// is its file name without .txt.
//
//go:embed *.txt
var FS embed.FS
