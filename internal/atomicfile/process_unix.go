//go:build unix

package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// processRunning reports whether a process with this PID exists. A process of another
// user counts (it cannot be signalled, but it runs); a zombie on Linux does not: it was
// killed and only waits for its parent to reap it.
func processRunning(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if runtime.GOOS == "linux" {
		// /proc/PID/stat is "PID (COMMAND) STATE ..."; COMMAND may hold spaces and ")".
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if i := bytes.LastIndexByte(stat, ')'); err == nil && i >= 0 && i+2 < len(stat) {
			return stat[i+2] != 'Z'
		}
	}
	return true
}
