//go:build !linux

package main

// watchParent is a no-op outside Linux.
func watchParent() {}
