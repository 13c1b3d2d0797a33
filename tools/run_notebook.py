"""Run one notebook as a test, as `nbdev_test` does, and check that its stored outputs are current.

The docs site shows the outputs stored in the notebooks, so an output the code makes but the file lacks (a summary
someone forgot to re-run) is a documentation bug the tests would never see. After running the notebook (cells carrying
a test flag that is not asked for are skipped, like `nbdev_test`), every cell that ran and is shown in the docs is
compared with its stored outputs: the fresh run and the file must agree on whether the cell shows anything, and on
whether it shows a picture. Text is not compared (timings and trained numbers differ from run to run).

`--update stale` (or `always`) writes the fresh outputs into the notebook; cells that did not run keep theirs.

Usage: `python tools/run_notebook.py nbs/12_log.ipynb [--flags slow] [--update never|stale|always] [--no-output-check]`.
Exit status: 0 passed, 1 a cell failed, 2 the stored outputs are stale.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import NBProcessor


def _shown(cell) -> bool:
    "Whether the docs show the outputs of this (processed) cell."
    d = getattr(cell, 'directives_', None) or {}
    return not ({'hide', 'export', 'exports', 'exporti'} & d.keys()) and d.get('output', [''])[0].lower() not in ('false',)


def _kinds(outputs) -> tuple[bool, bool]:
    "(shows anything, shows a picture) for a list of outputs; stderr (warnings) counts as nothing."
    visible = [o for o in outputs if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr')]
    picture = any(k.startswith('image/') for o in visible for k in (o.get('data') or {}))
    return bool(visible), picture


def terminal_view(output: dict) -> dict:
    "A stream output as a terminal shows it: each line keeps only what follows its last carriage return (progress bars)."
    if output.get('output_type') != 'stream': return dict(output)
    text = ''.join(output['text']) if isinstance(output['text'], list) else output['text']
    return {**output, 'text': '\n'.join(line.rsplit('\r', 1)[-1] for line in text.split('\n'))}


def stale_outputs(stored, fresh, ran: set) -> list[str]:
    "Cells (that ran and are shown) whose stored outputs disagree with the fresh run."
    problems = []
    for i, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        if old.cell_type != 'code' or i not in ran or not _shown(new): continue
        (old_any, old_pic), (new_any, new_pic) = _kinds(old.get('outputs', [])), _kinds(new.get('outputs', []))
        first = old.source.strip().splitlines()[0][:60] if old.source.strip() else ''
        if new_any and not old_any: problems.append(f'cell {i} ({first!r}) shows output that the notebook does not store')
        elif old_any and not new_any: problems.append(f'cell {i} ({first!r}) stores output that the code no longer makes')
        elif new_pic != old_pic: problems.append(f'cell {i} ({first!r}) ' + ('draws a picture the notebook does not store' if new_pic
                                                                               else 'stores a picture the code no longer draws'))
    return problems


def run(path: Path, flags: set[str], update: str = 'never', check: bool = True) -> int:
    os.environ['IN_TEST'] = '1'
    skip = set(get_config().tst_flags.split()) - flags
    nb = NBProcessor(path, process=True).nb  # directives parsed, as nbdev_test runs it
    ran = set()

    def _no_eval(cell):  # nbdev_test's rule, recording which cells run
        if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
        d = getattr(cell, 'directives_', {}) or {}
        if d.get('eval:', [''])[0].lower() == 'false' or (skip & d.keys()): return True
        ran.add(cell.idx_)
        return False

    shell, start = CaptureShell(path), time.time()
    try:
        with working_directory(path.parent): shell.run_all(nb, exc_stop=True, preproc=_no_eval)
    except Exception:
        sys.stderr.write(shell.prettytb(fname=path) + '\n')
        print(f'FAILED {path.name} ({time.time() - start:.1f} s)')
        return 1
    stored = read_nb(path)
    if not check: problems = []
    elif len(stored.cells) != len(nb.cells):
        print(f'{path.name}: processing changed the number of cells; outputs not checked')
        problems = []
    else: problems = stale_outputs(stored, nb, ran)
    if update == 'always' or (update == 'stale' and problems):
        for i in ran: stored.cells[i]['outputs'] = [terminal_view(o) for o in nb.cells[i].get('outputs', [])]
        write_nb(stored, path)
        print(f'{path.name}: fresh outputs written')
        return 0
    if problems:
        print(f'{path.name}: the stored outputs are stale (the docs show them); re-run it with '
              f'`python tools/run_notebook.py {os.path.relpath(path)} --update stale` and commit:\n' + '\n'.join('  ' + p for p in problems))
        return 2
    print(f'Success. {path.name} ({time.time() - start:.1f} s)')
    return 0


def main():
    ap = argparse.ArgumentParser(description='Run a notebook as a test and check its stored outputs.')
    ap.add_argument('notebook', type=Path)
    ap.add_argument('--flags', default='', help='space-separated test flags to run (e.g. "slow")')
    ap.add_argument('--update', choices=('never', 'stale', 'always'), default='never',
                    help='write the fresh outputs into the notebook: never, only when stale, or always')
    ap.add_argument('--no-output-check', action='store_true', help='only run the notebook (e.g. with --flags slow)')
    args = ap.parse_args()
    sys.exit(run(args.notebook.resolve(), set(args.flags.split()), args.update, not args.no_output_check))


if __name__ == '__main__': main()
