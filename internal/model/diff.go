package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// readOnlyFields are what ECS adds to a task definition when it registers one. They
// never come from a spec, so a comparison ignores them.
var readOnlyFields = []string{
	"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
	"registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt",
}

// NormalizeTaskDefinition returns the canonical form of a task definition for
// comparison. doc is a register-task-definition input (the render) or the output of
// `aws ecs describe-task-definition` (tags taken from its "tags" when present).
//
// Two documents that make ECS run the same task normalise to the same bytes: read-only
// fields are dropped; values ECS fills in when omitted are removed when they equal that
// default (essential true, protocol tcp, hostPort = containerPort, EFS rootDirectory
// "/", transitEncryption DISABLED); null, false, zero, empty strings, lists and objects
// are dropped, as ECS returns unset fields either way; cpu and memory in the "1 vCPU"
// and "2GB" forms become integers; containers, environment, secrets, port mappings,
// mount points, volumes and tags are sorted.
func NormalizeTaskDefinition(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("read task definition JSON: %w", err)
	}
	td := top
	if inner, ok := top["taskDefinition"].(map[string]any); ok {
		td = inner
		if tags, ok := top["tags"]; ok {
			td["tags"] = tags
		}
	}
	if _, ok := td["containerDefinitions"]; !ok {
		return nil, fmt.Errorf("read task definition JSON: no containerDefinitions: is this a task definition?")
	}
	for _, f := range readOnlyFields {
		delete(td, f)
	}
	for _, f := range []string{"cpu", "memory"} {
		if s, ok := td[f].(string); ok {
			parse := ParseCPU
			if f == "memory" {
				parse = ParseMemory
			}
			if n, _, err := parse(s); err == nil {
				td[f] = strconv.Itoa(n)
			}
		}
	}
	containers, _ := td["containerDefinitions"].([]any)
	for _, c := range containers {
		if c, ok := c.(map[string]any); ok {
			normalizeContainer(c)
		}
	}
	sortObjects(containers, "name")
	volumes, _ := td["volumes"].([]any)
	for _, v := range volumes {
		if efs, ok := dig(v, "efsVolumeConfiguration"); ok {
			dropIfEqual(efs, "rootDirectory", "/")
			dropIfEqual(efs, "transitEncryption", "DISABLED")
			if auth, ok := dig(efs, "authorizationConfig"); ok {
				dropIfEqual(auth, "iam", "DISABLED")
			}
		}
	}
	sortObjects(volumes, "name")
	tags, _ := td["tags"].([]any)
	sortObjects(tags, "key")
	if rc, ok := td["requiresCompatibilities"].([]any); ok {
		slices.SortFunc(rc, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	}

	out, err := json.MarshalIndent(pruneEmpty(td), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func normalizeContainer(c map[string]any) {
	if e, ok := c["essential"].(bool); ok && e {
		delete(c, "essential")
	}
	ports, _ := c["portMappings"].([]any)
	for _, p := range ports {
		p, ok := p.(map[string]any)
		if !ok {
			continue
		}
		dropIfEqual(p, "protocol", "tcp")
		if fmt.Sprint(p["hostPort"]) == fmt.Sprint(p["containerPort"]) {
			delete(p, "hostPort")
		}
	}
	sortObjects(ports, "containerPort")
	for _, list := range []string{"environment", "secrets"} {
		items, _ := c[list].([]any)
		sortObjects(items, "name")
	}
	mounts, _ := c["mountPoints"].([]any)
	sortObjects(mounts, "containerPath")
	if caps, ok := dig(c["linuxParameters"], "capabilities"); ok {
		for _, list := range []string{"add", "drop"} {
			if names, ok := caps[list].([]any); ok {
				slices.SortFunc(names, compareJSON)
			}
		}
	}
}

// pruneEmpty drops null, false, zero, "", [] and {} values, recursively, except
// essential: normalizeContainer has already removed its default, true.
func pruneEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			if k == "essential" {
				continue // false is meaningful; true was removed as the default
			}
			val = pruneEmpty(val)
			if holdsNothing(val) {
				delete(v, k)
				continue
			}
			v[k] = val
		}
		return v
	case []any:
		out := v[:0]
		for _, item := range v {
			item = pruneEmpty(item)
			if !holdsNothing(item) {
				out = append(out, item)
			}
		}
		return out
	}
	return v
}

func dig(v any, key string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	inner, ok := m[key].(map[string]any)
	return inner, ok
}

func dropIfEqual(m map[string]any, key, def string) {
	if s, ok := m[key].(string); ok && s == def {
		delete(m, key)
	}
}

// sortObjects sorts a JSON list of objects by one key, keeping the order of equal keys.
func sortObjects(items []any, key string) {
	slices.SortStableFunc(items, func(a, b any) int {
		return compareJSON(field(a, key), field(b, key))
	})
}

func field(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		return m[key]
	}
	return nil
}

func compareJSON(a, b any) int {
	if na, ok := a.(json.Number); ok {
		if nb, ok := b.(json.Number); ok {
			fa, _ := na.Float64()
			fb, _ := nb.Float64()
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// DiffTaskDefinitions returns the unified diff of two task definitions' normalised
// forms, from oldName to newName; "" when they are the same. A nil oldDoc is nothing
// registered yet: every line of the new one is added.
func DiffTaskDefinitions(oldName string, oldDoc []byte, newName string, newDoc []byte) (string, error) {
	var a []byte
	if oldDoc != nil {
		var err error
		if a, err = NormalizeTaskDefinition(oldDoc); err != nil {
			return "", fmt.Errorf("%s: %w", oldName, err)
		}
	}
	b, err := NormalizeTaskDefinition(newDoc)
	if err != nil {
		return "", fmt.Errorf("%s: %w", newName, err)
	}
	if bytes.Equal(a, b) {
		return "", nil
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(a)),
		B:        difflib.SplitLines(string(b)),
		FromFile: oldName,
		ToFile:   newName,
		Context:  3,
	})
}
