package rocks

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"text/template"

	"github.com/netsweep/netsweep/cluster"
	"github.com/netsweep/netsweep/internal/shell"
	"github.com/netsweep/netsweep/templates"
)

// DefaultAppliance is the Rocks appliance whose hosts run the job.
const DefaultAppliance = "compute"

// Job is one campaign to launch on a Rocks cluster: the input of Render.
type Job struct {
	// Name is the campaign's name.
	Name string
	// Cluster is the spec's [cluster] table; Render uses binary (the
	// netsweep-mpi on the frontend, found on PATH when not a path), ntasks
	// (mpirun -np; 0 = every CPU of the hosts) and env. The other keys
	// are ignored.
	Cluster cluster.Config
	// Spec and Dir are the spec and the campaign directory, on a file
	// system the frontend and the compute hosts share.
	Spec, Dir string
	// NodeDir is the node-local directory on every compute host that
	// receives netsweep-mpi; "" means /tmp/netsweep-NAME.
	NodeDir string
	// Appliance is the Rocks appliance of the compute hosts; "" means
	// DefaultAppliance.
	Appliance string
	// Files are the network files to copy under Dir before the run, each
	// checked by SHA-256, and SpecText the spec copy that the launcher
	// then writes at Spec, naming them (cluster.Job); without Files the
	// spec is copied to Spec by hand.
	Files    []cluster.File
	SpecText []byte
}

// Launcher is where the CLI writes the launcher: Dir/rocks/launch.sh.
func (j *Job) Launcher() string { return path.Join(j.Dir, "rocks", "launch.sh") }

// installScript, run by sh on a compute host with $1 the binary's path
// and $2 its SHA-256, writes standard input to a temporary file beside $1,
// checks it and renames it over $1: a host has the old binary or the
// complete new one.
const installScript = `umask 022
mkdir -p -- "$(dirname -- "$1")" || exit 1
t="$1.netsweep-$$.tmp"
cat > "$t" || { rm -f -- "$t"; exit 1; }
h=$(sha256sum < "$t") || { rm -f -- "$t"; exit 1; }
h=${h%% *}
if [ "$h" != "$2" ]; then rm -f -- "$t"; echo "netsweep: checksum mismatch on $(hostname): got $h, want $2" >&2; exit 3; fi
chmod 755 "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }`

// scriptData is what templates/rocks.sh.tmpl sees: every value from the
// user is one shell word made by shell.Quote.
type scriptData struct {
	// Name is the campaign's name, in a comment (line breaks removed).
	Name string
	// Self is the quoted path of the launcher, in a comment.
	Self string
	// Spec, Dir, Binary, NodeBinary and Hostfile are quoted paths.
	Spec, Dir, Binary, NodeBinary, Hostfile string
	// Appliance is the quoted appliance name.
	Appliance string
	// NTasks is mpirun's -np, 0 for all slots.
	NTasks int
	// Env are the exports, sorted by name; each is passed on with -x.
	Env []envVar
	// MkdirCommand is the quoted command=... argument of 'rocks run host'
	// that creates the node-local directory.
	MkdirCommand string
	// InstallCommand is the quoted ssh command line that installs the
	// binary from standard input; the script appends the checksum word.
	InstallCommand string
	// Files are the network files to place: quoted source, copy and
	// SHA-256.
	Files []shipFile
	// SpecText is the spec copy's text, written at Spec with a quoted
	// here-document ending at the line SpecEnd (which it does not hold).
	SpecText, SpecEnd string
}

type shipFile struct{ Source, Copy, SHA256 string }

type envVar struct{ Name, Value string }

var tmpl = template.Must(template.New("rocks.sh.tmpl").ParseFS(templates.FS, "rocks.sh.tmpl"))

// Render writes the launcher of job to w.
func Render(w io.Writer, job Job) error {
	var errs []error
	for _, fe := range job.Cluster.Validate() {
		if fe.Key == "binary" || fe.Key == "ntasks" || strings.HasPrefix(fe.Key, "env.") {
			errs = append(errs, fe)
		}
	}
	for _, p := range []struct{ key, v string }{{"spec", job.Spec}, {"dir", job.Dir}, {"node_dir", job.NodeDir}} {
		if p.v != "" && !path.IsAbs(p.v) {
			errs = append(errs, fmt.Errorf("rocks: bad path: %s=%q: must be absolute", p.key, p.v))
		}
		if strings.ContainsAny(p.v, "\x00\n\r") {
			errs = append(errs, fmt.Errorf("rocks: bad path: %s=%q: holds a NUL or a line break", p.key, p.v))
		}
	}
	if job.Spec == "" || job.Dir == "" {
		errs = append(errs, errors.New("rocks: the spec and the campaign directory are required"))
	}
	app := job.Appliance
	if app == "" {
		app = DefaultAppliance
	}
	if !shell.IsBare(app) {
		errs = append(errs, fmt.Errorf("rocks: bad appliance: %q: letters, digits and -_.:+ only", app))
	}
	if len(errs) > 0 {
		return fmt.Errorf("rocks: cannot render the launcher of %q: %w", job.Name, errors.Join(errs...))
	}
	nodeDir := job.NodeDir
	if nodeDir == "" {
		nodeDir = "/tmp/netsweep-" + job.Name
	}
	nodeBin := path.Join(nodeDir, "netsweep-mpi")
	d := scriptData{
		Name:           strings.NewReplacer("\n", " ", "\r", " ").Replace(job.Name),
		Self:           shell.Quote(job.Launcher()),
		Spec:           shell.Quote(job.Spec),
		Dir:            shell.Quote(job.Dir),
		Binary:         shell.Quote(job.Cluster.BinaryPath()),
		NodeBinary:     shell.Quote(nodeBin),
		Hostfile:       shell.Quote(path.Join(job.Dir, "rocks", "hostfile")),
		Appliance:      shell.Quote(app),
		NTasks:         job.Cluster.NTasks,
		MkdirCommand:   shell.Quote("command=" + shell.Join([]string{"mkdir", "-p", "--", nodeDir})),
		InstallCommand: shell.Quote(shell.Join([]string{"sh", "-c", installScript, "sh", nodeBin})),
	}
	for _, f := range job.Files {
		for _, p := range []string{f.Source, f.Copy} {
			if !path.IsAbs(p) || strings.ContainsAny(p, "\x00\n\r") {
				return fmt.Errorf("rocks: cannot render the launcher of %q: bad network file path %q: must be absolute, without NUL or line breaks", job.Name, p)
			}
		}
		d.Files = append(d.Files, shipFile{Source: shell.Quote(f.Source), Copy: shell.Quote(f.Copy), SHA256: shell.Quote(f.SHA256)})
	}
	if len(job.Files) > 0 {
		d.SpecText = string(job.SpecText)
		if !strings.HasSuffix(d.SpecText, "\n") {
			d.SpecText += "\n"
		}
		d.SpecEnd = "NETSWEEP_SPEC"
		for strings.Contains("\n"+d.SpecText, "\n"+d.SpecEnd+"\n") {
			d.SpecEnd += "_"
		}
	}
	names := make([]string, 0, len(job.Cluster.Env))
	for k := range job.Cluster.Env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		d.Env = append(d.Env, envVar{Name: k, Value: shell.Quote(job.Cluster.Env[k])})
	}
	return tmpl.Execute(w, d)
}
