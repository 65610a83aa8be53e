//go:build !linux

package graph

// startTrim does nothing outside Linux (see trim_linux.go).
func startTrim(dir string, stop <-chan struct{}) {}
