package doctorui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/measure"
)

// BenchmarkDoctorScreens is `ecswiz doctor --cluster bench` on a cluster of 100
// services and 1,000 stopped tasks, every call answered after 25 ms, for `make bench`:
// "first" is the time from the first frame until the services screen shows stopped and
// failed counts (the first tasks, classified and grouped). Commands run in goroutines,
// as Bubble Tea runs them.
func BenchmarkDoctorScreens(b *testing.B) {
	const services, perService = 100, 10
	srv := fakeaws.New(fakeaws.WithLatency(25 * time.Millisecond))
	srv.SeedCluster("bench", services, perService)
	clients := awstest.Start(b, srv, awstest.WithRetries)
	b.Run("first", func(b *testing.B) {
		calls := 0
		sample, _ := measure.Time(7, func() error {
			srv.ResetCalls()
			m := New(Options{ECS: clients.ECS, Cluster: "bench"})
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			runUntil(b, m, m.Init(), func() bool {
				_ = m.View()
				s, ok := m.top().screen.(*servicesScreen)
				return ok && s.counts[""].failed > 0
			})
			calls = len(srv.Calls())
			return nil
		})
		measure.Report(b, sample, map[string]float64{measure.Calls: float64(calls)})
	})
}

// runUntil runs the model's commands concurrently and feeds their messages to Update
// until done holds after a frame.
func runUntil(b *testing.B, m *Model, first tea.Cmd, done func() bool) {
	b.Helper()
	msgs := make(chan tea.Msg, 1024)
	stop := make(chan struct{})
	defer close(stop)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if batch, ok := msg.(tea.BatchMsg); ok {
				for _, c := range batch {
					run(c)
				}
				return
			}
			select {
			case msgs <- msg:
			case <-stop:
			}
		}()
	}
	run(first)
	deadline := time.After(30 * time.Second)
	for !done() {
		select {
		case msg := <-msgs:
			_, next := m.Update(msg)
			run(next)
		case <-deadline:
			b.Fatalf("no grouped results within 30 s:\n%s", m.View().Content)
		}
	}
}
