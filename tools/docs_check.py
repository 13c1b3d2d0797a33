"""Check the built docs site (`docs/`, made by `tools/build_docs.py`): links, anchors, tables, table of contents,
and what a real browser shows.

1. **links**: every internal `href`/`src` of every page lands on a file of the site, and its `#anchor` on an id of
   that page;
2. **ids**: no id is used twice on a page (a link to it would be ambiguous);
3. **tables**: every row of every table has as many cells as its header, in the built HTML and in the Markdown pages
   the site is made from (`_proc/pages`): there an unescaped `|` (a union type, `str | None`) adds cells that the
   Markdown renderer silently drops, so the HTML alone cannot show the damage;
4. **toc**: no page's table of contents lists an entry twice;
5. **browser**: headless Chromium opens the index and the pages callbacks core, environment (at an anchor) and
   optimize from a local HTTP server, with no console error, uncaught exception or failed load, and saves a
   screenshot of each under `docs/_check/`. Chromium is installed with apt-get when it is missing and that is
   possible (root or password-less sudo); otherwise this part is skipped with the reason, and 1-4 still run.

Usage: `python tools/docs_check.py [--site docs] [--pages _proc/pages] [--no-browser] [--self-test]`.
Prints each problem and a summary; the exit status is 1 if anything is broken. `--self-test` checks the checker on a
small site broken on purpose (a missing anchor, a missing page, a short table row, an unescaped `|`, a repeated id
and TOC entry) and on its repaired copy.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BROWSER_PAGES = [('index', 'index.html'), ('callbacks_core', 'callbacks_core.html'),
                 ('environment', 'environment.html#environment.fit'), ('optimize', 'optimize.html')]
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}


# ----------------------------------------------------------------------------------------------------------------
# HTML pages

@dataclass
class Page:
    "What the check needs from one HTML page."
    ids: list = field(default_factory=list)      # every id (and <a name>), in order
    links: list = field(default_factory=list)    # (attribute value, tag) of internal href/src
    tables: list = field(default_factory=list)   # per table: list of row widths (cells, colspan and rowspan counted)
    toc: list = field(default_factory=list)      # (label, href) of the table-of-contents entries


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page, self.stack, self.tables = Page(), [], []
        self.toc_depth, self.toc_link = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ('id',) + (('name',) if tag == 'a' else ()):
            if a.get(key): self.page.ids.append(a[key])
        for key in ('href', 'src'):
            if a.get(key) is not None and tag in ('a', 'img', 'link', 'script', 'iframe', 'source'):
                self.page.links.append((a[key], tag))
        cls = (a.get('class') or '').split()
        # a row's width: its own cells (colspan counted) plus the cells reaching down into it from rows above (rowspan)
        if tag == 'table': self.tables.append({'rows': [], 'carry': [], 'new': [], 'row': None})
        elif tag == 'tr' and self.tables: self.tables[-1].update(row=0, new=[])
        elif tag in ('td', 'th') and self.tables and self.tables[-1]['row'] is not None:
            t, span = self.tables[-1], int(a.get('colspan') or 1)
            t['row'] += span
            if int(a.get('rowspan') or 1) > 1: t['new'].append([int(a['rowspan']) - 1, span])
        if 'md-sidebar--secondary' in cls and self.toc_depth is None: self.toc_depth = len(self.stack)
        if tag == 'a' and self.toc_depth is not None and 'md-nav__link' in cls: self.toc_link = [a.get('href', ''), '']
        if tag not in VOID: self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID: self.handle_endtag(tag)

    def handle_data(self, data):
        if self.toc_link is not None: self.toc_link[1] += data

    def handle_endtag(self, tag):
        if tag == 'a' and self.toc_link is not None:
            self.page.toc.append((' '.join(self.toc_link[1].split()), self.toc_link[0]))
            self.toc_link = None
        if tag == 'tr' and self.tables and self.tables[-1]['row'] is not None:
            t = self.tables[-1]
            t['rows'].append(t['row'] + sum(span for _, span in t['carry']))
            t['carry'] = [[left - 1, span] for left, span in t['carry'] if left > 1] + t['new']
            t['row'] = None
        if tag == 'table' and self.tables: self.page.tables.append(self.tables.pop()['rows'])
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag: pass
        if self.toc_depth is not None and len(self.stack) <= self.toc_depth: self.toc_depth = None


def parse_page(html: str) -> Page:
    p = _PageParser()
    p.feed(html)
    p.close()
    return p.page


def _internal(url: str) -> bool:
    s = urlsplit(url)
    return not s.scheme and not s.netloc and not url.startswith(('data:', 'javascript:', 'mailto:'))


def check_site(site: Path) -> tuple[list[str], dict]:
    "Problems with links, ids, HTML tables and TOC entries of every page of `site`, and what was checked."
    pages = {p.relative_to(site).as_posix(): parse_page(p.read_text(errors='replace'))
             for p in sorted(site.rglob('*.html')) if '_check' not in p.parts}
    problems, stats = [], Counter(pages=len(pages))
    ids = {name: set(pg.ids) for name, pg in pages.items()}
    for name, pg in pages.items():
        stats['ids'] += len(pg.ids)
        for i, n in Counter(pg.ids).items():
            if n > 1: problems.append(f'{name}: id "{i}" is used {n} times')
        for url, tag in pg.links:
            if not _internal(url): continue
            stats['links'] += 1
            s = urlsplit(url)
            base = Path(name).parent
            path = s.path.lstrip('/') if s.path.startswith('/') else (base / unquote(s.path)).as_posix() if s.path else name
            path = os.path.normpath(path)
            if s.path.endswith('/') or (site / path).is_dir(): path = os.path.join(path, 'index.html')
            if path.startswith('..') or not (site / path).is_file():
                problems.append(f'{name}: <{tag}> {url} -> no file {path}')
                continue
            if s.fragment and path.endswith('.html'):
                stats['anchors'] += 1
                if unquote(s.fragment) not in ids.get(path, set()):
                    problems.append(f'{name}: link {url} -> {path} has no anchor "{unquote(s.fragment)}"')
        for rows in pg.tables:
            stats['tables'] += 1
            stats['table rows'] += len(rows)
            for k, width in enumerate(rows[1:], 1):
                if width != rows[0]:
                    problems.append(f'{name}: a table row has {width} cells, its header {rows[0]} (row {k + 1})')
        stats['toc entries'] += len(pg.toc)
        for (label, href), n in Counter(pg.toc).items():
            if n > 1: problems.append(f'{name}: the table of contents lists "{label}" ({href}) {n} times')
        for label, n in Counter(label for label, _ in pg.toc).items():
            hrefs = sorted({h for l, h in pg.toc if l == label})
            if n > 1 and len(hrefs) > 1:
                problems.append(f'{name}: the table of contents has {n} entries "{label}" ({", ".join(hrefs)})')
    if len(pages) > 1 and not stats['toc entries']:
        problems.append('no page has a table of contents (.md-sidebar--secondary): did the theme change? The TOC check saw nothing')
    return problems, stats


# ----------------------------------------------------------------------------------------------------------------
# Markdown pages: the tables as written

_FENCE = re.compile(r'^ {0,3}(`{3,}|~{3,})')
_SEP = re.compile(r'^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$')
_CODE_SPAN = re.compile(r'(`+)(.+?)(?<!`)\1(?!`)')


def split_row(line: str) -> list[str]:
    "A Markdown table row's cells as Python-Markdown splits them: at `|`, except escaped or inside a code span."
    masked = _CODE_SPAN.sub(lambda m: 'x' * len(m.group(0)), line)
    masked = masked.replace('\\|', 'xx').strip()
    cuts = [i for i, c in enumerate(masked) if c == '|']
    text = line.strip()
    cells, start = [], 0
    for i in cuts + [len(masked)]:
        cells.append(text[start:i])
        start = i + 1
    if masked.startswith('|'): cells = cells[1:]
    if masked.endswith('|'): cells = cells[:-1]
    return [c.strip() for c in cells]


def check_markdown(pages_dir: Path) -> tuple[list[str], dict]:
    "Table rows whose cell count differs from their header's in the Markdown pages the site was made from."
    problems, stats = [], Counter({'markdown pages': 0})
    for md in sorted(pages_dir.glob('*.md')):
        stats['markdown pages'] += 1
        lines, fence, i = md.read_text().splitlines(), None, 0
        while i < len(lines):
            line = lines[i]
            m = _FENCE.match(line)
            if m and (fence is None or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
                fence = None if fence else m.group(1)
            elif not fence and '|' in line and i + 1 < len(lines) and _SEP.match(lines[i + 1]) and '-' in lines[i + 1]:
                width = len(split_row(line))
                stats['markdown tables'] += 1
                i += 2
                while i < len(lines) and lines[i].strip() and '|' in lines[i]:
                    stats['markdown table rows'] += 1
                    n = len(split_row(lines[i]))
                    if n != width:
                        problems.append(f'{md.name}:{i + 1}: a table row has {n} cells, its header {width} '
                                        f'(an unescaped "|"?): {lines[i].strip()[:100]}')
                    i += 1
                continue
            i += 1
    return problems, stats


# ----------------------------------------------------------------------------------------------------------------
# The browser

def find_chromium(install: bool = True) -> tuple[str | None, str]:
    "The Chromium (or Chrome) executable, installing Debian's `chromium` with apt-get when missing and possible."
    names = [os.environ.get('CHROMIUM', ''), 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
    found = next((shutil.which(n) for n in names if n and shutil.which(n)), None)
    if found or not install: return found, '' if found else 'no chromium on PATH'
    if not shutil.which('apt-get'): return None, 'chromium is not installed and there is no apt-get to install it'
    sudo = [] if os.geteuid() == 0 else ['sudo', '-n']
    if sudo and (not shutil.which('sudo') or subprocess.run(['sudo', '-n', 'true'], capture_output=True).returncode):
        return None, 'chromium is not installed, and installing it needs root (no password-less sudo here)'
    print('docs check: installing chromium with apt-get (once) ...', flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    cmd = sudo + ['apt-get', 'install', '-y', '-qq', 'chromium']
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode:  # the package lists may be missing or stale
        subprocess.run(sudo + ['apt-get', 'update', '-qq'], capture_output=True, env=env)
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    found = shutil.which('chromium')
    return found, '' if found else f'apt-get could not install chromium: {(res.stderr or res.stdout).strip()[-300:]}'


class Chromium:
    "Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`): no extra packages."

    def __init__(self, exe: str, timeout: float = 30):
        self.timeout, self.next_id, self.events, self.buf = timeout, 0, [], b''
        self.profile = tempfile.mkdtemp(prefix='mrl-docs-chromium-')
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():  # the protocol pipe is fd 3 (commands in) and fd 4 (replies out) in Chromium
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3); os.dup2(b, 4)

        args = [exe, '--headless', '--remote-debugging-pipe', f'--user-data-dir={self.profile}', '--no-first-run',
                '--no-default-browser-check', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars',
                '--disable-extensions', '--mute-audio', 'about:blank']
        if os.geteuid() == 0: args.insert(1, '--no-sandbox')  # Chromium refuses to run as root with its sandbox
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=child_fds, close_fds=False)
        os.close(to_chrome_r); os.close(from_chrome_w)

    def _read(self, timeout: float):
        r, _, _ = select.select([self.from_chrome], [], [], timeout)
        if not r: return
        chunk = os.read(self.from_chrome, 1 << 20)
        if not chunk: raise RuntimeError('Chromium closed the DevTools pipe: ' + self._stderr())
        self.buf += chunk
        *msgs, self.buf = self.buf.split(b'\0')
        for m in msgs:
            if m: self.events.append(json.loads(m))

    def _stderr(self) -> str:
        if self.proc.poll() is None: return '(still running)'
        return (self.proc.stderr.read() or b'').decode(errors='replace')[-500:]

    def wait_for(self, pred, timeout: float | None = None) -> dict:
        end = time.time() + (timeout or self.timeout)
        while True:
            for i, m in enumerate(self.events):
                if pred(m): return self.events.pop(i)
            if time.time() > end: raise TimeoutError('no reply from Chromium in time')
            self._read(min(0.2, max(0.0, end - time.time())))

    def pump(self, seconds: float):
        end = time.time() + seconds
        while time.time() < end: self._read(end - time.time())

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session: msg['sessionId'] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b'\0')
        n = self.next_id
        reply = self.wait_for(lambda m: m.get('id') == n)
        if 'error' in reply: raise RuntimeError(f'{method}: {reply["error"]}')
        return reply.get('result', {})

    def visit(self, url: str, screenshot: Path, settle: float = 1.5) -> tuple[dict, list[str]]:
        "Open `url` in a fresh tab; return what the page shows and its console errors; save a screenshot."
        target = self.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        s = self.send('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        for domain in ('Page', 'Runtime', 'Log'): self.send(f'{domain}.enable', session=s)
        self.send('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 1000, 'deviceScaleFactor': 1,
                                                         'mobile': False}, session=s)
        self.send('Page.navigate', {'url': url}, session=s)
        self.wait_for(lambda m: m.get('method') == 'Page.loadEventFired' and m.get('sessionId') == s)
        self.pump(settle)  # scripts that run after load (search index, highlighting) get to fail too
        info = self.send('Runtime.evaluate', {'returnByValue': True, 'expression': '''JSON.stringify({
            title: document.title, h1: (document.querySelector('article h1') || {}).textContent || '',
            tables: document.querySelectorAll('article table').length,
            images: [...document.querySelectorAll('article img')].filter(i => !(i.complete && i.naturalWidth)).length,
            hash: location.hash ? !!document.getElementById(decodeURIComponent(location.hash.slice(1))) : null,
            scrolled: window.scrollY})'''}, session=s)
        info = json.loads(info['result']['value'])
        shot = self.send('Page.captureScreenshot', {'format': 'png'}, session=s)
        screenshot.write_bytes(base64.b64decode(shot['data']))
        errors = []
        for m in [e for e in self.events if e.get('sessionId') == s]:
            p = m.get('params', {})
            if m.get('method') == 'Runtime.exceptionThrown':
                d = p['exceptionDetails']
                errors.append('uncaught: ' + (d.get('exception', {}).get('description') or d.get('text', '')).splitlines()[0])
            elif m.get('method') == 'Runtime.consoleAPICalled' and p.get('type') in ('error', 'assert'):
                errors.append('console.error: ' + ' '.join(str(a.get('value', a.get('description', ''))) for a in p.get('args', [])))
            elif m.get('method') == 'Log.entryAdded' and p['entry'].get('level') == 'error':
                errors.append(f"{p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}".strip())
        self.events = [e for e in self.events if e.get('sessionId') != s]
        self.send('Target.closeTarget', {'targetId': target})
        return info, errors

    def close(self):
        try: self.send('Browser.close')
        except Exception: pass
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        for fd in (self.to_chrome, self.from_chrome): os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass


def check_browser(site: Path, out: Path, install: bool = True, pages=BROWSER_PAGES) -> tuple[list[str], dict, str]:
    "Open `pages` ((name, path) pairs) of `site` in headless Chromium; (problems, stats, reason skipped or '')."
    exe, why = find_chromium(install)
    if not exe: return [], Counter(), why
    out.mkdir(parents=True, exist_ok=True)
    problems, stats = [], Counter()
    browser = Chromium(exe)  # started before the server thread: starting a process with a thread running is unsafe
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name, path in pages:
            url = f'http://127.0.0.1:{server.server_address[1]}/{path}'
            try: info, errors = browser.visit(url, out / f'{name}.png')
            except Exception as e:
                problems.append(f'browser: {path}: could not be checked: {e}')
                continue
            stats['browser pages'] += 1
            problems += [f'browser: {path}: {e}' for e in errors]
            if not info['h1'].strip(): problems.append(f'browser: {path}: the page shows no title (h1)')
            if info['images']: problems.append(f'browser: {path}: {info["images"]} image(s) did not load')
            if info['hash'] is False: problems.append(f'browser: {path}: the anchor is not on the page')
            shot = out / f'{name}.png'
            print(f'  browser: {path:<36} "{info["h1"].strip().rstrip("¶")[:40]}", {info["tables"]} tables, {len(errors)} console '
                  f'errors -> {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}', flush=True)
    finally:
        server.shutdown()
        browser.close()
    return problems, stats, ''


# ----------------------------------------------------------------------------------------------------------------

def run_checks(site: Path, pages: Path | None, browser: bool = True, install: bool = True) -> int:
    "Run every check, print the problems and a summary; return the number of problems."
    if not (site / 'index.html').exists():
        print(f'docs check: no site in {site} (build it first: python tools/build_docs.py)')
        return 1
    problems, stats = check_site(site)
    if pages and pages.is_dir():
        p, s = check_markdown(pages)
        problems, stats = problems + p, stats + s
    else: print(f'docs check: no Markdown pages at {pages}: the Markdown table check is skipped')
    skipped = 'not asked for (--no-browser)'
    if browser:
        p, s, skipped = check_browser(site, site / '_check', install)
        problems, stats = problems + p, stats + s
    for p in problems: print(f'  BROKEN {p}')
    print('docs check: ' + ', '.join(f'{v} {k}' for k, v in stats.items())
          + (f'; browser check skipped: {skipped}' if skipped else '') + f'; {len(problems)} problems')
    return len(problems)


# A small site, broken on purpose, and its repaired copy.
_GOOD = {
    'index.html': '''<html><head><link rel="icon" href="data:,"></head><body><div class="md-sidebar md-sidebar--secondary"><nav><ul>
        <li><a class="md-nav__link" href="#intro">Intro</a></li><li><a class="md-nav__link" href="#api">API</a></li>
        </ul></nav></div><article><h1 id="intro">Intro</h1><h2 id="api">API</h2>
        <a href="other.html#thing.fit">fit</a> <a href="#api">up</a> <a href="https://example.org/x#y">out</a>
        <img src="pic.png"><table><thead><tr><th></th><th>Type</th><th>Details</th></tr></thead>
        <tbody><tr><td>x</td><td>str | None</td><td>the x</td></tr><tr><th rowspan="2">a</th><td>1</td><td>2</td></tr>
        <tr><td>3</td><td>4</td></tr></tbody></table></article></body></html>''',
    'other.html': '<html><body><h2 id="thing.fit">Thing.fit</h2><a href="index.html">home</a></body></html>',
    'pic.png': base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='),
}
_GOOD_MD = '''# Page\n\n|    | **Type** | **Details** |\n| -- | -------- | ----------- |\n| x | str \\| None | `a | b` |\n'''
_BREAKS = {  # what is broken -> (file, old, new)
    'missing anchor': ('index.html', 'other.html#thing.fit', 'other.html#thingfit'),
    'missing page': ('index.html', 'href="#api">up', 'href="gone.html">up'),
    'short table row': ('index.html', '<td>x</td><td>str | None</td><td>the x</td>', '<td>x</td><td>str</td>'),
    'repeated id': ('other.html', '<a href', '<span id="thing.fit"></span><a href'),
    'repeated toc entry': ('index.html', 'href="#api">API', 'href="#intro">Intro'),
}


def self_test() -> int:
    "The checks find each defect of a site broken on purpose, and nothing on its repaired copy."
    failures = []
    with tempfile.TemporaryDirectory() as d:
        site, pages = Path(d, 'site'), Path(d, 'pages')
        site.mkdir(); pages.mkdir()
        for name, text in _GOOD.items(): (site / name).write_bytes(text if isinstance(text, bytes) else text.encode())
        (pages / 'page.md').write_text(_GOOD_MD)
        problems = check_site(site)[0] + check_markdown(pages)[0]
        if problems: failures.append(f'the repaired site should pass, got: {problems}')
        for what, (name, old, new) in _BREAKS.items():
            assert old in _GOOD[name], what
            (site / name).write_text(_GOOD[name].replace(old, new))
            problems = check_site(site)[0]
            if len(problems) != 1: failures.append(f'{what}: expected one problem, got {problems}')
            (site / name).write_text(_GOOD[name])
        (pages / 'page.md').write_text(_GOOD_MD.replace('str \\| None', 'str | None'))
        problems = check_markdown(pages)[0]
        if len(problems) != 1 or '4 cells, its header 3' not in problems[0]:
            failures.append(f'unescaped | in a Markdown table: expected one problem, got {problems}')
        planted = len(_BREAKS) + 1
        exe, why = find_chromium(install=False)
        if exe:  # a page whose script fails, logs an error and loads a missing image
            (site / 'bad.html').write_text('<html><head><link rel="icon" href="data:,"></head><body><article><h1>Bad</h1><img src="nothere.png"><script>'
                                           'console.error("planted error"); notDefined();</script></article></body></html>')
            problems = check_browser(site, Path(d, 'shots'), False, [('good', 'index.html'), ('bad', 'bad.html')])[0]
            want = ['planted error', 'notDefined', 'nothere.png', 'did not load']
            planted += 1
            if any(p.startswith('browser: index.html') for p in problems) or not all(any(w in p for p in problems) for w in want):
                failures.append(f'browser: expected the errors of bad.html only ({want}), got {problems}')
        else: print(f'docs check self-test: the browser part is not tested ({why})')
    for f in failures: print(f'  SELF-TEST FAILED: {f}')
    print(f'docs check self-test: {planted} broken pages planted, {planted - len(failures)} caught; '
          f'{"ok" if not failures else "FAILED"}')
    return len(failures)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--site', type=Path, default=ROOT / 'docs')
    ap.add_argument('--pages', type=Path, default=ROOT / '_proc' / 'pages', help='the Markdown pages of the site')
    ap.add_argument('--no-browser', action='store_true', help='skip the headless Chromium part')
    ap.add_argument('--no-install', action='store_true', help='do not install Chromium when it is missing')
    ap.add_argument('--self-test', action='store_true', help='only check the checker on a site broken on purpose')
    args = ap.parse_args()
    if args.self_test: sys.exit(1 if self_test() else 0)
    sys.exit(1 if run_checks(args.site, args.pages, not args.no_browser, not args.no_install) else 0)


if __name__ == '__main__': main()
