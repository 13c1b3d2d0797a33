"""Quality of the shipped priors, measured as MOSES measures a generator, beside the published MOSES CharRNN.

For each prior: sample N molecules (default 10,000; MOSES itself uses 30,000) and report validity, unique@10k,
novelty against the prior's own training corpus, internal diversity, and FCD / SNN / Frag / Scaf against held-out
molecules (MOSES prior: 20,000 molecules drawn from the MOSES test set, see --ref-size; ChEMBL prior: its scaffold-split
hold-out), plus sampling speed.
CharRNN's figures are from Polykovskiy et al. 2020 (MOSES paper, Table 3, mean over 3 runs):
valid 0.9748, unique@10k 0.9994, FCD/Test 0.0732, SNN/Test 0.6015, IntDiv 0.8562, novelty 0.8419.

    python benchmarks/prior_quality.py                      # both priors, 10,000 samples each
    python benchmarks/prior_quality.py --priors chembl --n 2000 --workers 2
    python benchmarks/prior_quality.py --update-cards       # also record the figures in the model cards
    python benchmarks/prior_quality.py --priors chembl --model runs/chembl_4/model --run runs/chembl_4   # a candidate, not shipped

The training corpus and hold-out are rebuilt with the prior's own recipe (`mrl.priors.load_corpus` and
`split_corpus`; deterministic), which takes a few minutes of RDKit work; pass --run DIR (a `train_prior` run
directory) to read them from there instead. With --model DIR a trained model that is not (yet) shipped is measured
against the named prior's corpus, and its figures go to prior_candidates.csv/.md instead. Needs molscore/molsets (`--no-deps`) and fcd_torch (`make install`
puts them in .venv). Results: benchmarks/results/prior_quality.csv and .md.
"""
from __future__ import annotations

import argparse
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import torch

from mrl.core import machine_description
from mrl import priors
from mrl.chem import canonicalize, is_valid
from mrl.core import set_seed
from mrl.data import load_moses, read_smiles
from mrl.metrics import distribution_metrics
from mrl.models.base import GenerativeModel

CHARRNN = {'validity': 0.9748, 'unique@10000': 0.9994, 'novelty': 0.8419, 'int_div1': 0.8562, 'fcd': 0.0732, 'snn': 0.6015}
TARGETS = {'validity': ('>=', 0.95), 'unique@10000': ('>=', 0.99), 'novelty': ('>=', 0.80)}
RESULTS = Path(__file__).parent/'results'


def corpus(name: str, run: str | None, executor) -> tuple[list[str], list[str]]:
    "The prior's training molecules and its held-out test molecules."
    if run:
        d = Path(run)/'data'
        train, test = read_smiles(d/'train.smi')['smiles'].tolist(), read_smiles(d/'test.smi')['smiles'].tolist()
    else:
        recipe = priors.RECIPES[name]
        smiles, _ = priors.load_corpus(recipe, executor=executor, verbose=False)
        train, valid, test = priors.split_corpus(recipe, smiles, executor=executor)
        train = train + valid
    if name == 'moses':  # novelty as MOSES defines it: against the whole MOSES training set, not only the subset used
        train = [c for c in canonicalize(load_moses('train')['smiles'].tolist(), executor=executor) if c]
    return train, test


def measure(name: str, n: int, seed: int, run: str | None, workers: int, ref_size: int | None = None, model_dir: str | None = None) -> dict:
    model = priors.load(name, device='cpu') if model_dir is None else GenerativeModel.load(model_dir, device='cpu')
    model.eval()
    set_seed(seed)
    t0 = time.perf_counter()
    max_len = priors.RECIPES[name].max_tokens + 2
    samples = model.sample_smiles(n, max_len=max_len)
    speed = n / (time.perf_counter() - t0)
    # unique@10k needs 10,000 valid molecules (as MOSES counts it): sample on until there are, up to 3n in all
    k = min(10_000, n)
    extra = []
    while sum(map(is_valid, samples + extra)) < k and len(samples) + len(extra) < 3 * n:
        extra += model.sample_smiles(n // 4, max_len=max_len)
    valid = [s for s in samples + extra if is_valid(s)][:k]
    with ProcessPoolExecutor(workers) if workers > 1 else _Serial() as ex:
        train, test = corpus(name, run, ex)
        if ref_size and len(test) > ref_size: test = random.Random(seed).sample(test, ref_size)  # bounded memory (see --ref-size)
        m = distribution_metrics(samples, train=set(train), ref=test, ks=(), executor=ex)
    m[f'unique@{k}'] = len(set(canonicalize(valid))) / len(valid) if valid else float('nan')
    m = {k: float(v) for k, v in m.items()}
    m['samples_per_second'] = speed
    m['n_samples'] = n
    return m


class _Serial:
    def __enter__(self): return None
    def __exit__(self, *a): return False


def table(results: dict[str, dict]) -> str:
    keys = ['validity', 'unique@10000', 'novelty', 'int_div1', 'fcd', 'snn', 'frag', 'scaf', 'filters', 'samples_per_second']
    rows = ['| measure | ' + ' | '.join(results) + ' | MOSES CharRNN | target |', '|---' * (len(results) + 3) + '|']
    for k in keys:
        cells = [f"{r[k]:.4f}" if k in r and k != 'samples_per_second' else (f"{r[k]:,.0f}" if k in r else '-') for r in results.values()]
        tgt = ' '.join(map(str, TARGETS[k])) if k in TARGETS else ('<= 0.5 (MOSES prior)' if k == 'fcd' else '')
        rows.append(f"| {k} | " + ' | '.join(cells) + f" | {CHARRNN.get(k, '-')} | {tgt} |")
    return '\n'.join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--priors', nargs='+', default=None, help='priors to measure (default: all shipped)')
    ap.add_argument('--n', type=int, default=10_000, help='molecules sampled per prior')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--run', default=None, help='a train_prior run directory to read the corpus splits from (one prior only)')
    ap.add_argument('--workers', type=int, default=2, help='processes for the RDKit work')
    ap.add_argument('--ref-size', type=int, default=20_000, help='held-out molecules FCD/SNN/Frag/Scaf are measured against, a seeded '
                    'random subset where there are more (fcd_torch on all 176,074 MOSES test molecules ran out of 24 GB here); 0: all')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (default: torch decides)')
    ap.add_argument('--update-cards', action='store_true', help="record the figures in the priors' model cards")
    ap.add_argument('--model', default=None, help="measure this saved model (a candidate, not shipped) against the one prior named in --priors")
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    names = args.priors or priors.available()
    if args.model and (len(names) != 1 or args.update_cards):
        ap.error("--model measures one candidate against one prior's corpus (--priors NAME), and is not recorded in a card")
    results = {}
    for name in names:
        t0 = time.perf_counter()
        label = name if args.model is None else f"{name} candidate ({args.model})"
        results[label] = measure(name, args.n, args.seed, args.run, args.workers, args.ref_size, args.model)
        print(f"{label}: measured in {time.perf_counter() - t0:.0f} s", flush=True)
        if args.update_cards: priors.set_quality(name, results[name])
    env = machine_description()
    print(f"Prior quality on {args.n:,} samples each (seed {args.seed})\n\n{table(results)}\n\nEnvironment: {env}\n")
    # the results files keep the rows of priors not measured this time
    RESULTS.mkdir(exist_ok=True)
    stem = 'prior_quality' if args.model is None else 'prior_candidates'
    csv = RESULTS/f'{stem}.csv'
    rows = pd.DataFrame(results).T.assign(environment=env)
    if csv.exists():
        old = pd.read_csv(csv, index_col='prior')
        rows = pd.concat([old.drop(index=[p for p in rows.index if p in old.index]), rows])
    rows.to_csv(csv, index_label='prior')
    everything = {p: r.dropna().drop('environment').to_dict() for p, r in rows.iterrows()}
    envs = '\n'.join(f"- {p}: {e}" for p, e in rows['environment'].items())
    (RESULTS/f'{stem}.md').write_text(f"Prior quality on {args.n:,} samples each (seed {args.seed})\n\n{table(everything)}\n\nEnvironment:\n{envs}\n")


if __name__ == '__main__':
    main()
