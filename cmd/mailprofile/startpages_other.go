//go:build !linux

package main

// releaseStartupPages does nothing where there is no /proc/self/smaps.
func releaseStartupPages() (uintptr, error) { return 0, nil }
