package wizard

import (
	"fmt"
	"strconv"
	"strings"
)

// splitCommand splits a line the way a POSIX shell splits words, and does nothing else:
// blanks separate arguments; 'single quotes' keep everything; "double quotes" keep
// everything but \" \\ \$ and \`; a backslash outside quotes keeps the next character.
// No variable, glob or pipe is expanded, since ECS runs the list without a shell. An
// empty line is nil: the image's own CMD runs.
func splitCommand(line string) ([]string, error) {
	var (
		args  []string
		cur   strings.Builder
		inArg bool
		quote rune // 0, '\'' or '"'
		open  int  // the column of the open quote
	)
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch {
			case r == '"':
				quote = 0
			case r == '\\' && i+1 < len(runes) && strings.ContainsRune("\"\\$`", runes[i+1]):
				i++
				cur.WriteRune(runes[i])
			default:
				cur.WriteRune(r)
			}
		case r == ' ' || r == '\t' || r == '\n':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case r == '\'' || r == '"':
			quote, open, inArg = r, i+1, true
		case r == '\\':
			inArg = true
			if i+1 < len(runes) {
				i++
				cur.WriteRune(runes[i])
			} else {
				cur.WriteRune(r)
			}
		default:
			inArg = true
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		name := map[rune]string{'\'': "single", '"': "double"}[quote]
		return nil, fmt.Errorf("container_command: the %s quote at column %d is never closed — close it, or escape it with \\", name, open)
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// joinCommand writes args as a line splitCommand splits back into args.
func joinCommand(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = quoteArg(a)
	}
	return strings.Join(quoted, " ")
}

// shellSpecial are the characters that make an argument need quotes.
const shellSpecial = " \t\n'\"\\$`|&;<>()*?[]#~{}!"

func quoteArg(a string) string {
	switch {
	case a == "":
		return "''"
	case !strings.ContainsAny(a, shellSpecial):
		return a
	case !strings.Contains(a, "'"):
		return "'" + a + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	return `"` + r.Replace(a) + `"`
}

// shellOperators are what a person may expect a shell to act on, outside quotes.
var shellOperators = []string{"&&", "||", "|", ";", ">", "<", "$"}

// commandStatus says how the command was split, in one line, and whether it cannot be.
func commandStatus(line string) (string, bool) {
	args, err := splitCommand(line)
	switch {
	case err != nil:
		return err.Error(), true
	case len(args) == 0:
		return "Empty: the image's own CMD (or ENTRYPOINT) runs.", false
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = strconv.Quote(a)
	}
	status := fmt.Sprintf("Split into %s: [%s]", plural(len(args), "argument"), strings.Join(quoted, ", "))
	for _, a := range args {
		for _, op := range shellOperators {
			if strings.Contains(a, op) && (len(args) < 2 || !isShell(args[0])) {
				return status + fmt.Sprintf(" — no shell runs it, so %s stays as typed; use sh -c '…' for that", op), false
			}
		}
	}
	return status, false
}

func isShell(program string) bool {
	name := program[strings.LastIndex(program, "/")+1:]
	return name == "sh" || name == "bash" || name == "dash" || name == "ash"
}

func (s *runtimeStep) refreshCommandStatus() {
	f := s.command.Fields[0]
	status, isErr := commandStatus(f.Value())
	f.Status, f.StatusIsErr = status, isErr
}
