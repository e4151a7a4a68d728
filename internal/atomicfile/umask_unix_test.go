//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteGivesTheModeWhateverTheUmask(t *testing.T) {
	for _, umask := range []int{0, 0o022, 0o077, 0o277} {
		old := syscall.Umask(umask)
		path := filepath.Join(t.TempDir(), "spec.tfvars")
		err := Write(path, []byte("new"), 0o600, false)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != 0o600 {
			t.Errorf("umask %03o: mode %o, want 600", umask, got)
		}
	}
}
