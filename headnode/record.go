package headnode

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/netsweep/netsweep/report"
)

// RecordFile is the local record of a campaign submitted to a head node,
// in its local directory.
const RecordFile = "remote.json"

// Record is LOCALDIR/remote.json: where a campaign submitted to a head node
// runs, so later commands need no flags.
type Record struct {
	Target      string    `json:"target"`                 // USER@HOST:PORT
	Dir         string    `json:"remote_dir"`             // absolute campaign directory on the head node
	Netsweep    string    `json:"netsweep"`               // the netsweep command there
	Env         []string  `json:"env,omitempty"`          // NAME=VALUE for every remote netsweep
	Key         string    `json:"key,omitempty"`          // absolute local key file; "" = ssh-agent
	KnownHosts  string    `json:"known_hosts,omitempty"`  // absolute local known_hosts; "" = ~/.ssh/known_hosts
	Jobs        []string  `json:"jobs"`                   // job ids submit printed, oldest first
	Campaign    string    `json:"campaign"`               // the spec's name
	CampaignID  string    `json:"campaign_id"`            // the spec's CampaignID
	ArrayShards int       `json:"array_shards,omitempty"` // K of a job array; collect merges remotely first
	Submitted   time.Time `json:"submitted"`              // time of the latest submit
}

// ReadRecord reads dir/remote.json; ok is false when there is none.
func ReadRecord(dir string) (rec *Record, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, RecordFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("could not read the remote campaign record: %w", err)
	}
	rec = new(Record)
	if err := json.Unmarshal(b, rec); err != nil {
		return nil, false, fmt.Errorf("%s is damaged: %w", filepath.Join(dir, RecordFile), err)
	}
	if rec.Target == "" || !path.IsAbs(rec.Dir) || rec.Netsweep == "" {
		return nil, false, fmt.Errorf("%s lacks target, remote_dir or netsweep", filepath.Join(dir, RecordFile))
	}
	for _, e := range rec.Env {
		if err := CheckEnv(e); err != nil {
			return nil, false, fmt.Errorf("%s: %w", filepath.Join(dir, RecordFile), err)
		}
	}
	return rec, true, nil
}

// WriteRecord replaces dir/remote.json with rec, atomically.
func WriteRecord(dir string, rec *Record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return report.WriteFileAtomic(filepath.Join(dir, RecordFile), append(b, '\n'))
}
