"""Run every benchmark module, each in its own process (each may use its own database).

Usage: ``python -m bench`` for all, or ``python -m bench bench.exports`` for some.
Add a module to BENCHMARKS to have it run; it must run its benchmark under ``__main__``.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "bench.exports",
]


def main(argv: list[str]) -> int:
    failed = []
    for module in argv or BENCHMARKS:
        print(f"== {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module]).returncode != 0:
            failed.append(module)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
