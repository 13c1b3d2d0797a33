"""How should I score an expensive oracle? In-process, on a process pool, or on a Dask cluster, measured.

`mrl.callbacks.reward.Reward` sends a batch to its scorer in chunks, one chunk per worker at a time, on any
`concurrent.futures` executor or Dask client. This benchmark scores the same fixed batch of drug-like molecules
(a seeded sample of the ChEMBL file shipped with `molscore`, else RDKit's NCI file) with a real, deterministic,
CPU-bound chemistry scorer: for each molecule, ETKDG conformer embedding (fixed seed) and MMFF optimisation,
repeated to a calibrated cost of about `--cost-ms` (default 75 ms of CPU time) per molecule; the score is the final MMFF energy.

1. **Throughput** — in-process; `process_pool(2)`; a Dask `LocalCluster` with 1 and with 2 worker processes (one
   thread each). Each executor is started and warmed up first (start-up and first-call times are reported apart),
   then each measurement uses a fresh `Reward` (no cache hits): wall time (median of `--repeats`), molecules/s,
   speed-up against in-process, and whether every mode gave exactly the in-process scores. To tell a slow executor
   from cores taken by other work, it also reports the CPU time that this process and the workers used: `cores_used`
   (CPU s per wall s: about the worker count when the workers get their cores) and CPU ms per molecule (it rises
   with the executor's own overhead).
2. **Overhead per chunk** — a near-free scorer (`len(smiles)`) over many molecules with chunksize 1, 8 and 64, on
   the pool and on Dask (2 workers): `(wall - in-process wall) / chunks`, in ms per chunk, and the same in CPU time.
   Chunks run on both workers at once, so one chunk's round trip takes about twice this figure. A last row sends the
   same one-molecule tasks with plain `client.submit`/`as_completed`, 2 in flight: Dask's own cost, without `Reward`.
3. **A hanging molecule** — the first `--hang-n` (16) molecules of the batch, one of them marked: the scorer sleeps
   `--hang-s` (20 s) on it. On the pool and on Dask: without a timeout the batch waits for it; with
   `timeout=--timeout` (4 s) the batch ends after about the timeout and the molecules of the hanging chunk count as
   failed and timed out (the Reward's `n_failed`, `n_timeouts`, `n_lost` are shown). With the default chunk size the
   hanging molecule takes its chunk neighbours down with it; `chunksize=1` loses it alone. On Dask the worker left
   running the scorer past its time is replaced after the batch; the time until the cluster has its workers back is
   reported as `recovery_s`. Then the same with a hang in C code that holds the GIL and never looks at signals
   (`sum(range(n))`, standing in for a long RDKit or other compiled call): neither the pool's alarm nor Dask's helper
   thread can stop it, so the batch lasts until the call returns or until the Reward's last resort,
   `2 * timeout + 10` s, whichever comes first; `worker_free_after_s` is when the stuck worker takes work again.

The Dask clusters run with `distributed.deploy.lost-worker-timeout` raised to an hour (as `mrl.callbacks.reward.local_dask_client` builds them): with the
default 15 s, two worker restarts within 15 s make a LocalCluster drop that worker for good.

Prints the tables with the machine line (`mrl.core.machine_description()`), the load average and the measured CPU
use of other processes before the run, and writes `scoring_scale.csv` and `scoring_scale.md` to `--out`
(default `benchmarks/results`). CPU times are counted in ticks of 10 ms: per-chunk figures of a few ms or less, and
negative ones, are noise.

    .venv/bin/python benchmarks/scoring_scale.py            # the full run: 64 molecules, about 5 minutes on 2 busy cores
    .venv/bin/python benchmarks/scoring_scale.py --quick    # a smoke check: 8 molecules, short hang (1-2 minutes,
                                                            # mostly Dask start-up); prints, writes nothing
    .venv/bin/python benchmarks/scoring_scale.py --docking  # throughput only, with mrl.scoring.objectives.get('docking_drd2')
                                                            # (needs dockstring; minutes per ligand: use --n 4)

Run it on an otherwise idle machine: wall times on shared cores measure the other work as much as the executor
(`cores_used` shows how much CPU the run got).
"""
from __future__ import annotations

import argparse
import datetime
import math
import os
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import rdkit
from rdkit import Chem, rdBase
from rdkit.Chem import AllChem, Descriptors

from mrl.callbacks.reward import Reward, local_dask_client, process_pool
from mrl.chem import canonicalize
from mrl.core import machine_description


# ---------------------------------------------------------------- scorers (module-level: they travel to workers)

def conformer_energy(smiles:str, repeats:int=1) -> float:
    "ETKDG embedding (seed 42) and MMFF optimisation of `smiles` with hydrogens, `repeats` times; the MMFF energy (kcal/mol)."
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    params = AllChem.ETKDGv3()
    params.randomSeed = 42
    energy = math.nan
    for _ in range(repeats):
        if AllChem.EmbedMolecule(mol, params) < 0: raise ValueError(f"ETKDG could not embed {smiles}")
        ff = AllChem.MMFFGetMoleculeForceField(mol, AllChem.MMFFGetMoleculeProperties(mol))
        if ff is None: raise ValueError(f"no MMFF parameters for {smiles}")
        ff.Minimize(maxIts=200)
        energy = ff.CalcEnergy()
    return float(energy)


class ConformerEnergy:
    """Bulk scorer: `conformer_energy` of each SMILES. On the SMILES `hang_on` it first hangs: `time.sleep(hang_s)` (a hang
    that signals can interrupt), or, with `c_loop`, `sum(range(c_loop))`, a loop in C that holds the GIL and checks no
    signals (like a long RDKit call)."""
    def __init__(self, repeats:int=1, hang_on:str|None=None, hang_s:float=0., c_loop:int=0):
        self.repeats, self.hang_on, self.hang_s, self.c_loop, self.name = repeats, hang_on, hang_s, c_loop, 'mmff'

    def __call__(self, xs:list[str]) -> list[float]:
        out = []
        with rdBase.BlockLogs():
            for x in xs:
                if x == self.hang_on:
                    if self.c_loop: sum(range(self.c_loop))
                    else: time.sleep(self.hang_s)
                out.append(conformer_energy(x, self.repeats))
        return out


def c_loop_for(seconds:float) -> int:
    "The `c_loop` length that keeps a core busy for about `seconds` (measured here, now)."
    n = 10**7
    t = time.perf_counter(); sum(range(n)); dt = time.perf_counter() - t
    return int(n * seconds / dt)


def smiles_length(xs:list[str]) -> list[float]:
    "A near-free scorer: the length of each SMILES."
    return [float(len(x)) for x in xs]


# ---------------------------------------------------------------- molecules and environment

def drug_like_batch(n:int, seed:int=0) -> tuple[list[str], str]:
    "`n` distinct canonical drug-like SMILES (MW 250-500, 18-35 heavy atoms, one fragment, embeddable), a seeded sample."
    try:
        from mrl.data import load_chembl
        pool, source = load_chembl()['smiles'].tolist(), 'ChEMBL sample (molscore)'
    except Exception:
        from mrl.data import load_nci
        pool, source = load_nci()['smiles'].tolist(), 'NCI (RDKit first_5K.smi)'
    rng = np.random.default_rng(seed)
    out, seen = [], set()
    with rdBase.BlockLogs():
        for i in rng.permutation(len(pool)):
            mol = Chem.MolFromSmiles(pool[i])
            if mol is None or '.' in pool[i] or not 18 <= mol.GetNumHeavyAtoms() <= 35: continue
            if not 250 <= Descriptors.MolWt(mol) <= 500: continue
            smi = canonicalize([mol])[0]  # as Reward canonicalises, so the hanging molecule is found by its SMILES
            if smi in seen: continue
            try: conformer_energy(smi)
            except Exception: continue
            seen.add(smi); out.append(smi)
            if len(out) == n: break
    return out, f"{source}, seed {seed}"


def distinct_smiles(n:int, seed:int=1) -> list[str]:
    "`n` distinct canonical SMILES from RDKit's NCI file (for the near-free scorer)."
    from mrl.data import load_nci
    smiles = load_nci()['smiles'].tolist()
    out, seen = [], set()
    with rdBase.BlockLogs():
        for i in np.random.default_rng(seed).permutation(len(smiles)):
            mol = Chem.MolFromSmiles(smiles[i])
            if mol is None: continue
            s = Chem.MolToSmiles(mol)
            if s not in seen: seen.add(s); out.append(s)
            if len(out) == n: break
    return out


def cpu_busy(seconds:float=2.0) -> tuple[float, float]:
    """Fractions of all cores busy over `seconds` (from /proc/stat; NaN where there is none): with processes of normal
    priority, and with niced ones (which yield the cores to this benchmark): what else runs on the machine."""
    def read():
        with open('/proc/stat') as f: v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4], v[1]  # total, idle + iowait, nice
    try:
        (t0, i0, n0), _ = read(), time.sleep(seconds)
        t1, i1, n1 = read()
        total = max(1, t1 - t0)
        return 1 - (i1 - i0 + n1 - n0) / total, (n1 - n0) / total
    except OSError: return math.nan, math.nan


def calibrate(smiles:list[str], cost_ms:float) -> tuple[int, float]:
    """Repeats per molecule for a mean cost of about `cost_ms` of CPU time, and the CPU time of one repeat (ms per molecule).
    CPU time, not wall time, so that other work on the machine does not change the scorer."""
    t = time.process_time()
    ConformerEnergy(1)(smiles)
    one = (time.process_time() - t) * 1000 / len(smiles)
    return max(1, round(cost_ms / one)), one


# ---------------------------------------------------------------- executors

def wait_for_replacement(client, before:set[str], workers:int, limit:float=60.) -> float:
    "Seconds until the cluster has `workers` workers again, at least one of them new (after a worker was replaced)."
    t = time.perf_counter()
    while time.perf_counter() - t < limit:
        now = set(client.nthreads())
        if len(now) >= workers and now != before: return time.perf_counter() - t
        time.sleep(0.1)
    return math.nan


# ---------------------------------------------------------------- measurements

def timed_score(reward:Reward, smiles:list[str]) -> tuple[float, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = time.perf_counter(); out = reward.score(smiles); return time.perf_counter() - t, out


def cpu_seconds(pids:list[int]) -> float:
    "CPU time (user + system, s) used so far by the processes `pids` (0 for one that is gone; NaN without /proc)."
    total = 0.
    for pid in pids:
        try:
            with open(f'/proc/{pid}/stat') as f: fields = f.read().rsplit(')', 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
        except FileNotFoundError: pass
        except OSError: return math.nan
    return total


def executor_pids(executor) -> list[int]:
    "This process (client, Dask scheduler, the Reward itself) and the worker processes of `executor`."
    if executor is None: return [os.getpid()]
    if hasattr(executor, 'run'): return [os.getpid(), *executor.run(os.getpid).values()]  # a Dask client
    return [os.getpid(), *executor._processes]


def throughput(name, scorer, smiles, executor, repeats, reference=None, startup=0., warmup=0., chunksize=None) -> tuple[dict, np.ndarray]:
    """Median wall time of `repeats` fresh Rewards scoring `smiles` on `executor`; and the CPU time the processes involved
    used meanwhile: `cores_used` (CPU s / wall s; up to the workers' number when they get their cores) and CPU ms per molecule."""
    times, out, pids = [], None, executor_pids(executor)
    cpu0 = cpu_seconds(pids)
    for _ in range(repeats):
        dt, out = timed_score(Reward(scorer, executor=executor, chunksize=chunksize), smiles)
        times.append(dt)
    cpu = cpu_seconds(pids) - cpu0
    wall = statistics.median(times)
    same = 'reference' if reference is None else ('yes' if np.array_equal(out, reference) else
                                                  f'no (max diff {np.nanmax(np.abs(out - reference)):.3g})')
    return {'section': 'throughput', 'mode': name, 'molecules': len(smiles), 'chunksize': chunksize or 'default',
            'startup_s': round(startup, 2), 'warmup_s': round(warmup, 2), 'wall_s': round(wall, 2),
            'wall_min_s': round(min(times), 2), 'molecules_per_s': round(len(smiles) / wall, 2),
            'cores_used': round(cpu / sum(times), 2), 'cpu_ms_per_molecule': round(1000 * cpu / (repeats * len(smiles)), 1),
            'same_scores': same}, out


def overhead(name, smiles, executor, chunksizes, repeats, base:dict) -> list[dict]:
    """Per-chunk cost of `executor` with the near-free scorer: (wall - in-process wall) / number of chunks, and the same in
    CPU time of this process and the workers (for Dask it includes the cluster's own background work meanwhile)."""
    rows, pids = [], executor_pids(executor)
    for cs in chunksizes:
        times, cpu0 = [], cpu_seconds(pids)
        for _ in range(repeats): times.append(timed_score(Reward(smiles_length, executor=executor, chunksize=cs), smiles)[0])
        wall, cpu, chunks = statistics.median(times), (cpu_seconds(pids) - cpu0) / repeats, math.ceil(len(smiles) / cs)
        row = {'section': 'overhead', 'mode': name, 'molecules': len(smiles), 'chunksize': cs, 'chunks': chunks,
               'wall_s': round(wall, 3), 'cpu_s': round(cpu, 3)}
        if executor is not None:
            row['ms_per_chunk'] = round(1000 * (wall - base[cs][0]) / chunks, 2)
            row['cpu_ms_per_chunk'] = round(1000 * (cpu - base[cs][1]) / chunks, 2)
        rows.append(row)
    return rows


def plain_dask(client, smiles, slots, repeats) -> dict:
    """The same near-free chunks of one molecule on Dask without `Reward`: `client.submit` and `as_completed`, `slots` in
    flight. What Dask itself costs per task here, to compare with the Reward's figure."""
    from distributed import as_completed
    from mrl.callbacks.reward import _score_chunk
    from functools import partial
    task, pids = partial(_score_chunk, smiles_length, ()), executor_pids(client)
    def run():
        todo = iter(smiles)
        ac = as_completed([client.submit(task, [x], pure=False) for x, _ in zip(todo, range(slots))])
        for f in ac:
            f.result()
            x = next(todo, None)
            if x is not None: ac.add(client.submit(task, [x], pure=False))
    times, cpu0 = [], cpu_seconds(pids)
    for _ in range(repeats):
        t = time.perf_counter(); run(); times.append(time.perf_counter() - t)
    wall, cpu = statistics.median(times), (cpu_seconds(pids) - cpu0) / repeats
    return {'section': 'overhead', 'mode': f'plain Dask, no Reward ({slots} in flight)', 'molecules': len(smiles), 'chunksize': 1,
            'chunks': len(smiles), 'wall_s': round(wall, 3), 'cpu_s': round(cpu, 3),
            'ms_per_chunk': round(1000 * wall / len(smiles), 2), 'cpu_ms_per_chunk': round(1000 * cpu / len(smiles), 2)}


def hanging(name, scorer, smiles, executor, timeout, chunksize=None, client=None, workers=2) -> dict:
    "Score `smiles` (one of which hangs) on `executor` with `timeout`: wall time and the Reward's failure counts."
    before = set(client.nthreads()) if client is not None else None
    reward = Reward(scorer, executor=executor, timeout=timeout, chunksize=chunksize, failure_penalty=-1.)
    wall, out = timed_score(reward, smiles)
    row = {'section': 'hang', 'mode': name, 'hang': 'C loop, holds the GIL' if scorer.c_loop else 'time.sleep',
           'molecules': len(smiles), 'chunksize': chunksize or 'default', 'timeout_s': timeout, 'hang_s': scorer.hang_s,
           'wall_s': round(wall, 2), 'failed': reward.n_failed, 'timeouts': reward.n_timeouts, 'lost': reward.n_lost,
           'scored': int((out != -1.).sum()), 'hung_error': dict(reward.errors).get(scorer.hang_on, '')}
    if client is not None and timeout is not None and not scorer.c_loop:  # the worker left with the scorer is replaced
        row['recovery_s'] = round(wait_for_replacement(client, before, workers), 1)
    return row


# ---------------------------------------------------------------- output

def markdown(rows:list[dict], cols:list[str]) -> str:
    "A markdown table of `rows` with the columns `cols` that any row has; empty cells where a row lacks one."
    cols = [c for c in cols if any(r.get(c) is not None for r in rows)]
    df = pd.DataFrame([[('' if r.get(c) is None else r[c]) for c in cols] for r in rows], columns=cols)
    rows = [list(df.columns), ['---'] * len(df.columns)] + df.astype(str).values.tolist()
    return '\n'.join('| ' + ' | '.join(map(str, r)) + ' |' for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='a smoke check: 8 cheap molecules, 1 repeat, a short hang')
    ap.add_argument('--n', type=int, default=None, help='molecules in the batch (default 64; 8 with --quick)')
    ap.add_argument('--cost-ms', type=float, default=None, help='calibrated cost per molecule (default 75; 10 with --quick)')
    ap.add_argument('--repeats', type=int, default=None, help='timed repeats per measurement (default 3; 1 with --quick)')
    ap.add_argument('--hang-n', type=int, default=16, help='molecules in the hang test (the first of the batch)')
    ap.add_argument('--hang-s', type=float, default=None, help='how long the hanging molecule sleeps (default 20; 4 with --quick)')
    ap.add_argument('--timeout', type=float, default=None, help="the Reward's timeout in the hang test (default 4; 1 with --quick)")
    ap.add_argument('--overhead-n', type=int, default=None, help='molecules for the per-chunk overhead (default 256; 64 with --quick)')
    ap.add_argument('--workers', type=int, default=2, help='workers of the pool and of the larger Dask cluster')
    ap.add_argument('--docking', action='store_true', help="throughput only, scoring with mrl.scoring.objectives.get('docking_drd2')")
    ap.add_argument('--skip-dask', action='store_true', help='leave out the Dask cluster (e.g. without distributed installed)')
    ap.add_argument('--note', default='', help='a sentence for the header of the results (e.g. what else ran on the machine)')
    ap.add_argument('--out', default=None, help='folder for scoring_scale.csv/.md (default benchmarks/results; '
                                                 'with --quick nothing is written unless given)')
    a = ap.parse_args()
    q = a.quick
    n = a.n or (8 if q else 64)
    cost_ms = a.cost_ms or (10. if q else 75.)
    repeats = a.repeats or (1 if q else 3)
    hang_s = a.hang_s or (4. if q else 20.)
    timeout = a.timeout or (1. if q else 4.)
    overhead_n = a.overhead_n or (64 if q else 256)
    W = a.workers

    machine = machine_description()
    load = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    busy, niced = cpu_busy()
    cpu = f"CPU use over the 2 s before the run: {100 * busy:.0f} % of all cores by normal-priority processes, {100 * niced:.0f} % by niced ones"
    print(f"{machine}\nload average before the run (1/5/15 min): {load}; {cpu}")
    t_start = time.perf_counter()

    smiles, source = drug_like_batch(n)
    if a.docking:
        from mrl.scoring.objectives import get as get_objective
        scorer, what = get_objective('docking_drd2'), 'AutoDock Vina against DRD2 (dockstring)'
    else:
        reps, one_ms = calibrate(smiles, cost_ms)
        scorer = ConformerEnergy(reps)
        what = f"ETKDG + MMFF, {reps} repeat(s) per molecule (one repeat: {one_ms:.1f} ms of CPU per molecule, measured)"
    print(f"{n} molecules from {source}; scorer: {what}")

    rows = []
    # 1. throughput
    row, reference = throughput('in-process', scorer, smiles, None, repeats)
    rows.append(row); base_wall = row['wall_s']
    print(f"in-process: {row['wall_s']} s, {1000 * row['wall_s'] / n:.0f} ms per molecule")
    t = time.perf_counter(); pool = process_pool(W); startup = time.perf_counter() - t
    t = time.perf_counter(); timed_score(Reward(scorer, executor=pool), smiles[:2 * W]); warm = time.perf_counter() - t
    rows.append(throughput(f'process_pool({W})', scorer, smiles, pool, repeats, reference, startup, warm)[0])
    clusters = {}
    if not a.skip_dask:
        for w in sorted({1, W}):
            t = time.perf_counter(); client = local_dask_client(w); client.wait_for_workers(w, timeout=120); startup = time.perf_counter() - t
            t = time.perf_counter(); timed_score(Reward(scorer, executor=client), smiles[:2 * w]); warm = time.perf_counter() - t
            rows.append(throughput(f'dask LocalCluster({w}x1)', scorer, smiles, client, repeats, reference, startup, warm)[0])
            if w == W: clusters[w] = client
            else: client.close()  # ends its cluster
    for r in rows: r['speedup'] = round(base_wall / r['wall_s'], 2)
    print(pd.DataFrame(rows).to_string(index=False))

    if not a.docking:
        # 2. overhead per chunk
        many, sizes = distinct_smiles(overhead_n), [1, 8, 64]
        oreps = max(3, repeats)
        base_rows = overhead('in-process', many, None, sizes, oreps, {})
        base = {r['chunksize']: (r['wall_s'], r['cpu_s']) for r in base_rows}
        rows += base_rows + overhead(f'process_pool({W})', many, pool, sizes, oreps, base)
        if clusters:
            rows += overhead(f'dask LocalCluster({W}x1)', many, clusters[W], sizes, oreps, base)
            rows.append(plain_dask(clusters[W], many, W, oreps))
        print(pd.DataFrame([r for r in rows if r['section'] == 'overhead']).dropna(axis=1, how='all').to_string(index=False))

        # 3. a hanging molecule: in Python (time.sleep), then in C code holding the GIL
        few = smiles[:min(a.hang_n, n)]
        hang = ConformerEnergy(scorer.repeats, hang_on=few[len(few) // 4], hang_s=hang_s)
        targets = [(f'process_pool({W})', pool, None)] + ([(f'dask LocalCluster({W}x1)', clusters[W], clusters[W])] if clusters else [])
        for name, ex, client in targets:
            for to, cs in [(None, None), (timeout, None), (timeout, 1)]:
                rows.append(hanging(name, hang, few, ex, to, cs, client, W))
                print({k: v for k, v in rows[-1].items() if v not in (None, '')})
        c_hang = ConformerEnergy(scorer.repeats, hang_on=few[len(few) // 4], hang_s=hang_s, c_loop=c_loop_for(hang_s))
        for name, ex, client in targets:
            t = time.perf_counter()
            rows.append(hanging(name, c_hang, few, ex, timeout, None, client, W))
            # wait until the stuck worker is free again before measuring anything else
            if client is None: ex.shutdown(wait=True)
            else: client.run(os.getpid)
            rows[-1]['worker_free_after_s'] = round(time.perf_counter() - t, 1)
            print({k: v for k, v in rows[-1].items() if v not in (None, '')})
    pool.shutdown()  # (a second shutdown is harmless)
    for client in clusters.values(): client.close()

    total = time.perf_counter() - t_start
    df = pd.DataFrame(rows)
    stamp = datetime.datetime.now().strftime('%Y-%m-%d %H:%M')
    load_after = ' '.join(f'{x:.2f}' for x in os.getloadavg())
    header = (f"{machine}; RDKit {rdkit.__version__}\n\nRun {stamp}, {total:.0f} s in all. Load average before the run "
              f"(1/5/15 min): {load}; {cpu}; load average after: {load_after}.\n\n"
              f"Batch: {n} molecules from {source}. Scorer: {what}. Process pool: `process_pool({W})`. Dask: "
              f"`LocalCluster(n_workers, threads_per_worker=1, processes=True)`, worker-saturation 1.0, "
              f"lost-worker-timeout 1 h (`local_dask_client`)." + (f"\n\n{a.note}" if a.note else ''))
    cols = {'throughput': ['mode', 'molecules', 'chunksize', 'startup_s', 'warmup_s', 'wall_s', 'wall_min_s', 'molecules_per_s', 'speedup',
                           'cores_used', 'cpu_ms_per_molecule', 'same_scores'],
            'overhead': ['mode', 'molecules', 'chunksize', 'chunks', 'wall_s', 'ms_per_chunk', 'cpu_s', 'cpu_ms_per_chunk'],
            'hang': ['mode', 'hang', 'molecules', 'chunksize', 'timeout_s', 'hang_s', 'wall_s', 'failed', 'timeouts', 'lost', 'scored',
                     'hung_error', 'recovery_s', 'worker_free_after_s']}
    titles = {'throughput': f"## Throughput (median of {repeats}; speed-up against in-process; start-up and the first call apart)",
              'overhead': f"## Overhead per chunk (near-free scorer, median of {max(3, repeats)}; ms per chunk = (wall - in-process wall) / chunks; "
                          f"the same in CPU time of this process and the workers; the plain-Dask row is wall / tasks, without Reward)",
              'hang': f"## One molecule hangs {hang_s:g} s (failed/timeouts/lost: the Reward's counts for the batch)"}
    parts = [f"# Scoring an expensive oracle: in-process, process pool, Dask\n\n`.venv/bin/python benchmarks/scoring_scale.py"
             f"{' --quick' if q else ''}{' --docking' if a.docking else ''}`\n\n{header}"]
    for sec, title in titles.items():
        sub = [r for r in rows if r['section'] == sec]
        if sub: parts.append(f"{title}\n\n{markdown(sub, cols[sec])}")
    text = '\n\n'.join(parts) + '\n'
    print('\n' + text)
    if q and a.out is None: return
    out = Path(a.out or 'benchmarks/results'); out.mkdir(parents=True, exist_ok=True)
    stem = 'scoring_scale' + ('_quick' if q else '') + ('_docking' if a.docking else '')
    df.insert(0, 'run', stamp)
    df.to_csv(out/f'{stem}.csv', index=False)
    (out/f'{stem}.md').write_text(text)
    print(f"wrote {out/stem}.csv and .md")


if __name__ == '__main__': main()
