"""A resumable CSV of benchmark rows: the keys already written, and rows appended as they end.

Imported by the scripts next to it (``python benchmarks/<script>.py`` puts this folder on
``sys.path``).
"""

import contextlib
import csv
import os


def finished(path, key):
    """``{key(row)}`` for the rows already in ``path`` (empty when it does not exist)."""
    if not os.path.exists(path):
        return set()
    with open(path) as f:
        return {key(row) for row in csv.DictReader(f)}


@contextlib.contextmanager
def appending(path, fields):
    """Yield ``write(row)``: appends one row to ``path``, flushed and printed at once.

    The header is written when the file is new or empty.
    """
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        if new:
            writer.writeheader()

        def write(row):
            writer.writerow(row)
            f.flush()
            print(row, flush=True)

        yield write
