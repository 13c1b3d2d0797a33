"""PMO benchmark (Gao et al. 2022, "Sample Efficiency Matters"): mrl's REINVENT-style recipe on the PMO tasks.

Each (task, seed) run optimises one objective with a budget of oracle calls (PMO: 10,000 distinct valid
molecules) and is scored by the area under the top-10-mean curve (`mrl.oracle.top_k_auc`, checkpoints every
100 calls). One CSV row per run; the printed table puts the mean over seeds beside the published figures in
../shared/pmo_reference.csv (REINVENT, Graph GA, Genetic GFN; mean of 5 seeds).

    python benchmarks/pmo.py --prior runs/prior --tasks qed celecoxib_rediscovery --seeds 0 1 2
    python benchmarks/pmo.py --quick            # 3 tasks, budget 1,000, 1 seed: a smoke test in minutes

Without --prior the shipped ChEMBL prior (`mrl.priors.load('chembl')`) is used. The full 23-task run is hours of
CPU; use --tasks and --budget.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd
import torch

from mrl.core import set_seed
from mrl.environment import Environment
from mrl.models.base import GenerativeModel
from mrl.objectives import PMO_TASKS
from mrl.optimize import OptimizeConfig, build_environment, load_prior
from mrl.oracle import Oracle, oracle_metrics
from mrl.callbacks.reward import Reward

REFERENCE = Path(__file__).resolve().parents[1].parent / 'shared' / 'pmo_reference.csv'
QUICK_TASKS = ['qed', 'celecoxib_rediscovery', 'isomers_c7h8n2o2']


def run_one(task: str, seed: int, prior: GenerativeModel, budget: int, config: OptimizeConfig) -> dict:
    "One PMO run: optimise `task` until the oracle budget is spent (or `max_batches`); returns its figures."
    oracle = Oracle(task, budget=budget)
    set_seed(seed)
    env: Environment = build_environment(config, prior)
    env.remove(config.objective)   # the oracle replaces the configured objective,
    env.remove('checkpoint')       # and a benchmark run is not checkpointed
    env.register(Reward(oracle, name=task))
    start = time.time()
    max_batches = 5 * budget // config.batch_size + 10   # ends earlier: the oracle stops the run when the budget is spent
    env.fit(bs=config.batch_size, sl=config.max_len, iters=max_batches, progress=False)
    m = oracle_metrics(oracle)
    return {'task': task, 'seed': seed, 'auc_top10': m['auc_top10'], 'avg_top10': m['avg_top10'], 'avg_top1': m['avg_top1'],
            'n_calls': m['n_calls'], 'batches': env.iteration, 'wall_s': time.time() - start}


def environment_line() -> str:
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    return (f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; torch {torch.__version__} "
            f"({torch.get_num_threads()} threads)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--tasks', nargs='+', default=None, help=f'PMO tasks (default: all {len(PMO_TASKS)}, or 3 with --quick)')
    ap.add_argument('--seeds', nargs='+', type=int, default=None, help='seeds (default: 0 1 2 3 4, or 0 with --quick)')
    ap.add_argument('--budget', type=int, default=None, help='oracle calls per run (default: 10,000, or 1,000 with --quick)')
    ap.add_argument('--prior', default='chembl', help='a shipped prior (mrl.priors.available()) or a saved model directory (default: chembl)')
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--sigma', type=float, default=128.0)
    ap.add_argument('--out', default='benchmarks/results/pmo.csv')
    ap.add_argument('--quick', action='store_true', help='3 tasks, budget 1,000, one seed')
    args = ap.parse_args()
    tasks = args.tasks or (QUICK_TASKS if args.quick else list(PMO_TASKS))
    seeds = args.seeds or ([0] if args.quick else [0, 1, 2, 3, 4])
    budget = args.budget or (1_000 if args.quick else 10_000)
    unknown = [t for t in tasks if t not in PMO_TASKS]
    if unknown: sys.exit(f"Unknown PMO task(s) {unknown}; choose from {list(PMO_TASKS)}.")

    prior = load_prior(args.prior)
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for task in tasks:
        for seed in seeds:
            config = OptimizeConfig(objective='qed', prior=args.prior, batch_size=args.batch_size, lr=args.lr, sigma=args.sigma, seed=seed,
                                    medchem_filters=False)  # PMO's protocol: the oracle alone
            try: row = run_one(task, seed, prior, budget, config)
            except ModuleNotFoundError as e:  # drd2/gsk3b/jnk3 need molscore's model files
                print(f"skipping {task}: {e}"); break
            rows.append(row)
            pd.DataFrame(rows).to_csv(out, index=False)
            print(f"{task:<28} seed {seed}: AUC top-10 {row['auc_top10']:.3f}  top-10 {row['avg_top10']:.3f}  "
                  f"calls {row['n_calls']}  {row['wall_s']:.0f} s", flush=True)

    df = pd.DataFrame(rows)
    table = df.groupby('task', sort=False)['auc_top10'].agg(['mean', 'std', 'count']).rename(columns={'mean': 'mrl', 'count': 'seeds'})
    if REFERENCE.exists():
        ref = pd.read_csv(REFERENCE).set_index('task')[['reinvent', 'graph_ga', 'genetic_gfn_2024']]
        table = table.join(ref, how='left')
    table.loc['sum'] = table.sum(numeric_only=True)
    table.loc['sum', 'std'] = float('nan')
    print(f"\nPMO top-10 AUC, budget {budget:,} calls ({'quick' if args.quick else 'full'}), prior: {args.prior}")
    print(table.round(3).to_string())
    if budget != 10_000: print("(published figures use a budget of 10,000: compare with care)")
    print(environment_line())
    print(f"rows written to {out}")


if __name__ == '__main__': main()
