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
	// Architectures reads the CPU architectures of images (tags or digests) of repo;
	// an image it cannot tell is left out.
	Architectures(ctx context.Context, repo string, imageIDs []string) (map[string][]string, error)
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
	archsID    int64  // the architectures call waited for
	// tagImage is the image id (digest) of each listed tag option, and tagNote its
	// note before the architectures are known: both by option value (the reference).
	tagImage, tagNote map[string]string
	// autoPick is the tag the step chose itself while the spec had no image; the
	// architectures, once read, may move it unless tagTouched (a key on the tag field).
	autoPick   string
	tagTouched bool
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
	app := &tui.Field{Key: "app_name", Title: "App name", Kind: tui.Text, Placeholder: appPlaceholder,
		Hint: appHint,
		Validate: func(v string) error {
			return fieldError(*s.env.spec, "app_name", true, func(x *model.Spec) { x.AppName = v })
		},
		OnSet: func(v string) {
			s.rename(strings.TrimSpace(v), s.env.spec.Environment)
			s.refreshAppHint()
		},
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
		Hint: repoTypedHint,
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
	tag := &tui.Field{Key: fieldTag, Title: "Image tag", Kind: tui.Choice, Other: true,
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

// The image field's hints: with the ECR repositories listed, and without (offline,
// connecting, a failure, none in the account), when it is a typed reference.
const (
	repoListHint  = "Pick an ECR repository, or press ctrl+t to type any image reference (REGISTRY/REPO:TAG)."
	repoTypedHint = "Type the image reference (REGISTRY/REPO:TAG, or @sha256:… for a digest), e.g. nginx:1.27."
)

// refreshRepoHint says how to answer the image field as it is now: a list to pick from,
// or a reference to type.
func (s *applicationStep) refreshRepoHint() {
	f := s.form.Field(fieldRepository)
	f.Hint = repoTypedHint
	if len(f.Options) > 0 {
		f.Hint = repoListHint
	}
}

// The app name field's example and hint; in the demo account they name the demo's app,
// the one its images and secrets are for, so that a newcomer does not invent another.
const (
	appPlaceholder     = "backend-booking"
	appHint            = "Names the family (APP-ENV), the log group and the Parameter Store prefix /APP/ENV."
	demoApp            = "demo-shop" // fakeaws.DemoApp
	demoAppPlaceholder = demoApp + " — the demo account's app"
	demoAppHint        = "The demo account's app is " + demoApp + ": its images and secrets are there, none under another name."
)

// refreshAppHint suggests the demo's app in the demo account (without typing it in),
// and says so again while another name is typed; elsewhere it suggests an example.
func (s *applicationStep) refreshAppHint() {
	f := s.form.Field("app_name")
	demo := s.env.session != nil && s.env.session.Demo
	f.SetPlaceholder(appPlaceholder)
	f.Hint = appHint
	if !demo {
		return
	}
	f.SetPlaceholder(demoAppPlaceholder)
	if v := strings.TrimSpace(f.Value()); v != "" && v != demoApp {
		f.Hint = demoAppHint
	}
}

func (s *applicationStep) Connected() tea.Cmd {
	repo := s.form.Field(fieldRepository)
	s.refreshRepoHint()
	s.refreshAppHint()
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
		return s.tagsLoaded(msg.Value, msg.Err)
	case tui.Result[map[string][]string]:
		if msg.ID != s.archsID {
			return nil
		}
		s.archsLoaded(msg.Value, msg.Err)
		return nil
	case tui.FormDoneMsg:
		return stepDone
	case tea.KeyPressMsg:
		if f := s.form.Focused(); f != nil && f.Key == fieldTag {
			s.tagTouched = true
		}
	}
	cmd := s.form.Update(msg)
	return tea.Batch(cmd, s.maybeLoadTags())
}

func (s *applicationStep) reposLoaded(repos []aws.Repository, err error) tea.Cmd {
	f := s.form.Field(fieldRepository)
	if err != nil {
		f.Status, f.StatusIsErr = tui.ErrorLine(err)+" — type the reference instead.", true
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
	s.refreshRepoHint()
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
	tag := s.form.Field(fieldTag)
	tag.SetOptions(nil)
	tag.Status, tag.StatusIsErr = "Loading tags of "+name+"…", false
	s.tagsID, s.archsID = tui.NewID(), 0
	return tui.Call(s.ctx, s.tagsID, func(ctx context.Context) ([]aws.Image, error) { return cloud.Images.Tags(ctx, name) })
}

func (s *applicationStep) tagsLoaded(images []aws.Image, err error) tea.Cmd {
	f := s.form.Field(fieldTag)
	if err != nil {
		f.Status, f.StatusIsErr = tui.ErrorLine(err)+" — press ctrl+t to type the tag.", true
		return nil
	}
	uri := s.repoURI(s.repoPicked)
	var opts []tui.Option
	var ids []string
	s.tagImage, s.tagNote = map[string]string{}, map[string]string{}
	add := func(o tui.Option, id string) {
		s.tagImage[o.Value], s.tagNote[o.Value] = id, o.Note
		o.Note = s.tagNoteWithArchs(o.Value)
		opts = append(opts, o)
	}
	for _, img := range images {
		note := "pushed " + ago(img.PushedAt, s.env.now())
		if img.SizeBytes > 0 {
			note += fmt.Sprintf(" · %d MB", img.SizeBytes/1_000_000)
		}
		id := img.Digest // one id for all the tags of an image
		if id == "" && len(img.Tags) > 0 {
			id = img.Tags[0]
		}
		if id != "" {
			ids = append(ids, id)
		}
		for _, t := range img.Tags {
			add(tui.Option{Value: uri + ":" + t, Label: t, Note: note}, id)
		}
		if len(img.Tags) == 0 && img.Digest != "" {
			add(tui.Option{Value: uri + "@" + img.Digest, Label: "untagged " + shortDigest(img.Digest), Note: note}, id)
		}
	}
	f.Status, f.StatusIsErr = "", false
	if len(opts) == 0 {
		f.Status = "No images in " + s.repoPicked + " yet: press ctrl+t to type the tag you will push."
	}
	f.SetOptions(opts)
	f.SetValue(s.env.spec.ContainerImage)
	s.autoPick, s.tagTouched = "", false
	if v := f.Value(); v != "" && v != s.env.spec.ContainerImage && f.OnSet != nil {
		// The spec has no image yet: the step picks one, the newest that runs on the
		// architecture as far as is known now.
		s.autoPick = s.pickTag(opts)
		f.SetValue(s.autoPick)
		f.OnSet(s.autoPick)
	}
	return s.loadArchs(ids)
}

// fieldTag is the key of the tag field, which answers container_image.
const fieldTag = "container_image"

// loadArchs reads the architectures of the listed images, in one call. A failure
// leaves them unknown, which a note under the tags says: the list works without them.
func (s *applicationStep) loadArchs(ids []string) tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil || len(ids) == 0 {
		return nil
	}
	repo := s.repoPicked
	s.archsID = tui.NewID()
	log := s.env.log
	return tui.Call(s.ctx, s.archsID, func(ctx context.Context) (map[string][]string, error) {
		archs, err := cloud.Images.Architectures(ctx, repo, ids)
		if err != nil {
			log.Warn("image architectures not read", "repository", repo, "images", len(ids), "error", tui.ErrorLine(err))
		} else {
			log.Info("image architectures read", "repository", repo, "images", len(ids), "found", len(archs))
		}
		return archs, err
	})
}

// archsLoaded keeps the architectures of the listed images for the steps, shows them
// in the tags' notes and, when the step picked the tag itself and the person has not
// touched it since, moves the pick to the newest image that runs on the architecture.
func (s *applicationStep) archsLoaded(archs map[string][]string, err error) {
	f := s.form.Field(fieldTag)
	if err != nil {
		// Not an error of the answer: the tags can be picked as they are, only the check
		// that one runs on the task's architecture is missing.
		if f.Status == "" {
			f.Status, f.StatusIsErr = "Architectures unknown (the tags work without them): "+tui.ReasonLine(err), false
		}
		return
	}
	if s.env.imageArchs == nil {
		s.env.imageArchs = map[string][]string{}
	}
	for ref, id := range s.tagImage {
		if a, ok := archs[id]; ok {
			s.env.imageArchs[ref] = a
		} else {
			delete(s.env.imageArchs, ref)
		}
	}
	for i := range f.Options {
		f.Options[i].Note = s.tagNoteWithArchs(f.Options[i].Value)
	}
	if s.autoPick == "" || s.tagTouched || f.Value() != s.autoPick || s.env.spec.ContainerImage != s.autoPick {
		return
	}
	if pick := s.pickTag(f.Options); pick != s.autoPick {
		s.autoPick = pick
		f.SetValue(pick)
		f.OnSet(pick)
	}
}

// tagNoteWithArchs is a tag option's note with its image's architectures when known:
// "pushed 2 days ago · 153 MB · amd64, arm64".
func (s *applicationStep) tagNoteWithArchs(ref string) string {
	note := s.tagNote[ref]
	if archs, ok := s.env.imageArchs[ref]; ok {
		note += " · " + strings.Join(archs, ", ")
	}
	return note
}

// pickTag is the newest option whose image runs on the spec's architecture, or whose
// architectures are unknown (a single-platform image says nothing); else the newest.
func (s *applicationStep) pickTag(opts []tui.Option) string {
	if len(opts) == 0 {
		return ""
	}
	want := model.ImageArchitecture(s.env.spec.CPUArchitecture)
	for _, o := range opts {
		archs, known := s.env.imageArchs[o.Value]
		if !known || want == "" || slices.Contains(archs, want) {
			return o.Value
		}
	}
	return opts[0].Value
}

// imageArchProblem is an image whose architectures are known and do not include the
// one of the task's cpu_architecture: its container would fail with "exec format error".
type imageArchProblem struct {
	image   string   // the tag, or the short digest: "1.5.0-arm64"
	archs   []string // what the image runs on: "arm64"
	cpuArch string   // the task's: "X86_64"
	want    string   // the image architecture the task needs: "amd64"
	other   string   // a Fargate architecture the image runs on: "ARM64"; "" when none
}

// imageArchMismatch reports whether the spec's image cannot run on cpuArch, as far as
// the architectures read from ECR tell; false when they are unknown.
func imageArchMismatch(e *env, cpuArch string) (imageArchProblem, bool) {
	image := e.spec.ContainerImage
	archs, known := e.imageArchs[image]
	want := model.ImageArchitecture(cpuArch)
	if !known || len(archs) == 0 || want == "" || slices.Contains(archs, want) {
		return imageArchProblem{}, false
	}
	p := imageArchProblem{image: imageLabel(image), archs: archs, want: want}
	p.cpuArch, _ = model.NormalizeArchitecture(cpuArch)
	for _, a := range archs {
		if other, ok := model.NormalizeArchitecture(a); ok {
			p.other = other
			break
		}
	}
	return p, true
}

// runsOn is "the image 1.5.0-arm64 runs on arm64 only".
func (p imageArchProblem) runsOn() string {
	return "the image " + p.image + " runs on " + joinAnd(p.archs) + " only"
}

// pickTag is "pick an amd64 tag" (both Docker names start with a vowel).
func (p imageArchProblem) pickTag() string { return "pick an " + p.want + " tag" }

// imageLabel is how a reference is named in a sentence: its tag or short digest for an
// ECR image, else the reference.
func imageLabel(ref string) string {
	img, ok := aws.ParseECRImage(ref)
	switch {
	case !ok:
		return ref
	case img.Digest != "":
		return shortDigest(img.Digest)
	}
	return img.Tag
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
