package wizard

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The task definition's tags are typed in Review as one line of key=value pairs
// separated by commas: a tag can hold neither a comma nor a line break, so the line
// says every tag without quoting.

// tagsText is tags as the line the field shows: "cost-center=42, team=platform".
func tagsText(tags map[string]string) string {
	parts := make([]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ", ")
}

// parseTags reads the line tagsText writes; an empty line is no tags (nil). Spaces
// around keys and values are dropped; a value may hold "=", a key may not.
func parseTags(text string) (map[string]string, error) {
	var tags map[string]string
	for part := range strings.SplitSeq(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "":
			return nil, fmt.Errorf("%q is not key=value: write the tags as key=value pairs separated by commas, e.g. team=platform, cost-center=42", part)
		case hasKey(tags, k):
			return nil, fmt.Errorf("the key %q is given twice: a task definition has one value per tag key", k)
		}
		if tags == nil {
			tags = map[string]string{}
		}
		tags[k] = v
	}
	return tags, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
