"""How busy the CPUs are: Linux's pressure stall information (PSI) for the CPU."""

from __future__ import annotations

import time

# Linux's pressure stall information: how long runnable tasks waited for a CPU.
PRESSURE_FILE = "/proc/pressure/cpu"


class CpuPressure:
    """The share (percent) of recent time in which some runnable task waited for a CPU.

    Computed from PSI's running total of stalled microseconds over windows of ``window``
    seconds, so it follows a surge within a second (the kernel's own avg10 takes about ten).
    """

    def __init__(self, path: str = PRESSURE_FILE, window: float = 0.5):
        self.path = path
        self.window = window
        self.since: tuple[float, int] | None = None
        self.share = 0.0

    def stalled_total(self) -> int | None:
        try:
            with open(self.path) as handle:
                line = handle.readline()  # "some avg10=… avg60=… avg300=… total=<µs>"
        except OSError:
            return None
        for field in line.split():
            if field.startswith("total="):
                return int(field.removeprefix("total="))
        return None

    def read(self) -> float | None:
        """The share over the last complete window; None where the kernel does not report it."""
        total = self.stalled_total()
        if total is None:
            return None
        now = time.monotonic()
        if self.since is None:
            self.since = (now, total)
        elif now - self.since[0] >= self.window:
            began, before = self.since
            self.share = 100 * (total - before) / ((now - began) * 1_000_000)
            self.since = (now, total)
        return self.share
