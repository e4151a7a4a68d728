package tui

import (
	"slices"
	"strings"
)

// TreeRow is one row of a Tree as a screen draws it.
type TreeRow struct {
	Label  string // the path segment ("django-secret-key")
	Depth  int    // 0 for the segments right under the root
	Item   int    // the name's index in NewTree's list; -1 for a directory
	Path   string // the full name, or the directory's full path ("/app/env/database")
	Cursor bool   // the row under the cursor
}

// Dir reports whether the row is a directory (a path segment holding names).
func (r TreeRow) Dir() bool { return r.Item < 0 }

type treeNode struct {
	label  string
	path   string // directories only; an item's is its name
	depth  int32
	parent int32 // the directory holding it, -1 at the top
	item   int32 // -1 for a directory
	seen   uint32
}

// treeFilter is a filter typed earlier and the items it matched.
type treeFilter struct {
	lower   string
	matched []int32
}

// maxTreeHistory bounds the filters kept for backspacing (each holds its matches).
const maxTreeHistory = 32

// Tree shows slash-separated names (Parameter Store names) as a tree of their path
// segments, filtered by a case-insensitive substring of the full name.
//
// It is built once per listing and stays fast with tens of thousands of names: names
// are lowercased once, rows keep the order they were built in (nothing is sorted
// while filtering), a filter that extends the previous one searches only its matches,
// backspacing returns to a filter already computed, and a screen draws only Window.
type Tree struct {
	names   []string
	lower   []string
	nodes   []treeNode
	leaf    []int32 // the node of each item
	order   []int32 // the items in row order
	all     []int32 // every node, in order: the rows when nothing is filtered
	shown   []int32 // the rows under the filter, in order
	matched []int32 // the items matching the filter, in order; nil when unfiltered
	history []treeFilter
	filter  string
	gen     uint32
	cursor  int // index into shown
	top     int // the first row of shown in the window
	height  int
}

// NewTree builds the tree of names under root ("/app/env", or "" for none). Names
// outside root keep their full path. The names are shown in sorted order; items keep
// their index in names.
func NewTree(root string, names []string) *Tree {
	root = strings.TrimRight(root, "/")
	t := &Tree{names: names, lower: make([]string, len(names)), leaf: make([]int32, len(names)), height: 10}
	order := make([]int32, len(names))
	for i := range names {
		order[i] = int32(i)
		t.lower[i] = strings.ToLower(names[i])
	}
	if !slices.IsSortedFunc(order, func(a, b int32) int { return strings.Compare(names[a], names[b]) }) {
		slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	}
	t.nodes = make([]treeNode, 0, len(names)+len(names)/8+8)
	// stack holds the directories of the last name: their segments and nodes.
	var stackSeg []string
	var stackNode []int32
	stackBase := root
	for _, it := range order {
		name := names[it]
		base, rel := root, ""
		if r, ok := strings.CutPrefix(name, root+"/"); ok && root != "" {
			rel = r
		} else {
			base, rel = "", strings.TrimPrefix(name, "/")
		}
		if base != stackBase {
			stackSeg, stackNode, stackBase = nil, nil, base
		}
		segs := strings.Split(rel, "/")
		dirs := segs[:len(segs)-1]
		common := 0
		for common < len(dirs) && common < len(stackSeg) && dirs[common] == stackSeg[common] {
			common++
		}
		stackSeg, stackNode = stackSeg[:common], stackNode[:common]
		for d := common; d < len(dirs); d++ {
			parent := int32(-1)
			if d > 0 {
				parent = stackNode[d-1]
			}
			path := base + "/" + strings.Join(dirs[:d+1], "/")
			t.nodes = append(t.nodes, treeNode{label: dirs[d], path: path, depth: int32(d), parent: parent, item: -1})
			stackSeg = append(stackSeg, dirs[d])
			stackNode = append(stackNode, int32(len(t.nodes)-1))
		}
		parent := int32(-1)
		if len(stackNode) > 0 {
			parent = stackNode[len(stackNode)-1]
		}
		t.nodes = append(t.nodes, treeNode{label: segs[len(segs)-1], depth: int32(len(dirs)), parent: parent, item: it})
		t.leaf[it] = int32(len(t.nodes) - 1)
	}
	t.order = order
	t.all = make([]int32, len(t.nodes))
	for i := range t.all {
		t.all[i] = int32(i)
	}
	t.shown = t.all
	return t
}

// Filter is the filter as typed.
func (t *Tree) Filter() string { return t.filter }

// SetFilter shows only the names holding filter (case-insensitively) and the
// directories above them. A name under the cursor stays under it when still shown;
// otherwise the cursor goes to the first match.
func (t *Tree) SetFilter(filter string) {
	if filter == t.filter {
		return
	}
	t.filter = filter
	current := int32(-1)
	if t.cursor < len(t.shown) {
		current = t.shown[t.cursor]
	}
	t.matched = t.match(strings.ToLower(filter))
	t.show()
	t.cursor = 0
	if i, ok := slices.BinarySearch(t.shown, current); ok && t.nodes[current].item >= 0 {
		t.cursor = i
	} else if len(t.matched) > 0 {
		t.cursor, _ = slices.BinarySearch(t.shown, t.leaf[t.matched[0]])
	}
	t.scroll()
}

// match returns the items holding lower; nil means every item.
func (t *Tree) match(lower string) []int32 {
	if lower == "" {
		t.history = t.history[:0]
		return nil
	}
	// Backspace: a filter typed a moment ago.
	for i := len(t.history) - 1; i >= 0; i-- {
		if t.history[i].lower == lower {
			t.history = t.history[:i+1]
			return t.history[i].matched
		}
	}
	// A longer filter matches a subset of what a filter it contains matched. The
	// history is a chain of filters each holding the one before, so the last one
	// contained is the narrowest.
	var base []int32
	searchAll := true
	for i := len(t.history) - 1; i >= 0; i-- {
		if strings.Contains(lower, t.history[i].lower) {
			base, searchAll = t.history[i].matched, false
			t.history = t.history[:i+1]
			break
		}
	}
	// Items are searched in row order, so show builds the rows in order.
	var matched []int32
	if searchAll {
		t.history = t.history[:0]
		matched = make([]int32, 0, 64)
		for _, i := range t.order {
			if strings.Contains(t.lower[i], lower) {
				matched = append(matched, i)
			}
		}
	} else {
		matched = make([]int32, 0, len(base))
		for _, i := range base {
			if strings.Contains(t.lower[i], lower) {
				matched = append(matched, i)
			}
		}
	}
	if len(t.history) == maxTreeHistory {
		t.history = slices.Delete(t.history, 0, 1)
	}
	t.history = append(t.history, treeFilter{lower: lower, matched: matched})
	return matched
}

// show computes the rows of the matched items: each item with the directories above it
// that no earlier item brought in. Rows are built in pre-order and a directory's rows
// are contiguous, so the result is in row order without sorting.
func (t *Tree) show() {
	if t.filter == "" {
		t.shown = t.all
		return
	}
	t.gen++
	if t.gen == 0 { // wrapped: forget every mark
		for i := range t.nodes {
			t.nodes[i].seen = 0
		}
		t.gen = 1
	}
	shown := make([]int32, 0, len(t.matched)*2)
	var up []int32
	for _, it := range t.matched {
		n := t.leaf[it]
		up = up[:0]
		for p := t.nodes[n].parent; p >= 0 && t.nodes[p].seen != t.gen; p = t.nodes[p].parent {
			t.nodes[p].seen = t.gen
			up = append(up, p)
		}
		for i := len(up) - 1; i >= 0; i-- {
			shown = append(shown, up[i])
		}
		shown = append(shown, n)
	}
	t.shown = shown
}

// Items is how many names there are; Matches how many the filter shows.
func (t *Tree) Items() int { return len(t.names) }

// Matches is how many names the filter shows.
func (t *Tree) Matches() int {
	if t.filter == "" {
		return len(t.names)
	}
	return len(t.matched)
}

// Len is how many rows are shown (names and their directories).
func (t *Tree) Len() int { return len(t.shown) }

// SetHeight sets how many rows Window holds.
func (t *Tree) SetHeight(h int) {
	t.height = max(1, h)
	t.scroll()
}

// Height is how many rows Window holds.
func (t *Tree) Height() int { return t.height }

// Move moves the cursor by delta rows, within the rows shown.
func (t *Tree) Move(delta int) {
	t.cursor = max(0, min(t.cursor+delta, len(t.shown)-1))
	t.scroll()
}

// CursorIndex is the cursor's row among the rows shown.
func (t *Tree) CursorIndex() int { return t.cursor }

// SetCursorIndex puts the cursor on the i-th row shown.
func (t *Tree) SetCursorIndex(i int) {
	t.cursor = max(0, min(i, len(t.shown)-1))
	t.scroll()
}

// TopIndex is the first row of the window among the rows shown.
func (t *Tree) TopIndex() int { return t.top }

// Cursor is the row under the cursor; false when no row is shown.
func (t *Tree) Cursor() (TreeRow, bool) {
	if t.cursor >= len(t.shown) {
		return TreeRow{}, false
	}
	return t.row(t.shown[t.cursor], true), true
}

// SelectItem puts the cursor on the item's row; false when the filter hides it.
func (t *Tree) SelectItem(item int) bool {
	if item < 0 || item >= len(t.leaf) {
		return false
	}
	i, ok := slices.BinarySearch(t.shown, t.leaf[item])
	if ok {
		t.cursor = i
		t.scroll()
	}
	return ok
}

func (t *Tree) scroll() {
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+t.height {
		t.top = t.cursor - t.height + 1
	}
	t.top = max(0, min(t.top, len(t.shown)-t.height))
}

// Window is the rows to draw, top to bottom: at most Height of them, the cursor's among them.
func (t *Tree) Window() []TreeRow {
	end := min(len(t.shown), t.top+t.height)
	rows := make([]TreeRow, 0, end-t.top)
	for i := t.top; i < end; i++ {
		rows = append(rows, t.row(t.shown[i], i == t.cursor))
	}
	return rows
}

// Above and Below are how many shown rows are out of the window, above and below it.
func (t *Tree) Above() int { return t.top }

// Below is how many shown rows are below the window.
func (t *Tree) Below() int { return max(0, len(t.shown)-t.top-t.height) }

func (t *Tree) row(n int32, cursor bool) TreeRow {
	node := t.nodes[n]
	r := TreeRow{Label: node.label, Depth: int(node.depth), Item: int(node.item), Path: node.path, Cursor: cursor}
	if node.item >= 0 {
		r.Path = t.names[node.item]
	}
	return r
}
