package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// storageEditor lists the spec's volumes and mount points and adds, edits and deletes
// them. An entry being edited is written into the spec as it changes (nothing typed is
// lost); Esc puts back what was there before.
type storageEditor struct {
	step      *runtimeStep
	cursor    int          // the row under the cursor
	entry     *entryEditor // the entry being edited; nil when none
	confirm   bool         // asking whether to delete the row under the cursor
	note      string       // the last thing said: saved, deleted, refused
	noteIsErr bool
}

// storageRow is a line of the list: a volume, a mount point, or the empty line of a
// group ("no volumes"), which is where ctrl+a adds the first one.
type storageRow struct {
	mount bool
	index int // -1 for a group's empty line
}

func (e *storageEditor) reset() {
	e.cursor, e.entry, e.confirm, e.note, e.noteIsErr = 0, nil, false, "", false
}

func (e *storageEditor) spec() *model.Spec { return e.step.env.spec }

func (e *storageEditor) rows() []storageRow {
	spec := e.spec()
	var rows []storageRow
	for i := range spec.Volumes {
		rows = append(rows, storageRow{index: i})
	}
	if len(spec.Volumes) == 0 {
		rows = append(rows, storageRow{index: -1})
	}
	for i := range spec.MountPoints {
		rows = append(rows, storageRow{mount: true, index: i})
	}
	if len(spec.MountPoints) == 0 {
		rows = append(rows, storageRow{mount: true, index: -1})
	}
	return rows
}

func (e *storageEditor) current() storageRow {
	rows := e.rows()
	e.cursor = min(max(0, e.cursor), len(rows)-1)
	return rows[e.cursor]
}

// moveTo puts the cursor on an entry.
func (e *storageEditor) moveTo(mount bool, index int) {
	for i, r := range e.rows() {
		if r.mount == mount && r.index == index {
			e.cursor = i
		}
	}
}

// check is the first blocking finding of the volumes and mount points.
func (e *storageEditor) check() error {
	noChange := func(*model.Spec) {}
	if err := fieldError(*e.spec(), "volumes", false, noChange); err != nil {
		return err
	}
	return fieldError(*e.spec(), "mount_points", false, noChange)
}

func (e *storageEditor) key(k tea.KeyPressMsg) tea.Cmd {
	s := e.step
	switch {
	case e.entry != nil:
		return e.entryKey(k)
	case e.confirm:
		switch {
		case key.Matches(k, tui.Keys.Yes):
			e.confirm = false
			e.delete()
		case key.Matches(k, tui.Keys.No), key.Matches(k, tui.Keys.Back):
			e.confirm = false
			e.note, e.noteIsErr = "", false
		}
		return nil
	case key.Matches(k, tui.Keys.Add):
		if r := e.current(); r.mount && len(e.spec().Volumes) == 0 {
			// A mount point names a volume: there is none to name yet.
			e.note, e.noteIsErr = e.addVolumeFirst(), true
			return nil
		}
		e.open(e.current().mount, -1)
	case key.Matches(k, tui.Keys.Edit):
		if r := e.current(); r.index >= 0 {
			e.open(r.mount, r.index)
		}
	case key.Matches(k, tui.Keys.Delete):
		e.askDelete()
	case key.Matches(k, tui.Keys.Up) && e.cursor > 0:
		e.cursor--
	case key.Matches(k, tui.Keys.Down) && e.cursor < len(e.rows())-1:
		e.cursor++
	case key.Matches(k, tui.Keys.PrevField):
		s.setSection(sectionFields)
		s.form.FocusKey(fieldTaskRole)
	case key.Matches(k, tui.Keys.Next), key.Matches(k, tui.Keys.NextField):
		if err := e.check(); err != nil {
			e.note, e.noteIsErr = err.Error(), true
			return nil
		}
		e.note, e.noteIsErr = "", false
		s.setSection(sectionCommand)
	}
	return nil
}

// addVolumeFirst says that a mount point needs a volume, and how to add one.
func (e *storageEditor) addVolumeFirst() string {
	return "Add a volume first: a mount point mounts one of the volumes. ↑ to Volumes, then " +
		tui.Keys.Add.Help().Key + " adds one."
}

// yesNo is the question's answers.
var yesNo = tui.Keys.Yes.Help().Key + " deletes it · " + tui.Keys.No.Help().Key + " keeps it"

func (e *storageEditor) askDelete() {
	r := e.current()
	if r.index < 0 {
		return
	}
	spec := e.spec()
	if r.mount {
		mp := spec.MountPoints[r.index]
		e.note, e.noteIsErr = fmt.Sprintf("Delete the mount point %s → %s? %s", mp.SourceVolume, mp.ContainerPath, yesNo), false
		e.confirm = true
		return
	}
	name := spec.Volumes[r.index].Name
	var paths []string
	for _, mp := range spec.MountPoints {
		if mp.SourceVolume == name {
			paths = append(paths, mp.ContainerPath)
		}
	}
	if len(paths) > 0 {
		e.note, e.noteIsErr = fmt.Sprintf("Volume %q is mounted at %s: delete its mount points first.", name, strings.Join(paths, ", ")), true
		return
	}
	e.note, e.noteIsErr = fmt.Sprintf("Delete the volume %q? %s", name, yesNo), false
	e.confirm = true
}

func (e *storageEditor) delete() {
	r := e.current()
	if r.index < 0 {
		return
	}
	var what string
	e.step.env.update(func(x *model.Spec) {
		if r.mount {
			what = "the mount point " + x.MountPoints[r.index].ContainerPath
			x.MountPoints = slices.Delete(slices.Clone(x.MountPoints), r.index, r.index+1)
		} else {
			what = fmt.Sprintf("the volume %q", x.Volumes[r.index].Name)
			x.Volumes = slices.Delete(slices.Clone(x.Volumes), r.index, r.index+1)
		}
	})
	e.note, e.noteIsErr = "Deleted "+what+".", false
	e.cursor = min(e.cursor, len(e.rows())-1)
}

// entryEditor is the form of one volume or mount point.
type entryEditor struct {
	mount     bool
	index     int // the entry's position in the spec; -1 until a new one is first written
	origVol   *model.Volume
	origMount *model.MountPoint
	// mountsOf are the mount points of the volume being edited: they follow its name
	// as it is typed.
	mountsOf []int
	form     *tui.Form
}

func (e *storageEditor) open(mount bool, index int) {
	ed := &entryEditor{mount: mount, index: index}
	spec := e.spec()
	if mount {
		var mp model.MountPoint
		if index >= 0 {
			mp = spec.MountPoints[index]
			ed.origMount = &mp
		}
		ed.form = e.mountForm(ed, mp)
	} else {
		var v model.Volume
		if index >= 0 {
			v = cloneVolume(spec.Volumes[index])
			ed.origVol = &v
			for i, mp := range spec.MountPoints {
				if mp.SourceVolume == v.Name {
					ed.mountsOf = append(ed.mountsOf, i)
				}
			}
		}
		ed.form = e.volumeForm(ed, v)
	}
	ed.form.SetWidth(dialogWidth(e.step.width))
	ed.form.SetHeight(e.step.dialogFormHeight())
	e.entry = ed
	e.note, e.noteIsErr = "", false
}

func cloneVolume(v model.Volume) model.Volume {
	if v.EFS != nil {
		efs := *v.EFS
		if efs.AuthorizationConfig != nil {
			a := *efs.AuthorizationConfig
			efs.AuthorizationConfig = &a
		}
		v.EFS = &efs
	}
	return v
}

// at is the entry's index in the spec, or where a new one will go.
func (ed *entryEditor) at(spec *model.Spec) int {
	if ed.index >= 0 {
		return ed.index
	}
	if ed.mount {
		return len(spec.MountPoints)
	}
	return len(spec.Volumes)
}

// withVolume returns an edit that puts v at i in a copy of the spec's volumes.
func withVolume(i int, v model.Volume) func(*model.Spec) {
	return func(x *model.Spec) {
		vols := slices.Clone(x.Volumes)
		if i < len(vols) {
			vols[i] = v
		} else {
			vols = append(vols, v)
		}
		x.Volumes = vols
	}
}

func withMount(i int, mp model.MountPoint) func(*model.Spec) {
	return func(x *model.Spec) {
		mps := slices.Clone(x.MountPoints)
		if i < len(mps) {
			mps[i] = mp
		} else {
			mps = append(mps, mp)
		}
		x.MountPoints = mps
	}
}

func (e *storageEditor) volumeForm(ed *entryEditor, v model.Volume) *tui.Form {
	var name, efs, fsID, root, transit, accessPoint, iam *tui.Field
	onEFS := func() bool { return efs.On() }
	volume := func() model.Volume {
		out := model.Volume{Name: strings.TrimSpace(name.Value())}
		if !efs.On() {
			return out
		}
		cfg := &model.EFSVolume{
			FileSystemID:      strings.TrimSpace(fsID.Value()),
			RootDirectory:     strings.TrimSpace(root.Value()),
			TransitEncryption: transit.Value(),
		}
		if ed.origVol != nil && ed.origVol.EFS != nil {
			cfg.TransitEncryptionPort = ed.origVol.EFS.TransitEncryptionPort
		}
		if ap := strings.TrimSpace(accessPoint.Value()); ap != "" || iam.Value() == "ENABLED" {
			cfg.AuthorizationConfig = &model.EFSAuthorization{AccessPointID: ap, IAM: iam.Value()}
		}
		out.EFS = cfg
		return out
	}
	check := func(field string) func(string) error {
		return func(string) error {
			i := ed.at(e.spec())
			path := fmt.Sprintf("volumes[%d]%s", i, field)
			return underField(fieldError(*e.spec(), path, true, withVolume(i, volume())), path)
		}
	}
	// The volume and the mount points that follow its name change in one update.
	apply := func(string) {
		v := volume()
		e.write(ed, func(x *model.Spec) {
			withVolume(ed.at(x), v)(x)
			renameMounts(x, ed.mountsOf, v.Name)
		})
	}
	efsText := func(key, title, placeholder, hint string) *tui.Field {
		return &tui.Field{Key: key, Title: title, Kind: tui.Text, Placeholder: placeholder, Hint: hint,
			Visible: onEFS, Validate: check(".efs_volume_configuration." + key), OnSet: apply}
	}
	enabled := func(key, title, hint string) *tui.Field {
		return &tui.Field{Key: key, Title: title, Kind: tui.Choice, Hint: hint, Visible: onEFS, OnSet: apply,
			Options: []tui.Option{{Value: "ENABLED", Label: "enabled"}, {Value: "DISABLED", Label: "disabled"}}}
	}
	name = &tui.Field{Key: "name", Title: "Name", Kind: tui.Text, Placeholder: "media",
		Hint: "Mount points refer to the volume by this name.", Validate: check(".name"), OnSet: apply}
	efs = &tui.Field{Key: "efs", Title: "On EFS", Kind: tui.Toggle, OnSet: apply,
		Hint: "no: scratch space on the task's storage, lost when it stops · yes: EFS, shared and kept."}
	fsID = efsText("file_system_id", "File system ID", "fs-0123456789abcdef0", "Its mount targets must be in the task's subnets (aws efs describe-file-systems).")
	root = efsText("root_directory", "Root directory", "/", "The directory the volume shows; leave it empty with an access point.")
	transit = enabled("transit_encryption", "Transit encryption", "Encrypts the NFS traffic; an access point or IAM authorization needs it.")
	transit.Validate = check(".efs_volume_configuration.transit_encryption")
	accessPoint = &tui.Field{Key: "access_point_id", Title: "Access point", Kind: tui.Text, Placeholder: "fsap-0123456789abcdef0",
		Hint:    "Optional: an access point fixes the directory and the POSIX user the task sees.",
		Visible: onEFS, OnSet: apply, Validate: check(".efs_volume_configuration.authorization_config.access_point_id")}
	iam = enabled("iam", "IAM authorization", "enabled: mounting needs the task role's elasticfilesystem:Client* permissions.")
	iam.Validate = check(".efs_volume_configuration.authorization_config.iam")
	iam.SetValue("DISABLED")

	name.SetValue(v.Name)
	transit.SetValue("ENABLED") // a new EFS volume encrypts in transit
	if v.EFS != nil {
		efs.SetValue("true")
		fsID.SetValue(v.EFS.FileSystemID)
		root.SetValue(v.EFS.RootDirectory)
		transit.SetValue(orDisabled(v.EFS.TransitEncryption))
		if a := v.EFS.AuthorizationConfig; a != nil {
			accessPoint.SetValue(a.AccessPointID)
			iam.SetValue(orDisabled(a.IAM))
		}
	}
	return tui.NewForm(name, efs, fsID, root, transit, accessPoint, iam)
}

// underField is err as said under the field answering path: without the path, which
// the field's title says already. An error about another path keeps it.
func underField(err error, path string) error {
	if err == nil {
		return nil
	}
	if msg, ok := strings.CutPrefix(err.Error(), path+": "); ok {
		return errors.New(msg)
	}
	return err
}

// orDisabled is an ENABLED/DISABLED setting, unset meaning ECS's default, DISABLED.
func orDisabled(v string) string {
	if v == "" {
		return "DISABLED"
	}
	return v
}

func (e *storageEditor) mountForm(ed *entryEditor, mp model.MountPoint) *tui.Form {
	var source, path, readOnly *tui.Field
	mount := func() model.MountPoint {
		return model.MountPoint{SourceVolume: strings.TrimSpace(source.Value()),
			ContainerPath: strings.TrimSpace(path.Value()), ReadOnly: readOnly.On()}
	}
	check := func(field string) func(string) error {
		return func(string) error {
			i := ed.at(e.spec())
			path := fmt.Sprintf("mount_points[%d]%s", i, field)
			return underField(fieldError(*e.spec(), path, true, withMount(i, mount())), path)
		}
	}
	apply := func(string) { e.write(ed, withMount(ed.at(e.spec()), mount())) }
	var opts []tui.Option
	for _, v := range e.spec().Volumes {
		opts = append(opts, tui.Option{Value: v.Name, Note: volumeNote(v)})
	}
	source = &tui.Field{Key: "sourceVolume", Title: "Volume", Kind: tui.Choice, Other: true, Options: opts,
		Hint: "The volume to mount: one of the volumes this step declares.", Validate: check(".sourceVolume"), OnSet: apply}
	if len(opts) == 0 {
		source.Hint = "No volume is declared yet: add one first."
	}
	path = &tui.Field{Key: "containerPath", Title: "Container path", Kind: tui.Text, Placeholder: "/app/media",
		Hint: "Where the volume appears in the container: an absolute path.", Validate: check(".containerPath"), OnSet: apply}
	readOnly = &tui.Field{Key: "readOnly", Title: "Read-only", Kind: tui.Toggle, OnSet: apply,
		Hint: "yes: the app can read the volume but not write to it."}
	source.SetValue(mp.SourceVolume)
	path.SetValue(mp.ContainerPath)
	readOnly.SetValue(fmt.Sprint(mp.ReadOnly))
	return tui.NewForm(source, path, readOnly)
}

// write puts the edited entry into the spec.
func (e *storageEditor) write(ed *entryEditor, edit func(*model.Spec)) {
	if e.entry != ed {
		return // a form closed already
	}
	e.step.env.update(edit)
	if ed.index < 0 {
		if ed.mount {
			ed.index = len(e.spec().MountPoints) - 1
		} else {
			ed.index = len(e.spec().Volumes) - 1
		}
	}
}

func (e *storageEditor) entryKey(k tea.KeyPressMsg) tea.Cmd {
	ed := e.entry
	if key.Matches(k, tui.Keys.Back) && !ed.form.Capturing() {
		e.cancel()
		return nil
	}
	return tagDone(ed.form.Update(k), doneEntry)
}

// cancel puts back the entry as it was before the editor opened.
func (e *storageEditor) cancel() {
	ed := e.entry
	e.entry = nil
	if ed.index < 0 {
		return
	}
	e.step.env.update(func(x *model.Spec) {
		switch {
		case ed.mount && ed.origMount != nil:
			x.MountPoints = slices.Clone(x.MountPoints)
			x.MountPoints[ed.index] = *ed.origMount
		case ed.mount:
			x.MountPoints = slices.Delete(slices.Clone(x.MountPoints), ed.index, ed.index+1)
		case ed.origVol != nil:
			x.Volumes = slices.Clone(x.Volumes)
			x.Volumes[ed.index] = *ed.origVol
			renameMounts(x, ed.mountsOf, ed.origVol.Name)
		default:
			x.Volumes = slices.Delete(slices.Clone(x.Volumes), ed.index, ed.index+1)
		}
	})
	e.cursor = min(e.cursor, len(e.rows())-1)
}

// renameMounts points the mount points at indexes to the volume name, in a copy of the
// spec's list.
func renameMounts(x *model.Spec, indexes []int, name string) {
	if len(indexes) == 0 {
		return
	}
	x.MountPoints = slices.Clone(x.MountPoints)
	for _, i := range indexes {
		x.MountPoints[i].SourceVolume = name
	}
}

// accept closes the editor on an entry its form has validated and committed (the
// mount points of a renamed volume followed it as it was typed).
func (e *storageEditor) accept() {
	ed := e.entry
	if ed == nil || ed.index < 0 {
		return
	}
	e.entry = nil
	spec := e.spec()
	if ed.mount {
		mp := spec.MountPoints[ed.index]
		e.note, e.noteIsErr = fmt.Sprintf("Saved the mount point %s → %s.", mp.SourceVolume, mp.ContainerPath), false
	} else {
		e.note, e.noteIsErr = fmt.Sprintf("Saved the volume %q.", spec.Volumes[ed.index].Name), false
	}
	e.moveTo(ed.mount, ed.index)
}

// volumeNote says what a volume is, in a few words.
func volumeNote(v model.Volume) string {
	if v.EFS == nil {
		return "task storage: scratch space, lost when the task stops"
	}
	parts := []string{"EFS " + v.EFS.FileSystemID}
	if v.EFS.RootDirectory != "" {
		parts[0] += ":" + v.EFS.RootDirectory
	}
	if v.EFS.TransitEncryption == "ENABLED" {
		parts = append(parts, "encrypted in transit")
	}
	if a := v.EFS.AuthorizationConfig; a != nil {
		if a.AccessPointID != "" {
			parts = append(parts, "access point "+a.AccessPointID)
		}
		if a.IAM == "ENABLED" {
			parts = append(parts, "IAM")
		}
	}
	return strings.Join(parts, " · ")
}

func (e *storageEditor) mountNote(mp model.MountPoint) string {
	note := "read-write"
	if mp.ReadOnly {
		note = "read-only"
	}
	if mp.ContainerPath == "/tmp" && !mp.ReadOnly && e.spec().ReadonlyRootFilesystem {
		note += " · the writable /tmp the read-only root filesystem needs"
	}
	return note
}

// view draws the list (active) or a one-line summary.
func (e *storageEditor) view(active bool) string {
	s := e.step
	st := s.env.styles
	spec := e.spec()
	var b strings.Builder
	if !active {
		summary := st.Muted.Render("none: the container has only its image's filesystem")
		if len(spec.Volumes)+len(spec.MountPoints) > 0 {
			var mounts []string
			for _, mp := range spec.MountPoints {
				mounts = append(mounts, mp.SourceVolume+" → "+mp.ContainerPath)
			}
			text := plural(len(spec.Volumes), "volume")
			if len(mounts) > 0 {
				text += " · " + strings.Join(mounts, ", ")
			} else {
				text += " · nothing mounted"
			}
			summary = st.Value.Render(ansi.Truncate(text, max(20, s.width-24), "…"))
		}
		b.WriteString(st.Label.Render("  Volumes and mounts") + "  " + summary + "\n")
	} else {
		b.WriteString(st.FocusLabel.Render("▸ Volumes and mounts") + "\n")
		rows := e.rows()
		cursor := min(max(0, e.cursor), len(rows)-1) // Update keeps it in range; a View only reads
		row := func(i int, label, note string) {
			line := "      " + st.Option.Render(label)
			if i == cursor {
				line = "    " + st.Cursor.Render("▸ ") + st.Selected.Render(label)
			}
			if note != "" {
				line += "  " + st.Muted.Render(ansi.Truncate(note, max(20, s.width-(6+len([]rune(label))+2)), "…"))
			}
			b.WriteString(line + "\n")
		}
		for i, r := range rows {
			switch {
			case i == 0:
				b.WriteString(st.Label.Render("    Volumes") + "\n")
			case r.mount && !rows[i-1].mount:
				b.WriteString(st.Label.Render("    Mount points") + "\n")
			}
			switch {
			case r.index < 0 && r.mount && len(spec.Volumes) == 0:
				row(i, "none", "add a volume first, then mount it here")
			case r.index < 0 && r.mount:
				row(i, "none", tui.Keys.Add.Help().Key+" mounts a volume into the container")
			case r.index < 0:
				row(i, "none", tui.Keys.Add.Help().Key+" adds one: scratch space, or an EFS file system")
			case r.mount:
				mp := spec.MountPoints[r.index]
				row(i, mp.SourceVolume+" → "+mp.ContainerPath, e.mountNote(mp))
			default:
				v := spec.Volumes[r.index]
				row(i, v.Name, volumeNote(v))
			}
		}
		b.WriteString(st.Hint.Render("    "+tui.Wrap(fmt.Sprintf("%s adds to the list under the cursor · %s edits · %s deletes.",
			tui.Keys.Add.Help().Key, tui.Keys.Edit.Help().Key, tui.Keys.Delete.Help().Key), s.width-4, 4)) + "\n")
	}
	switch {
	case e.note != "" && e.noteIsErr:
		b.WriteString(st.Error.Render("    ✗ "+tui.Wrap(e.note, s.width-6, 6)) + "\n")
	case e.note != "" && active:
		b.WriteString(st.Muted.Render("    "+tui.Wrap(e.note, s.width-4, 4)) + "\n")
	}
	if w := e.warning(); w != "" && (active || e.note == "") {
		b.WriteString(st.Warning.Render("    ⚠ "+tui.Wrap(w, s.width-6, 6)) + "\n")
	}
	return b.String()
}

// warning is the first warning of the model about the storage.
func (e *storageEditor) warning() string {
	spec := *e.spec()
	for i := range spec.Volumes {
		if w := fieldWarning(spec, fmt.Sprintf("volumes[%d]", i)); w != "" {
			return w
		}
	}
	return fieldWarning(spec, "readonly_root_filesystem")
}

func (e *storageEditor) entryView() string {
	st := e.step.env.styles
	ed := e.entry
	var title string
	switch {
	case ed.mount && ed.origMount != nil:
		title = "Edit the mount point " + ed.origMount.ContainerPath
	case ed.mount:
		title = "New mount point"
	case ed.origVol != nil:
		title = fmt.Sprintf("Edit the volume %q", ed.origVol.Name)
	default:
		title = "New volume"
	}
	s := e.step
	w := dialogWidth(s.width)
	return dialogBox(st, s.width, bodyHeight(s.height, s.head()), []string{
		st.Title.Render(ansi.Truncate(title, w, "…")) + "\n",
		strings.TrimRight(ed.form.View(*st), "\n"),
		"\n" + st.Help.Render(tui.Wrap(tui.Keys.Next.Help().Key+" on the last field saves · "+tui.Keys.Back.Help().Key+" cancels", w, 0)),
	}, 1)
}
