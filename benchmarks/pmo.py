"""PMO benchmark (Gao et al. 2022, "Sample Efficiency Matters"): mrl's RL recipes on the PMO tasks.

Each (task, seed) run optimises one objective with a budget of oracle calls (PMO: 10,000 distinct valid molecules)
and is scored by the area under the top-10-mean curve (`mrl.scoring.oracle.top_k_auc`, checkpoints every 100 calls). As in
PMO's own runner, a run also stops once more than 1,000 calls are spent and the 100 best scores have not changed for
5 batches; its curve is then extended flat to the budget. The oracle's scores are the reward as they are: no
medicinal-chemistry filter and no diversity filter (a recipe's diversity filter is switched off unless --set
diversity_bucket=N asks for it). One CSV row per run (appended as runs finish, so a long
sweep can be interrupted and continued: runs already in the CSV are skipped), with its curve in `<out>_curves.csv` and its
10 best molecules (SMILES, score, the call that found them) in `<out>_top.csv`; the printed table puts the mean over
seeds beside the published figures in ../shared/pmo_reference.csv (REINVENT, Graph GA, Genetic GFN; mean of 5 seeds).

    python benchmarks/pmo.py --recipe augmented_memory --tasks qed celecoxib_rediscovery --seeds 0 1 2
    python benchmarks/pmo.py --quick            # 3 tasks, budget 1,000, 1 seed: a smoke test in minutes
    python benchmarks/pmo.py --table            # print the table of the runs in the CSV, run nothing

The prior is the shipped ChEMBL prior unless --prior names another. The full sweep (23 tasks x 3 seeds) is hours
of CPU; run it in pieces with --tasks, in parallel processes writing separate --out files.
"""
from __future__ import annotations

import argparse
import dataclasses
import heapq
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from mrl.chem import canonicalize
from mrl.core import machine_description
from mrl.callbacks.core import Callback
from mrl.callbacks.reward import Reward
from mrl.core import StopTraining, set_seed
from mrl.environment import Environment
from mrl.models.base import GenerativeModel
from mrl.scoring.objectives import PMO_TASKS
from mrl.optimize import OptimizeConfig, build_environment, load_prior
from mrl import priors
from mrl.scoring.oracle import Oracle, oracle_metrics, top_k_curve
from mrl.recipes import DEFAULT_RECIPE, RECIPES

REFERENCE = Path(__file__).resolve().parents[1].parent / 'shared' / 'pmo_reference.csv'
QUICK_TASKS = ['qed', 'celecoxib_rediscovery', 'isomers_c7h8n2o2']


class Patience(Callback):
    "PMO's stopping rule: after 1,000 calls, stop when the 100 best scores are unchanged for `patience` batches in a row."
    def __init__(self, oracle: Oracle, patience: int = 5):
        super().__init__(name='pmo_patience', order=150)
        self.oracle, self.patience, self.count, self.before = oracle, patience, 0, None

    def top100(self): return heapq.nlargest(100, self.oracle.scores.tolist())

    def before_batch(self): self.before = self.top100() if self.oracle.n_calls > 100 else None

    def after_batch(self):
        if self.oracle.n_calls <= 1000: return
        self.count = self.count + 1 if self.top100() == self.before else 0
        if self.count >= self.patience: raise StopTraining(f"top-100 unchanged for {self.patience} batches")


def run_one(task: str, seed: int, prior: GenerativeModel, budget: int, config: OptimizeConfig) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    "One PMO run: optimise `task` until the oracle budget is spent or PMO's patience rule stops it; its figures, curve and 10 best molecules."
    oracle = Oracle(task, budget=budget)
    set_seed(seed)
    with tempfile.TemporaryDirectory() as out:  # the run's log files; a benchmark keeps only its figures
        return _run(task, seed, prior, budget, dataclasses.replace(config, out=out), oracle)


def _run(task, seed, prior, budget, config, oracle):
    env: Environment = build_environment(config, prior)
    env.remove(config.objective)   # the oracle replaces the configured objective,
    env.remove('checkpoint')       # and a benchmark run is not checkpointed
    env.register(Reward(oracle, name=task))
    env.register(Patience(oracle))
    start = time.time()
    max_batches = 5 * budget // config.batch_size + 10   # ends earlier: the budget or the patience rule stops the run
    env.fit(bs=config.batch_size, sl=config.max_len, iters=max_batches, progress=False)
    m = oracle_metrics(oracle)
    fresh = last_batch_new(env.log.df, partial_last=oracle.exhausted)
    row = {'recipe': config.recipe, 'task': task, 'seed': seed, 'auc_top10': m['auc_top10'], 'avg_top10': m['avg_top10'],
           'avg_top1': m['avg_top1'], 'n_calls': m['n_calls'], 'batches': env.iteration, 'last_batch_new': round(fresh, 3),
           'wall_s': round(time.time() - start, 1)}
    calls, top10 = top_k_curve(oracle, 10, 100, budget)
    curve = pd.DataFrame({'recipe': config.recipe, 'task': task, 'seed': seed, 'calls': calls, 'top10': top10})
    top = oracle.top(10).rename(columns={'call': 'found_at_call'})
    top.insert(0, 'rank', range(1, len(top) + 1))
    return row, curve, top.assign(recipe=config.recipe, task=task, seed=seed)


def prior_label(prior: str) -> str:
    "Which weights a run started from: a shipped prior's name with the start of its weights' SHA-256, or a model directory's path."
    if prior in priors.available(): return f"{prior}@{priors.model_card(prior)['files']['weights.pt'][:8]}"
    return str(Path(prior).resolve())


def last_batch_new(log: pd.DataFrame, partial_last: bool) -> float:
    """The no-collapse check: the fraction of the last complete batch's valid model samples that are distinct molecules
    not sampled before in the run. When the budget ran out, the last logged batch holds only what it still scored."""
    model = log[log['source'] == 'model']
    batches = sorted(model['batch'].unique())
    if partial_last: batches = batches[:-1]
    if not batches: return float('nan')
    canon = dict(zip(model['smiles'], canonicalize(list(model['smiles']))))
    last = [canon[s] for s in model[model['batch'] == batches[-1]]['smiles'] if canon[s]]
    before = {canon[s] for s in model[model['batch'] < batches[-1]]['smiles']}
    return len(set(last) - before) / max(len(last), 1)


def table(df: pd.DataFrame) -> pd.DataFrame:
    "Per task: mean and sd over seeds of each recipe's top-10 AUC, beside the published figures, with a row of sums."
    kw = dict(index='task', columns='recipe', values='auc_top10', sort=False, dropna=False)
    out = df.pivot_table(aggfunc='mean', **kw).join(df.pivot_table(aggfunc='std', **kw).add_suffix(' sd'))
    out = out.join(df.groupby('task', sort=False)['seed'].nunique().rename('seeds'))
    if REFERENCE.exists():
        ref = pd.read_csv(REFERENCE).set_index('task')[['reinvent', 'graph_ga', 'genetic_gfn_2024']]
        out = out.join(ref.add_prefix('published '), how='left')
    sums = out.sum(numeric_only=True)
    sums[[c for c in out.columns if c.endswith(' sd') or c == 'seeds']] = float('nan')
    out.loc['sum'] = sums
    return out


def wins(out: pd.DataFrame) -> str:
    "On how many tasks each recipe beats the published REINVENT figure."
    if 'published reinvent' not in out: return ''
    tasks = out.drop(index='sum')
    recipes = [c for c in out.columns if not c.endswith(' sd') and c != 'seeds' and not c.startswith('published ')]
    return '; '.join(f"{r} beats published REINVENT on {(tasks[r] > tasks['published reinvent']).sum()} of {tasks[r].notna().sum()} tasks"
                     for r in recipes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--recipe', default=DEFAULT_RECIPE, help=f"an mrl recipe: {', '.join(RECIPES)} (default: {DEFAULT_RECIPE})")
    ap.add_argument('--tasks', nargs='+', default=None, help=f'PMO tasks (default: all {len(PMO_TASKS)}, or 3 with --quick)')
    ap.add_argument('--seeds', nargs='+', type=int, default=None, help='seeds (default: 0 1 2, or 0 with --quick)')
    ap.add_argument('--budget', type=int, default=None, help='oracle calls per run (default: 10,000, or 1,000 with --quick)')
    ap.add_argument('--prior', default='chembl', help='a shipped prior (mrl.priors.available()) or a saved model directory (default: chembl); with --table also a label of the CSV\'s prior column, e.g. chembl@2d33c9b6')
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='override a setting of the recipe, e.g. --set sigma=200 replay=0')
    ap.add_argument('--out', default='benchmarks/results/pmo_runs.csv', help='the per-run CSV (appended to)')
    ap.add_argument('--quick', action='store_true', help='3 tasks, budget 1,000, one seed')
    ap.add_argument('--table', action='store_true', help='print the table of the runs already in --out and exit')
    args = ap.parse_args()
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
    curves_out, top_out = out.with_name(out.stem + '_curves.csv'), out.with_name(out.stem + '_top.csv')
    if args.table:
        df = pd.read_csv(out)
        name = args.prior if '@' in args.prior else prior_label(args.prior)  # a label as in the CSV (e.g. chembl@2d33c9b6) selects earlier weights
        df = df[df['prior'] == name]
        print(f"prior: {name}"); t = table(df); print(t.round(3).to_string()); print(wins(t)); print(machine_description()); return
    if args.recipe not in RECIPES: sys.exit(f"Unknown recipe {args.recipe!r}; choose one of {', '.join(RECIPES)}.")
    tasks = args.tasks or (QUICK_TASKS if args.quick else list(PMO_TASKS))
    seeds = args.seeds if args.seeds is not None else ([0] if args.quick else [0, 1, 2])
    budget = args.budget or (1_000 if args.quick else 10_000)
    unknown = [t for t in tasks if t not in PMO_TASKS]
    if unknown: sys.exit(f"Unknown PMO task(s) {unknown}; choose from {list(PMO_TASKS)}.")
    overrides = {}
    for item in args.set:
        key, _, value = item.partition('=')
        if key not in OptimizeConfig.__dataclass_fields__: sys.exit(f"--set: unknown setting {key!r}.")
        overrides[key] = OptimizeConfig.kind(key)(value) if OptimizeConfig.kind(key) is not bool else value.lower() == 'true'
    label = args.recipe + ''.join(f"+{k}={v}" for k, v in overrides.items())

    prior, prior_name = load_prior(args.prior), prior_label(args.prior)
    done = pd.read_csv(out) if out.exists() else pd.DataFrame(columns=['recipe', 'task', 'seed', 'prior'])
    for task in tasks:
        for seed in seeds:
            if ((done['recipe'] == label) & (done['task'] == task) & (done['seed'] == seed) & (done['prior'] == prior_name)).any(): continue
            # PMO's protocol: the oracle alone, no reward modification (no medicinal-chemistry filter, no diversity filter)
            settings = {'medchem_filters': False, 'diversity_bucket': 0, **overrides}
            config = OptimizeConfig(objective='qed', prior=args.prior, recipe=args.recipe, seed=seed, **settings)
            try: row, curve, top = run_one(task, seed, prior, budget, config)
            except ModuleNotFoundError as e:  # drd2/gsk3b/jnk3 need molscore's model files
                print(f"skipping {task}: {e}"); break
            row['recipe'] = curve['recipe'] = top['recipe'] = label
            row['budget'] = budget
            row['prior'] = curve['prior'] = top['prior'] = prior_name
            curve.to_csv(curves_out, mode='a', header=not curves_out.exists(), index=False)
            top.to_csv(top_out, mode='a', header=not top_out.exists(), index=False)
            pd.DataFrame([row]).to_csv(out, mode='a', header=not out.exists(), index=False)  # last: a run in the CSV is complete
            print(f"{label} {task:<28} seed {seed}: AUC top-10 {row['auc_top10']:.3f}  top-10 {row['avg_top10']:.3f}  "
                  f"calls {row['n_calls']}  batches {row['batches']}  new in last batch {row['last_batch_new']:.2f}  {row['wall_s']:.0f} s",
                  flush=True)

    df = pd.read_csv(out)
    df = df[(df['budget'] == budget) & (df['prior'] == prior_name)]
    print(f"\nPMO top-10 AUC, budget {budget:,} calls, prior: {prior_name}")
    t = table(df)
    print(t.round(3).to_string())
    print(wins(t))
    if budget != 10_000: print("(published figures use a budget of 10,000: compare with care)")
    print(machine_description())
    print(f"rows in {out}")


if __name__ == '__main__': main()
