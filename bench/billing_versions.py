#!/usr/bin/env python3
"""The billing benchmark's ratio to Tryton's stock path, for several
revisions of the suite in one run

    .venv/bin/python bench/billing_versions.py REV [REV ...]
        [--units 1000] [--batch-size 500] [--rounds 2]

For each revision given, then for the checkout itself: a detached git
worktree of that revision under a temporary folder, its own virtualenv
made by its own `scripts/setup.sh` (what `make run` installs), and that
revision's `bench/billing.py --units N --workers 1` run in it, each on a
private PostgreSQL cluster of its own. The benchmark of each revision is
its own, so a revision whose fields were named otherwise is measured with
the code that knew them.

Printed: each revision's line of its benchmark (ours, Tryton's stock path
for the same invoices, the ratio), then one table of them. The revisions
run one after the other, never side by side, in rounds (each round runs
every revision once), so that the spread between rounds of one revision
shows the noise the revisions are compared against; run it on an idle
machine.
The worktrees are removed at the end, also on an error or Ctrl-C (the
benchmarks stop their own processes).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = re.compile(r"ours\s+N=(\d+) workers=1: (\d+) invoices in \d+ "
    r"batches, ([\d.]+) s, ([\d.]+) invoices/s")
STOCK = re.compile(r"stock N=(\d+): (\d+) invoices created and posted in "
    r"([\d.]+) s, ([\d.]+) invoices/s; ratio ours/stock ([\d.]+)")


def git(*args, cwd=ROOT):
    return subprocess.run(['git', *args], cwd=cwd, check=True,
        capture_output=True, text=True).stdout.strip()


def setup(folder):
    "the virtualenv of the revision checked out in folder, by its own setup"
    done = subprocess.run(['bash', 'scripts/setup.sh'], cwd=folder,
        capture_output=True, text=True)
    if done.returncode:
        sys.stdout.write(done.stdout[-2000:] + done.stderr[-2000:])
        raise RuntimeError(f"scripts/setup.sh failed in {folder}")


def measure(folder, units, batch_size):
    "the benchmark of the revision checked out in folder"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    process = subprocess.Popen([os.path.join(folder, '.venv', 'bin',
                'python'), 'bench/billing.py', '--units', str(units),
            '--workers', '1', '--batch-size', str(batch_size)],
        cwd=folder, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    found = {}
    try:
        for line in process.stdout:
            sys.stdout.write('    ' + line)
            sys.stdout.flush()
            if match := OURS.search(line):
                found['invoices'] = int(match.group(2))
                found['seconds'] = float(match.group(3))
                found['rate'] = float(match.group(4))
            elif match := STOCK.search(line):
                found['stock seconds'] = float(match.group(3))
                found['stock rate'] = float(match.group(4))
                found['ratio'] = float(match.group(5))
        if process.wait():
            raise RuntimeError(f"bench/billing.py ended with "
                f"{process.returncode}")
    finally:
        if process.poll() is None:
            # SIGTERM: the benchmark stops its workers and its cluster
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('revisions', nargs='+')
    parser.add_argument('--units', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=500)
    parser.add_argument('--rounds', type=int, default=2)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    head = git('rev-parse', '--short', 'HEAD')
    dirty = bool(git('status', '--porcelain', '--untracked-files=no'))
    revisions = [(rev, git('rev-parse', '--short', rev))
        for rev in args.revisions]
    scratch = tempfile.mkdtemp(prefix='bench-versions-')
    rows = []
    try:
        for number in range(1, args.rounds + 1):
            for name, commit in revisions + [('checkout', None)]:
                if commit:
                    folder = os.path.join(scratch, commit)
                    if not os.path.isdir(folder):
                        git('worktree', 'add', '--detach', '-q', folder,
                            commit)
                        setup(folder)
                    subject = git('log', '-1', '--format=%s', commit)
                else:
                    folder, commit = ROOT, head + (' + changes' if dirty
                        else '')
                    if number == 1:
                        setup(folder)
                    subject = git('log', '-1', '--format=%s', 'HEAD')
                print(f"== round {number}, {name} ({commit}): "
                    f"{subject[:60]}", flush=True)
                start = time.monotonic()
                found = measure(folder, args.units, args.batch_size)
                print(f"   done in {time.monotonic() - start:.0f} s",
                    flush=True)
                rows.append((number, name, commit, found))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for _, commit in revisions:
            folder = os.path.join(scratch, commit)
            if os.path.isdir(folder):
                subprocess.run(['git', 'worktree', 'remove', '--force',
                        folder], cwd=ROOT)
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(['git', 'worktree', 'prune'], cwd=ROOT)

    print(f"\n{args.units} homes, 1 worker, batches of {args.batch_size}:")
    print("| round | revision | commit | invoices | ours s "
        "| ours invoices/s | stock s | stock invoices/s | ratio ours/stock |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for number, name, commit, found in rows:
        print(f"| {number} | {name} | {commit} | "
            f"{found.get('invoices', '')} | "
            f"{found.get('seconds', 0):.1f} | {found.get('rate', 0):.1f} | "
            f"{found.get('stock seconds', 0):.1f} | "
            f"{found.get('stock rate', 0):.2f} | "
            f"{found.get('ratio', 0):.1f} |")
    return 0


if __name__ == '__main__':
    sys.exit(main())
