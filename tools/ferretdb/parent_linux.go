//go:build linux

package main

import (
	"os"
	"syscall"
)

// watchParent asks the kernel to send SIGTERM when the parent dies, so a crashed service never
// leaves an orphan database behind; if the parent is already gone, exit at once.
func watchParent() {
	ppid := os.Getppid()
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if errno != 0 || os.Getppid() != ppid {
		os.Exit(1)
	}
}
