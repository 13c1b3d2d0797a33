"""Throughput of mrl's data pipeline on the MOSES training set: read, canonicalise (serial and on a process pool),
deduplicate + vocabulary check, tokenise (build a vocabulary), encode (ragged dataset and a padded tensor), with the
memory used.

Needs the MOSES files: pip install --no-deps molsets==0.3.1

    python benchmarks/data_throughput.py                 # all 1,584,663 training molecules (several minutes)
    python benchmarks/data_throughput.py --n 100000      # a quick run on the first 100k
    python benchmarks/data_throughput.py --serial-n 200000   # time serial canonicalisation on a subset only
"""
import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import rdkit

from mrl.core import machine_description
from mrl import chem
from mrl.data import Deduplicate, SmilesDataset, VocabFilter, clean, load_moses
from mrl.vocab import SmilesVocab


def rss_mb() -> float:
    "Current resident memory of this process (MB)."
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024
    return float('nan')

def hwm_mb() -> float:
    "Peak resident memory of this process so far (MB)."
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024
    return float('nan')

def peak_mb(who=resource.RUSAGE_SELF) -> float:
    "Peak resident memory (MB) of this process, or of its largest finished child with RUSAGE_CHILDREN."
    return resource.getrusage(who).ru_maxrss / 1024

def environment(workers: int) -> list[str]:
    load = ', '.join(f'{x:.2f}' for x in os.getloadavg())
    return [f"{machine_description()}; {len(os.sched_getaffinity(0))} cores usable; load average {load}",
            f"RDKit {rdkit.__version__}, numpy {np.__version__}, pandas {pd.__version__}; process pool of {workers}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--n', type=int, default=None, help='use only the first N molecules (default: all)')
    ap.add_argument('--split', default='train', help='MOSES split (train, test, test_scaffolds)')
    ap.add_argument('--workers', type=int, default=2, help='processes for the pooled canonicalisation')
    ap.add_argument('--serial-n', type=int, default=None,
                    help='time serial canonicalisation on the first N molecules only (default: all; 0 skips it)')
    args = ap.parse_args()

    rows, t_all = [], {}
    def record(stage, n, seconds, note=''):
        rows.append((stage, n, seconds, n / seconds if seconds > 0 else float('inf'), rss_mb(), hwm_mb(), note))
        t_all[stage] = seconds

    env = environment(args.workers)
    t0 = time.perf_counter()
    df = load_moses(args.split)
    record('read (.csv.gz, whole file)', len(df), time.perf_counter() - t0)
    if args.n: df = df.iloc[:args.n]
    smiles = df.smiles.tolist()
    n = len(smiles)

    serial_n = n if args.serial_n is None else min(args.serial_n, n)
    if serial_n:
        t0 = time.perf_counter()
        chem.canonicalize(smiles[:serial_n])
        record('canonicalise, serial', serial_n, time.perf_counter() - t0)

    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as ex:
        canon = chem.canonicalize(smiles, executor=ex)
    record(f'canonicalise, {args.workers} processes', n, time.perf_counter() - t0)
    n_invalid = sum(c is None for c in canon)
    canon = [c for c in canon if c is not None]

    t0 = time.perf_counter()
    vocab = SmilesVocab.from_smiles(canon)
    record('tokenise (build vocabulary)', len(canon), time.perf_counter() - t0, f'{len(vocab)} tokens')

    t0 = time.perf_counter()
    kept, report = clean(canon, [Deduplicate(), VocabFilter(vocab)], verbose=False)
    record('deduplicate + vocabulary check', len(canon), time.perf_counter() - t0,
           f"{report.dropped['duplicate']:,} duplicates")

    t0 = time.perf_counter()
    ds = SmilesDataset(kept, vocab, strict=True)
    record('encode (ragged dataset)', len(kept), time.perf_counter() - t0, f'{ds.ids.nbytes / 1e6:.0f} MB of ids')

    t0 = time.perf_counter()
    padded = vocab.encode_batch(kept)
    record('encode_batch (padded tensor)', len(kept), time.perf_counter() - t0,
           f'{tuple(padded.shape)}, {padded.numel() * 8 / 1e6:.0f} MB')
    del padded

    # End to end: read -> canonicalise (pool) -> vocabulary -> deduplicate/check -> encoded dataset
    stages = ['read (.csv.gz, whole file)', f'canonicalise, {args.workers} processes', 'tokenise (build vocabulary)',
              'deduplicate + vocabulary check', 'encode (ragged dataset)']
    total = sum(t_all[s] for s in stages)
    no_canon = total - t_all[stages[1]]

    print(f"\nmrl data throughput: MOSES {args.split}, {n:,} molecules ({n_invalid} invalid)")
    for line in env: print(line)
    print()
    print(f"| {'stage':<34} | {'molecules':>10} | {'seconds':>8} | {'molecules/s':>12} | {'RSS MB':>7} | {'peak MB':>7} | note")
    print(f"|{'-'*36}|{'-'*12}|{'-'*10}|{'-'*14}|{'-'*9}|{'-'*9}|------")
    for stage, m, s, rate, rss, hwm, note in rows:
        print(f"| {stage:<34} | {m:>10,} | {s:>8.1f} | {rate:>12,.0f} | {rss:>7,.0f} | {hwm:>7,.0f} | {note}")
    print()
    print(f"read -> encoded dataset, with canonicalisation on {args.workers} processes: {total:.1f} s")
    print(f"read -> encoded dataset, without canonicalisation (data already canonical): {no_canon:.1f} s")
    print(f"peak RSS: main process {peak_mb():,.0f} MB; largest pool worker {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine slows RDKit stages)")


if __name__ == '__main__':
    sys.exit(main())
