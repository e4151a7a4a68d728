// Command report turns the lines `make bench` collects (Go benchmark format, from the
// benchmarks and from bench/*.sh; units in internal/measure) into the table of
// docs/PERFORMANCE.md: it prints the table and rewrites it in the document between the
// markers, with the date and the machine.
//
//	go run ./bench/report [-doc docs/PERFORMANCE.md] RESULTS...   (RESULTS: files, or stdin)
//
// It exits 1 when a scenario of the table has no line (a benchmark that did not run is a
// broken `make bench`), not when a goal is missed: the document says why for those.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ecswiz/ecswiz/internal/measure"
)

const (
	beginMarker = "<!-- bench:begin (written by `make bench`; edit bench/report, not this table) -->"
	endMarker   = "<!-- bench:end -->"
)

// metrics are one benchmark line's values by unit.
type metrics map[string]float64

func (m metrics) has(unit string) bool { _, ok := m[unit]; return ok }

// ratio is how many times faster ecswiz was than the peer; false without a peer.
func (m metrics) ratio() (float64, bool) {
	if !m.has(measure.Peer) || m[measure.Ecswiz] <= 0 {
		return 0, false
	}
	return m[measure.Peer] / m[measure.Ecswiz], true
}

// scenario is one row of the table: the benchmark line it comes from (its name without
// "Benchmark" and the GOMAXPROCS suffix), what a reader sees, and the goal.
type scenario struct {
	key   string
	label string
	goal  string
	met   func(m metrics, all map[string]metrics) bool // nil: a figure without a goal of its own
}

func under(unit string, limit float64) func(metrics, map[string]metrics) bool {
	return func(m metrics, _ map[string]metrics) bool { return m.has(unit) && m[unit] < limit }
}

func fasterThanPeer(times float64) func(metrics, map[string]metrics) bool {
	return func(m metrics, _ map[string]metrics) bool { r, ok := m.ratio(); return ok && r >= times }
}

// withinBucket is the throttled listing within factor of the least time the bucket
// allows. Where the bucket does not bind (the calls fit in its burst), that least time is
// the same listing's without a bucket, the row named unthrottled: the bucket may not add
// more than the factor to it either.
func withinBucket(factor float64, unthrottled string) func(metrics, map[string]metrics) bool {
	return func(m metrics, all map[string]metrics) bool {
		if !m.has(measure.BucketMin) {
			return false
		}
		least := max(m[measure.BucketMin], all[unthrottled][measure.Ecswiz])
		return m[measure.Ecswiz] <= factor*least
	}
}

var scenarios = []scenario{
	{"Startup/version", "`ecswiz version`", "< 10 ms", under(measure.Ecswiz, 10)},
	{"Startup/render", "`ecswiz render -f examples/production.tfvars`", "< 20 ms", under(measure.Ecswiz, 20)},
	{"Startup/sdk-floor", "… a program that only links the same AWS SDK clients and prints a line (bench/sdkfloor)", "—", nil},
	{"Startup/binary", "binary size (`make build`)", "reported", nil},
	{"FirstFrame/wizard", "first wizard frame in a 120×40 tmux pty, AWS still loading", "< 100 ms", under(measure.Ecswiz, 100)},
	{"FirstFrame/in-process", "… the wizard's own share in process (model built, Init, size, View)", "—", nil},
	{"FirstFrame/baseline", "… the harness alone (tmux + polling, `printf` of the same lines)", "—", nil},
	{"Params/1000", "parameter discovery: 1,000 parameters, 25 ms a call", "≥ 15× the AWS CLI", fasterThanPeer(15)},
	{"Params/10000", "parameter discovery: 10,000 parameters, 25 ms a call", "≥ 15× the AWS CLI", fasterThanPeer(15)},
	{"Params/1000-one-stem", "… 1,000 parameters all under one name stem", "—", nil},
	{"ParamsThrottled/1000", "… 1,000 parameters, 40/s token bucket (burst 40)", "no error, ≤ 1.2× the bucket's minimum (or the unthrottled listing's, if longer)", withinBucket(1.2, "Params/1000")},
	{"ParamsThrottled/10000", "… 10,000 parameters, 40/s token bucket (burst 40)", "no error, ≤ 1.2× the bucket's minimum (or the unthrottled listing's, if longer)", withinBucket(1.2, "Params/10000")},
	{"DoctorScreens/first", "troubleshooter screens: first grouped results, 100 services / 1,000 stopped tasks, 25 ms a call", "< 1.5 s", under(measure.Ecswiz, 1500)},
	{"DoctorScan/first", "`doctor.Scan`: first grouped results vs the loop's first `describe-tasks`", "< 1.5 s, ratio reported", under(measure.Ecswiz, 1500)},
	{"DoctorScan/all", "`doctor.Scan`: every service and stopped task vs a sequential AWS CLI loop", "ratio reported", nil},
	{"SecretsFilter/keystroke", "secrets picker, 10,000 parameters: one keystroke (Update + View)", "< 2 ms", under(measure.Ecswiz, 2)},
	{"SecretsFilter/first-letter", "… the costliest keystroke (a first letter searches every name)", "< 2 ms", under(measure.Ecswiz, 2)},
	{"PickerMemory/10000", "peak memory of the whole process, picker holding 10,000 parameters", "< 80 MB", under(measure.PeakMB, 80)},
	{"PickerMemory/0", "… the same walk with the demo's own parameters only", "—", nil},
}

func main() {
	doc := flag.String("doc", "", "rewrite the table in this Markdown file, between the bench markers")
	flag.Parse()
	if err := run(*doc, flag.Args(), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench/report:", err)
		os.Exit(1)
	}
}

func run(doc string, files []string, stdin io.Reader, stdout io.Writer) error {
	results := map[string]metrics{}
	if len(files) == 0 {
		if err := parse(stdin, results); err != nil {
			return err
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = parse(f, results)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	table, missing := render(results, machine(time.Now()))
	fmt.Fprint(stdout, table)
	if doc != "" {
		if err := rewrite(doc, table); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no figures for %s: a benchmark did not run", strings.Join(missing, ", "))
	}
	return nil
}

// benchLine is `BenchmarkNAME[-PROCS] ITERATIONS (VALUE UNIT)*`.
var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+((?:\s+\S+\s+\S+)*)\s*$`)

// parse reads benchmark lines into results; every other line (go test's chatter, a
// script's own output) is skipped.
func parse(r io.Reader, results map[string]metrics) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		match := benchLine.FindStringSubmatch(sc.Text())
		if match == nil {
			continue
		}
		fields := strings.Fields(match[2])
		m := metrics{}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return fmt.Errorf("benchmark %s: value %q: %w", match[1], fields[i], err)
			}
			m[fields[i+1]] = v
		}
		results[match[1]] = m
	}
	return sc.Err()
}

// render is the Markdown the document holds: when and where, then one row a scenario.
func render(results map[string]metrics, where string) (string, []string) {
	var b strings.Builder
	var missing []string
	fmt.Fprintf(&b, "Last run: %s.\n\n", where)
	b.WriteString("| scenario | ecswiz (median) | peer, same endpoint (median) | ratio | calls (ecswiz / peer) | goal | met | machine note |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|---|---|\n")
	for _, s := range scenarios {
		m, ok := results[s.key]
		if !ok {
			missing = append(missing, s.key)
			fmt.Fprintf(&b, "| %s | not run | | | | %s | | |\n", s.label, s.goal)
			continue
		}
		met := "—"
		if s.met != nil {
			met = "yes"
			if !s.met(m, results) {
				met = "**no**"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			s.label, figure(m), peer(m), ratio(m), calls(m), s.goal, met, note(m))
	}
	return b.String(), missing
}

// figure is ecswiz's own value: a duration, a peak or a size.
func figure(m metrics) string {
	switch {
	case m.has(measure.Ecswiz):
		s := duration(m[measure.Ecswiz])
		if m.has(measure.BucketMin) {
			s += fmt.Sprintf(" (bucket minimum %s)", duration(m[measure.BucketMin]))
		}
		return s
	case m.has(measure.PeakMB):
		return fmt.Sprintf("%.1f MB", m[measure.PeakMB])
	case m.has(measure.Bytes):
		return fmt.Sprintf("%.1f MiB", m[measure.Bytes]/(1<<20))
	}
	return "—"
}

func peer(m metrics) string {
	if !m.has(measure.Peer) {
		return "—"
	}
	return duration(m[measure.Peer])
}

func ratio(m metrics) string {
	r, ok := m.ratio()
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f×", r)
}

func calls(m metrics) string {
	count := func(unit string) string {
		if !m.has(unit) {
			return "—"
		}
		return strconv.FormatFloat(m[unit], 'f', -1, 64)
	}
	if !m.has(measure.Calls) && !m.has(measure.PeerCalls) {
		return "—"
	}
	return count(measure.Calls) + " / " + count(measure.PeerCalls)
}

// note is what the row's runs were: how many, on how loaded a machine, and what else
// happened (throttling ridden out).
func note(m metrics) string {
	var parts []string
	if m.has(measure.Runs) {
		parts = append(parts, fmt.Sprintf("%.0f runs", m[measure.Runs]))
	}
	if m.has(measure.Load) {
		parts = append(parts, fmt.Sprintf("load %.2f", m[measure.Load]))
	}
	if m.has(measure.Throttled) {
		parts = append(parts, fmt.Sprintf("%.0f throttled a run", m[measure.Throttled]))
	}
	return strings.Join(parts, ", ")
}

// duration formats milliseconds the way a reader compares them.
func duration(ms float64) string {
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}

// machine is the run's date and the machine: CPUs, model, OS, Go.
func machine(now time.Time) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	kernel := runtime.GOOS
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel += " " + strings.TrimSpace(string(data))
	}
	return fmt.Sprintf("%s on %d CPUs (%s), %s/%s, %s", now.UTC().Format("2006-01-02 15:04 MST"),
		runtime.NumCPU(), cpu, kernel, runtime.GOARCH, runtime.Version())
}

// rewrite replaces what lies between the markers in the document with table, keeping
// the rest; the file is replaced in one rename so a failed run leaves the old one.
func rewrite(doc, table string) error {
	data, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	text := string(data)
	begin, end := strings.Index(text, beginMarker), strings.Index(text, endMarker)
	if begin < 0 || end < begin {
		return errors.New(doc + ": the bench markers are missing; add\n" + beginMarker + "\n" + endMarker + "\nwhere the table goes")
	}
	text = text[:begin+len(beginMarker)] + "\n" + table + text[end:]
	tmp := doc + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, doc)
}
