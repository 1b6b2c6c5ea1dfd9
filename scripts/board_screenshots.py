#!/usr/bin/env python3
"""The home boards' screenshots of the README (docs/screenshots/)

    .venv/bin/python scripts/board_screenshots.py [--out docs/screenshots]

Builds the small demo (scripts/demo.py --size small) on the browser tests'
clock in a throwaway database of their harness (tests/browser/harness.py:
every addon, English and Chinese), serves it with sao, logs in as the demo
login of each group whose board opens at login and saves the board as it
shows at 1280 x 800, in 中文 as the staff start:

    board-manager.png           manager.gc
    board-front-desk.png        front.desk.gc
    board-finance.png           finance
    board-building-manager.png  building.gc
    board-hr.png                hr.gc

Not a test: run it by hand when a board changes (15 minutes on the shared
machine under load, most of it the activation and the demo), then commit
the pictures.
"""
import argparse
import glob
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.browser import harness  # noqa: E402

# file name, demo login, its demo password (README, scripts/demo.py)
BOARDS = [
    ('board-manager.png', 'manager.gc', 'demo-manager-gc'),
    ('board-front-desk.png', 'front.desk.gc', 'demo-front-desk-gc'),
    ('board-finance.png', 'finance', 'demo-finance'),
    ('board-building-manager.png', 'building.gc', 'demo-building-gc'),
    ('board-hr.png', 'hr.gc', 'demo-hr-gc'),
    ]
ADDONS = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(
        os.path.join(ROOT, 'addons', '*', 'tryton.cfg')))

# scripts/demo.py on the flows' clock: python -c _DEMO clock conf db
_DEMO = harness._CLOCK + r'''
import runpy, sys
clock, conf, db = sys.argv[1:4]
_office_clock(conf, clock)
sys.argv = ['demo.py', '-c', conf, '-d', db, '--size', 'small']
runpy.run_path('scripts/demo.py', run_name='__main__')
'''


def build_demo(server):
    "The small demo in the server's database, on the server's clock"
    started = time.monotonic()
    server._run([sys.executable, '-c', _DEMO,
            harness.E2E_CLOCK.isoformat(), server.conf, server.database],
        'demo', env=harness.clean_env())
    print(f"demo built in {time.monotonic() - started:.0f} s", flush=True)


def shoot(server, out, name, login, password):
    "Log in as login on a fresh browser and save the board it opens on"
    with harness.Browser() as browser:
        sao = browser.open(server, 'board-screenshots')
        sao.login(login, password)
        page = sao.page
        # the board's lists and graphs load after its tab opens
        page.wait_for_selector('#tabcontent .tab-pane.active',
            state='visible')
        sao.wait_idle()
        page.wait_for_timeout(1500)
        sao.wait_idle()
        # sao focuses the search entry of a part, which scrolls the board:
        # show it from its top
        page.evaluate('''() => {
            if (document.activeElement) { document.activeElement.blur(); }
            for (const element of document.querySelectorAll('*')) {
                if (element.scrollTop) { element.scrollTop = 0; }
            }
        }''')
        page.wait_for_timeout(500)
        path = os.path.join(out, name)
        page.screenshot(path=path)
        if sao.errors:
            raise RuntimeError(f"{login}: errors in the page: {sao.errors}")
    print(f"{path}: {login}, {os.path.getsize(path) // 1024} KB",
        flush=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out',
        default=os.path.join(ROOT, 'docs', 'screenshots'))
    parser.add_argument('--only', nargs='*', metavar='LOGIN',
        help="only the boards of these logins")
    args = parser.parse_args()
    server = harness.TrytonServer(ADDONS, languages=('en', 'zh_CN'),
        name='board-screenshots')
    try:
        started = time.monotonic()
        server.create_database()
        print(f"database activated in {time.monotonic() - started:.0f} s",
            flush=True)
        build_demo(server)
        server.start()
        for name, login, password in BOARDS:
            if args.only and login not in args.only:
                continue
            shoot(server, args.out, name, login, password)
    finally:
        server.stop()


if __name__ == '__main__':
    sys.exit(main())
