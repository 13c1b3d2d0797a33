"""Memory (RSS) and checkpoint size of a long RL run, at 100 and 1,000 batches: do they stay bounded?

The REINVENT-style recipe of `mrl optimize` (model sampler + replay, QED reward with cache, diversity filter,
augmented-likelihood loss, checkpoints every 50 batches) with a tiny LSTM (16/32, one layer, over the NCI
vocabulary) so that 1,000 batches take minutes. Two runs, identical except for the log:

- `memory`: `Log()`, every sample kept in memory and re-saved into every checkpoint (the behaviour before);
- `files`: `Log(path=run)`, samples and metrics appended to `samples.csv`/`metrics.csv` as the run goes.

Reported at batches 100 and 1,000: resident memory (RSS, MB), the checkpoint file (MB), the rows the log holds in
memory, the diversity filter's memory rows, and the timing entries kept per callback event (longest list).

    python benchmarks/run_growth.py [--batches 1000] [--bs 64] [--out benchmarks/results]
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from rdkit import RDConfig

from mrl.agent import Agent
from mrl.callbacks.core import Callback
from mrl.callbacks.log import Log
from mrl.callbacks.loss import AugmentedLikelihood
from mrl.callbacks.reward import Reward
from mrl.callbacks.reward_modification import DiversityFilter
from mrl.callbacks.sampler import LogSampler, ModelSampler
from mrl.core import set_seed
from mrl.environment import Checkpoint, Environment
from mrl.models.lstm import LSTMLM
from mrl.scoring.objectives import get as get_objective
from mrl.vocab import SmilesVocab


def rss_mb() -> float:
    "Resident memory of this process (MB), from /proc (Linux)."
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024
    return float('nan')


class Probe(Callback):
    "Records the figures at the chosen batches (after the checkpoint callback has run)."
    def __init__(self, at, ckpt_dir):
        super().__init__('probe', order=300)
        self.at, self.ckpt_dir, self.rows = set(at), Path(ckpt_dir), []

    def after_batch(self):
        env = self.environment
        done = env.iteration + 1
        if done not in self.at: return
        env.save_checkpoint(self.ckpt_dir)  # the checkpoint as it would be written after this batch
        gc.collect()
        log = env.log
        self.rows.append({'batches': done, 'rss_mb': round(rss_mb(), 1),
                          'checkpoint_mb': round((self.ckpt_dir/'checkpoint.pt').stat().st_size / 2**20, 3),
                          'log_rows_in_memory': int(sum(len(r) for r in log.records)) + int(log._pending is not None and len(log._pending)),
                          'metric_rows_in_memory': len(log.metric_rows),
                          'diversity_memory_rows': len(env.diversity_filter._records),
                          'diversity_scaffolds': len(env.diversity_filter.counts),
                          'longest_timelog': max(len(v) for cb in env.callbacks for v in cb.event_timelog.values()),
                          'score_cache': len(env.qed.cache)})


def run(mode:str, batches:int, bs:int, sl:int, out:Path) -> pd.DataFrame:
    smiles = [l.split()[0] for l in open(Path(RDConfig.RDDataDir)/'NCI'/'first_5K.smi')]
    vocab = SmilesVocab.from_smiles(smiles)
    set_seed(0)
    agent = Agent(LSTMLM(vocab, d_embedding=16, d_hidden=32, n_layers=1), lr=1e-3)
    run_dir = out/mode
    log = Log(path=run_dir) if mode == 'files' else Log()
    probe = Probe([100, batches], out/f'{mode}_probe')
    env = Environment(agent, samplers=[ModelSampler(0.9), LogSampler(0.1, pool_size=100)],
                      rewards=[Reward(get_objective('qed'), name='qed')], losses=[AugmentedLikelihood(128.)],
                      cbs=[Checkpoint(run_dir/'checkpoint', every=50), DiversityFilter(bucket_size=25, min_score=0.4), probe],
                      log=log)
    t0 = time.time()
    env.fit(bs=bs, sl=sl, iters=batches, progress=False)
    df = pd.DataFrame(probe.rows)
    df.insert(0, 'log', mode)
    df['seconds'] = round(time.time() - t0, 1)
    return df


def _markdown(df:pd.DataFrame) -> str:
    rows = [list(df.columns), ['---'] * len(df.columns)] + df.astype(str).values.tolist()
    return '\n'.join('| ' + ' | '.join(map(str, r)) + ' |' for r in rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--batches', type=int, default=1000)
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--sl', type=int, default=60)
    ap.add_argument('--out', default='benchmarks/results')
    args = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as d:
        # each mode in a fresh process would be cleaner for RSS; one process, the in-memory run second, keeps it simple:
        # the files run's RSS is measured first, so it cannot benefit from memory the other run freed
        table = pd.concat([run(m, args.batches, args.bs, args.sl, Path(d)) for m in ('files', 'memory')], ignore_index=True)
    env = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
           f"1 thread, batch size {args.bs}, max length {args.sl}")
    print(table.to_string(index=False)); print(env)
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out/'run_growth.csv', index=False)
    (out/'run_growth.md').write_text(f"# Run growth: memory and checkpoint size over {args.batches} batches\n\n"
                                     f"`python benchmarks/run_growth.py` — {env}.\n\n" + _markdown(table) + '\n')


if __name__ == '__main__': main()
