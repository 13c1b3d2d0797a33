"""Cross-check `mrl.scoring.objectives` against TDC's `Oracle` (pytdc 1.1.15), the implementation the PMO benchmark calls.

For every PMO task, scores a few hundred molecules (NCI molecules shipped with RDKit, MOSES test molecules when
`molsets` is installed, the tasks' own target molecules, and some awkward cases: charges, isotopes, salts,
stereo, invalid SMILES) with both implementations and prints the largest absolute difference per task.

TDC is a test oracle here, never a dependency of mrl. Install it beside the project with

    pip install --no-deps pytdc==1.1.15 && pip install tqdm fuzzywuzzy scikit-learn "scipy<1.18"

On current RDKit/setuptools it needs stand-ins, which this script provides before importing it: a `rdkit.six`
module with `iteritems`, `scipy.histogram = numpy.histogram`, a minimal `pkg_resources`, and a stub
`huggingface_hub` (imported by tdc/__init__ but unused by the oracles).

The ML oracles (drd2, gsk3b, jnk3) need the classifier files from `molscore==1.9.5` (`pip install --no-deps
molscore==1.9.5`). The DRD2 SVM unpickles on any scikit-learn, so its reference (TDC's features + scikit-learn's predict_proba)
runs here when scikit-learn is installed.
TDC's gsk3b/jnk3 forests cannot be loaded by scikit-learn >= 1.3; pass `--old-sklearn-python PATH` (a Python
with scikit-learn 1.2.x and numpy < 2, e.g. `python -m venv /tmp/sk12 && /tmp/sk12/bin/pip install
scikit-learn==1.2.2 "numpy<2"`) to compute TDC's predictions there, from fingerprints computed TDC's way here.

    python benchmarks/check_against_tdc.py                       # GuacaMol tasks (+ drd2 if possible)
    python benchmarks/check_against_tdc.py --n 200 --old-sklearn-python /tmp/sk12/bin/python
"""
import argparse
import gzip
import importlib.metadata as md
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import types
import warnings

import numpy as np
import rdkit
from rdkit import Chem, DataStructs, RDConfig, rdBase

from mrl.scoring import objectives


def _install_tdc_shims():
    "Stand-ins that let pytdc 1.1.15 import on current RDKit / SciPy / setuptools."
    import scipy
    six = types.ModuleType('rdkit.six')
    six.iteritems = lambda d: iter(d.items())
    sys.modules.setdefault('rdkit.six', six)
    scipy.histogram = np.histogram
    try: import pkg_resources  # noqa: F401
    except ImportError:
        pr = types.ModuleType('pkg_resources')
        pr.get_distribution = lambda n: types.SimpleNamespace(version=md.version(n))
        sys.modules['pkg_resources'] = pr
    try: import huggingface_hub  # noqa: F401
    except ImportError:
        hf = types.ModuleType('huggingface_hub')
        def _missing(*a, **k): raise RuntimeError('huggingface_hub is stubbed out for the TDC cross-check')
        hf.__getattr__ = lambda attr: _missing
        sys.modules['huggingface_hub'] = hf


def molecules(n: int) -> list[str]:
    "n NCI molecules, n MOSES test molecules (if molsets is installed), the task targets and edge cases."
    with open(os.path.join(RDConfig.RDDataDir, 'NCI', 'first_5K.smi')) as f:
        nci = [l.split()[0] for l in f if l.strip()]
    step = max(1, len(nci) // n)
    out = nci[::step][:n]
    spec = importlib.util.find_spec('moses')
    if spec is not None:
        path = os.path.join(list(spec.submodule_search_locations)[0], 'dataset', 'data', 'test.csv.gz')
        with gzip.open(path, 'rt') as f:
            lines = f.read().splitlines()[1:]
        moses = [l.split(',')[0] for l in lines]
        out += moses[::max(1, len(moses) // n)][:n]
    out += list(objectives._T.values()) + list(objectives.REFERENCE_MOLECULES.values())
    out += ['[NH3+]CC(=O)[O-]', 'C[13CH2]O', '[2H]C([2H])([2H])c1ccccc1', 'CC[C@H](N)C(=O)O', 'C/C=C/C',
            '[Na+].[Cl-]', 'CCO.O', 'c1ccccc1.Cl', 'FC(F)(F)c1ccc(Cl)cc1Br', 'NC(=O)c1cc(Cl)c(OP(F)F)cc1CCN',
            'Nc1ccc(C(N)=O)cc1O', 'O=[N+]([O-])c1ccccc1', 'C1CC1', 'C', '[H][H]', 'not a smiles', 'C1CC', '']
    return out


def tdc_scores(task: str, smiles: list[str]) -> list[float]:
    from tdc import Oracle
    oracle = Oracle(task)
    out = []
    for s in smiles:  # one at a time, so that one failure is attributed to one molecule
        # PMO's own wrapper scores an empty SMILES 0 before TDC sees it (TDC alone would score the empty molecule)
        try: out.append(float(oracle([s])[0]) if s and Chem.MolFromSmiles(s) is not None else 0.0)
        except Exception as e: out.append(float('nan'))
    return out


_OLD_SKLEARN_SCRIPT = r"""
import pickle, sys, warnings, numpy as np
warnings.simplefilter('ignore')
model_path, x_path, out_path = sys.argv[1:4]
model = pickle.load(open(model_path, 'rb'))
np.save(out_path, model.predict_proba(np.load(x_path))[:, 1])
"""


def tdc_ml_features(task: str, smiles: list[str]) -> tuple[np.ndarray, list[int]]:
    "Features computed with TDC's own code (drd2) or its recipe (gsk3b/jnk3), for the valid molecules."
    from tdc.chem_utils.oracle import oracle as tdc_oracle
    from rdkit.Chem import AllChem
    rows, ok = [], []
    for i, s in enumerate(smiles):
        m = Chem.MolFromSmiles(s)
        if m is None or m.GetNumAtoms() == 0: continue
        if task == 'drd2': rows.append(tdc_oracle.fingerprints_from_mol(m)[0].astype(float))
        else:
            fp = AllChem.GetMorganFingerprintAsBitVect(m, 2, nBits=2048)
            a = np.zeros((1,)); DataStructs.ConvertToNumpyArray(fp, a); rows.append(a)
        ok.append(i)
    return np.array(rows), ok


def ml_reference(task: str, smiles: list[str], old_python: str | None) -> tuple[list[float] | None, str]:
    "TDC's value for an ML oracle, by the best route available here."
    model = objectives.ml_model_path(task)
    if old_python is None:
        if task != 'drd2': return None, 'skipped: pass --old-sklearn-python'
        # TDC's drd2 itself fails on NumPy 2 (float() of an array), but the SVM unpickles on any scikit-learn:
        # run its predict_proba here on TDC's features.
        if importlib.util.find_spec('sklearn') is None: return None, 'skipped: scikit-learn not installed'
        old_python = sys.executable
    X, ok = tdc_ml_features(task, smiles)
    with tempfile.TemporaryDirectory() as tmp:
        xp, op, sp = (os.path.join(tmp, f) for f in ('x.npy', 'p.npy', 'run.py'))
        np.save(xp, X)
        with open(sp, 'w') as f: f.write(_OLD_SKLEARN_SCRIPT)
        subprocess.run([old_python, sp, model, xp, op], check=True)
        p = np.load(op)
        ver = subprocess.run([old_python, '-c', 'import sklearn; print(sklearn.__version__)'], capture_output=True, text=True).stdout.strip()
    out = [0.0] * len(smiles)
    for i, v in zip(ok, p): out[i] = float(v)
    return out, f'TDC recipe, scikit-learn {ver}'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n', type=int, default=200, help='molecules from each source (NCI, MOSES)')
    ap.add_argument('--tasks', nargs='*', default=None, help='default: all PMO tasks')
    ap.add_argument('--old-sklearn-python', default=None, help='a Python with scikit-learn 1.2 for the gsk3b/jnk3 reference')
    ap.add_argument('--tol', type=float, default=1e-3)
    args = ap.parse_args()
    warnings.filterwarnings('ignore')
    rdBase.DisableLog('rdApp.*')
    _install_tdc_shims()
    import tdc  # noqa: F401  (fails here, clearly, if pytdc is missing)

    smiles = molecules(args.n)
    tasks = args.tasks or list(objectives.TASKS)
    print(f"{len(smiles)} molecules; tolerance {args.tol}\n")
    print(f"{'task':<26}{'max |mrl - TDC|':>16}{'worst molecule':>44}  {'mrl s':>6} {'TDC s':>6}  reference")
    failed = []
    for task in tasks:
        t0 = time.time()
        if task in objectives.ML_ORACLES:
            if not objectives.ml_oracles_available(): print(f"{task:<26}{'skipped: molscore not installed':>60}"); continue
            ref, how = ml_reference(task, smiles, args.old_sklearn_python)
            if ref is None: print(f"{task:<26}{how:>60}"); continue
        else:
            ref, how = tdc_scores(task, smiles), 'TDC Oracle'
        t_ref = time.time() - t0
        t0 = time.time()
        ours = objectives.get(task)(smiles)
        t_ours = time.time() - t0
        diff = np.abs(np.array(ours) - np.array(ref))
        diff[np.isnan(diff)] = np.inf  # TDC raised: counts as a disagreement
        worst = int(np.argmax(diff))
        if diff[worst] > args.tol: failed.append(task)
        print(f"{task:<26}{diff[worst]:>16.2e}{smiles[worst][:42]:>44}  {t_ours:>6.1f} {t_ref:>6.1f}  {how}")
    print(f"\n{len(tasks) - len(failed)} of {len(tasks)} tasks within {args.tol}" + (f"; over: {failed}" if failed else ''))
    print(f"python {platform.python_version()}, rdkit {rdkit.__version__}, pytdc {md.version('pytdc')}, "
          f"numpy {np.__version__}, scikit-learn {md.version('scikit-learn') if importlib.util.find_spec('sklearn') else 'absent'}, "
          f"CPU {os.cpu_count()} cores, {platform.machine()}")
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
