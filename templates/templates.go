// Package templates holds netsweep's job-script templates as embedded files,
// so they are real files that read and diff like the scripts they produce.
package templates

import "embed"

// FS holds every *.tmpl file of this directory; slurm.sbatch.tmpl is the
// Slurm batch script, rendered by package slurm; sge.sh.tmpl the Grid Engine
// job script, rendered by package sge; pbs.sh.tmpl the PBS job script,
// rendered by package pbs; rocks.sh.tmpl the Rocks launcher,
// rendered by package rocks.
//
//go:embed *.tmpl
var FS embed.FS
