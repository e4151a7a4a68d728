package wizard

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/measure"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
)

// benchSecretsStep is a secrets step holding n parameters under the demo prefix, laid
// out as fakeaws.SeedParameters lays them out, as if the listing had just arrived.
func benchSecretsStep(n int) *secretsStep {
	spec := demoSpec()
	e := newTestEnv(spec, &Session{Demo: true, Cloud: &Cloud{}}) // no call is made
	s := newSecretsStep(e).(*secretsStep)
	s.SetSize(98, 24)
	s.ctx = context.Background()
	s.listPrefix, s.listed = spec.ParameterPrefix(), true
	s.exists, s.checking, s.checkIDs = map[string]bool{}, map[string]bool{}, map[int64]bool{}
	s.sync()
	groups := []string{"app", "database", "redis", "third-party"}
	params := make([]aws.Parameter, n)
	for i := range params {
		typ := "String"
		if i%2 == 1 {
			typ = "SecureString"
		}
		svc := fakeaws.BenchServices[i%len(fakeaws.BenchServices)]
		params[i] = aws.Parameter{Name: fmt.Sprintf("%s/%s/%s/param-%05d", s.listPrefix, svc, groups[(i/16)%len(groups)], i), Type: typ}
	}
	s.setParams(params) // sorts nothing the listing sorted already
	s.relayout()
	return s
}

// secretsKeystrokes is someone typing a filter, fixing it and clearing it: first
// letters (a search of every name), narrowing letters, and backspaces.
var secretsKeystrokes = func() []tea.KeyPressMsg {
	var ks []tea.KeyPressMsg
	for _, word := range []string{"redis/param-01", "Third-Party", "param-0999"} {
		for _, r := range word {
			ks = append(ks, tuitest.Press(string(r)))
		}
		for range 4 {
			ks = append(ks, tuitest.Press("backspace"))
		}
		ks = append(ks, tuitest.Press("down"), tuitest.Press("down"), tuitest.Press("esc"))
	}
	return ks
}()

// BenchmarkSecretsFilter is the secrets filter with 10,000 parameters, timed a
// keystroke at a time (Update, then View, as the program runs them) for `make bench`:
// "keystroke" is someone typing, fixing and clearing filters; "first-letter" is the
// costliest keystroke, a first letter, which searches every name. Each must stay well
// under 2 ms (issue 5, Acceptance).
func BenchmarkSecretsFilter(b *testing.B) {
	const keystrokes = 301
	b.Run("keystroke", func(b *testing.B) {
		s := benchSecretsStep(10_000)
		if s.tree.Items() != 10_000 {
			b.Fatalf("the step holds %d parameters", s.tree.Items())
		}
		i := 0
		sample, _ := measure.Time(keystrokes, func() error {
			s.Update(secretsKeystrokes[i%len(secretsKeystrokes)])
			_ = s.View()
			i++
			return nil
		})
		measure.Report(b, sample, nil)
	})
	b.Run("first-letter", func(b *testing.B) {
		s := benchSecretsStep(10_000)
		a, bs := tuitest.Press("a"), tuitest.Press("backspace")
		var sample measure.Sample
		for range keystrokes {
			s.Update(bs) // not timed: it only empties the filter again
			start := time.Now()
			s.Update(a)
			_ = s.View()
			sample = append(sample, time.Since(start))
		}
		measure.Report(b, sample, nil)
	})
}
