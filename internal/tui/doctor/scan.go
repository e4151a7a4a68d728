package doctorui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

// scanState is a scan of a cluster's stopped tasks (of one service when service is not
// ""), as far as it has come. The screen that started it feeds it the scan's messages;
// the screens opened from it read it.
type scanState struct {
	cluster, service string

	id      int64
	ctx     context.Context // the scan's: cancelled by a new scan or by leaving the screen
	cancel  context.CancelFunc
	running bool
	version int // counts the changes, so readers know when to regroup

	services      []aws.Service
	servicesKnown bool
	tasks         []doctor.StoppedTask
	errs          []error // the parts that failed, and the scan's own error
}

// scanItem is what the scan's goroutine hands to the screen.
type scanItem struct {
	ev   doctor.Event
	done bool
	err  error
}

// scanMsg is the events of a scan that arrived since the last message.
type scanMsg struct {
	id     int64
	events []doctor.Event
	done   bool
	err    error // the scan's own error, once done
	ch     <-chan scanItem
}

// start (re)starts the scan under ctx, dropping what an earlier one found.
func (st *scanState) start(ctx context.Context, ecs doctor.ECS, id int64) tea.Cmd {
	if st.cancel != nil {
		st.cancel()
	}
	ctx, st.cancel = context.WithCancel(ctx)
	st.ctx, st.id = ctx, id
	st.running = true
	st.services, st.servicesKnown, st.tasks, st.errs = nil, false, nil, nil
	st.version++
	cluster, service := st.cluster, st.service
	return func() tea.Msg {
		// The scan runs beside the program and hands its parts over a channel; each
		// message carries the channel so the screen asks for the next part.
		ch := make(chan scanItem, 64)
		go func() {
			defer close(ch)
			err := doctor.Scan(ctx, ecs, cluster, service, func(ev doctor.Event) {
				select {
				case ch <- scanItem{ev: ev}:
				case <-ctx.Done():
				}
			})
			select {
			case ch <- scanItem{done: true, err: err}:
			case <-ctx.Done():
			}
		}()
		return readScan(ctx, id, ch)
	}
}

// readScan waits for the scan's next part, then takes whatever else is already there,
// so a burst of batches is drawn once. It returns nil once ctx ends (the screen left).
func readScan(ctx context.Context, id int64, ch <-chan scanItem) tea.Msg {
	msg := scanMsg{id: id, ch: ch}
	add := func(it scanItem, ok bool) {
		switch {
		case !ok:
			msg.done = true
		case it.done:
			msg.done, msg.err = true, it.err
		default:
			msg.events = append(msg.events, it.ev)
		}
	}
	select {
	case it, ok := <-ch:
		add(it, ok)
	case <-ctx.Done():
		return nil
	}
	for !msg.done {
		select {
		case it, ok := <-ch:
			add(it, ok)
		default:
			return msg
		}
	}
	return msg
}

// handle takes a scan message; ok is false when it is not this scan's. The command
// reads the next part.
func (st *scanState) handle(msg scanMsg) (cmd tea.Cmd, ok bool) {
	if msg.id != st.id || !st.running {
		return nil, false
	}
	ctx := st.ctx
	for _, ev := range msg.events {
		if ev.Services != nil {
			st.services, st.servicesKnown = ev.Services, true
		}
		st.tasks = append(st.tasks, ev.Tasks...)
		if ev.Err != nil {
			st.errs = append(st.errs, ev.Err)
		}
	}
	st.version++
	if msg.done {
		st.running = false
		// The scan's error joins the parts' that were shown already; it is news only
		// when no part reported one.
		if msg.err != nil && ctx.Err() == nil && len(st.errs) == 0 {
			st.errs = append(st.errs, msg.err)
		}
		return nil, true
	}
	ch, id := msg.ch, msg.id
	return func() tea.Msg { return readScan(ctx, id, ch) }, true
}

// lookup is the named service, when the scan listed it.
func (st *scanState) lookup(name string) (aws.Service, bool) {
	for _, s := range st.services {
		if s.Name == name {
			return s, true
		}
	}
	return aws.Service{}, false
}

// tasksOf is the tasks of a service ("" = every task).
func (st *scanState) tasksOf(service string) []doctor.StoppedTask {
	if service == "" {
		return st.tasks
	}
	var out []doctor.StoppedTask
	for _, t := range st.tasks {
		if t.Service == service {
			out = append(out, t)
		}
	}
	return out
}
