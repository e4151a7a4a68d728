package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ImportWarning is a part of an imported task definition that the spec does not carry
// over: the spec's render differs from the document there.
type ImportWarning struct {
	// Field is the JSON path of the part inside the task definition, as the render
	// spells it: containerDefinitions[0].healthCheck. The describe-task-definition
	// wrapper ("taskDefinition.") is left out, so both input forms name parts alike.
	Field   string
	Message string
	// Dropped is set for a part the spec has no place for (it is left out, not changed).
	Dropped bool
	// Container names a container other than the one the spec describes, left out whole.
	Container string
}

func (w ImportWarning) String() string { return w.Field + ": " + w.Message }

// notExpressible is the message of a warning about a part the spec has no variable for.
const notExpressible = "not expressible in a spec, dropped"

// ImportError is why a document cannot be imported at all.
type ImportError struct {
	Source       string // where the document came from (a file name); the caller sets it
	Line, Column int    // of a JSON syntax error; 0 when the error is not about syntax
	Field        string // JSON path of the offending part; "" for syntax errors
	Message      string
}

func (e *ImportError) Error() string {
	var b strings.Builder
	switch {
	case e.Source != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.Source, e.Line, e.Column)
	case e.Source != "":
		b.WriteString(e.Source + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ImportTaskDefinition reads a task definition back into a spec. doc is either the
// output of `aws ecs describe-task-definition [--include TAGS]` ({"taskDefinition":
// {...}, "tags": [...]}) or a register-task-definition input such as ecswiz render
// writes. Everything the spec cannot express is left out and reported as a warning; the
// import is exact when there are none: then rendering the spec gives the document's task
// definition back. A document that is not JSON, or lacks what every spec needs (a
// family, a container with a name and an image), is an *ImportError.
func ImportTaskDefinition(doc []byte) (Spec, []ImportWarning, error) {
	root, err := decodeDocument(doc)
	if err != nil {
		return Spec{}, nil, err
	}
	im := &importer{}
	top := im.object("", root)
	if top == nil {
		return Spec{}, nil, &ImportError{Message: "expected a JSON object: the output of aws ecs describe-task-definition or a register-task-definition input"}
	}
	td := top
	var describedTags any
	if raw, ok := top.m["taskDefinition"]; ok {
		// describe-task-definition output: tags sit beside the task definition.
		top.take("taskDefinition")
		var described bool
		if describedTags, described = top.take("tags"); !described {
			// Without --include TAGS, describe-task-definition leaves the tags out, and
			// the spec would drop any the revision has.
			im.warn("tags", "not in the document: describe it with --include TAGS to import its tags")
		}
		top.rest()
		if td = im.object("taskDefinition", raw); td == nil {
			return Spec{}, nil, &ImportError{Field: "taskDefinition", Message: "expected an object"}
		}
		td.path = ""
	}
	s := im.taskDefinition(td, describedTags)
	if im.err != nil {
		return Spec{}, nil, im.err
	}
	return s, im.warnings, nil
}

// decodeDocument parses JSON keeping numbers exact, and places a syntax error.
func decodeDocument(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			line, col := jsonPosition(doc, int(dec.InputOffset()))
			return nil, &ImportError{Line: line, Column: col, Message: "unexpected data after the JSON document"}
		}
		return v, nil
	}
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return nil, &ImportError{Message: "empty document: expected JSON"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := jsonPosition(doc, len(doc))
		return nil, &ImportError{Line: line, Column: col, Message: "unexpected end of JSON input"}
	case errors.As(err, &syntaxErr):
		line, col := jsonPosition(doc, int(syntaxErr.Offset)-1)
		return nil, &ImportError{Line: line, Column: col, Message: "invalid JSON: " + syntaxErr.Error()}
	}
	return nil, &ImportError{Message: "invalid JSON: " + err.Error()}
}

// jsonPosition is the 1-based line and column (in bytes) of offset in doc.
func jsonPosition(doc []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(doc)))
	before := doc[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = offset - bytes.LastIndexByte(before, '\n')
	return line, col
}

// importer collects the warnings of one import and its first error.
type importer struct {
	warnings []ImportWarning
	err      *ImportError
}

func (im *importer) warn(field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	im.warnings = append(im.warnings, ImportWarning{Field: field, Message: msg, Dropped: strings.Contains(msg, notExpressible)})
}

func (im *importer) fail(field, format string, args ...any) {
	if im.err == nil {
		im.err = &ImportError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
}

// object wraps v, found at path, for reading; nil when v is null or not an object
// (the latter is an error).
func (im *importer) object(path string, v any) *jsonObject {
	switch m := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return &jsonObject{im: im, path: path, m: m, seen: map[string]bool{}}
	}
	im.fail(path, "expected an object, got %s", kindOfJSON(v))
	return nil
}

// jsonObject is a JSON object being read. Each key read is marked, so that rest can
// warn about every key the spec has no place for.
type jsonObject struct {
	im   *importer
	path string
	m    map[string]any
	seen map[string]bool
}

// field is the path of key in the object.
func (o *jsonObject) field(key string) string {
	if !hclsyntax.ValidIdentifier(key) {
		return fmt.Sprintf("%s[%q]", o.path, key)
	}
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// take marks key read and returns its value; ok is false when it is absent or null.
func (o *jsonObject) take(key string) (v any, ok bool) {
	o.seen[key] = true
	v = o.m[key]
	return v, v != nil
}

// ignore marks keys read without reading them.
func (o *jsonObject) ignore(keys ...string) {
	for _, k := range keys {
		o.seen[k] = true
	}
}

func (o *jsonObject) str(key string) (string, bool) {
	v, ok := o.take(key)
	if !ok {
		return "", false
	}
	s, isString := v.(string)
	if !isString {
		o.im.fail(o.field(key), "expected a string, got %s", kindOfJSON(v))
	}
	return s, isString
}

func (o *jsonObject) boolean(key string) (value, ok bool) {
	v, ok := o.take(key)
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		o.im.fail(o.field(key), "expected true or false, got %s", kindOfJSON(v))
	}
	return b, isBool
}

func (o *jsonObject) integer(key string) (int, bool) {
	v, ok := o.take(key)
	if !ok {
		return 0, false
	}
	n, isNumber := v.(json.Number)
	i, err := strconv.ParseInt(n.String(), 10, 32)
	if !isNumber || err != nil {
		o.im.fail(o.field(key), "expected a whole number, got %s", kindOfJSON(v))
		return 0, false
	}
	return int(i), true
}

func (o *jsonObject) object(key string) *jsonObject {
	v, _ := o.take(key)
	return o.im.object(o.field(key), v)
}

func (o *jsonObject) array(key string) []any {
	v, ok := o.take(key)
	if !ok {
		return nil
	}
	a, isArray := v.([]any)
	if !isArray {
		o.im.fail(o.field(key), "expected an array, got %s", kindOfJSON(v))
	}
	return a
}

func (o *jsonObject) strings(key string) []string {
	var out []string
	for i, v := range o.array(key) {
		s, ok := v.(string)
		if !ok {
			o.im.fail(fmt.Sprintf("%s[%d]", o.field(key), i), "expected a string, got %s", kindOfJSON(v))
		}
		out = append(out, s)
	}
	return out
}

// objects reads an array of objects; a null element is skipped.
func (o *jsonObject) objects(key string) []*jsonObject {
	var out []*jsonObject
	for i, v := range o.array(key) {
		if obj := o.im.object(fmt.Sprintf("%s[%d]", o.field(key), i), v); obj != nil {
			out = append(out, obj)
		}
	}
	return out
}

// rest warns about each key not read that holds something. null, false, 0, "", [] and
// {} hold nothing: ECS returns many fields that way (container cpu 0, volumesFrom []).
func (o *jsonObject) rest() {
	for _, k := range slices.Sorted(maps.Keys(o.m)) {
		if !o.seen[k] && !holdsNothing(o.m[k]) {
			o.im.warn(o.field(k), notExpressible)
		}
	}
}

func holdsNothing(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		for _, e := range v {
			if !holdsNothing(e) {
				return false
			}
		}
		return true
	}
	return false
}

func kindOfJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case string:
		return "a string"
	case json.Number:
		return v.String()
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// taskDefinition reads the task definition object. describedTags are the tags beside
// it in describe-task-definition output.
func (im *importer) taskDefinition(td *jsonObject, describedTags any) Spec {
	s := NewSpec()
	td.ignore(readOnlyFields...)

	family, _ := td.str("family")
	if family == "" {
		im.fail("family", "missing: a task definition needs a family")
	}
	s.TaskRoleARN, _ = td.str("taskRoleArn")
	s.ExecutionRoleARN, _ = td.str("executionRoleArn")
	if mode, ok := td.str("networkMode"); ok && mode != NetworkMode {
		im.warn(td.field("networkMode"), "%q %s (the spec always uses %q)", mode, notExpressible, NetworkMode)
	}
	if compat := td.strings("requiresCompatibilities"); compat != nil && !slices.Equal(compat, []string{LaunchType}) {
		im.warn(td.field("requiresCompatibilities"), "%q %s (the spec always requires [%q])", compat, notExpressible, LaunchType)
	}
	s.TaskCPU = im.size(td, "cpu", s.TaskCPU, ParseCPU)
	s.TaskMemory = im.size(td, "memory", s.TaskMemory, ParseMemory)
	if rp := td.object("runtimePlatform"); rp != nil {
		if arch, ok := rp.str("cpuArchitecture"); ok && arch != "" {
			s.CPUArchitecture = arch
		}
		if osFamily, ok := rp.str("operatingSystemFamily"); ok && osFamily != OperatingSystemFamily {
			im.warn(rp.field("operatingSystemFamily"), "%q %s (the spec always uses %q)", osFamily, notExpressible, OperatingSystemFamily)
		}
		rp.rest()
	}
	for _, v := range td.objects("volumes") {
		s.Volumes = append(s.Volumes, im.volume(v))
	}

	tags, _ := td.take("tags")
	if describedTags != nil {
		tags = describedTags
	}
	s.Tags = im.tags(tags)

	containers := td.objects("containerDefinitions")
	if len(containers) == 0 && im.err == nil {
		im.fail("containerDefinitions", "no container: a task definition needs one")
	}
	if im.err != nil {
		return s
	}
	main := mainContainer(containers)
	for i, c := range containers {
		if i != main {
			name, _ := c.m["name"].(string)
			im.warnings = append(im.warnings, ImportWarning{Field: c.path, Container: name, Dropped: true,
				Message: fmt.Sprintf("second container %q: a spec describes one container, dropped", name)})
		}
	}
	im.container(&s, containers[main], family)
	td.rest()
	return s
}

// mainContainer picks the Django container: the first with DJANGO_SETTINGS_MODULE in
// its environment, else the first.
func mainContainer(containers []*jsonObject) int {
	for i, c := range containers {
		env, _ := c.m["environment"].([]any)
		for _, kv := range env {
			if kv, ok := kv.(map[string]any); ok && kv["name"] == "DJANGO_SETTINGS_MODULE" {
				return i
			}
		}
	}
	return 0
}

// size reads the task cpu or memory, in either of the API's forms, as the integer the
// spec holds.
func (im *importer) size(td *jsonObject, key, fallback string, parse func(string) (int, bool, error)) string {
	v, ok := td.take(key)
	if !ok {
		im.warn(td.field(key), "not set; the spec uses %q", fallback)
		return fallback
	}
	var text string
	switch v := v.(type) {
	case string:
		text = v
	case json.Number: // not how the API writes it, but unambiguous
		text = v.String()
	default:
		im.fail(td.field(key), "expected a string, got %s", kindOfJSON(v))
		return fallback
	}
	n, _, err := parse(text)
	if err != nil {
		im.fail(td.field(key), "%v", err)
		return fallback
	}
	return strconv.Itoa(n)
}

func (im *importer) volume(v *jsonObject) Volume {
	var out Volume
	out.Name, _ = v.str("name")
	if out.Name == "" {
		im.fail(v.field("name"), "missing: a volume needs a name")
	}
	if host := v.object("host"); host != nil {
		host.rest() // sourcePath: no bind mounts from the host on Fargate
	}
	if efs := v.object("efsVolumeConfiguration"); efs != nil {
		out.EFS = &EFSVolume{}
		out.EFS.FileSystemID, _ = efs.str("fileSystemId")
		out.EFS.RootDirectory, _ = efs.str("rootDirectory")
		if out.EFS.RootDirectory == "/" {
			// ECS stores an omitted rootDirectory as "/"; leaving it out means the same.
			out.EFS.RootDirectory = ""
		}
		out.EFS.TransitEncryption, _ = efs.str("transitEncryption")
		out.EFS.TransitEncryptionPort, _ = efs.integer("transitEncryptionPort")
		if auth := efs.object("authorizationConfig"); auth != nil {
			a := EFSAuthorization{}
			a.AccessPointID, _ = auth.str("accessPointId")
			a.IAM, _ = auth.str("iam")
			if a != (EFSAuthorization{}) {
				out.EFS.AuthorizationConfig = &a
			}
			auth.rest()
		}
		efs.rest()
	}
	v.rest()
	return out
}

func (im *importer) tags(v any) map[string]string {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		im.fail("tags", "expected an array, got %s", kindOfJSON(v))
		return nil
	}
	tags := map[string]string{}
	for i, raw := range list {
		t := im.object(fmt.Sprintf("tags[%d]", i), raw)
		if t == nil {
			continue
		}
		key, _ := t.str("key")
		value, _ := t.str("value")
		tags[key] = value
		t.rest()
	}
	return tags
}

// container reads the Django container into s; family is the task's.
func (im *importer) container(s *Spec, c *jsonObject, family string) {
	s.ContainerName, _ = c.str("name")
	if s.ContainerName == "" {
		im.fail(c.field("name"), "missing: the container needs a name")
	}
	s.ContainerImage, _ = c.str("image")
	if s.ContainerImage == "" {
		im.fail(c.field("image"), "missing: the container needs an image")
	}
	if essential, ok := c.boolean("essential"); ok && !essential {
		im.warn(c.field("essential"), "false is %s (the container is always essential)", notExpressible)
	}
	s.ContainerCommand = c.strings("command")
	s.ContainerUser, _ = c.str("user")
	s.ReadonlyRootFilesystem, _ = c.boolean("readonlyRootFilesystem")
	im.portMappings(s, c)
	for _, m := range c.objects("mountPoints") {
		var mp MountPoint
		mp.SourceVolume, _ = m.str("sourceVolume")
		mp.ContainerPath, _ = m.str("containerPath")
		mp.ReadOnly, _ = m.boolean("readOnly")
		s.MountPoints = append(s.MountPoints, mp)
		m.rest()
	}
	if lp := c.object("linuxParameters"); lp != nil {
		if caps := lp.object("capabilities"); caps != nil {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesAdd = caps.strings("add")
			s.LinuxCapabilitiesDrop = caps.strings("drop")
			caps.rest()
		}
		lp.rest()
	}
	im.logConfiguration(s, c)

	env := im.namedValues(c, "environment", "value")
	secrets := im.namedValues(c, "secrets", "valueFrom")
	if im.err != nil {
		return
	}
	im.family(s, family, env["ENVIRONMENT"])
	im.environment(s, env, c.field("environment"))
	im.secrets(s, secrets, c.field("secrets"))
	c.rest()
}

func (im *importer) portMappings(s *Spec, c *jsonObject) {
	mappings := c.objects("portMappings")
	if len(mappings) == 0 {
		im.warn(c.field("portMappings"), "none; the spec maps container_port %d", s.ContainerPort)
		return
	}
	for i, pm := range mappings {
		if i > 0 {
			im.warn(pm.path, "a second port mapping is %s", notExpressible)
			continue
		}
		port, ok := pm.integer("containerPort")
		if !ok {
			im.warn(pm.field("containerPort"), "not set; the spec maps container_port %d", s.ContainerPort)
		} else {
			s.ContainerPort = port
		}
		if host, ok := pm.integer("hostPort"); ok && host != 0 && host != s.ContainerPort {
			im.warn(pm.field("hostPort"), "%d is %s (the spec maps hostPort = containerPort)", host, notExpressible)
		}
		if proto, ok := pm.str("protocol"); ok && proto != "" && proto != "tcp" {
			im.warn(pm.field("protocol"), "%q is %s (the spec maps tcp)", proto, notExpressible)
		}
		pm.rest()
	}
}

func (im *importer) logConfiguration(s *Spec, c *jsonObject) {
	lc := c.object("logConfiguration")
	if lc == nil {
		im.warn(c.field("logConfiguration"), "none; the spec sends logs to CloudWatch with the %s driver", LogDriver)
		return
	}
	if driver, _ := lc.str("logDriver"); driver != LogDriver {
		im.warn(lc.path, "log driver %q is %s (the spec always uses %s)", driver, notExpressible, LogDriver)
		return
	}
	opts := lc.object("options")
	if opts == nil {
		im.warn(lc.field("options"), "none; the spec always sets awslogs-group, awslogs-region and awslogs-stream-prefix")
		lc.rest()
		return
	}
	var ok bool
	if s.LogGroupName, ok = opts.str("awslogs-group"); !ok || s.LogGroupName == "" {
		im.warn(opts.field("awslogs-group"), "not set; the spec needs log_group_name")
	}
	if s.AWSRegion, ok = opts.str("awslogs-region"); !ok || s.AWSRegion == "" {
		im.warn(opts.field("awslogs-region"), "not set; the spec writes the Region it is rendered for")
	}
	if prefix, ok := opts.str("awslogs-stream-prefix"); ok {
		s.LogStreamPrefix = prefix
	} else {
		im.warn(opts.field("awslogs-stream-prefix"), "not set; the spec uses %q", s.LogStreamPrefix)
	}
	opts.rest()
	lc.rest()
}

// namedValues reads a list of {name, value} objects into a map, warning about repeats.
func (im *importer) namedValues(c *jsonObject, key, valueKey string) map[string]string {
	out := map[string]string{}
	for _, kv := range c.objects(key) {
		name, _ := kv.str("name")
		value, _ := kv.str(valueKey)
		kv.rest()
		switch _, dup := out[name]; {
		case name == "":
			im.warn(kv.path, "a nameless entry is %s", notExpressible)
		case dup:
			im.warn(kv.path, "a second %s is %s", name, notExpressible)
		default:
			out[name] = value
		}
	}
	return out
}

// family splits the family into app_name and environment. ENVIRONMENT, the value the
// module gives the environment variable, says where when the family ends with it;
// otherwise the last hyphen does, and ENVIRONMENT, if different, stays an environment
// variable.
func (im *importer) family(s *Spec, family, environment string) {
	if app, ok := strings.CutSuffix(family, "-"+environment); ok && environment != "" && app != "" {
		s.AppName, s.Environment = app, environment
		return
	}
	i := strings.LastIndex(family, "-")
	if i <= 0 || i == len(family)-1 {
		s.AppName, s.Environment = family, environment
		im.warn("family", "%q is not APP_NAME-ENVIRONMENT; the spec renders the family %q", family, s.Family())
		return
	}
	s.AppName, s.Environment = family[:i], family[i+1:]
	if strings.Count(family, "-") > 1 {
		im.warn("family", "%q split at its last hyphen into app_name %q and environment %q; check them (the family is the same either way)",
			family, s.AppName, s.Environment)
	}
}

// environment maps the container's environment onto the spec: the Django variables to
// theirs, values the module sets on its own dropped, the rest to environment_variables.
func (im *importer) environment(s *Spec, env map[string]string, field string) {
	extra := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		value := env[name]
		switch {
		case name == "DJANGO_SETTINGS_MODULE":
			s.DjangoSettingsModule = value
		case name == "ALLOWED_HOSTS":
			s.AllowedHosts = value
		case name == "DEBUG" && (value == "true" || value == "false"):
			s.DebugMode = value == "true"
		case name == "AWS_STORAGE_BUCKET_NAME" && value != "":
			s.S3BucketName = value
		case name == "CLOUDFRONT_DISTRIBUTION_ID" && value != "":
			s.CloudFrontDistributionID = value
		default:
			extra[name] = value
		}
	}
	automatic := AutomaticEnvironment(*s)
	for name, value := range extra {
		if auto, ok := automatic[name]; ok && auto == value {
			delete(extra, name)
		}
	}
	if len(extra) > 0 {
		s.EnvironmentVariables = extra
	}
	if added := missingNames(ContainerEnvironment(*s), env); len(added) > 0 {
		im.warn(field, "the spec adds %s, which the task definition does not set", strings.Join(added, ", "))
	}
}

// secrets maps the container's secrets onto the spec: the prefix the required secrets
// share becomes parameter_store_prefix (null when it is the default /APP/ENV), the
// Twilio secrets enable_twilio, and the rest secrets_from_parameter_store.
func (im *importer) secrets(s *Spec, secrets map[string]string, field string) {
	if prefix := sharedPrefix(secrets); prefix != "" && prefix != "/"+s.AppName+"/"+s.Environment {
		s.ParameterStorePrefix = prefix
	}
	s.EnableTwilio = true
	for _, r := range RequiredSecrets(*s)[len(requiredSecretPaths):] {
		if secrets[r.Name] != r.ValueFrom {
			s.EnableTwilio = false
		}
	}
	extra := maps.Clone(secrets)
	for _, r := range RequiredSecrets(*s) {
		if secrets[r.Name] == r.ValueFrom {
			delete(extra, r.Name)
		}
	}
	if len(extra) > 0 {
		s.SecretsFromParameterStore = extra
	}
	if added := missingNames(ContainerSecrets(*s), secrets); len(added) > 0 {
		im.warn(field, "the spec adds %s, which the task definition does not set", strings.Join(added, ", "))
	}
}

// sharedPrefix is the parameter prefix most of the required (and Twilio) secrets are
// under, the first found on a tie; "" when none is under a parameter name prefix.
func sharedPrefix(secrets map[string]string) string {
	var prefixes []string
	count := map[string]int{}
	for _, r := range slices.Concat(requiredSecretPaths, twilioSecretPaths) {
		prefix, ok := strings.CutSuffix(secrets[r.Name], r.ValueFrom)
		if !ok || !strings.HasPrefix(prefix, "/") {
			continue // absent, elsewhere, or an ARN: not something a prefix can express
		}
		if count[prefix] == 0 {
			prefixes = append(prefixes, prefix)
		}
		count[prefix]++
	}
	best := ""
	for _, p := range prefixes {
		if count[p] > count[best] {
			best = p
		}
	}
	return best
}

// missingNames lists, sorted, the names of want that got lacks.
func missingNames(want, got map[string]string) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if _, ok := got[name]; !ok {
			out = append(out, name)
		}
	}
	return out
}
