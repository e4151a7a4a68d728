package wizard

import "fmt"

// maxRefusals is how many times in a row a question refuses the same answer before the
// accessible mode stops: an input that only ever says Enter (`yes ""`) to a question
// whose value is not valid would otherwise be refused for ever. A person who keeps the
// same refused answer that long is told why the run stopped; the answers so far are in
// the draft.
const maxRefusals = 5

// refusal is the last answer a question refused and how many times in a row.
type refusal struct {
	question, answer string
	times            int
}

// guarded is validate counting the refusals of question: after maxRefusals of the same
// answer in a row, the input is stopped, so the prompt asking ends and the run with it.
func (a *accessible) guarded(question string, validate func(string) error) func(string) error {
	return func(answer string) error {
		err := validate(answer)
		switch {
		case err == nil:
			a.refusal = refusal{}
		case a.refusal.question == question && a.refusal.answer == answer:
			a.refusal.times++
		default:
			a.refusal = refusal{question: question, answer: answer, times: 1}
		}
		if a.refusal.times >= maxRefusals {
			a.in.stop(fmt.Errorf("%w: %s refused the same answer %d times in a row", ErrInputEnded, question, maxRefusals))
		}
		return err
	}
}

// inputEnded is why no answer came: the input ended, or was stopped by a guard.
func (a *accessible) inputEnded() error {
	if a.in.stopped != nil {
		return a.in.stopped
	}
	return ErrInputEnded
}
