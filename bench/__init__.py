"""Load, export, fault and scale-out benchmarks: run by `make bench`, never by `make test`."""
