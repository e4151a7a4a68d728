package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// integrationsStep asks for the optional services: Twilio (whose secrets it checks in
// Parameter Store), the S3 bucket and the CloudFront distribution.
type integrationsStep struct {
	env    *env
	ctx    context.Context
	form   *tui.Form
	width  int
	height int

	checkID    int64           // the existence check waited for; 0 when none runs
	checkedFor []string        // the parameter names of the last check
	found      map[string]bool // its answer: name → exists
	checkErr   error           // its failure
}

func newIntegrationsStep(e *env) *integrationsStep { return &integrationsStep{env: e} }

func (s *integrationsStep) Title() string { return "Integrations" }

const (
	fieldTwilio     = "enable_twilio"
	fieldBucket     = "s3_bucket_name"
	fieldCloudFront = "cloudfront_distribution_id"
)

func (s *integrationsStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	spec := *s.env.spec
	twilio := &tui.Field{Key: fieldTwilio, Title: "Twilio", Kind: tui.Toggle,
		Hint:  "Adds the Twilio account SID, auth token and phone number as secrets from Parameter Store.",
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.EnableTwilio = v == "true" }) },
	}
	bucket := &tui.Field{Key: fieldBucket, Title: "S3 bucket", Kind: tui.Text, Placeholder: "demo-shop-media",
		Hint: "Sets AWS_STORAGE_BUCKET_NAME (django-storages); the task role needs access to it. Empty: not set.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldBucket, false, func(x *model.Spec) { x.S3BucketName = strings.TrimSpace(v) })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.S3BucketName = strings.TrimSpace(v) }) },
	}
	cloudFront := &tui.Field{Key: fieldCloudFront, Title: "CloudFront distribution", Kind: tui.Text, Placeholder: "E1234567890ABC",
		Hint: "Sets CLOUDFRONT_DISTRIBUTION_ID, e.g. for cache invalidations from the app. Empty: not set.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, fieldCloudFront, false, func(x *model.Spec) { x.CloudFrontDistributionID = strings.TrimSpace(v) })
		},
		OnSet: func(v string) {
			s.env.update(func(x *model.Spec) { x.CloudFrontDistributionID = strings.TrimSpace(v) })
		},
	}
	twilio.SetValue(boolText(spec.EnableTwilio))
	bucket.SetValue(spec.S3BucketName)
	cloudFront.SetValue(spec.CloudFrontDistributionID)
	s.form = tui.NewForm(twilio, bucket, cloudFront)
	s.form.Spin = s.env.spin
	s.SetSize(s.width, s.height)
	s.checkID, s.checkedFor, s.found, s.checkErr = 0, nil, nil, nil // the prefix may have changed
	s.refresh()
	return s.Connected()
}

// twilioSecrets are the secrets enable_twilio adds, with the parameters they are read
// from (secrets_from_parameter_store may point one elsewhere).
func twilioSecrets(spec model.Spec) []model.SecretRef {
	off, on := spec, spec
	off.EnableTwilio, on.EnableTwilio = false, true
	base := map[string]bool{}
	for _, r := range model.RequiredSecrets(off) {
		base[r.Name] = true
	}
	from := model.ContainerSecrets(on)
	var refs []model.SecretRef
	for _, r := range model.RequiredSecrets(on) {
		if !base[r.Name] {
			refs = append(refs, model.SecretRef{Name: r.Name, ValueFrom: from[r.Name]})
		}
	}
	return refs
}

func (s *integrationsStep) Connected() tea.Cmd {
	cmd := s.maybeCheck()
	if s.form != nil {
		s.refresh()
	}
	return cmd
}

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *integrationsStep) Owns(field string) bool {
	return ownsVariable(field, fieldTwilio, fieldBucket, fieldCloudFront)
}

// Form is the step's questions, for the accessible mode.
func (s *integrationsStep) Form() *tui.Form { return s.form }

// maybeCheck asks Parameter Store whether Twilio's parameters exist, when Twilio is on
// and they were not checked yet.
func (s *integrationsStep) maybeCheck() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || s.form == nil || !s.form.Field(fieldTwilio).On() || s.checkID != 0 {
		return nil
	}
	var names []string
	for _, r := range twilioSecrets(*s.env.spec) {
		names = append(names, r.ValueFrom)
	}
	if slices.Equal(names, s.checkedFor) && s.checkErr == nil {
		return nil
	}
	s.checkedFor, s.found, s.checkErr = names, nil, nil
	s.checkID = tui.NewID()
	return tui.Call(s.ctx, s.checkID, func(ctx context.Context) (map[string]bool, error) {
		return cloud.Parameters.Exist(ctx, names)
	})
}

func (s *integrationsStep) Update(msg tea.Msg) tea.Cmd {
	defer s.refresh()
	switch msg := msg.(type) {
	case tui.Result[map[string]bool]:
		if msg.ID != s.checkID {
			return nil // a check of names no longer asked about
		}
		s.checkID = 0
		s.found, s.checkErr = msg.Value, msg.Err
		return nil
	case tui.FormDoneMsg:
		if stepBlocked(*s.env.spec, fieldTwilio, fieldBucket, fieldCloudFront) {
			return nil
		}
		return stepDone
	case tea.KeyPressMsg:
		if key.Matches(msg, tui.Keys.Retry) && s.form.Field(fieldTwilio).On() && s.env.cloud() != nil {
			s.checkID, s.checkedFor = 0, nil
			return s.maybeCheck()
		}
	}
	cmd := s.form.Update(msg)
	return tea.Batch(cmd, s.maybeCheck())
}

// refresh shows the model's warnings, and what is known of Twilio's secrets, in place.
func (s *integrationsStep) refresh() {
	setWarning(s.form.Field(fieldCloudFront), fieldWarning(*s.env.spec, fieldCloudFront))
	tw := s.form.Field(fieldTwilio)
	tw.Status, tw.StatusIsErr = s.twilioStatus()
	tw.Busy = tw.Status != "" && s.checkID != 0
}

// twilioStatus lists Twilio's secrets, each found, missing or not checked, with what to
// do about it. The lines are laid out (and wrapped) here: the form draws them as they are.
func (s *integrationsStep) twilioStatus() (string, bool) {
	if !s.form.Field(fieldTwilio).On() {
		return "", false
	}
	refs := twilioSecrets(*s.env.spec)
	cloud := s.env.cloud()
	lines := []string{fmt.Sprintf("Adds %d secrets, read from Parameter Store when the task starts:", len(refs))}
	missing := 0
	nameWidth := 0
	for _, r := range refs {
		nameWidth = max(nameWidth, len(r.Name))
	}
	states := make([]string, len(refs))
	for i, r := range refs {
		state := "not checked"
		switch {
		case s.env.connecting():
			state = "checked once AWS is connected"
		case cloud == nil:
			state = "not checked (offline)"
		case s.checkID != 0:
			state = "checking…"
		case s.checkErr != nil:
			state = "not checked"
		case s.found == nil:
		case model.IsSecretsManagerARN(r.ValueFrom):
			state = "Secrets Manager: not checked"
		default:
			if exists, ok := s.found[r.ValueFrom]; ok && exists {
				state = "✓ found"
			} else if ok {
				state = "✗ missing"
				missing++
			}
		}
		states[i] = state
	}
	// The state before the parameter: on a narrow screen the end of a long name is cut,
	// never whether it exists.
	stateWidth := 0
	for _, st := range states {
		stateWidth = max(stateWidth, ansi.StringWidth(st))
	}
	var rows []string
	for i, r := range refs {
		state := states[i] + strings.Repeat(" ", stateWidth-ansi.StringWidth(states[i]))
		rows = append(rows, ansi.Truncate(fmt.Sprintf("  %-*s  %s  %s", nameWidth, r.Name, state, r.ValueFrom), max(20, s.width-6), "…"))
	}
	var notes []string
	var errLine bool
	switch {
	case s.env.connecting():
	case cloud == nil:
		notes = append(notes, "Offline: make sure these parameters exist before the task starts; the Secrets step can create them once connected.")
	case s.checkErr != nil:
		notes = append(notes, "✗ "+tui.ErrorLine(s.checkErr)+" · ctrl+r retries")
		errLine = true
	case missing > 0:
		notes = append(notes, fmt.Sprintf("%s: the task cannot start without them. Create them in the Secrets step (esc goes back) · ctrl+r checks again.",
			plural(missing, "parameter")+" missing"))
		errLine = true
	}
	// The form draws the status after 4 columns, and the spinner (2 more) while checking.
	lines[0] = tui.Wrap(lines[0], s.width-6, 4)
	lines = append(lines, rows...)
	for _, n := range notes {
		lines = append(lines, tui.Wrap(n, s.width-4, 4))
	}
	return strings.Join(lines, "\n    "), errLine
}

const integrationsSubtitle = "Optional services the app talks to; each only adds settings to the container."

func (s *integrationsStep) View() string {
	st := s.env.styles
	return stepHead(st, "Integrations", integrationsSubtitle, s.width) + strings.TrimRight(s.form.View(*st), "\n")
}

func (s *integrationsStep) SetSize(w, h int) {
	s.width, s.height = w, h
	if s.form != nil {
		s.form.SetWidth(w)
		s.form.SetHeight(bodyHeight(h, stepHead(s.env.styles, "Integrations", integrationsSubtitle, w)))
		s.refresh() // the Twilio lines are laid out to the width
	}
}

func (s *integrationsStep) Capturing() bool { return s.form != nil && s.form.Capturing() }

func (s *integrationsStep) Help() []key.Binding {
	h := []key.Binding{tui.Keys.Next, key.NewBinding(key.WithHelp("tab/shift+tab", "fields"))}
	if s.form != nil {
		h = append(h, fieldKeys(s.form)...) // space only on Twilio
	}
	if s.form != nil && s.form.Field(fieldTwilio).On() && s.env.cloud() != nil {
		h = append(h, tui.Keys.Retry)
	}
	return h
}
