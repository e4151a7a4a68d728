package wizard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// imageLister is what the application step asks of ECR.
type imageLister interface {
	Repositories(ctx context.Context) ([]aws.Repository, error)
	Tags(ctx context.Context, repo string) ([]aws.Image, error)
}

// applicationStep asks for the app, the environment, the container and its image.
type applicationStep struct {
	env           *env
	ctx           context.Context
	form          *tui.Form
	width, height int

	repos      []aws.Repository
	reposID    int64  // the repositories call waited for
	tagsID     int64  // the tags call waited for
	repoPicked string // the repository whose tags are shown
	// portText is the port as last typed: kept when it is not a number (the spec keeps
	// its last valid port), so it is shown again, with why, when the person comes back.
	portText string
}

func newApplicationStep(e *env) *applicationStep { return &applicationStep{env: e} }

func (s *applicationStep) Title() string { return "Application" }

const (
	fieldRepository = "image_repository"
	typeOwnImage    = "" // the repository option that means "type the whole reference"
)

func (s *applicationStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	spec := *s.env.spec
	app := &tui.Field{Key: "app_name", Title: "App name", Kind: tui.Text, Placeholder: "backend-booking",
		Hint: "Names the family (APP-ENV), the log group and the Parameter Store prefix /APP/ENV.",
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "app_name", true, func(x *model.Spec) { x.AppName = v })
		},
		OnSet: func(v string) { s.rename(strings.TrimSpace(v), s.env.spec.Environment) },
	}
	envField := &tui.Field{Key: "environment", Title: "Environment", Kind: tui.Choice, Other: true,
		Hint: "Sets ENVIRONMENT, the family suffix and the sizing preset; prod adds production checks.",
		Options: []tui.Option{
			{Value: "dev", Note: presetNote("dev")},
			{Value: "staging", Note: presetNote("staging")},
			{Value: "prod", Note: presetNote("prod")},
		},
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "environment", true, func(x *model.Spec) { x.Environment = v })
		},
		OnSet: func(v string) { s.rename(s.env.spec.AppName, v) },
	}
	container := &tui.Field{Key: "container_name", Title: "Container name", Kind: tui.Text,
		Hint: "Left empty, it is the app name. Log streams are PREFIX/CONTAINER/TASK_ID.",
		Default: func() string {
			if app := s.env.spec.AppName; app != "" {
				return app + " (the app name)"
			}
			return "the app name"
		},
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "container_name", false, func(x *model.Spec) { x.ContainerName = v })
		},
		OnSet: func(v string) {
			s.env.update(func(x *model.Spec) {
				x.ContainerName = strings.TrimSpace(v)
				if x.ContainerName == "" {
					x.ContainerName = x.AppName // the default the hint promises
				}
			})
		},
	}
	repo := &tui.Field{Key: fieldRepository, Title: "Image repository", Kind: tui.Choice, Other: true,
		Hint: "Pick an ECR repository, or press ctrl+t to type any image reference (REGISTRY/REPO:TAG).",
		Validate: func(v string) error {
			if s.repoFromList() {
				return nil
			}
			return fieldError(*s.env.spec, "container_image", true, func(x *model.Spec) { x.ContainerImage = v })
		},
		OnSet: func(v string) {
			if !s.repoFromList() {
				s.env.update(func(x *model.Spec) { x.ContainerImage = v })
			}
		},
	}
	tag := &tui.Field{Key: "container_image", Title: "Image tag", Kind: tui.Choice, Other: true,
		Hint:    "Newest first. A version tag or a digest makes every revision run the same image.",
		Visible: s.repoFromList,
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "container_image", true, func(x *model.Spec) { x.ContainerImage = v })
		},
		OnSet: func(v string) { s.env.update(func(x *model.Spec) { x.ContainerImage = v }) },
	}
	port := &tui.Field{Key: "container_port", Title: "Container port", Kind: tui.Text, Placeholder: "8000",
		Hint: "The port Django (gunicorn) listens on; sets PORT and the port mapping.",
		Validate: func(v string) error {
			n, err := parsePort(v)
			if err != nil {
				return err
			}
			return fieldError(*s.env.spec, "container_port", true, func(x *model.Spec) { x.ContainerPort = n })
		},
		OnSet: func(v string) {
			s.portText = v
			if n, err := parsePort(v); err == nil {
				s.env.update(func(x *model.Spec) { x.ContainerPort = n })
			}
		},
	}
	app.SetValue(spec.AppName)
	envField.SetValue(spec.Environment)
	container.SetValue(spec.ContainerName)
	repo.SetValue(spec.ContainerImage) // typed until the repositories load
	port.SetValue(strconv.Itoa(spec.ContainerPort))
	if _, err := parsePort(s.portText); s.portText != "" && err != nil {
		port.SetValue(s.portText) // what was typed, not the last valid port the spec kept
		port.SetErr(err)
	}
	s.form = tui.NewForm(app, envField, container, repo, tag, port)
	s.repoPicked = ""
	s.layout()
	return s.Connected()
}

// rename answers the app name and the environment. The values derived from the old
// names (the log group /ecs/APP-ENV, the container named after the app, the roles
// named after the family) follow the new ones; values typed apart from them stay.
func (s *applicationStep) rename(app, environment string) {
	old := *s.env.spec
	s.env.update(func(x *model.Spec) {
		x.AppName, x.Environment = app, environment
		*x = model.FollowNames(*x, old.AppName, old.Environment)
	})
	// The container field shows the old app name typed (or loaded): it follows too.
	if c := s.form.Field("container_name"); c != nil && old.AppName != "" && strings.TrimSpace(c.Value()) == old.AppName {
		c.SetValue(app)
	}
}

// parsePort reads a typed port; the range is the model's to check.
func parsePort(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, errors.New("give the port the app listens on, e.g. 8000")
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number — use a port from 1 to 65535, e.g. 8000", v)
	}
	return n, nil
}

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *applicationStep) Owns(field string) bool {
	return ownsVariable(field, "app_name", "environment", "container_name", "container_image", "container_port")
}

// ownsVariable reports whether field, a spec variable or a finding's path in one
// ("volumes[1].name"), is one of variables.
func ownsVariable(field string, variables ...string) bool {
	if i := strings.IndexAny(field, "[."); i >= 0 {
		field = field[:i]
	}
	return slices.Contains(variables, field)
}

// repoFromList reports whether the repository field holds a listed repository (so the
// tag is picked apart) rather than a typed reference.
func (s *applicationStep) repoFromList() bool {
	f := s.form.Field(fieldRepository)
	if f == nil || len(f.Options) == 0 {
		return false
	}
	return f.Value() != "" && !strings.ContainsAny(f.Value(), ":@") && s.repoURI(f.Value()) != ""
}

func (s *applicationStep) repoURI(name string) string {
	for _, r := range s.repos {
		if r.Name == name {
			return r.URI
		}
	}
	return ""
}

func (s *applicationStep) Connected() tea.Cmd {
	repo := s.form.Field(fieldRepository)
	cloud := s.env.cloud()
	switch {
	case s.env.connecting():
		repo.Status = "ECR repositories load once the AWS session is ready; you can type a reference meanwhile."
		return nil
	case cloud == nil:
		repo.Status = "Offline: type the image reference."
		return nil
	}
	repo.Status, repo.StatusIsErr = "Loading ECR repositories…", false
	s.reposID = tui.NewID()
	return tui.Call(s.ctx, s.reposID, cloud.Images.Repositories)
}

func (s *applicationStep) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[[]aws.Repository]:
		if msg.ID != s.reposID {
			return nil
		}
		return s.reposLoaded(msg.Value, msg.Err)
	case tui.Result[[]aws.Image]:
		if msg.ID != s.tagsID {
			return nil
		}
		s.tagsLoaded(msg.Value, msg.Err)
		return nil
	case tui.FormDoneMsg:
		return stepDone
	}
	cmd := s.form.Update(msg)
	return tea.Batch(cmd, s.maybeLoadTags())
}

func (s *applicationStep) reposLoaded(repos []aws.Repository, err error) tea.Cmd {
	f := s.form.Field(fieldRepository)
	if err != nil {
		f.Status, f.StatusIsErr = errorLine(err)+" — type the reference instead.", true
		return nil
	}
	s.repos = repos
	if len(repos) == 0 {
		f.Status, f.StatusIsErr = "No ECR repositories in this account and Region: type the reference.", false
		return nil
	}
	f.Status = ""
	opts := make([]tui.Option, len(repos))
	for i, r := range repos {
		opts[i] = tui.Option{Value: r.Name, Note: r.URI}
	}
	current := s.env.spec.ContainerImage
	f.SetOptions(opts)
	f.SetValue(current)
	if img, ok := aws.ParseECRImage(current); ok && s.repoURI(img.Repository) != "" {
		f.SetValue(img.Repository)
	}
	return s.maybeLoadTags()
}

// maybeLoadTags lists the tags of the repository under the cursor when it changed.
func (s *applicationStep) maybeLoadTags() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || !s.repoFromList() {
		return nil
	}
	name := s.form.Field(fieldRepository).Value()
	if name == s.repoPicked {
		return nil
	}
	s.repoPicked = name
	tag := s.form.Field("container_image")
	tag.SetOptions(nil)
	tag.Status, tag.StatusIsErr = "Loading tags of "+name+"…", false
	s.tagsID = tui.NewID()
	return tui.Call(s.ctx, s.tagsID, func(ctx context.Context) ([]aws.Image, error) { return cloud.Images.Tags(ctx, name) })
}

func (s *applicationStep) tagsLoaded(images []aws.Image, err error) {
	f := s.form.Field("container_image")
	if err != nil {
		f.Status, f.StatusIsErr = errorLine(err)+" — press ctrl+t to type the tag.", true
		return
	}
	uri := s.repoURI(s.repoPicked)
	var opts []tui.Option
	for _, img := range images {
		note := "pushed " + ago(img.PushedAt, s.env.now())
		if img.SizeBytes > 0 {
			note += fmt.Sprintf(" · %d MB", img.SizeBytes/1_000_000)
		}
		for _, t := range img.Tags {
			opts = append(opts, tui.Option{Value: uri + ":" + t, Label: t, Note: note})
		}
		if len(img.Tags) == 0 && img.Digest != "" {
			opts = append(opts, tui.Option{Value: uri + "@" + img.Digest, Label: "untagged " + shortDigest(img.Digest), Note: note})
		}
	}
	f.Status, f.StatusIsErr = "", false
	if len(opts) == 0 {
		f.Status = "No images in " + s.repoPicked + " yet: press ctrl+t to type the tag you will push."
	}
	f.SetOptions(opts)
	f.SetValue(s.env.spec.ContainerImage)
	if v := f.Value(); v != "" && v != s.env.spec.ContainerImage && f.OnSet != nil {
		f.OnSet(v)
	}
}

// ago says how long before now t was, in the largest whole unit.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return "at an unknown time"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	default:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19] + "…"
	}
	return d
}

// presetNote is the sizing preset an environment starts with.
func presetNote(environment string) string {
	p := model.Preset(environment)
	return fmt.Sprintf("starts at %d CPU / %d MiB", p.CPU, p.Memory)
}

const applicationSubtitle = "What runs, where its image comes from, and the port it listens on."

func (s *applicationStep) View() string {
	st := s.env.styles
	return stepHead(st, "Application", applicationSubtitle, s.width) + strings.TrimRight(s.form.View(*st), "\n")
}

func (s *applicationStep) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout()
}

// layout fits the form to the room under the step's title.
func (s *applicationStep) layout() {
	if s.form == nil {
		return
	}
	s.form.SetWidth(s.width)
	s.form.SetHeight(bodyHeight(s.height, stepHead(s.env.styles, "Application", applicationSubtitle, s.width)))
}

// stepHead is a step's title and its purpose (wrapped to width), then a blank line.
func stepHead(st *tui.Styles, title, subtitle string, width int) string {
	return st.Title.Render(title) + "\n" + st.Subtitle.Render(tui.Wrap(subtitle, width, 0)) + "\n\n"
}

// bodyHeight is the room a step of height lines has under above (text ending with a
// line break), at least a few lines; 0 (no limit) when the height is not known.
func bodyHeight(height int, above ...string) int {
	if height <= 0 {
		return 0
	}
	for _, a := range above {
		height -= strings.Count(a, "\n")
	}
	return max(4, height)
}

// Form is the step's questions, for the accessible mode.
func (s *applicationStep) Form() *tui.Form { return s.form }

func (s *applicationStep) Capturing() bool { return s.form != nil && s.form.Capturing() }

func (s *applicationStep) Help() []key.Binding {
	return []key.Binding{tui.Keys.Next, key.NewBinding(key.WithHelp("tab/shift+tab", "fields"))}
}
