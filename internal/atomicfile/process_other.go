//go:build !unix

package atomicfile

import "os"

// processRunning reports whether a process with this PID exists. Where there is no
// way to ask (FindProcess succeeds for any PID), it says yes: a leftover then stays
// rather than a running write losing its file.
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
