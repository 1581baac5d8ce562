module github.com/netsweep/netsweep

go 1.26.8
