"""The project's test command (what `make test` and CI run).

1. Sync checks: `nbdev_export` must change nothing in `mrl/` (and no module may be left over from a deleted
   notebook), `nbdev_clean` must change nothing in `nbs/`, and `README.md` must be current with `nbs/index.ipynb`.
2. Every notebook runs as a test (`tools/run_notebook.py`: as `nbdev_test` runs it, cells flagged `slow` skipped),
   each in its own process with a time limit, two at a time; a notebook whose stored outputs are stale (a cell shows
   output, or a picture, that the file does not store, or the reverse) fails, because the docs show the stored ones.
3. The docs site builds, and `tools/docs_check.py` finds every internal link and anchor, every table row and
   table-of-contents entry in order, and the key pages clean in headless Chromium (screenshots in `docs/_check/`).
4. The last line reads `N passed, M failed`, counting the notebooks, the docs build and the docs check; the exit
   status is non-zero if anything failed.

Usage: `python tools/test_all.py [--flags slow] [--workers 2] [--timeout 900] [--no-docs | --docs-only] [notebooks ...]`
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, LIB = ROOT / 'nbs', ROOT / 'mrl'
BIN = Path(sys.executable).parent


def _digest(paths) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)


def check_export() -> list[str]:
    "The library must be what the notebooks export, with no module left over from a deleted notebook."
    before = _digest(LIB.rglob('*.py'))
    res = _run([str(BIN / 'nbdev_export')])
    if res.returncode: return [f'nbdev_export failed:\n{res.stderr[-3000:]}']
    problems = []
    changed = _changed(before, _digest(LIB.rglob('*.py')))
    if changed:
        problems.append('the library was out of sync with the notebooks; nbdev_export changed: ' + ', '.join(changed)
                        + '. Edit the notebooks (never mrl/*.py), run `nbdev_export` and commit both.')
    for py in sorted(LIB.rglob('*.py')):
        m = re.search(r'File to edit: (\S+\.ipynb)', py.read_text(errors='replace')[:500])
        if m and not (py.parent / m.group(1)).resolve().exists():
            problems.append(f'{py.relative_to(ROOT)} was exported from {m.group(1)}, which no longer exists: '
                            'delete the module and its entries in mrl/_modidx.py.')
    return problems


def check_clean() -> list[str]:
    "Notebooks must be committed clean (no execution counts or per-user metadata)."
    before = _digest(NBS.rglob('*.ipynb'))
    res = _run([str(BIN / 'nbdev_clean')])
    if res.returncode: return [f'nbdev_clean failed:\n{res.stderr[-3000:]}']
    changed = _changed(before, _digest(NBS.rglob('*.ipynb')))
    return [f'notebooks were not clean; nbdev_clean changed: {", ".join(changed)}. Run `nbdev_clean` and commit.'] if changed else []


def check_readme() -> list[str]:
    res = _run([sys.executable, 'tools/build_docs.py', '--check-readme'])
    return [(res.stderr or res.stdout).strip()[-3000:]] if res.returncode else []


def run_notebook(nb: Path, flags: str, timeout: int) -> tuple[bool, float, str]:
    "Run one notebook with `tools/run_notebook.py` in a fresh process; return (passed, seconds, output)."
    env = dict(os.environ)
    for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'): env.setdefault(var, '1')  # two notebooks share two cores
    cmd = [sys.executable, str(ROOT / 'tools' / 'run_notebook.py'), str(nb)]
    if flags: cmd += ['--flags', flags, '--no-output-check']  # the stored outputs are those of the default run
    start = time.time()
    try:
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
        ok, out = res.returncode == 0 and 'Success' in res.stdout, res.stdout + res.stderr
    except subprocess.TimeoutExpired as e:
        ok, out = False, f'timed out after {timeout} s\n{e.stdout or ""}{e.stderr or ""}'
    return ok, time.time() - start, out


def main():
    ap = argparse.ArgumentParser(description='Run the whole test suite: sync checks, every notebook, the docs build.')
    ap.add_argument('notebooks', nargs='*', help='only these notebooks (default: every notebook in nbs/)')
    ap.add_argument('--flags', default='', help='space-separated test flags to run (e.g. "slow")')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--timeout', type=int, default=900, help='seconds allowed per notebook')
    ap.add_argument('--no-docs', action='store_true', help='skip the docs build and the docs check')
    ap.add_argument('--docs-only', action='store_true', help='only the docs build and the docs check')
    args = ap.parse_args()

    failures = []
    if not args.docs_only: print('== sync checks: library, notebooks and README', flush=True)
    for check in () if args.docs_only else (check_export, check_clean, check_readme):
        problems = check()
        failures += problems
        for p in problems: print(f'FAIL {check.__name__}: {p}', flush=True)
        if not problems: print(f'ok   {check.__name__}', flush=True)

    nbs = [Path(p).resolve() for p in args.notebooks] or sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))
    if args.docs_only: nbs = []
    else: print(f'== running {len(nbs)} notebooks ({args.workers} at a time, flags: {args.flags or "none"})', flush=True)
    passed = failed = 0
    with ThreadPoolExecutor(args.workers) as ex:
        futures = {nb: ex.submit(run_notebook, nb, args.flags, args.timeout) for nb in nbs}
        for nb, fut in futures.items():
            ok, secs, out = fut.result()
            print(f'{"PASS" if ok else "FAIL"} {nb.name:<32} {secs:6.1f} s', flush=True)
            if ok: passed += 1
            else:
                failed += 1
                print('\n'.join('    ' + line for line in out.strip().splitlines()[-60:]), flush=True)

    if not args.no_docs:
        # the docs build and the docs check count as two more tests in the closing line
        print('== building the docs site', flush=True)
        res = _run([sys.executable, 'tools/build_docs.py'])
        print((res.stdout + res.stderr).strip()[-5000:], flush=True)
        print(f'{"PASS" if res.returncode == 0 else "FAIL"} docs build', flush=True)
        if res.returncode == 0: passed += 1
        else: failed += 1
        print('== checking the docs site: links, anchors, tables, table of contents, headless Chromium', flush=True)
        if res.returncode: print('(no site to check: the build failed)')
        ok = res.returncode == 0
        for cmd in ([sys.executable, 'tools/docs_check.py', '--self-test'], [sys.executable, 'tools/docs_check.py']):
            if not ok: break
            try: check = _run(cmd, timeout=900)
            except subprocess.TimeoutExpired:
                print('the docs check did not finish in 900 s')
                ok = False
                break
            print((check.stdout + check.stderr).strip()[-8000:], flush=True)
            ok = check.returncode == 0
        print(f'{"PASS" if ok else "FAIL"} docs check', flush=True)
        if ok: passed += 1
        else: failed += 1

    if failures: print(f'FAILED (besides notebooks): {len(failures)} check(s): ' + '; '.join(f[:120] for f in failures))
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed or failures else 0)


if __name__ == '__main__': main()
