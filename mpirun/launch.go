package mpirun

import "strconv"

// Launcher names returned by DetectLauncher.
const (
	LauncherNone    = ""
	LauncherOpenMPI = "openmpi"
	LauncherPMI     = "pmi"
	LauncherPMIx    = "pmix"
	LauncherSlurm   = "srun"
)

// DetectLauncher reports whether the process was started as one rank of a
// parallel launch, reading the environment through env (os.Getenv in
// production, a map in tests). It recognises, in this order:
//
//   - OpenMPI's mpirun/orterun (OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK),
//   - MPICH's Hydra, Intel MPI and Slurm's PMI-1/PMI-2 (PMI_SIZE, PMI_RANK),
//   - a PMIx server such as prterun or srun --mpi=pmix (PMIX_RANK, with the
//     size from PMIX_SIZE or the enclosing srun step where there is one),
//   - a Slurm srun step (SLURM_STEP_ID with SLURM_PROCID, the size from
//     SLURM_STEP_NUM_TASKS or SLURM_NTASKS). A batch script started by sbatch
//     has SLURM_NTASKS but no SLURM_STEP_ID, and is not a launch.
//
// Outside any launcher it returns size 1, rank 0 and LauncherNone. Under a
// launcher that does not tell the size, size is 0 (unknown); rank is always
// the process's rank when launcher is not LauncherNone. Malformed values are
// treated as absent.
//
// A binary built without MPI uses it as a guard rail: started by a launcher
// with size > 1 or rank > 0, every rank would run the whole campaign, so it
// refuses to run.
func DetectLauncher(env func(string) string) (size int, rank int, launcher string) {
	num := func(key string) (int, bool) {
		s := env(key)
		if s == "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, false
		}
		return n, true
	}
	// srunStep reports the size of the enclosing srun step, if any.
	srunStep := func() (int, bool) {
		if _, ok := num("SLURM_STEP_ID"); !ok {
			return 0, false
		}
		if n, ok := num("SLURM_STEP_NUM_TASKS"); ok {
			return n, true
		}
		return num("SLURM_NTASKS")
	}

	if r, ok := num("OMPI_COMM_WORLD_RANK"); ok {
		s, _ := num("OMPI_COMM_WORLD_SIZE")
		return s, r, LauncherOpenMPI
	}
	if r, ok := num("PMI_RANK"); ok {
		s, _ := num("PMI_SIZE")
		return s, r, LauncherPMI
	}
	if r, ok := num("PMIX_RANK"); ok {
		s, ok := num("PMIX_SIZE")
		if !ok {
			s, _ = srunStep()
		}
		return s, r, LauncherPMIx
	}
	if s, ok := srunStep(); ok {
		if r, ok := num("SLURM_PROCID"); ok {
			return s, r, LauncherSlurm
		}
	}
	return 1, 0, LauncherNone
}
