"""Throughput of `mrl.chem` bulk functions: serial vs a process pool.

Parses, standardises, computes all descriptors and Morgan fingerprints for the 4,999 NCI molecules that ship
with RDKit (`Data/NCI/first_5K.smi`), first serially in-process, then on a `ProcessPoolExecutor`, and prints
molecules per second per stage plus the environment. The pool is started (and warmed up) before timing, so the
figures measure steady-state throughput, not process start-up.

    python benchmarks/chem_throughput.py            # all 4,999 molecules, 2 workers
    python benchmarks/chem_throughput.py --n 500    # a quick run
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import rdkit
from rdkit import RDConfig

from mrl.core import machine_description
from mrl import chem


def nci_smiles(n: int | None = None) -> list[str]:
    "The NCI SMILES shipped with RDKit (first `n`)."
    with open(os.path.join(RDConfig.RDDataDir, 'NCI', 'first_5K.smi')) as f:
        smiles = [line.split()[0] for line in f if line.strip()]
    return smiles[:n] if n else smiles


def environment(workers: int) -> dict:
    return {'machine': machine_description(),
            'cores usable (affinity)': len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else None,
            'load average (1/5/15 min)': ' '.join(f'{x:.2f}' for x in os.getloadavg()) if hasattr(os, 'getloadavg') else None,
            'rdkit': rdkit.__version__, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '(unset)'),
            'pool workers': workers}


STAGES = {
    'canonicalize': lambda xs, ex: chem.canonicalize(xs, executor=ex),
    'standardize': lambda xs, ex: chem.standardize(xs, executor=ex),
    'descriptors (all 14)': lambda xs, ex: chem.descriptors(xs, executor=ex),
    'descriptors (no QED/SA)': lambda xs, ex: chem.descriptors(
        xs, names=[k for k in chem.DESCRIPTORS if k not in ('qed', 'sa_score', 'penalized_logp')], executor=ex),
    'morgan bits r2 2048': lambda xs, ex: chem.morgan_fingerprints(xs, executor=ex),
    'morgan counts r2 2048': lambda xs, ex: chem.morgan_fingerprints(xs, counts=True, executor=ex),
}


def timed(fn, repeats: int):
    "Best of `repeats` wall-clock times, and the last result."
    best, out = float('inf'), None
    for _ in range(repeats):
        t = time.perf_counter(); out = fn(); best = min(best, time.perf_counter() - t)
    return best, out


def same(a, b) -> bool:
    if isinstance(a, pd.DataFrame): return a.equals(b)
    if isinstance(a, np.ndarray): return np.array_equal(a, b, equal_nan=True)
    return a == b


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--n', type=int, default=None, help='use only the first N molecules (default: all 4,999)')
    p.add_argument('--workers', type=int, default=2, help='processes in the pool (default: 2)')
    p.add_argument('--repeats', type=int, default=1, help='time each stage this many times and keep the best')
    p.add_argument('--stages', nargs='*', default=list(STAGES), help=f'stages to run (default all): {list(STAGES)}')
    args = p.parse_args()

    smiles = nci_smiles(args.n)
    n = len(smiles)
    print(f'# mrl.chem throughput on {n} NCI molecules (RDKit Data/NCI/first_5K.smi)\n')
    for k, v in environment(args.workers).items(): print(f'{k:>26}: {v}')
    print()

    rows = []
    with ProcessPoolExecutor(args.workers) as ex:
        chem.descriptors(smiles[:8 * args.workers], executor=ex)  # start workers, import modules, load SA tables
        chem.descriptors(smiles[:8])  # and load the SA tables in this process too
        for name in args.stages:
            fn = STAGES[name]
            t_serial, r_serial = timed(lambda: fn(smiles, None), args.repeats)
            t_pool, r_pool = timed(lambda: fn(smiles, ex), args.repeats)
            rows.append({'stage': name, 'serial s': t_serial, 'serial mol/s': n / t_serial,
                         f'pool({args.workers}) s': t_pool, f'pool({args.workers}) mol/s': n / t_pool,
                         'speed-up': t_serial / t_pool, 'pool == serial': same(r_serial, r_pool)})
            print(f'  done: {name}', file=sys.stderr)
    df = pd.DataFrame(rows).set_index('stage')
    with pd.option_context('display.width', 200, 'display.max_columns', 20):
        print(df.to_string(float_format=lambda x: f'{x:,.2f}' if x < 100 else f'{x:,.0f}'))
    if not df['pool == serial'].all(): sys.exit('pooled results differ from the serial ones')


if __name__ == '__main__':
    main()
