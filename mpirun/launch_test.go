package mpirun

import "testing"

func TestDetectLauncher(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		size     int
		rank     int
		launcher string
	}{
		{"plain shell", nil, 1, 0, LauncherNone},
		{"openmpi", map[string]string{"OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3"}, 4, 3, LauncherOpenMPI},
		{"openmpi single rank", map[string]string{"OMPI_COMM_WORLD_SIZE": "1", "OMPI_COMM_WORLD_RANK": "0"}, 1, 0, LauncherOpenMPI},
		{"openmpi inside sbatch", map[string]string{
			"OMPI_COMM_WORLD_SIZE": "8", "OMPI_COMM_WORLD_RANK": "5",
			"SLURM_NTASKS": "8", "SLURM_PROCID": "0", "SLURM_JOB_ID": "12",
		}, 8, 5, LauncherOpenMPI},
		{"hydra", map[string]string{"PMI_SIZE": "3", "PMI_RANK": "1"}, 3, 1, LauncherPMI},
		{"srun pmi2", map[string]string{
			"PMI_SIZE": "16", "PMI_RANK": "7",
			"SLURM_STEP_ID": "0", "SLURM_PROCID": "7", "SLURM_STEP_NUM_TASKS": "16",
		}, 16, 7, LauncherPMI},
		{"pmix with size", map[string]string{"PMIX_RANK": "2", "PMIX_SIZE": "6"}, 6, 2, LauncherPMIx},
		{"pmix size unknown", map[string]string{"PMIX_RANK": "2"}, 0, 2, LauncherPMIx},
		{"srun pmix", map[string]string{
			"PMIX_RANK": "1", "SLURM_STEP_ID": "3", "SLURM_PROCID": "1",
			"SLURM_STEP_NUM_TASKS": "4", "SLURM_NTASKS": "32",
		}, 4, 1, LauncherPMIx},
		{"srun step", map[string]string{
			"SLURM_STEP_ID": "0", "SLURM_PROCID": "2", "SLURM_STEP_NUM_TASKS": "4", "SLURM_NTASKS": "4",
		}, 4, 2, LauncherSlurm},
		{"srun step old slurm", map[string]string{
			"SLURM_STEP_ID": "1", "SLURM_PROCID": "0", "SLURM_NTASKS": "2",
		}, 2, 0, LauncherSlurm},
		{"sbatch script is not a launch", map[string]string{
			"SLURM_JOB_ID": "99", "SLURM_NTASKS": "64", "SLURM_PROCID": "0",
		}, 1, 0, LauncherNone},
		{"salloc shell is not a launch", map[string]string{
			"SLURM_JOB_ID": "99", "SLURM_NTASKS": "64", "SLURM_NPROCS": "64",
		}, 1, 0, LauncherNone},
		{"malformed rank ignored", map[string]string{"OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "x"}, 1, 0, LauncherNone},
		{"negative rank ignored", map[string]string{"PMI_SIZE": "2", "PMI_RANK": "-1"}, 1, 0, LauncherNone},
		{"malformed size is unknown", map[string]string{"OMPI_COMM_WORLD_SIZE": "", "OMPI_COMM_WORLD_RANK": "1"}, 0, 1, LauncherOpenMPI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) string { return tt.env[k] }
			size, rank, launcher := DetectLauncher(env)
			if size != tt.size || rank != tt.rank || launcher != tt.launcher {
				t.Errorf("DetectLauncher = (%d, %d, %q), want (%d, %d, %q)",
					size, rank, launcher, tt.size, tt.rank, tt.launcher)
			}
		})
	}
}
