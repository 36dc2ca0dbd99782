"""Logging and progress for long-running commands.

On a terminal a progress bar; otherwise (Airflow, cron, CI) plain timestamped lines. Never log
patient identifiers: callers pass counts and file names, not row contents.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

LOGGER_NAME = "rcm"


def get_logger(name: str | None = None) -> logging.Logger:
    return logging.getLogger(LOGGER_NAME if not name else f"{LOGGER_NAME}.{name}")


def configure(debug: bool = False) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    if logger.handlers:
        logger.setLevel(logging.DEBUG if debug else logging.INFO)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False


class Progress:
    """Counts work done; a bar on a TTY, a log line every `every` seconds elsewhere."""

    def __init__(self, label: str, total: int | None = None, every: float = 10.0) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.every = every
        self._tty = sys.stderr.isatty()
        self._last = 0.0
        self._start = time.monotonic()
        self._log = get_logger("progress")

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self._tty:
            if now - self._last >= 0.2:
                self._last = now
                self._draw()
        elif now - self._last >= self.every:
            self._last = now
            self._log.info("%s: %s", self.label, self._text())

    def _text(self) -> str:
        if self.total:
            return f"{self.done:,}/{self.total:,} ({100 * self.done / self.total:.0f}%)"
        return f"{self.done:,}"

    def _draw(self) -> None:
        width = 30
        if self.total:
            filled = int(width * min(self.done, self.total) / self.total)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r{self.label} [{bar}] {self._text()}")
        else:
            sys.stderr.write(f"\r{self.label} {self._text()}")
        sys.stderr.flush()

    def close(self) -> None:
        elapsed = time.monotonic() - self._start
        if self._tty:
            self._draw()
            sys.stderr.write("\n")
        self._log.info("%s: done, %s in %.1fs", self.label, self._text(), elapsed)


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Progress]:
    bar = Progress(label, total)
    try:
        yield bar
    finally:
        bar.close()
