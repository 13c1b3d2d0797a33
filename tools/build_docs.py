"""Build the docs site and the README from the notebooks, offline.

Quarto (which `nbdev_docs` and `nbdev_readme` need) cannot be installed on our machines, so this script
does the same job with nbdev's own notebook processors and MkDocs Material:

1. every notebook in `nbs/` goes through nbdev's `FilterDefaults` processors (the same ones `nbdev_proc_nbs`
   runs: front matter, `show_doc` cells executed and rendered, hidden cells dropped, export flags removed),
   each in a fresh process;
2. each processed notebook is written as a Markdown page (code, text, tables, images);
3. MkDocs Material turns the pages into a static site in `docs/`, with navigation in notebook order and
   offline search.

`README.md` is the Markdown page of `nbs/index.ipynb` with absolute links, so that it reads the same on a
package index or a code host.

Usage: `python tools/build_docs.py` (site), `--readme` (write README.md), `--check-readme` (fail if stale).
"""
from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
BUILD = ROOT / '_proc'
SITE = ROOT / 'docs'
ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


def notebooks() -> list[Path]:
    "The documentation notebooks in navigation order: index first, then the numbered ones."
    nbs = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: (p.name != 'index.ipynb', p.name))


def _table_markdown(self) -> str:
    """`show_doc` Markdown for the site: a compact signature, the docstring, then the docments as a parameter
    table (nbdev 2.4's renderer puts the docments in the signature as comments and draws no table)."""
    from fastcore.docments import DocmentTbl, DocmentText

    class PlainSignature(DocmentText):
        @property
        def params(self): return [(fmt, '') for fmt, _ in super().params]

    md = _original_markdown(self)
    try: table = DocmentTbl(self.sym)._repr_markdown_()
    except Exception: return md
    if not table.strip(): return md
    plain = f'```python\n{PlainSignature(self.sym, maxline=88, docstring=False)}\n```'
    return md.replace(f'```python\n{self.dm}\n```', plain) + '\n\n' + table


def process_notebook(src: Path, dst: Path) -> Path:
    "Run nbdev's docs processors on one notebook (in the notebook's folder, as Quarto would)."
    import os
    import nbdev.showdoc
    from execnb.nbio import read_nb, write_nb
    from nbdev.processors import FilterDefaults
    global _original_markdown
    _original_markdown = nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_
    nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_ = _table_markdown
    os.chdir(src.parent)
    os.environ['IN_TEST'] = '1'
    nb = read_nb(src)
    FilterDefaults()(nb)
    dst.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, dst)
    return dst


def process_all(paths: list[Path], n_workers: int = 2) -> list[Path]:
    "Process notebooks in parallel, one fresh process per notebook (nbdev's shells are not re-entrant)."
    ctx = mp.get_context('spawn')
    dsts = [BUILD / 'nbs' / p.name for p in paths]
    with ProcessPoolExecutor(n_workers, mp_context=ctx, max_tasks_per_child=1) as ex:
        futures = [ex.submit(process_notebook, s, d) for s, d in zip(paths, dsts)]
        errors = []
        for src, f in zip(paths, futures):
            try: f.result()
            except Exception as e: errors.append(f'{src.name}: {e}')
    if errors: raise SystemExit('Docs processing failed:\n' + '\n'.join(errors))
    return dsts


def _directives(source: str) -> tuple[dict, str]:
    "Split leading `#| key: value` lines from a code cell's source."
    lines, directives = source.splitlines(), {}
    while lines and lines[0].startswith('#|'):
        key, _, val = lines.pop(0)[2:].strip().partition(':')
        directives[key.strip()] = val.strip()
    return directives, '\n'.join(lines)


def _text(x) -> str: return ''.join(x) if isinstance(x, list) else str(x)


def _output_markdown(out: dict, stem: str, assets: dict) -> str:
    "One cell output as Markdown; images are collected in `assets` (file name -> bytes)."
    kind = out.get('output_type')
    if kind == 'stream':
        text = ANSI.sub('', _text(out.get('text', ''))).rstrip()
        return f'```\n{text}\n```' if text else ''
    if kind == 'error':
        return '```\n' + ANSI.sub('', '\n'.join(out.get('traceback', []))) + '\n```'
    data = out.get('data', {})
    if 'text/markdown' in data: return _text(data['text/markdown'])
    for mime, ext in (('image/png', 'png'), ('image/jpeg', 'jpg')):
        if mime in data:
            name = f'{stem}_{len(assets) + 1}.{ext}'
            assets[name] = base64.b64decode(_text(data[mime]))
            return f'![]({name})'
    if 'image/svg+xml' in data:
        name = f'{stem}_{len(assets) + 1}.svg'
        assets[name] = _text(data['image/svg+xml']).encode()
        return f'![]({name})'
    if 'text/html' in data: return '<div class="cell-output" markdown="0">\n' + _text(data['text/html']) + '\n</div>'
    if 'text/plain' in data: return '```\n' + ANSI.sub('', _text(data['text/plain'])) + '\n```'
    return ''


def notebook_markdown(proc_nb: Path) -> tuple[dict, str, dict]:
    "A processed notebook as (front matter, Markdown text, image assets)."
    import json
    nb = json.loads(proc_nb.read_text())
    front, parts, assets = {}, [], {}
    stem = proc_nb.stem
    for cell in nb['cells']:
        src = _text(cell.get('source', ''))
        if cell['cell_type'] == 'raw':
            if src.strip().startswith('---') and not front:
                front = yaml.safe_load(src.strip().strip('-')) or {}
            continue
        if cell['cell_type'] == 'markdown':
            parts.append(src)
            continue
        directives, code = _directives(src)
        if directives.get('include') == 'false': continue
        if directives.get('echo') != 'false' and code.strip(): parts.append(f'```python\n{code}\n```')
        if directives.get('output') == 'false': continue
        outs = [_output_markdown(o, stem, assets) for o in cell.get('outputs', [])]
        parts.extend(o for o in outs if o.strip())
    head = [f"# {front['title']}"] if front.get('title') else []
    if front.get('description'): head.append(f"> {front['description']}")
    return front, '\n\n'.join(head + parts) + '\n', assets


def _doc_host() -> str:
    from nbdev.config import get_config
    cfg = get_config()
    return f'{cfg.doc_host}{cfg.doc_baseurl}'.rstrip('/') + '/'


def readme_text(proc_index: Path) -> str:
    _, md, assets = notebook_markdown(proc_index)
    if assets: raise SystemExit('nbs/index.ipynb has image outputs; README.md cannot carry them. Keep images out of the index.')
    warning = '<!-- WARNING: THIS FILE WAS AUTOGENERATED FROM nbs/index.ipynb by tools/build_docs.py --readme. DO NOT EDIT! -->'
    return md.replace('<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->', warning)


MKDOCS = {
    'site_name': 'mrl',
    'site_description': 'Generative molecular design with reinforcement learning',
    'use_directory_urls': False,
    'theme': {'name': 'material', 'font': False,  # no web fonts: the site must work offline
              'features': ['navigation.sections', 'content.code.copy', 'search.highlight'],
              'palette': {'primary': 'indigo'}},
    'plugins': ['search'],
    'markdown_extensions': ['tables', 'attr_list', 'md_in_html', 'admonition', 'def_list',
                            {'toc': {'permalink': True}}, 'pymdownx.superfences',
                            {'pymdownx.highlight': {'use_pygments': True}}],
    'extra_css': ['extra.css'],
}

EXTRA_CSS = """
.md-typeset .cell-output { overflow-x: auto; font-size: .75rem; }
.md-typeset table:not([class]) { font-size: .7rem; }
"""


def build_site(proc_nbs: list[Path]):
    "Write the Markdown pages and the MkDocs config, then build the static site into `docs/`."
    pages_dir = BUILD / 'pages'
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    host, nav = _doc_host(), []
    for p in proc_nbs:
        front, md, assets = notebook_markdown(p)
        page = 'index.md' if p.stem == 'index' else Path(front.get('output-file', p.stem + '.html')).with_suffix('.md').name
        (pages_dir / page).write_text(md.replace(host, ''))
        for name, blob in assets.items(): (pages_dir / name).write_bytes(blob)
        nav.append({('Home' if page == 'index.md' else front.get('title', p.stem)): page})
    (pages_dir / 'extra.css').write_text(EXTRA_CSS)
    config = dict(MKDOCS, docs_dir=str(pages_dir), site_dir=str(SITE), nav=nav)
    cfg_path = BUILD / 'mkdocs.yml'
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False))
    res = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '--quiet', '-f', str(cfg_path)],
                         capture_output=True, text=True)
    if res.returncode: raise SystemExit(f'mkdocs build failed:\n{res.stdout}\n{res.stderr}')
    print(f'docs: {len(nav)} pages built into {SITE.relative_to(ROOT)}/ (open docs/index.html, or serve it: python -m http.server -d docs)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--readme', action='store_true', help='only (re)write README.md from nbs/index.ipynb')
    ap.add_argument('--check-readme', action='store_true', help='fail if README.md is not current with nbs/index.ipynb')
    ap.add_argument('notebooks', nargs='*', help='build only these notebooks (default: all of nbs/)')
    args = ap.parse_args()
    if args.readme or args.check_readme:
        text = readme_text(process_all([NBS / 'index.ipynb'], n_workers=1)[0])
        readme = ROOT / 'README.md'
        if args.readme:
            readme.write_text(text)
            print('README.md written from nbs/index.ipynb')
        elif not readme.exists() or readme.read_text() != text:
            raise SystemExit('README.md is out of date with nbs/index.ipynb: run `make readme` (or '
                             '`python tools/build_docs.py --readme`) and commit README.md.')
        return
    build_site(process_all([Path(p).resolve() for p in args.notebooks] or notebooks()))


if __name__ == '__main__': main()
