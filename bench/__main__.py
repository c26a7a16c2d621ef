"""`make bench`: run every benchmark module, each in its own process (each uses its own database).

Usage: ``python -m bench`` for all, or ``python -m bench surge exports`` for some.
Add a module to BENCHMARKS to have it run; it must run its benchmark under ``__main__``.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "bench.surge",
    "bench.faults",
    "bench.scaleout",
    "bench.exports",
    "bench.mailing",
    "bench.page_weight",
]


def main(argv: list[str]) -> int:
    modules = [name if name.startswith("bench.") else f"bench.{name}" for name in argv]
    failed = []
    for module in modules or BENCHMARKS:
        print(f"\n=== {module} ===", flush=True)
        if subprocess.run([sys.executable, "-m", module]).returncode != 0:
            failed.append(module)
    if failed:
        print("\nFailed: " + ", ".join(failed), file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
