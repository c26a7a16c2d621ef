"""`make bench`: run each benchmark module in turn, or those named on the command line.

`python -m bench surge faults` runs two of them; each module has a ``main() -> int``.
"""

from __future__ import annotations

import importlib
import sys

MODULES = ["bench.surge", "bench.faults", "bench.scaleout"]


def main(names: list[str]) -> int:
    modules = [f"bench.{name}" for name in names] if names else MODULES
    failed = []
    for name in modules:
        print(f"\n=== {name} ===", flush=True)
        if importlib.import_module(name).main() != 0:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
