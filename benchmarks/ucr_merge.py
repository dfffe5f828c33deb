"""Move finished UCR rows from a scratch run (or ``pending_rows.csv``) into a committed table.

Rows are copied as the lines they are, never parsed and written back: a round trip through
pandas rewrites the last digits of floats and the integer columns of rows nobody touched
(it happened once, see f28e5fb). A row is keyed by (dataset, resample, model); keys the
destination already holds are left alone unless ``--replace`` names their model, in which
case the destination's line is dropped and the source's appended. The tsml prediction files
of the copied rows travel with them when ``--tsml`` points at the source's ``tsml`` folder.

Examples
--------
A run into a scratch copy of the table, then its new ``tsd`` rows into the committed one::

    python benchmarks/ucr.py --methods tsd --resamples 0 --out /work/scratch/t/ucr ...
    python benchmarks/ucr_merge.py /work/scratch/t/ucr/results.csv --models tsd \\
        --tsml /work/scratch/t/ucr/tsml

Pending rows that now cover all 30 problems, into ``results.csv`` and out of the pending
file::

    python benchmarks/ucr_merge.py benchmarks/results/ucr/pending_rows.csv --models tsd \\
        --remove-from-source
"""

import argparse
import csv
import io
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "results", "ucr", "results.csv")


def _lines(path):
    """Header line and ``[(key, line)]`` of a results CSV, each line with its own ending.

    A file that does not exist yet reads as empty (a merge into it creates it).
    """
    if not os.path.exists(path):
        return None, []
    with open(path, newline="") as f:
        lines = f.read().splitlines(keepends=True)
    if not lines:
        return None, []
    header = next(csv.reader([lines[0]]))
    at = {name: header.index(name) for name in ("dataset", "resample", "model")}
    rows = []
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = next(csv.reader(io.StringIO(line)))
        key = (cells[at["dataset"]], int(cells[at["resample"]]), cells[at["model"]])
        rows.append((key, line))
    return lines[0], rows


def _ended(line):
    return line if line.endswith(("\n", "\r")) else line + "\n"


def merge(source, destination=TABLE, *, models=None, replace=(), tsml=None,
          remove_from_source=False):
    """Append ``source``'s rows that ``destination`` lacks; return the keys copied.

    Parameters
    ----------
    source, destination : str
        Results CSVs with the same header; ``destination`` is created when missing.
    models : collection of str, optional
        Only rows of these models (all when None).
    replace : collection of str
        Models whose rows in ``destination`` give way to ``source``'s.
    tsml : str, optional
        The source's ``tsml`` folder; each copied row's
        ``<model>/Predictions/<dataset>/testResample<r>.csv`` is copied next to
        ``destination``, into its ``tsml`` folder.
    remove_from_source : bool
        Drop the copied lines from ``source`` (moving, not copying).
    """
    source_header, source_rows = _lines(source)
    header, rows = _lines(destination)
    if source_header is None:
        return []
    if header is not None and source_header.strip() != header.strip():
        raise ValueError(f"{source} and {destination} have different columns; "
                         "merge only tables written by the same benchmarks/ucr.py")
    wanted = [(key, line) for key, line in source_rows
              if models is None or key[2] in models]
    incoming = {key for key, _ in wanted}
    kept = [(key, line) for key, line in rows
            if not (key in incoming and key[2] in replace)]
    present = {key for key, _ in kept}
    copied = [(key, line) for key, line in wanted if key not in present]
    with open(destination, "w", newline="") as f:
        f.write(_ended(header if header is not None else source_header))
        for _, line in kept:
            f.write(_ended(line))
        for _, line in copied:
            f.write(_ended(line))
    if tsml is not None:
        target = os.path.join(os.path.dirname(destination), "tsml")
        for dataset, resample, model in (key for key, _ in copied):
            part = os.path.join(model, "Predictions", dataset, f"testResample{resample}.csv")
            if os.path.exists(os.path.join(tsml, part)):
                os.makedirs(os.path.dirname(os.path.join(target, part)), exist_ok=True)
                shutil.copyfile(os.path.join(tsml, part), os.path.join(target, part))
    if remove_from_source:
        moved = {key for key, _ in copied}
        with open(source, "w", newline="") as f:
            f.write(_ended(source_header))
            for key, line in source_rows:
                if key not in moved:
                    f.write(_ended(line))
    return [key for key, _ in copied]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="results CSV to take rows from")
    parser.add_argument("--into", default=TABLE, help="results CSV to add them to")
    parser.add_argument("--models", nargs="+", help="only these models' rows")
    parser.add_argument("--replace", nargs="+", default=(),
                        help="models whose rows in --into give way to the source's")
    parser.add_argument("--tsml", help="the source's tsml folder (prediction files)")
    parser.add_argument("--remove-from-source", action="store_true")
    args = parser.parse_args(argv)
    copied = merge(args.source, args.into, models=args.models, replace=args.replace,
                   tsml=args.tsml, remove_from_source=args.remove_from_source)
    for key in copied:
        print(*key)
    print(f"{len(copied)} rows into {args.into}")


if __name__ == "__main__":
    main()
