package headnode

import (
	"fmt"
	"regexp"
	"strings"
)

var envRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// CheckEnv checks one NAME=VALUE for the remote netsweep's environment
// (--remote-env).
func CheckEnv(v string) error {
	if !envRE.MatchString(v) {
		return fmt.Errorf("bad --remote-env %q: want NAME=VALUE with NAME an identifier", v)
	}
	if strings.ContainsAny(v, "\x00\n\r") {
		return fmt.Errorf("bad --remote-env %q: the value holds a NUL or a line break", v)
	}
	return nil
}

// CheckCommand checks the remote netsweep command: env reads a word with
// '=' as another assignment, and a leading '-' as an option.
func CheckCommand(cmd string) error {
	if cmd == "" || strings.HasPrefix(cmd, "-") || strings.ContainsAny(cmd, "=\x00\n\r") {
		return fmt.Errorf("bad --remote-netsweep %q: want a command name or path without '=' or a leading '-'", cmd)
	}
	return nil
}

// Command is the argument list that runs netsweep with args on the head
// node: "env NAME=VALUE ... NETSWEEP ARGS...", or "NETSWEEP ARGS..."
// without env. sshd passes no environment of the client's, so variables
// such as SLURM_CONF reach the remote netsweep this way.
func Command(netsweep string, env []string, args ...string) []string {
	var cmd []string
	if len(env) > 0 {
		cmd = append(append(cmd, "env"), env...)
	}
	return append(append(cmd, netsweep), args...)
}

// prepareDirScript creates the remote campaign directory $1 with its slurm
// (and, with $2 = 1, bin) subdirectory and prints its absolute path.
const prepareDirScript = `mkdir -p -- "$1/slurm" || exit 1
if [ "$2" = 1 ]; then mkdir -p -- "$1/bin" || exit 1; fi
cd -- "$1" && pwd -P`

// prepareDirCommand is the argument list that creates the remote campaign
// directory dir (relative to the remote home, or absolute) and prints its
// absolute path. A relative dir is given as ./DIR: cd reads "-" as $OLDPWD
// (and prints it), even after "--", so --remote-dir - is a directory
// named "-".
func prepareDirCommand(dir string, withBin bool) []string {
	bin := "0"
	if withBin {
		bin = "1"
	}
	if !strings.HasPrefix(dir, "/") {
		dir = "./" + dir
	}
	return []string{"sh", "-c", prepareDirScript, "sh", dir, bin}
}

// existingCommand is the argument list that prints those of files that
// exist, one a line.
func existingCommand(files ...string) []string {
	return append([]string{"sh", "-c", `for f do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done`, "sh"}, files...)
}

// jobIDRE matches a job id as 'netsweep submit' prints it: Slurm's and
// Grid Engine's digits (Slurm's 123_4 for an array task), or PBS's
// 1234.server and 1234[].server.
var jobIDRE = regexp.MustCompile(`^[0-9]{1,19}(_[0-9]{1,19}|(\[[0-9]{0,19}\])?(\.[A-Za-z0-9_.-]{1,255})?)$`)
