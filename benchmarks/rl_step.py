"""Seconds per RL batch, split by event, and the overhead of the framework itself.

A batch of an RL recipe (`mrl.optimize.build_environment`; by default `reinvent`: model sampler + replay, QED reward
with cache, a diversity filter of bucket 25, augmented-likelihood loss, log) with a fresh 3x256 and 3x512 LSTM, or
with a shipped prior (`--prior chembl`). Time goes to:
- model compute: sampling (ModelSampler.sample_batch), scoring the batch under agent and prior
  (Agent.get_model_outputs), loss.backward(), the optimiser (Agent zero_grad/before_step/step), and the extra
  update rounds of the replay-rounds recipes (ExperienceReplay.step: forward, backward and optimiser on the batch
  and the memory, with the little loss arithmetic of each round and, for augmented_memory, the SMILES randomisation);
- scoring: the time inside the scoring function itself;
- the framework: everything else (event dispatch, canonicalisation and cache lookups, the log's metrics,
  replay memory, diversity filter, loss arithmetic).
The target is a framework share under 10 % of the batch time.

    python benchmarks/rl_step.py [--bs 128] [--batches 6] [--threads 2]
    python benchmarks/rl_step.py --prior chembl --recipe replay_rounds_norepeat --bs 64 --sl 102   # the default recipe (no medchem filters)

The fresh models are untrained, over the vocabulary of the NCI set: their samples run to about 60 tokens on average
(capped at --sl), close to the lengths of real drug-like SMILES; the scores are mostly of invalid molecules, which makes
scoring cheap and the framework share, if anything, overstated. A recipe whose memory takes only molecules that
scored above 0 needs a prior that samples valid ones (`--prior`) to show its rounds at their real cost.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np
import torch

from mrl.core import machine_description
from mrl.callbacks.core import Callback
from mrl.chem import qed
from mrl.core import set_seed
from mrl.models.lstm import LSTMLM
from mrl.data import load_nci
from mrl.models.base import GenerativeModel
from mrl.optimize import OptimizeConfig, build_environment, load_prior
from mrl.recipes import RECIPES
from mrl.vocab import SmilesVocab


class TimedQED:
    "QED as a bulk scorer that records the time spent inside it."
    name = 'qed'
    def __init__(self): self.seconds = 0.0
    def __call__(self, smiles):
        t = time.perf_counter()
        out = [qed(s) if s else 0.0 for s in smiles]
        self.seconds += time.perf_counter() - t
        return out


class Clock(Callback):
    "Marks the end of zero_grad (order last) and the start of before_step (order first): the gap is loss.backward()."
    def __init__(self, name, order, event):
        super().__init__(name=name, order=order)
        self.stamps = []
        setattr(self, event, lambda: self.stamps.append(time.perf_counter()))


def fresh_lstm(d_hidden: int, d_embedding: int) -> LSTMLM:
    "An untrained 3-layer LSTM over the vocabulary of the NCI set."
    smiles = [s for s in load_nci()['smiles'] if len(s) <= 80]  # only the vocabulary matters: the model is untrained
    set_seed(0)
    return LSTMLM(SmilesVocab.from_smiles(smiles), d_embedding=d_embedding, d_hidden=d_hidden, n_layers=3)


def run(prior: GenerativeModel, label: str, recipe: str, bs: int, sl: int, batches: int, warmup: int) -> dict:
    "Time `batches` RL batches of `recipe` from `prior`, by event, in a run directory of its own that is removed afterwards."
    with tempfile.TemporaryDirectory(prefix='mrl_rl_step_') as out:  # a second run must not meet the first one's log
        return _measure(out, prior, label, recipe, bs, sl, batches, warmup)


def _measure(out: str, prior: GenerativeModel, label: str, recipe: str, bs: int, sl: int, batches: int, warmup: int) -> dict:
    set_seed(0)
    env = build_environment(OptimizeConfig(out=out, recipe=recipe, diversity_bucket=25, checkpoint_every=10**9, medchem_filters=False), prior)
    scorer = TimedQED()
    env.qed.fn = scorer
    env.remove('checkpoint')
    start_bw, end_bw = Clock('clock_zero_grad', 10**6, 'zero_grad'), Clock('clock_before_step', -10**6, 'before_step')
    env.register(start_bw); env.register(end_bw)
    env.fit(bs=bs, sl=sl, iters=warmup, progress=False)
    for cb in env.callbacks: cb.event_timelog.clear()
    start_bw.stamps.clear(); end_bw.stamps.clear()
    scorer.seconds = 0.0
    t0 = time.perf_counter()
    env.fit(bs=bs, sl=sl, iters=batches, progress=False)
    total = time.perf_counter() - t0

    per_event = defaultdict(float)
    for cb in env.callbacks:
        if cb.name.startswith('clock'): continue
        for ev, ts in cb.event_timelog.items(): per_event[(cb.name, ev)] += float(np.sum(ts))
    backward = float(np.sum(np.array(end_bw.stamps) - np.array(start_bw.stamps)))
    sampling = per_event[('model', 'sample_batch')]
    outputs = per_event[('agent', 'get_model_outputs')]
    optimiser = sum(per_event[('agent', e)] for e in ('zero_grad', 'before_step', 'step'))
    rounds = per_event[('replay', 'step')]  # the extra update rounds on batch + memory: forward, backward and optimiser
    model = sampling + outputs + backward + optimiser + rounds
    framework = total - model - scorer.seconds
    lengths = env.log.df['smiles'].str.len()
    return dict(model=label, params=sum(p.numel() for p in prior.parameters()), total=total / batches,
                sampling=sampling / batches, outputs=outputs / batches, backward=backward / batches,
                optimiser=optimiser / batches, rounds=rounds / batches, scoring=scorer.seconds / batches,
                framework=framework / batches, framework_pct=100 * framework / total, mean_len=float(lengths.mean()),
                top_events=sorted(((k, v / batches) for k, v in per_event.items()), key=lambda kv: -kv[1])[:8])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--sl', type=int, default=100)
    ap.add_argument('--batches', type=int, default=6)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--recipe', default='reinvent', help=f"an mrl recipe: {', '.join(RECIPES)} (default: reinvent)")
    ap.add_argument('--prior', default=None, help='a shipped prior (e.g. chembl) instead of the two fresh LSTMs')
    args = ap.parse_args()
    if args.recipe not in RECIPES: sys.exit(f"Unknown recipe {args.recipe!r}; choose one of {', '.join(RECIPES)}.")
    torch.set_num_threads(args.threads)
    models = [(load_prior(args.prior), f'prior {args.prior}')] if args.prior else \
             [(fresh_lstm(256, 128), 'LSTM 3x256'), (fresh_lstm(512, 256), 'LSTM 3x512')]
    rows = [run(m, label, args.recipe, args.bs, args.sl, args.batches, args.warmup) for m, label in models]
    cols = ['total', 'sampling', 'outputs', 'backward', 'optimiser', 'rounds', 'scoring', 'framework']
    print(f"\nSeconds per RL batch of {args.recipe} (bs {args.bs}, max {args.sl} tokens), mean over {args.batches} batches after {args.warmup} warm-up")
    print(f"{'model':<14}{'params':>10}" + ''.join(f"{c:>11}" for c in cols) + f"{'framework %':>13}{'mean len':>10}")
    for r in rows:
        print(f"{r['model']:<14}{r['params']:>10,}" + ''.join(f"{r[c]:>11.3f}" for c in cols) + f"{r['framework_pct']:>12.1f}%{r['mean_len']:>10.1f}")
    for r in rows:
        print(f"\n{r['model']}: slowest callback events (s/batch): " + ', '.join(f"{n}.{e} {v:.3f}" for (n, e), v in r['top_events']))
    print(f"\n{machine_description()}; load {os.getloadavg()[0]:.1f}")


if __name__ == '__main__': main()
