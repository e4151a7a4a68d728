package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// TestACreatedSecretsValueIsWrittenNowhere creates a SecureString parameter through the
// wizard's Secrets step in the demo, with a value no other test uses, then registers,
// exports every format, saves the spec and quits, with --log-file on. It then searches
// every byte ecswiz wrote for the value, in every form it could take: the draft
// directory, the exports, the log, the temporary directory, the home directory, the
// screens, and the whole output stream of the terminal, recorded from the first byte
// and replayed screen by screen (a value echoed as it is typed would show on one of
// them even if no snapshot caught it).
func TestACreatedSecretsValueIsWrittenNowhere(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "ecswiz.log")
	stream := filepath.Join(dir, "terminal-stream")
	start := filepath.Join(dir, "start")

	// The value: characters that JSON, HCL and Go quoting escape each in their own way,
	// around a core of random letters that no escaping changes and nothing else holds.
	core := secretCore(t)
	value := `ecswiz-e2e "<secret>" & \ ` + core
	name := "/demo-shop/dev/app/e2e-scan-token"

	// ecswiz waits for the recording of the pane to start, so its first byte is recorded.
	term := newTerminal(t, 120, 40, session(t, dir, "TMPDIR="+tmp),
		"while [ ! -e "+start+" ]; do sleep 0.05; done; cd "+dir+" && "+binary+" --demo --log-file "+log)
	term.tmux("pipe-pane", "-o", "-t", term.name, "cat >> "+stream)
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var screens []scannedOutput // what capture-pane showed at each point, scannedOutput too
	snap := func(what, screen string) {
		screens = append(screens, scannedOutput{name: "the screen " + what, data: []byte(screen)})
	}

	term.waitFor("App name")
	// The start file is the test's, not ecswiz's: it is not scannedOutput.
	if err := os.Remove(start); err != nil {
		t.Fatal(err)
	}
	term.typeText("demo-shop")
	term.send("Enter") // the app name
	term.send("Enter") // environment: dev
	term.send("Enter") // container name: the app's
	term.waitFor("ctrl+t: type another value")
	term.send("Enter") // the demo-shop repository
	term.waitFor("amd64")
	term.send("Enter") // its newest amd64 tag
	term.enterUntil("Sizing")
	term.enterUntil("Django")
	term.enterUntil("Secrets")
	term.waitFor("Required secrets under /demo-shop/dev · all 6 found")

	// The name typed as a filter is what the create dialog offers.
	term.typeText(name)
	term.waitFor("Filter " + name)
	term.send("C-n")
	snap("with the create dialog", term.waitFor("Create a SecureString parameter"))
	term.typeText(value)
	// Each character typed shows as a dot, and nothing else of it. Should the value show
	// instead, the test goes on, so the scan names every place it went.
	screen := term.waitForAny(strings.Repeat("•", len(value)), core)
	snap("after typing the value", screen)
	if strings.Contains(screen, core) {
		t.Error("the value shows as it is typed: the Value field of the create dialog must be masked")
	}
	term.send("Enter")
	snap("asking to create it", term.waitFor("Create this parameter?"))
	term.send("y")
	snap("once it is created", term.waitFor("Created "+name+" as a SecureString"))
	term.send("Space") // exposes it to the task
	snap("with it exposed", term.waitFor("← "+name))

	term.enterUntil("Integrations")
	term.enterUntil("Hardening")
	term.enterUntil("Runtime")
	term.enterUntil("Review")
	snap("of the review", term.waitFor("ECS JSON"))
	// The wizard removes its draft once it has registered, exported or saved; keep what
	// the draft holds now, with the secret exposed, for the scan.
	draftFile := filepath.Join(dir, "config", "draft.tfvars")
	waitForContent(t, draftFile, name)
	draftText, err := os.ReadFile(draftFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "draft-before-act.tfvars"), draftText, 0o600); err != nil {
		t.Fatal(err)
	}
	term.enterUntil("Act")
	term.send("Enter")
	term.waitFor("y register")
	term.send("y")
	snap("once registered", term.waitFor("✓ Registered demo-shop-dev:"))

	// Every export format, each to its suggested path.
	term.send("Down")
	for i, file := range []string{"demo-shop-dev.tfvars", "demo-shop-dev.tfvars.json", "demo-shop-dev.tf", "demo-shop-dev.resource.tf", "demo-shop-dev.json"} {
		term.send("Enter") // Export, under the cursor
		term.waitFor("Format")
		if i > 0 {
			term.send("Down") // the next format; the path follows it
		}
		term.waitFor("Path  " + file + " ")
		term.send("Enter") // to the path
		term.send("Enter") // write
		snap("after exporting "+file, term.waitFor("✓ Wrote "+file+" ("))
	}
	term.send("Down", "Enter") // Save spec
	term.waitFor("Save the spec to")
	term.send("C-u")
	term.typeText("saved.tfvars")
	term.waitFor("saved.tfvars ")
	term.send("Enter")
	snap("after saving the spec", term.waitFor("✓ Saved the spec to saved.tfvars"))
	term.send("Down", "Enter") // Quit
	last := term.waitFor("[exit 0]")
	snap("after the wizard ended", last)
	waitForContent(t, stream, "[exit 0]")

	files := writtenFiles(t, dir)
	for _, want := range []string{log, stream, filepath.Join(dir, "draft-before-act.tfvars"), filepath.Join(dir, "saved.tfvars"),
		filepath.Join(dir, "demo-shop-dev.tfvars"), filepath.Join(dir, "demo-shop-dev.json")} {
		if !containsFile(files, want) {
			t.Errorf("%s was not written: the scan would miss what it holds", want)
		}
	}
	// The scan reads what it should: the parameter's name, which is no secret, is in
	// the log, the draft and the exports that list secrets.
	for _, f := range files {
		switch filepath.Base(f.name) {
		case "ecswiz.log", "draft-before-act.tfvars", "saved.tfvars", "demo-shop-dev.tfvars", "demo-shop-dev.json":
			if !bytes.Contains(f.data, []byte(name)) {
				t.Errorf("%s does not hold the parameter's name %s: the scan does not read what ecswiz wrote", f.name, name)
			}
		}
	}

	var found []string
	bytesScanned := 0
	for _, f := range append(files, screens...) {
		bytesScanned += len(f.data)
		found = append(found, valueLeaks(f, value, core)...)
	}

	// Every screen the terminal showed, replayed from its output stream: a value drawn
	// a few characters at a time as it is typed, between other updates, shows whole on
	// the screen it builds, not in the bytes.
	recorded, err := os.ReadFile(stream)
	if err != nil {
		t.Fatal(err)
	}
	term120 := newVTScreen(40, 120)
	frames, typedName, showing := 0, false, 0
	term120.replay(recorded, func(offset int, rows []string) {
		frames++
		for _, row := range rows {
			typedName = typedName || strings.Contains(row, "Filter "+name)
			if strings.Contains(row, core) {
				if showing == 0 {
					found = append(found, fmt.Sprintf("%s: the screen drawn up to offset %d shows the value: %q", stream, offset, strings.TrimSpace(row)))
				}
				showing++
			}
		}
	})
	if showing > 1 {
		t.Errorf("%d rows of the screens replayed from %s show the value in all", showing, stream)
	}
	for seq, n := range term120.unknown {
		t.Errorf("the terminal's stream holds %d× %q, which the replay does not know: it cannot vouch for the screens", n, seq)
	}
	// The replay is the terminal's: it ends on the screen tmux shows, and it shows the
	// name as it was typed into the filter, a character at a time.
	if got, want := term120.text(), trimPane(last); got != want {
		t.Errorf("the replayed stream ends on another screen than tmux shows:\n%s\n--- tmux shows:\n%s", got, want)
	}
	if !typedName {
		t.Errorf("no replayed screen shows the name typed into the filter, %q: the replay would miss a value echoed as typed", name)
	}

	for _, l := range found {
		t.Error(l)
	}
	var names []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f.name)
		names = append(names, rel)
	}
	t.Logf("secret scan: %d files (%s) and %d screens, %d bytes, searched for %d forms of the value; %d screens replayed from the terminal's stream: %d occurrences",
		len(files), strings.Join(names, ", "), len(screens), bytesScanned, len(valueForms(value, core)), frames, len(found))
}

// secretCore is "Sv" and 24 random letters.
func secretCore(t *testing.T) string {
	t.Helper()
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return "Sv" + string(b)
}

// scannedOutput is something ecswiz wrote: a file, or a screen.
type scannedOutput struct {
	name string
	data []byte
}

// writtenFiles reads every regular file under dir: everything ecswiz wrote in the test
// (its home, config, temporary and working directories are all under dir), and the
// recording of the terminal.
func writtenFiles(t *testing.T, dir string) []scannedOutput {
	t.Helper()
	var files []scannedOutput
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, scannedOutput{name: path, data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func containsFile(files []scannedOutput, path string) bool {
	for _, f := range files {
		if f.name == path {
			return true
		}
	}
	return false
}

// valueForms are the forms the value could be written in: as it is, its random core
// (which survives any escaping), JSON-escaped (with and without HTML escaping), Go-quoted,
// and base64 in either alphabet at each of the three alignments it could have inside
// a longer encoded text.
func valueForms(value, core string) map[string][]byte {
	forms := map[string][]byte{
		"the value":       []byte(value),
		"its random core": []byte(core),
	}
	quoted, _ := json.Marshal(value)
	forms["the value JSON-escaped"] = quoted[1 : len(quoted)-1]
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(value)
	plain := bytes.TrimSpace(b.Bytes())
	forms["the value JSON-escaped without HTML escapes"] = plain[1 : len(plain)-1]
	goQuoted := strconv.Quote(value)
	forms["the value Go-quoted"] = []byte(goQuoted[1 : len(goQuoted)-1])
	for _, alphabet := range []struct {
		name string
		enc  *base64.Encoding
	}{{"base64", base64.StdEncoding}, {"base64url", base64.URLEncoding}} {
		for shift := range 3 {
			// Encoded after shift other bytes, the characters that depend on the value's
			// bytes alone run from the first whole sextet to the last.
			encoded := alphabet.enc.EncodeToString(append(make([]byte, shift), value...))
			first := (8*shift + 5) / 6
			last := (8*(shift+len(value)))/6 - 1
			forms[fmt.Sprintf("the value in %s, after %d other bytes", alphabet.name, shift)] = []byte(encoded[first : last+1])
		}
		forms["the value in "+alphabet.name] = []byte(alphabet.enc.EncodeToString([]byte(value)))
	}
	return forms
}

// valueLeaks names each place f holds a form of the value: the file and the offset.
func valueLeaks(f scannedOutput, value, core string) []string {
	var out []string
	for form, needle := range valueForms(value, core) {
		for i := 0; ; {
			j := bytes.Index(f.data[i:], needle)
			if j < 0 {
				break
			}
			out = append(out, fmt.Sprintf("%s holds %s at offset %d", f.name, form, i+j))
			i += j + 1
		}
	}
	return out
}

// waitForAny waits up to 15 s for one of texts to show on the screen and returns the
// screen.
func (term *terminal) waitForAny(texts ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := term.screen()
		for _, text := range texts {
			if strings.Contains(s, text) {
				return s
			}
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("none of %q showed within 15 s; the screen is:\n%s", texts, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// trimPane is a screen as the replay gives it: lines without trailing spaces, no
// blank lines at the end.
func trimPane(screen string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// vtScreen is a terminal that replays what a program wrote to it: the control sequences
// Bubble Tea's renderer uses (cursor moves, erases, scroll regions, inserted and
// deleted characters and lines), enough to rebuild every screen it drew. What it does
// not know and could change the screen is counted in unknown.
type vtScreen struct {
	rows, cols  int
	cells       [][]rune
	r, c        int
	wrap        bool // the last column was written: the next character wraps
	top, bottom int  // the scroll region
	savedR      int
	savedC      int
	last        rune
	dirty       []bool
	unknown     map[string]int
}

func newVTScreen(rows, cols int) *vtScreen {
	s := &vtScreen{rows: rows, cols: cols, unknown: map[string]int{}}
	s.reset()
	return s
}

func (s *vtScreen) reset() {
	s.cells = make([][]rune, s.rows)
	for i := range s.cells {
		s.cells[i] = s.blankRow()
	}
	s.dirty = make([]bool, s.rows)
	s.r, s.c, s.wrap, s.top, s.bottom = 0, 0, false, 0, s.rows-1
}

func (s *vtScreen) blankRow() []rune {
	row := make([]rune, s.cols)
	for i := range row {
		row[i] = ' '
	}
	return row
}

// text is the screen, trimmed as trimPane does.
func (s *vtScreen) text() string {
	lines := make([]string, s.rows)
	for i, row := range s.cells {
		lines[i] = s.rowText(row)
	}
	return trimPane(strings.Join(lines, "\n"))
}

// rowText is a row's characters; the second column of a wide character holds 0.
func (s *vtScreen) rowText(row []rune) string {
	var b strings.Builder
	for _, r := range row {
		if r != 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// replay feeds out to the screen; after each run of drawing, at the control sequence
// that ends it, drawn is called with the offset reached and the rows changed.
func (s *vtScreen) replay(out []byte, drawn func(offset int, rows []string)) {
	flush := func(offset int) {
		var rows []string
		for i, d := range s.dirty {
			if d {
				rows = append(rows, s.rowText(s.cells[i]))
				s.dirty[i] = false
			}
		}
		if len(rows) > 0 {
			drawn(offset, rows)
		}
	}
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == 0x1b:
			flush(i)
			i = s.escape(out, i)
		case c < 0x20 || c == 0x7f:
			flush(i)
			s.control(c)
			i++
		default:
			r, n := utf8.DecodeRune(out[i:])
			s.print(r)
			i += n
		}
	}
	flush(len(out))
}

func (s *vtScreen) control(c byte) {
	switch c {
	case '\r':
		s.c, s.wrap = 0, false
	case '\n', '\v', '\f':
		s.lineFeed()
	case '\b':
		s.c, s.wrap = max(0, s.c-1), false
	case '\t':
		s.c, s.wrap = min(s.cols-1, (s.c/8+1)*8), false
	}
}

func (s *vtScreen) print(r rune) {
	w := runeWidth(r)
	if w == 0 {
		return
	}
	if s.wrap || s.c+w > s.cols {
		s.c = 0
		s.lineFeed()
	}
	s.cells[s.r][s.c] = r
	if w == 2 && s.c+1 < s.cols {
		s.cells[s.r][s.c+1] = 0
	}
	s.dirty[s.r] = true
	s.last = r
	s.c += w
	if s.c >= s.cols {
		s.c, s.wrap = s.cols-1, true
	}
}

// runeWidth is how many columns r takes: 2 for wide East Asian characters and emoji,
// 0 for combining marks.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == 0x200d || (r >= 0xfe00 && r <= 0xfe0f):
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf, r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff,
		r >= 0xfe30 && r <= 0xfe4f, r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

func (s *vtScreen) lineFeed() {
	s.wrap = false
	switch {
	case s.r == s.bottom:
		s.scrollUp(1)
	case s.r < s.rows-1:
		s.r++
	}
}

// scrollUp moves the rows of the scroll region up by n, blank rows coming in at its bottom.
func (s *vtScreen) scrollUp(n int) { s.deleteRows(s.top, n) }

// scrollDown moves them down by n, blank rows coming in at its top.
func (s *vtScreen) scrollDown(n int) { s.insertRows(s.top, n) }

// insertRows inserts n blank rows at row at, within the scroll region.
func (s *vtScreen) insertRows(at, n int) {
	if at < s.top || at > s.bottom {
		return
	}
	n = min(n, s.bottom-at+1)
	copy(s.cells[at+n:s.bottom+1], s.cells[at:s.bottom+1-n])
	for i := at; i < at+n; i++ {
		s.cells[i] = s.blankRow()
	}
	for i := at; i <= s.bottom; i++ {
		s.dirty[i] = true
	}
}

// deleteRows deletes n rows at row at, within the scroll region.
func (s *vtScreen) deleteRows(at, n int) {
	if at < s.top || at > s.bottom {
		return
	}
	n = min(n, s.bottom-at+1)
	copy(s.cells[at:s.bottom+1-n], s.cells[at+n:s.bottom+1])
	for i := s.bottom + 1 - n; i <= s.bottom; i++ {
		s.cells[i] = s.blankRow()
	}
	for i := at; i <= s.bottom; i++ {
		s.dirty[i] = true
	}
}

func (s *vtScreen) erase(row, from, to int) {
	for c := max(0, from); c < min(to, s.cols); c++ {
		s.cells[row][c] = ' '
	}
	s.dirty[row] = true
}

func (s *vtScreen) moveTo(r, c int) {
	s.r, s.c, s.wrap = min(max(r, 0), s.rows-1), min(max(c, 0), s.cols-1), false
}

// escape applies the sequence at out[i] (an ESC) and returns the index after it.
func (s *vtScreen) escape(out []byte, i int) int {
	if i+1 >= len(out) {
		return len(out)
	}
	switch out[i+1] {
	case '[':
		return s.csi(out, i)
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: no drawing; up to BEL or ST
		for j := i + 2; j < len(out); j++ {
			if out[j] == 0x07 {
				return j + 1
			}
			if out[j] == 0x1b && j+1 < len(out) && out[j+1] == '\\' {
				return j + 2
			}
		}
		return len(out)
	case 'M': // reverse index
		if s.r == s.top {
			s.scrollDown(1)
		} else {
			s.moveTo(s.r-1, s.c)
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.c = 0
		s.lineFeed()
	case '7':
		s.savedR, s.savedC = s.r, s.c
	case '8':
		s.moveTo(s.savedR, s.savedC)
	case 'c':
		s.reset()
	case '(', ')', '*', '+', '#', '%', ' ': // character sets and such: nothing drawn
		return min(i+3, len(out))
	case '=', '>', '\\': // keypad modes; a stray string terminator
	default:
		s.unknown["ESC "+string(out[i+1])]++
	}
	return i + 2
}

func (s *vtScreen) csi(out []byte, i int) int {
	j := i + 2
	for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
		j++
	}
	if j >= len(out) {
		return len(out)
	}
	body, final := string(out[i+2:j]), out[j]
	prefix := ""
	if body != "" && strings.ContainsRune("?<=>", rune(body[0])) {
		prefix, body = body[:1], body[1:]
	}
	intermediate := strings.TrimLeft(body, "0123456789;:")
	if prefix != "" || intermediate != "" {
		// Private modes, keyboard protocols, cursor styles: nothing drawn, except that
		// switching to or from the alternate screen shows a blank one.
		if prefix == "?" && (final == 'h' || final == 'l') {
			for _, mode := range strings.Split(body, ";") {
				if mode == "1049" || mode == "1047" || mode == "47" {
					s.reset()
				}
			}
		}
		return j + 1
	}
	var params []int
	for _, p := range strings.Split(body, ";") {
		p, _, _ = strings.Cut(p, ":")
		n, _ := strconv.Atoi(p)
		params = append(params, n)
	}
	arg := func(k, def int) int {
		if k < len(params) && params[k] != 0 {
			return params[k]
		}
		return def
	}
	n := arg(0, 1)
	switch final {
	case 'm', 'h', 'l', 'n', 'c', 't', 'q', 'p', 'W':
		// Colours and modes; reports; window operations: nothing drawn.
	case 'H', 'f':
		s.moveTo(arg(0, 1)-1, arg(1, 1)-1)
	case 'G', '`':
		s.moveTo(s.r, n-1)
	case 'd':
		s.moveTo(n-1, s.c)
	case 'A':
		s.moveTo(s.r-n, s.c)
	case 'B', 'e':
		s.moveTo(s.r+n, s.c)
	case 'C', 'a':
		s.moveTo(s.r, s.c+n)
	case 'D':
		s.moveTo(s.r, s.c-n)
	case 'E':
		s.moveTo(s.r+n, 0)
	case 'F':
		s.moveTo(s.r-n, 0)
	case 'K':
		switch arg(0, 0) {
		case 0:
			s.erase(s.r, s.c, s.cols)
		case 1:
			s.erase(s.r, 0, s.c+1)
		default:
			s.erase(s.r, 0, s.cols)
		}
		s.wrap = false
	case 'J':
		switch arg(0, 0) {
		case 0:
			s.erase(s.r, s.c, s.cols)
			for r := s.r + 1; r < s.rows; r++ {
				s.erase(r, 0, s.cols)
			}
		case 1:
			for r := 0; r < s.r; r++ {
				s.erase(r, 0, s.cols)
			}
			s.erase(s.r, 0, s.c+1)
		default:
			for r := range s.rows {
				s.erase(r, 0, s.cols)
			}
		}
	case 'X':
		s.erase(s.r, s.c, s.c+n)
	case 'P':
		row := s.cells[s.r]
		n = min(n, s.cols-s.c)
		copy(row[s.c:], row[s.c+n:])
		s.erase(s.r, s.cols-n, s.cols)
	case '@':
		row := s.cells[s.r]
		n = min(n, s.cols-s.c)
		copy(row[s.c+n:], row[s.c:s.cols-n])
		s.erase(s.r, s.c, s.c+n)
	case 'L':
		s.insertRows(s.r, n)
		s.c = 0
	case 'M':
		s.deleteRows(s.r, n)
		s.c = 0
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		top, bottom := arg(0, 1)-1, arg(1, s.rows)-1
		if top < bottom && bottom < s.rows {
			s.top, s.bottom = top, bottom
		}
		s.moveTo(0, 0)
	case 'b':
		for range n {
			s.print(s.last)
		}
	case 's':
		s.savedR, s.savedC = s.r, s.c
	case 'u':
		s.moveTo(s.savedR, s.savedC)
	default:
		s.unknown["CSI "+body+string(final)]++
	}
	return j + 1
}
