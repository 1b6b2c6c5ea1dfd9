#!/usr/bin/env python3
"""Printing at scale: a month's fee notices of N homes as one PDF

    .venv/bin/python bench/print.py [--homes 1000 10000] [--batch-size 200]
        [--sqlite]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh; or an SQLite
file with --sqlite), activates property_billing and, for each N given
(the first is the baseline), builds a site of N homes as bench/billing.py
does (owner with address, property fee by area, parking, water meter read
twice), bills the month in this process, then prints the run's fee notices
the way the Print Fee Notices button's queued task does
(`Run.render_notices`, batch by batch of the billing policy's batch size,
each batch rendered to a PDF file of its own by WeasyPrint, the files
joined by pdfunite, the result stored on the run), in a child process of
its own so that its peak memory is the printing's alone.

Printed per N: notices, seconds, notices/s, ms per notice; the child's
peak resident memory (getrusage) and its resident memory sampled through
the printing (at a quarter, half, three quarters and the end of it), to
show that memory stays that of a batch whatever N; the PDF's pages and
size; checks that the run's notices are all in the PDF (pages, the first
and last notice's home). Every process and the cluster it starts are
stopped at its end, also on an error or Ctrl-C. Nothing of it runs in the
test suite.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import billing  # noqa: E402  (the estate and billing helpers)

DATABASE = billing.DATABASE


def rss_mib():
    with open('/proc/self/status') as fp:
        for line in fp:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0


def child(run_id, company_id):
    """Print the run's fee notices as the queued task does, committing each
    batch's progress; print the figures as one JSON line"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    samples = []
    stop = threading.Event()

    def sample():
        start = time.monotonic()
        while not stop.wait(0.25):
            samples.append((time.monotonic() - start, rss_mib()))
    with Transaction().start(DATABASE, 0, context={'company': company_id}
            ) as transaction:
        Pool(DATABASE).init()
        Run = Pool().get('property.billing.run')
        Run.print_notices([Run(run_id)])
        # (the task it queued is this child's work)
        transaction.tasks.clear()
        transaction.commit()
        before = rss_mib()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t = time.monotonic()
        with transaction.set_context(property_notices_commit=True):
            Run.render_notices([Run(run_id)])
        elapsed = time.monotonic() - t
        stop.set()
        sampler.join()
        run = Run(run_id)
        state, done, failure = (run.notices_state, run.notices_done,
            run.notices_failure)
        content = run.notices if state == 'done' else b''
        homes = [i.property_unit.rec_name for i in run.notice_invoices()]
        transaction.commit()
    folder = tempfile.mkdtemp(prefix='bench-print-pdf-')
    try:
        path = os.path.join(folder, 'notices.pdf')
        with open(path, 'wb') as fp:
            fp.write(content)
        pages = 0
        first = last = ''
        if content:
            info = subprocess.run(['pdfinfo', path], capture_output=True,
                text=True).stdout
            pages = int(re.search(r'Pages:\s+(\d+)', info).group(1))
            first = subprocess.run(['pdftotext', '-f', '1', '-l', '1', path,
                    '-'], capture_output=True, text=True).stdout
            last = subprocess.run(['pdftotext', '-f', str(pages), '-l',
                    str(pages), path, '-'], capture_output=True,
                text=True).stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    quarters = []
    for q in (0.25, 0.5, 0.75, 1.0):
        upto = [r for s, r in samples if s <= elapsed * q]
        quarters.append(max(upto) if upto else before)
    print(json.dumps({'state': state, 'failure': failure, 'notices': done,
                'seconds': elapsed, 'pages': pages, 'bytes': len(content),
                'peak': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                / 1024, 'before': before, 'quarters': quarters,
                'first_home': bool(homes) and homes[0] in first,
                'last_home': bool(homes) and homes[-1] in last}),
        flush=True)


def print_notices(run_id, company_id):
    "The printing in a child process; its figures"
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__),
            '--child', str(run_id), str(company_id)],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        out, _ = process.communicate()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if process.returncode:
        raise RuntimeError(f"printing child failed ({process.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--homes', type=int, nargs='+',
        default=[1000, 10000],
        help="sizes to print, the first one the baseline")
    parser.add_argument('--batch-size', type=int, default=200,
        help="notices per batch (the billing policy's batch size)")
    parser.add_argument('--sqlite', action='store_true',
        help="on an SQLite database file instead of PostgreSQL")
    parser.add_argument('--child', nargs=2, type=int,
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0

    # stopped by a signal, the cluster and the child are stopped all the
    # same (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = None
    folder = tempfile.mkdtemp(prefix='bench-print-')
    # the PDFs stored on the runs (Binary fields with a file id) and the
    # SQLite file go there
    os.environ['TRYTOND_DATABASE__PATH'] = folder
    try:
        if args.sqlite:
            uri = 'sqlite://'
        else:
            cluster = subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                        'pgcluster.sh'), 'start'], check=True,
                capture_output=True, text=True).stdout.strip().splitlines()[-1]
            uri = open(os.path.join(cluster, 'uri')).read().strip()
        os.environ['TRYTOND_DATABASE__URI'] = uri
        os.environ['DB_NAME'] = DATABASE
        conf = os.path.join(folder, 'trytond.conf')
        with open(conf, 'w') as fp:
            fp.write(f"[database]\nuri = {uri}\npath = {folder}\n"
                "[queue]\nworker = False\n")
        os.environ['TRYTOND_CONFIG'] = conf
        t = time.monotonic()
        from trytond.tests.test_tryton import activate_module
        activate_module(['property_billing'])
        print(f"database {DATABASE} on {uri}: property_billing activated "
            f"in {time.monotonic() - t:.0f} s", flush=True)
        rows = []
        for n in args.homes:
            company_id, fee_types = billing.committed(
                billing.setup_company, args.batch_size)
            site = billing.build(company_id, fee_types, f'P{n}', n,
                fast=not args.sqlite)
            run_id, elapsed, batches, _ = billing.ours_inprocess(
                company_id, site)
            print(f"  N={n}: billed in {elapsed:.0f} s", flush=True)
            figures = print_notices(run_id, company_id)
            if figures['state'] != 'done':
                raise RuntimeError(f"printing {figures['state']}: "
                    f"{figures['failure']}")
            figures['homes'] = n
            rows.append(figures)
            print(f"  N={n}: {figures['notices']} notices in "
                f"{figures['seconds']:.1f} s "
                f"({figures['notices'] / figures['seconds']:.1f}/s), "
                f"peak RSS {figures['peak']:.0f} MiB (before printing "
                f"{figures['before']:.0f}; by quarter "
                f"{', '.join(f'{q:.0f}' for q in figures['quarters'])}), "
                f"{figures['pages']} pages, "
                f"{figures['bytes'] / 2 ** 20:.1f} MiB; first and last "
                f"home in place: {figures['first_home']}, "
                f"{figures['last_home']}", flush=True)
        print(f"\nbatches of {args.batch_size} notices\n")
        print("| homes | notices | s | notices/s | ms per notice | peak RSS "
            "MiB | RSS at 1/4, 1/2, 3/4, end MiB | pages | PDF MiB |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            print(f"| {r['homes']:,} | {r['notices']:,} | "
                f"{r['seconds']:.1f} | {r['notices'] / r['seconds']:.1f} | "
                f"{r['seconds'] / r['notices'] * 1000:.0f} | "
                f"{r['peak']:.0f} | "
                f"{', '.join(f'{q:.0f}' for q in r['quarters'])} | "
                f"{r['pages']:,} | {r['bytes'] / 2 ** 20:.1f} |")
        return 0
    finally:
        if cluster:
            subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                        'pgcluster.sh'), 'stop', cluster])
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
