// Package remote drives a cluster login node over ssh: key generation,
// host-key-checked connections, quoted remote commands and checksummed file
// transfers.
package remote
