package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/atomicfile"
	"github.com/ecswiz/ecswiz/internal/model"
)

func TestReport(t *testing.T) {
	specErr := &model.SpecError{Problems: []model.Problem{
		{Filename: "dev.tfvars", Line: 2, Column: 1, Field: "task_memroy", Message: "unknown variable"},
		{Filename: "dev.tfvars", Line: 3, Column: 1, Field: "a\x1b[31m", Message: "unknown variable"},
	}}
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{name: "no error is success", err: nil, wantCode: exitOK},
		{
			name: "a plain error is a failure", err: errors.New("describe tasks: throttled"),
			wantCode: exitFailure, wantStderr: "ecswiz: describe tasks: throttled\n",
		},
		{
			name: "a usage error is exit 2", err: usageErrorf("bad flag"),
			wantCode: exitUsage, wantStderr: "ecswiz: bad flag\n",
		},
		{name: "a silent exit prints nothing", err: silentExit(exitUsage), wantCode: exitUsage},
		{
			name: "a spec error is one escaped line per problem", err: specErr, wantCode: exitUsage,
			wantStderr: "ecswiz: dev.tfvars:2:1: task_memroy: unknown variable\n" +
				"ecswiz: dev.tfvars:3:1: a\\x1b[31m: unknown variable\n",
		},
		{
			name: "no region is exit 2", err: model.ErrNoRegion,
			wantCode: exitUsage, wantStderr: "ecswiz: " + model.ErrNoRegion.Error() + "\n",
		},
		{
			name: "an existing output file is exit 2", err: fmt.Errorf("td.json: %w", atomicfile.ErrExists),
			wantCode: exitUsage, wantStderr: "ecswiz: td.json: file already exists\n",
		},
		{
			name: "cancelling is exit 130", err: fmt.Errorf("describe tasks: %w", context.Canceled),
			wantCode: exitCancelled, wantStderr: "ecswiz: describe tasks: context canceled\n",
		},
		{
			name: "an explicit code wins over the wrapped error's", err: &exitError{code: exitFailure, err: model.ErrNoRegion},
			wantCode: exitFailure, wantStderr: "ecswiz: " + model.ErrNoRegion.Error() + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := report(&stderr, tt.err)
			if code != tt.wantCode {
				t.Errorf("code = %d, want %d", code, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestACancelledRenderWritesNothingAndExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"render", "-f", basicDev}, deps{
		stdout: &stdout, stderr: &stderr,
		getenv:  func(string) string { return "" },
		homeDir: func() (string, error) { return t.TempDir(), nil },
	})
	got := result{stdout: stdout.String(), stderr: stderr.String(), code: code}
	want := result{code: exitCancelled, stderr: "ecswiz: context canceled\n"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("result mismatch (-want +got):\n%s", diff)
	}
}
