# netsweep: build, test, benchmark.
#
#   make build   bin/netsweep, the embedded default (no C toolchain needed)
#   make mpi     bin/netsweep-mpi, with the MPI binding (needs an MPI library)
#   make test    unit and integration tests
#   make check   formatting, vet, the MPI build where MPI is installed, and
#                every test, naming at the end each test skipped and why
#                (internal/testsum); what CI runs
#   make bench   the benchmarks behind BENCHMARKS.md

GO      ?= go
REV     := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X github.com/netsweep/netsweep/cli.revision=$(REV)
# MPI flavour for the binding's pkg-config lookup: ompi (OpenMPI) or mpich.
MPI     ?= ompi
MPITAGS := mpi$(if $(filter mpich,$(MPI)), mpich,)

.PHONY: build mpi test check fmt vet bench clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/netsweep ./cmd/netsweep

mpi:
	$(GO) build -tags '$(MPITAGS)' -ldflags '$(LDFLAGS)' -o bin/netsweep-mpi ./cmd/netsweep

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test:
	$(GO) test -timeout 20m ./...

# The MPI build is checked wherever pkg-config finds an MPI library; the
# MPI integration tests build it themselves.
check: fmt vet
	@if pkg-config --exists ompi-c 2>/dev/null || pkg-config --exists mpich 2>/dev/null; then \
		$(MAKE) --no-print-directory mpi && $(GO) vet -tags '$(MPITAGS)' ./...; \
	else echo "make check: no MPI library found by pkg-config; skipping the MPI build"; fi
	$(GO) build -o bin/testsum ./internal/testsum
	$(GO) test -json -timeout 20m -count=1 ./... | bin/testsum

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
