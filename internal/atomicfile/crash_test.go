package atomicfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test runs this test binary again as a child that writes one file over and
// over, and kills it with SIGKILL at random moments.
const (
	crashChildEnv = "ATOMICFILE_CRASH_CHILD" // the path the child writes
	crashFirstEnv = "ATOMICFILE_CRASH_FIRST" // the number of the child's first write
	// crashKillsEnv sets how many kills the test makes (default 100, 20 with -short).
	crashKillsEnv = "ATOMICFILE_CRASH_KILLS"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild writes crashContent(n), crashContent(n+1)... to path until it is killed,
// saying on stdout when each write begins and ends.
func crashChild(path string) {
	n, err := strconv.Atoi(os.Getenv(crashFirstEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	for ; ; n++ {
		data := crashContent(n)
		fmt.Fprintf(os.Stdout, "begin %d\n", n)
		if err := Write(path, data, 0o600, true); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stdout, "end %d\n", n)
	}
}

// crashContent is the content of write n: over half a MiB, its number first, and of a
// length that changes from one write to the next, so that no part of one write (nor a
// mix of two) equals a whole one.
func crashContent(n int) []byte {
	head := fmt.Sprintf("write %d\n", n)
	size := 512<<10 + (n%2)*(256<<10) + n%977
	b := bytes.Repeat([]byte{byte('a' + n%26)}, size)
	copy(b, head)
	return b
}

// TestAKilledWriteLeavesACompleteFile kills a process writing a file with Write at
// random moments, many times: after every kill the file holds one whole content, the
// one written last or the one being written, never a part or nothing; the temporary
// files the kills leave do not pile up, and the next write removes them.
//
// ATOMICFILE_CRASH_KILLS=1000 go test -run TestAKilledWriteLeavesACompleteFile -v ./internal/atomicfile
func TestAKilledWriteLeavesACompleteFile(t *testing.T) {
	kills := 100
	if testing.Short() {
		kills = 20
	}
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of kills", crashKillsEnv, v)
		}
		kills = n
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "spec.tfvars")
	onDisk := 0 // the number of the write the file holds
	if err := Write(path, crashContent(onDisk), 0o600, true); err != nil {
		t.Fatal(err)
	}
	// The kills land anywhere in two writes' time: inside one (the temporary file half
	// written, synced, renamed) or between two.
	start := time.Now()
	if err := Write(path+".calibrate", crashContent(1), 0o600, true); err != nil {
		t.Fatal(err)
	}
	window := max(2*time.Since(start), time.Millisecond)
	_ = os.Remove(path + ".calibrate")

	var during, replaced int
	for i := range kills {
		lastBegun, lastEnded, err := killAWriter(self, path, onDisk+1, rand.N(window))
		if err != nil {
			t.Fatalf("kill %d: %v", i+1, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("kill %d: the file is gone: %v", i+1, err)
		}
		if lastEnded >= 0 {
			onDisk = lastEnded
		}
		switch {
		case bytes.Equal(got, crashContent(onDisk)):
		case lastBegun > onDisk && bytes.Equal(got, crashContent(lastBegun)):
			onDisk = lastBegun // killed after the rename, before it could say so
			replaced++
		default:
			t.Fatalf("kill %d: the file holds %d bytes beginning %q, neither write %d nor write %d whole",
				i+1, len(got), firstLine(got), onDisk, lastBegun)
		}
		if lastBegun != lastEnded {
			during++
		}
		if temps := tempFiles(t, dir); len(temps) > 1 {
			t.Fatalf("kill %d: temporary files pile up: %v", i+1, temps)
		}
	}
	if err := Write(path, crashContent(onDisk+1), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if temps := tempFiles(t, dir); len(temps) > 0 {
		t.Errorf("the write after the kills left the temporary files of the killed ones: %v", temps)
	}
	t.Logf("%d kills: %d during a write (%d of them after its rename), %d between two writes; the file was whole after every one",
		kills, during, replaced, kills-during)
	if during == 0 {
		t.Errorf("no kill landed during a write: the test proved nothing about one")
	}
}

// killAWriter starts a child writing path from write first on, kills it after delay
// (counted from its first write) and says which write it began last and which it ended
// last (-1 for none).
func killAWriter(self, path string, first int, delay time.Duration) (lastBegun, lastEnded int, err error) {
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path, crashFirstEnv+"="+strconv.Itoa(first))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	lastBegun, lastEnded = -1, -1
	lines := bufio.NewScanner(out)
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		// Reading all along keeps the child from blocking on a full pipe.
		defer close(done)
		for lines.Scan() {
			what, n, _ := strings.Cut(lines.Text(), " ")
			k, _ := strconv.Atoi(n)
			switch what {
			case "begin":
				if lastBegun < 0 {
					close(started)
				}
				lastBegun = k
			case "end":
				lastEnded = k
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case <-started:
	case <-done:
		_ = cmd.Wait()
		return 0, 0, fmt.Errorf("the child ended before it wrote: %s", stderr.String())
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, 0, fmt.Errorf("the child did not begin to write within a minute")
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: nothing of the child runs after
		return 0, 0, err
	}
	<-done
	if err := cmd.Wait(); err == nil || stderr.Len() > 0 {
		return 0, 0, fmt.Errorf("the child was not killed (%v): %s", err, stderr.String())
	}
	return lastBegun, lastEnded, nil
}

// tempFiles lists the temporary files in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var temps []string
	for _, name := range listDir(t, dir) {
		if strings.Contains(name, ".tmp-") {
			temps = append(temps, name)
		}
	}
	return temps
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b[:min(len(b), 40)], []byte("\n"))
	return string(line)
}
