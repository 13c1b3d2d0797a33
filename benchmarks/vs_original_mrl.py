"""Seconds per RL batch, this mrl against the original mrl (`mrl-pypi` 0.1.5, Keiser lab), side by side on this machine.

Both sides do the same work per batch: sample `--bs` SMILES from a 3-layer LSTM (fresh weights, at most `--sl` tokens),
score them with RDKit's QED, compute the log-probabilities of the batch under the agent (with gradients) and under a
frozen copy (the prior here, the baseline model there), a policy loss, backward and an Adam step. Here: the `reinvent`
recipe without replay or diversity filter (augmented likelihood and REINVENT's likelihood penalty). There: a
`GenerativeAgent` with its baseline model, a `ModelSampler` and `PolicyGradient` (its default recipe). The models have
the same shape (embedding 128 or 256, hidden 256 or 512, 3 layers), but each side keeps its own vocabulary and
architecture details (the original's last LSTM layer projects to the embedding size), so the mean sample length and the
parameter count are printed beside the times. So that both sides sample sequences of the same length, the fresh
models' output layers are set to near-uniform tokens with the end token drawn at each step with probability 1/40
(geometric lengths of mean 40 tokens, capped at --sl): an untrained model otherwise ends its samples at a rate set by
its vocabulary's size.

The two packages are both called `mrl`, so each side runs in its own interpreter: this one for this mrl, and
`--original-python` (a virtual environment holding `mrl-pypi==0.1.5`; pip install --no-deps mrl-pypi==0.1.5 beside
torch, rdkit, pandas, fastprogress, selfies, scikit-learn, networkx, numba, requests) for the original. The sides
alternate, `--repeats` times each, one torch thread each, and the table keeps every repeat.

    python benchmarks/vs_original_mrl.py --original-python /tmp/origvenv/bin/python
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent/'results'
SIZES = [(128, 256), (256, 512)]  # (embedding, hidden) of the 3-layer LSTMs compared


def qed_scores(smiles: list[str]) -> list[float]:
    "QED of each SMILES, 0 for an invalid one: the reward both sides score with."
    from rdkit import Chem, RDLogger
    from rdkit.Chem.QED import qed
    RDLogger.DisableLog('rdApp.*')
    mols = [Chem.MolFromSmiles(s) if s else None for s in smiles]
    return [qed(m) if m is not None else 0.0 for m in mols]


MEAN_TOKENS = 40


def set_sample_length(head, eos: int, mean_tokens: int = MEAN_TOKENS):
    "Make an untrained output layer draw near-uniform tokens and the end token with probability 1/`mean_tokens` per step."
    import math, torch
    with torch.no_grad():
        head.weight.mul_(0.01)
        head.bias.zero_()
        head.bias[eos] = math.log((head.out_features - 1) / (mean_tokens - 1))


def time_ours(d_embedding: int, d_hidden: int, bs: int, sl: int, batches: int) -> dict:
    "This mrl: the `reinvent` recipe without replay or diversity filter, on a fresh LSTM over the NCI vocabulary."
    import torch
    from mrl.core import set_seed
    from mrl.data import load_nci
    from mrl.models.lstm import LSTMLM
    from mrl.optimize import OptimizeConfig, build_environment
    from mrl.vocab import SmilesVocab
    smiles = [s for s in load_nci()['smiles'] if len(s) <= 80]  # only the vocabulary matters: the model is untrained
    set_seed(0)
    prior = LSTMLM(SmilesVocab.from_smiles(smiles), d_embedding=d_embedding, d_hidden=d_hidden, n_layers=3)
    set_sample_length(prior.head, prior.vocab.eos_idx)
    with tempfile.TemporaryDirectory() as out:
        config = OptimizeConfig(out=out, recipe='reinvent', replay=0, diversity_bucket=0, medchem_filters=False, batch_size=bs,
                                max_len=sl, checkpoint_every=10**9)
        env = build_environment(config, prior)
        env.qed.fn = qed_scores
        env.remove('checkpoint')
        env.fit(bs=bs, sl=sl, iters=1, progress=False)  # warm-up
        start = time.perf_counter()
        env.fit(bs=bs, sl=sl, iters=batches, progress=False)
        seconds = (time.perf_counter() - start) / batches
        lengths = [len(prior.vocab.tokenize(smi)) for smi in env.log.df['smiles']]
    return {'seconds': seconds, 'params': sum(p.numel() for p in prior.parameters()), 'mean_len': float(sum(lengths) / len(lengths)),
            'vocab': len(prior.vocab), 'torch': torch.__version__}


def time_original(d_embedding: int, d_hidden: int, bs: int, sl: int, batches: int) -> dict:
    "The original mrl 0.1.5: GenerativeAgent (with its baseline model), ModelSampler, QED reward, PolicyGradient."
    import warnings
    warnings.filterwarnings('ignore')
    import numpy as np
    import torch
    from mrl.vocab import CharacterVocab, SMILES_CHAR_VOCAB
    from mrl.dataloaders import Text_Dataset
    from mrl.g_models.lstm_lm import LSTM_LM
    from mrl.torch_core import CrossEntropy
    from mrl.train.agent import GenerativeAgent
    from mrl.train.sampler import ModelSampler
    from mrl.train.reward import Reward, RewardCallback
    from mrl.train.loss import PolicyLoss
    from mrl.train.environment import Environment
    from mrl.policy_gradient import PolicyGradient
    torch.manual_seed(0); np.random.seed(0)
    vocab = CharacterVocab(SMILES_CHAR_VOCAB)
    model = LSTM_LM(len(vocab.itos), d_embedding, d_hidden, 3, bos_idx=vocab.stoi['bos'])
    set_sample_length(model.head, vocab.stoi['eos'])
    agent = GenerativeAgent(model, vocab, CrossEntropy(), Text_Dataset(['CCO'], vocab), base_update=0.99, base_model=True,
                            opt_kwargs={'lr': 5e-4})
    sampler = ModelSampler(vocab, agent.model, 'live', 0, 1., bs)
    reward = RewardCallback(Reward(lambda s: qed_scores(list(s)), weight=1), 'qed')
    loss = PolicyLoss(PolicyGradient(discount=True, gamma=0.97), 'pg')
    env = Environment(agent, samplers=[sampler], rewards=[reward], losses=[loss])
    env.fit(bs, sl, 1, 10**9)  # warm-up
    start = time.perf_counter()
    env.fit(bs, sl, batches, 10**9)
    seconds = (time.perf_counter() - start) / batches
    lengths = [len(vocab.tokenize(smi)) - 2 for batch in env.log.batch_log['samples'][-batches:] for smi in batch]  # less bos/eos
    return {'seconds': seconds, 'params': sum(p.numel() for p in model.parameters()),
            'mean_len': float(np.mean(lengths)), 'vocab': len(vocab.itos), 'torch': torch.__version__}


def side_main(args):
    "Run one side in this interpreter and print its figures as one JSON line."
    import torch
    torch.set_num_threads(1)
    fn = time_ours if args.side == 'ours' else time_original
    print('\nRESULT ' + json.dumps(fn(args.d_embedding, args.d_hidden, args.bs, args.sl, args.batches)))


def run_side(python: str, side: str, d_embedding: int, d_hidden: int, args) -> dict:
    "One side in its own interpreter (outside this repository, so the original's `mrl` is the one imported there)."
    cmd = [python, str(Path(__file__).resolve()), '--side', side, '--d-embedding', str(d_embedding), '--d-hidden', str(d_hidden),
           '--bs', str(args.bs), '--sl', str(args.sl), '--batches', str(args.batches)]
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONPATH': ''}
    with tempfile.TemporaryDirectory() as cwd:
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)
    if res.returncode != 0: sys.exit(f"the {side} side failed:\n{res.stderr[-3000:]}")
    return json.loads(next(l for l in res.stdout.splitlines() if l.startswith('RESULT '))[len('RESULT '):])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--original-python', default=None, help='the interpreter of an environment holding mrl-pypi 0.1.5')
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--sl', type=int, default=100)
    ap.add_argument('--batches', type=int, default=5, help='timed batches per repeat (after one warm-up batch)')
    ap.add_argument('--repeats', type=int, default=3, help='alternating runs of each side')
    ap.add_argument('--side', choices=['ours', 'original'], help=argparse.SUPPRESS)
    ap.add_argument('--d-embedding', type=int, default=128, help=argparse.SUPPRESS)
    ap.add_argument('--d-hidden', type=int, default=256, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side: return side_main(args)
    if not args.original_python: sys.exit("--original-python: give the interpreter of an environment with mrl-pypi==0.1.5 (see the docstring).")
    from mrl.core import machine_description
    import pandas as pd
    import torch
    torch.set_num_threads(1)  # as each side runs: the machine line reports it
    rows = []
    for d_embedding, d_hidden in SIZES:
        for repeat in range(args.repeats):
            for side, python in (('original', args.original_python), ('ours', sys.executable)):
                r = run_side(python, side, d_embedding, d_hidden, args)
                rows.append({'model': f'LSTM 3x{d_hidden}', 'side': side, 'repeat': repeat, **r})
                print(f"{rows[-1]['model']} {side:<9} repeat {repeat}: {r['seconds']:.3f} s/batch  ({r['params']:,} parameters, "
                      f"mean sample {r['mean_len']:.0f} tokens)", flush=True)
    df = pd.DataFrame(rows)
    summary = df.groupby(['model', 'side'], sort=False)['seconds'].agg(['min', 'median', 'max']).round(3)
    ratio = (df[df.side == 'ours'].groupby('model')['seconds'].median() / df[df.side == 'original'].groupby('model')['seconds'].median()).round(2)
    machine = f"{machine_description()}; load {os.getloadavg()[0]:.1f} (other jobs on the machine inflate both sides)"
    print(f"\nSeconds per RL batch (bs {args.bs}, max {args.sl} tokens, {args.batches} batches x {args.repeats} repeats)\n{summary.to_string()}")
    print("ours / original (median): " + ', '.join(f"{m} {v:.2f}" for m, v in ratio.items()))
    print(machine)
    RESULTS.mkdir(exist_ok=True)
    df.to_csv(RESULTS/'vs_original_mrl.csv', index=False)
    (RESULTS/'vs_original_mrl.md').write_text(
        f"# Seconds per RL batch: this mrl against the original mrl 0.1.5\n\n`python benchmarks/vs_original_mrl.py` (bs {args.bs}, at most "
        f"{args.sl} tokens, {args.batches} timed batches per run, {args.repeats} alternating runs per side).\n\n```\n{summary.to_string()}\n```\n\n"
        f"ours / original (median): " + ', '.join(f"{m} {v:.2f}" for m, v in ratio.items()) + f"\n\n{machine}\n")


if __name__ == '__main__': main()
