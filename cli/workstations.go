package cli

import (
	"flag"
)

// sshFlags are the ssh options shared by deploy and launch.
type sshFlags struct {
	Key        string // private key file; "" = ssh-agent (deploy) or ssh's defaults (launch)
	KnownHosts string // known_hosts file; "" = ~/.ssh/known_hosts
	Hosts      string // NAME[:SLOTS],... overriding [cluster] hosts
}

func (f *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.Key, "key", "", "ssh private key file (default: ssh-agent, or ssh's own defaults)")
	fs.StringVar(&f.KnownHosts, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.StringVar(&f.Hosts, "hosts", "", "NAME[:SLOTS],... instead of the spec's [cluster] hosts")
}

// splitDashDash splits args at the first "--": the flags of this command,
// and the arguments after it.
func splitDashDash(args []string) (own, rest []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}
