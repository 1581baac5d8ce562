package cli

import (
	"embed"
	"strings"
)

// usageFiles are the usage texts of the commands, one file each:
// usage/COMMAND.txt, usage/netsweep.txt for the command itself. A line
// "@remote-flags" stands for usage/remote-flags.txt, the flags of the
// commands that drive a head node.
//
//go:embed usage/*.txt
var usageFiles embed.FS

// usageText returns the usage text called name.
func usageText(name string) string {
	b, err := usageFiles.ReadFile("usage/" + name + ".txt")
	if err != nil {
		panic("cli: no usage text " + name) // a file missing from usage/
	}
	text := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(text, "@remote-flags") {
		text = strings.Replace(text, "@remote-flags", usageText("remote-flags"), 1)
	}
	return text
}
