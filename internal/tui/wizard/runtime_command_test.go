package wizard

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []string
		wantErr    string
	}{
		{"words split on blanks", "gunicorn config.wsgi --bind 0.0.0.0:8000",
			[]string{"gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"}, ""},
		{"runs of blanks and tabs are one separator", "  celery \t -A config  worker ", []string{"celery", "-A", "config", "worker"}, ""},
		{"double quotes keep blanks and single quotes", `python -c "print('hi there')"`, []string{"python", "-c", "print('hi there')"}, ""},
		{"single quotes keep everything", `sh -c 'echo $HOME && ls "x"'`, []string{"sh", "-c", `echo $HOME && ls "x"`}, ""},
		{"a backslash keeps the next character", `echo a\ b \'`, []string{"echo", "a b", "'"}, ""},
		{"double quotes unescape only \" \\ $ and `", `echo "say \"hi\" \\ \$X \n"`, []string{"echo", `say "hi" \ $X \n`}, ""},
		{"quotes join the parts of one argument", `--name="my app"x`, []string{"--name=my appx"}, ""},
		{"empty quotes are an empty argument", `echo '' ""`, []string{"echo", "", ""}, ""},
		{"a blank line is no command", "   ", nil, ""},
		{"an unclosed double quote is refused", `echo "abc`, nil,
			`container_command: the double quote at column 6 is never closed — close it, or escape it with \`},
		{"an unclosed single quote is refused", `sh -c 'exit`, nil,
			`container_command: the single quote at column 7 is never closed — close it, or escape it with \`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitCommand(tc.line)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.wantErr {
				t.Fatalf("error = %q, want %q", gotErr, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("splitCommand(%q) (-want +got):\n%s", tc.line, diff)
			}
		})
	}
}

func TestJoinCommandSplitsBackToTheSameArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"plain words stay bare", []string{"gunicorn", "config.wsgi:application"}, "gunicorn config.wsgi:application"},
		{"an argument with blanks is single-quoted", []string{"sh", "-c", "migrate && serve"}, "sh -c 'migrate && serve'"},
		{"a single quote needs double quotes", []string{"python", "-c", `print('$x "y"')`}, `python -c "print('\$x \"y\"')"`},
		{"an empty argument is kept", []string{"echo", ""}, "echo ''"},
		{"no command is an empty line", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line := joinCommand(tc.args)
			if line != tc.want {
				t.Errorf("joinCommand = %q, want %q", line, tc.want)
			}
			back, err := splitCommand(line)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.args, back); diff != "" {
				t.Errorf("split back (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzJoinSplitCommand(f *testing.F) {
	for _, seed := range []string{"gunicorn config.wsgi", `a "b c" 'd'`, `x\ y`, `'`, `"`, "$HOME|`id`", "tab\there"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := splitCommand(line)
		if err != nil {
			return
		}
		back, err := splitCommand(joinCommand(args))
		if err != nil {
			t.Fatalf("the joined line does not split: %v", err)
		}
		if !slices.Equal(args, back) {
			t.Fatalf("%q split to %q, joined and split again to %q", line, args, back)
		}
	})
}

func TestCommandStatusSaysHowTheLineWasSplit(t *testing.T) {
	for _, tc := range []struct {
		name, line, want string
		isErr            bool
	}{
		{"an empty line runs the image's CMD", "", "Empty: the image's own CMD (or ENTRYPOINT) runs.", false},
		{"each argument is listed", `manage.py runserver "0.0.0.0:8000"`,
			`Split into 3 arguments: ["manage.py", "runserver", "0.0.0.0:8000"]`, false},
		{"one argument is singular", "gunicorn", `Split into 1 argument: ["gunicorn"]`, false},
		{"a pipe without a shell is pointed out", "migrate && serve",
			`Split into 3 arguments: ["migrate", "&&", "serve"] — no shell runs it, so && stays as typed; use sh -c '…' for that`, false},
		{"a shell's own line is not", `sh -c 'migrate && serve'`, `Split into 3 arguments: ["sh", "-c", "migrate && serve"]`, false},
		{"an open quote is a failure", `echo "x`, `container_command: the double quote at column 6 is never closed — close it, or escape it with \`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, isErr := commandStatus(tc.line)
			if got != tc.want || isErr != tc.isErr {
				t.Errorf("commandStatus(%q) = %q, %v; want %q, %v", tc.line, got, isErr, tc.want, tc.isErr)
			}
		})
	}
}
