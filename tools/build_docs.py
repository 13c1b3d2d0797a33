"""Build the docs site and the README from the notebooks, offline.

Quarto (which `nbdev_docs` and `nbdev_readme` need) cannot be installed on our machines, so this script
does the same job with nbdev's own notebook processors and MkDocs Material:

1. every notebook in `nbs/` goes through nbdev's `FilterDefaults` processors (the same ones `nbdev_proc_nbs`
   runs: front matter, `show_doc` cells executed and rendered, hidden cells dropped, export flags removed),
   each in a fresh process;
   `show_doc` draws a parameter table with every cell escaped (`str | None` keeps its row), gives each heading
   the id nbdev's links use (`#environment.fit`) and documents a `@patch`ed method once;
2. each processed notebook is written as a Markdown page (code, text, tables, images); doc links to names
   without an entry of their own go to their class or lose the link, and a documented name whose heading
   repeats a section's is listed in the table of contents with its kind;
3. MkDocs Material turns the pages into a static site in `docs/`, with navigation in notebook order and
   offline search. `tools/docs_check.py` then checks the result (links, anchors, tables, TOC, a real browser).

`README.md` is the Markdown page of `nbs/index.ipynb` with absolute links, so that it reads the same on a
package index or a code host.

A processed notebook is reused while the notebook, the library and the processing code are unchanged
(`_proc/nbs/*.key`); `--no-cache` redoes them all.

Usage: `python tools/build_docs.py` (site), `--readme` (write README.md), `--check-readme` (fail if stale).
"""
from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
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


_CODE_SPAN = re.compile(r'(`+)(.+?)\1', re.S)


def escape_cell(text: str) -> str:
    """One Markdown table cell: `|` outside code spans escaped (a union type such as `str | None` would otherwise
    split the row, and the renderer drops the cells past the header's count), newlines as `<br>`.
    Python-Markdown already keeps a `|` inside a code span in its cell."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out += [re.sub(r'(?<!\\)\|', r'\\|', text[pos:m.start()]), m.group(0)]
        pos = m.end()
    out.append(re.sub(r'(?<!\\)\|', r'\\|', text[pos:]))
    return ''.join(out).replace('\n', '<br>')


def _param_table(sym) -> str:
    "The docments of `sym` as a Markdown parameter table, every cell escaped (fastcore's own table does not escape `|`)."
    from fastcore.docments import DocmentTbl, _maybe_nm
    tbl = DocmentTbl(sym)
    if not tbl.has_docment: return ''
    row = lambda cells: '| ' + ' | '.join(escape_cell(_maybe_nm(c)) for c in cells) + ' |'
    header = tbl._hdr_list
    lines = [row(header), row(['-' * max(len(h), 2) for h in header])] + [row(r) for r in tbl._row_list]
    if tbl.has_return: lines.append(row(['**Returns**'] + [f'**{_maybe_nm(tbl.dm["return"][c])}**'.replace('****', '')
                                                       for c in tbl._columns]))
    return '\n'.join(lines)


def api_anchor(name: str) -> str:
    "The anchor nbdev's doc links use for a documented symbol (`Environment.fit` -> `environment.fit`)."
    return name.lower()


def _table_markdown(self) -> str:
    """`show_doc` Markdown for the site: a compact signature (`class X(...)` for a class), the docstring, then the
    docments as a parameter table (nbdev 2.4's renderer puts the docments in the signature as comments and draws no
    table). The heading gets the id nbdev's links point at and its kind: `### Environment.fit {#environment.fit .api-function}`."""
    import inspect
    from fastcore.docments import DocmentText

    class PlainSignature(DocmentText):
        @property
        def params(self): return [(fmt, '') for fmt, _ in super().params]

    md = _original_markdown(self)
    h, kind = '#' * self.title_level, 'class' if inspect.isclass(self.sym) else 'function'
    md = md.replace(f'\n{h} {self.nm}\n', f'\n{h} {self.nm} {{#{api_anchor(self.nm)} .api-{kind}}}\n', 1)
    try: table = _param_table(self.sym)
    except Exception: return md
    if not table.strip(): return md
    sig = str(PlainSignature(self.sym, maxline=88, docstring=False))
    if kind == 'class': sig = re.sub(r'^def ', 'class ', sig)
    return md.replace(f'```python\n{self.dm}\n```', f'```python\n{sig}\n```') + '\n\n' + table


def _def_names(cell, shown):
    """nbdev's `add_show_docs` helper, fixed: a method defined with `@patch` (`Agent.sample`) counts as documented
    when the notebook already calls `show_doc(Agent.sample)` (nbdev compares the bare name `sample`, and so
    rendered such methods twice, each twice in the table of contents)."""
    from fastcore.basics import concat
    from nbdev.processors import _def_types
    from nbdev.showdoc import showdoc_nm
    cellp = cell.parsed_()
    if not cellp: return []
    return [nm for o in concat(cellp) if isinstance(o, _def_types) and (o.name[0] != '_' or o.name[:2] == '__')
            for nm in [showdoc_nm(o)] if nm not in shown and o.name not in shown]


def process_notebook(src: Path, dst: Path) -> Path:
    "Run nbdev's docs processors on one notebook (in the notebook's folder, as Quarto would)."
    import nbdev.processors
    import nbdev.showdoc
    from execnb.nbio import read_nb, write_nb
    from nbdev.processors import FilterDefaults
    global _original_markdown
    _original_markdown = nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_
    nbdev.showdoc.BasicMarkdownRenderer._repr_markdown_ = _table_markdown
    nbdev.processors._def_names = _def_names
    os.chdir(src.parent)
    os.environ['IN_TEST'] = '1'
    nb = read_nb(src)
    FilterDefaults()(nb)
    dst.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, dst)
    return dst


PROC_VERSION = 3  # bump when the processing above changes: cached processed notebooks are then redone


def _proc_key(src: Path) -> str:
    "What a processed notebook depends on: the notebook, the library it documents, the processing code."
    import hashlib
    h = hashlib.sha256(f'{PROC_VERSION}'.encode())
    for f in [src, ROOT / 'settings.ini', *sorted((ROOT / 'mrl').rglob('*.py'))]: h.update(f.read_bytes())
    return h.hexdigest()


def process_all(paths: list[Path], n_workers: int = 2, cache: bool = True) -> list[Path]:
    """Process notebooks in parallel, one fresh process per notebook (nbdev's shells are not re-entrant).
    A notebook whose processed copy in `_proc/nbs` was made from the same notebook and library is not redone."""
    ctx = mp.get_context('spawn')
    dsts = [BUILD / 'nbs' / p.name for p in paths]
    keys = {s: _proc_key(s) for s in paths}
    stamp = lambda d: d.with_suffix('.key')
    todo = [(s, d) for s, d in zip(paths, dsts)
            if not (cache and d.exists() and stamp(d).exists() and stamp(d).read_text() == keys[s])]
    if len(todo) < len(paths): print(f'docs: {len(paths) - len(todo)} notebooks unchanged since their last processing (--no-cache redoes them)')
    errors = []
    with ProcessPoolExecutor(n_workers, mp_context=ctx, max_tasks_per_child=1) as ex:
        futures = [(s, d, ex.submit(process_notebook, s, d)) for s, d in todo]
        for src, dst, f in futures:
            try:
                f.result()
                stamp(dst).write_text(keys[src])
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


def slugify(value: str, separator: str = '-') -> str:
    """Heading ids as Quarto (pandoc) makes them, which nbdev's doc links expect: lower case, `.` and `_` kept
    (`Environment.fit` -> `environment.fit`; MkDocs' default drops the dot), spaces to `separator`."""
    value = unicodedata.normalize('NFKD', value).encode('ascii', 'ignore').decode('ascii')
    value = re.sub(r'[^\w\s.-]', '', value).strip().lower()
    return re.sub(rf'[{separator}\s]+', separator, value)


_FENCE = re.compile(r'^ {0,3}(`{3,}|~{3,})')
_HEADING = re.compile(r'^(#{1,6})[ \t]+(.+?)[ \t]*$')
_ATTRS = re.compile(r'[ \t]*\{:?([^{}]*)\}$')
_MD_LINK = re.compile(r'\[([^\]]*)\]\([^)]*\)')


def _heading_lines(md: str):
    "(line index, level, text, attributes) of each ATX heading outside fenced code."
    fence = None
    for i, line in enumerate(md.splitlines()):
        m = _FENCE.match(line)
        if m and (fence is None or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
            fence = None if fence else m.group(1)
            continue
        if fence or not (h := _HEADING.match(line)): continue
        text, attrs = h.group(2).rstrip('#').rstrip(), ''
        if a := _ATTRS.search(text): text, attrs = text[:a.start()], a.group(1)
        yield i, len(h.group(1)), text, attrs


def _label(text: str, attrs: str = '') -> str:
    "A heading's entry in the table of contents."
    if m := re.search(r'data-toc-label="([^"]*)"', attrs): return m.group(1)
    return _MD_LINK.sub(r'\1', text).replace('`', '').replace('**', '').strip()


def headings(md: str) -> list[tuple[int, str, str]]:
    """The headings of a Markdown page as (level, label, id), ids as the `toc` extension assigns them: explicit
    `{#id}` first, then slugs made unique with `_1`, `_2`... (code blocks skipped)."""
    found = []
    for _, level, text, attrs in _heading_lines(md):
        eid = next((t[1:] for t in attrs.split() if t.startswith('#')), None)
        found.append([level, _label(text, attrs), eid, _MD_LINK.sub(r'\1', text).replace('`', '').replace('**', '')])
    used = {f[2] for f in found if f[2]}
    for f in found:
        if f[2]: continue
        slug = base = slugify(f[3])
        n = 0
        while slug in used: n += 1; slug = f'{base}_{n}'
        used.add(slug)
        f[2] = slug
    return [tuple(f[:3]) for f in found]


def label_toc_clashes(md: str) -> str:
    """A documented name whose heading repeats a section's (a section `PPO` holding the class `PPO`) is listed in
    the table of contents with its kind, `PPO (class)`, so that no entry appears twice."""
    heads = list(_heading_lines(md))
    counts = Counter(_label(t, a) for _, level, t, a in heads if level > 1)
    lines = md.splitlines()
    for i, level, text, attrs in heads:
        kind = re.search(r'\.api-(\w+)', attrs)
        if level > 1 and kind and counts[_label(text, attrs)] > 1:
            label = f'{_label(text, attrs)} ({kind.group(1)})'
            lines[i] = f'{"#" * level} {text} {{{attrs.strip()} data-toc-label="{label}"}}'
    return '\n'.join(lines) + ('\n' if md.endswith('\n') else '')


_API_LINK = re.compile(r'\[(`[^`\]]+`)\]\(([\w.-]+\.html)?#([^)\s]+)\)')


def resolve_api_links(pages: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Make every nbdev doc link (a code name linked to `page.html#anchor`) land on an existing anchor.
    nbdev links every name in its index, including methods without their own `show_doc` and private helpers:
    a missing `Class.method` anchor falls back to the class, a name with no documentation loses its link (it
    stays code), and so does a private name. Returns the pages and a note per changed link. Links written by hand are left for the check."""
    ids = {page: {i for _, _, i in headings(md)} for page, md in pages.items()}
    notes, out = [], {}
    for page, md in pages.items():
        def fix(m):
            text, target, anchor = m.group(1), m.group(2) or page, m.group(3)
            if target in ids and anchor in ids[target]: return m.group(0)
            parts = anchor.split('.')
            private = any(x.startswith('_') and not x.startswith('__') for x in parts)
            while target in ids and len(parts) > 1 and not private:
                parts.pop()
                if '.'.join(parts) in ids[target]:
                    notes.append(f'{page}: {text} -> {target}#{".".join(parts)} (no anchor {anchor})')
                    return f'[{text}]({target}#{".".join(parts)})'
            notes.append(f'{page}: {text} unlinked ({target}#{anchor} is not documented)')
            return text
        out[page] = _API_LINK.sub(fix, md)
    return out, notes


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
                            {'toc': {'permalink': True, 'slugify': 'SLUGIFY'}}, 'pymdownx.superfences',
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
    host, nav, pages = _doc_host(), [], {}
    for p in proc_nbs:
        front, md, assets = notebook_markdown(p)
        page = 'index.md' if p.stem == 'index' else Path(front.get('output-file', p.stem + '.html')).with_suffix('.md').name
        pages[page] = md.replace(host, '')
        for name, blob in assets.items(): (pages_dir / name).write_bytes(blob)
        nav.append({('Home' if page == 'index.md' else front.get('title', p.stem)): page})
    html = {Path(k).with_suffix('.html').name: v for k, v in pages.items()}
    html, notes = resolve_api_links({k: label_toc_clashes(v) for k, v in html.items()})
    for name, md in html.items(): (pages_dir / Path(name).with_suffix('.md').name).write_text(md)
    (pages_dir / 'extra.css').write_text(EXTRA_CSS)
    config = dict(MKDOCS, docs_dir=str(pages_dir), site_dir=str(SITE), nav=nav)
    cfg_path = BUILD / 'mkdocs.yml'
    # heading ids must be the ones nbdev's links use: our slugify, which MkDocs imports from this file
    cfg_path.write_text(yaml.safe_dump(config, sort_keys=False).replace(
        "slugify: SLUGIFY", "slugify: !!python/name:build_docs.slugify"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / 'tools'), os.environ.get('PYTHONPATH')])))
    res = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '--quiet', '-f', str(cfg_path)],
                         capture_output=True, text=True, env=env)
    if res.returncode: raise SystemExit(f'mkdocs build failed:\n{res.stdout}\n{res.stderr}')
    if notes:
        print(f'docs: {len(notes)} doc links to names without their own entry were redirected or unlinked:')
        for n in notes: print('  ' + n)
    print(f'docs: {len(nav)} pages built into {SITE.relative_to(ROOT)}/ (open docs/index.html, or serve it: python -m http.server -d docs)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--readme', action='store_true', help='only (re)write README.md from nbs/index.ipynb')
    ap.add_argument('--check-readme', action='store_true', help='fail if README.md is not current with nbs/index.ipynb')
    ap.add_argument('--no-cache', action='store_true', help='process every notebook again, even those unchanged since last time')
    ap.add_argument('notebooks', nargs='*', help='build only these notebooks (default: all of nbs/)')
    args = ap.parse_args()
    if args.readme or args.check_readme:
        text = readme_text(process_all([NBS / 'index.ipynb'], n_workers=1, cache=not args.no_cache)[0])
        readme = ROOT / 'README.md'
        if args.readme:
            readme.write_text(text)
            print('README.md written from nbs/index.ipynb')
        elif not readme.exists() or readme.read_text() != text:
            raise SystemExit('README.md is out of date with nbs/index.ipynb: run `make readme` (or '
                             '`python tools/build_docs.py --readme`) and commit README.md.')
        return
    build_site(process_all([Path(p).resolve() for p in args.notebooks] or notebooks(), cache=not args.no_cache))


if __name__ == '__main__': main()
