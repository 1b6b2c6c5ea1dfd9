#!/usr/bin/env python3
"""Printing at scale: a month's fee notices of N homes as one PDF

    .venv/bin/python bench/print.py [--homes 1000 10000] [--batch-size 200]
        [--processes P] [--baseline 100] [--profile FILE] [--sqlite]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh; or an SQLite
file with --sqlite), activates property_billing and, for each N given,
builds a site of N homes as bench/billing.py does (owner with address,
property fee by area, parking, water meter read twice), bills the month
in this process, then prints the run's fee notices the way the Print Fee
Notices button's queued task does (`Run.render_notices`: the HTML of each
batch of the billing policy's batch size rendered in the task's process,
made into a PDF file by WeasyPrint in one of the printing's processes,
--processes side by side, the files joined by pdfunite, the result
stored on the run), in a child process of its own so that its memory is
the printing's alone.

Printed per N: notices, seconds, notices/s, ms per notice, CPU seconds
(the task's process and its printing processes: what an idle machine
would need, whatever the load), the load average during the printing,
the resident memory of the task's process and its printing processes
sampled through the printing (peak, and at a quarter, half, three
quarters and the end of it: memory stays that of a batch per process
whatever N), the PDF's pages and size, checks that the run's notices are
all in the PDF (pages, the first and last notice's home), and the time
10,000 notices would take at that rate.

Baseline, in the same run (--baseline K, default 100; 0 for none): after
the first N's printing, its first K notices printed again in the task's
process the ways before, with the QR code an SVG path as before: one
document per notice (the single notice's print) and one document for the
K notices (the batch path before this change: the batch's PDF made in
the task's process). --profile FILE writes the cProfile statistics of
the (last) printing's task process (the printing processes are not in
it) and prints its most costly functions. Every process and the cluster
it starts are stopped at its end, also on an error or Ctrl-C. Nothing of
it runs in the test suite.
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


def tree_rss_mib(pid=None):
    "Resident memory (MiB) of the process and the processes it started"
    pid = pid or os.getpid()
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f'/proc/{p}/status') as fp:
                for line in fp:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1]) / 1024
            for task in os.listdir(f'/proc/{p}/task'):
                with open(f'/proc/{p}/task/{task}/children') as fp:
                    todo.extend(int(c) for c in fp.read().split())
        except OSError:
            pass
    return total


def cpu_seconds(children=False):
    "CPU seconds (user + system) of this process (and of its children)"
    usage = resource.getrusage(resource.RUSAGE_SELF)
    seconds = usage.ru_utime + usage.ru_stime
    if children:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds += usage.ru_utime + usage.ru_stime
    return seconds


def baseline(run_id, company_id, sample):
    """The first `sample` notices of the run printed the ways before, in
    this process: one document per notice (the single notice's print),
    and one document for them all (the batch path before: HTML of the
    batch in one WeasyPrint document in the task's process, the QR code
    an SVG path); (seconds, CPU seconds) of each"""
    from unittest.mock import patch
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Run = pool.get('property.billing.run')
    ActionReport = pool.get('ir.action.report')
    Report = pool.get('property.fee.notice', type='report')
    run = Run(run_id)
    company = run.company
    ids = [i.id for i in run.notice_invoices()][:sample]
    action, = ActionReport.search([
            ('report_name', '=', 'property.fee.notice')], limit=1)
    figures = {'sample': len(ids)}
    with Transaction().set_context(company=company_id), \
            patch.object(Report, 'qrcode_png', Report.qrcode):
        t, c = time.monotonic(), cpu_seconds()
        for id_ in ids:
            records = Report._get_records([id_], 'account.invoice', {})
            Report._execute(records, {'company': company}, {}, action)
        figures['per_notice'] = (time.monotonic() - t, cpu_seconds() - c)
        t, c = time.monotonic(), cpu_seconds()
        records = Report._get_records(ids, 'account.invoice', {})
        Report._execute(records, {'company': company}, {}, action)
        figures['old_batch'] = (time.monotonic() - t, cpu_seconds() - c)
    return figures


def child(run_id, company_id, profile=None, sample=0):
    """Print the run's fee notices as the queued task does, committing each
    batch's progress; print the figures as one JSON line (with profile, a
    file name: the printing's cProfile statistics written there; with a
    sample, the baselines of baseline() after it)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    samples = []
    stop = threading.Event()

    def sample_rss():
        start = time.monotonic()
        while not stop.wait(0.25):
            samples.append((time.monotonic() - start, tree_rss_mib()))
    with Transaction().start(DATABASE, 0, context={'company': company_id}
            ) as transaction:
        Pool(DATABASE).init()
        Run = Pool().get('property.billing.run')
        Run.print_notices([Run(run_id)])
        # (the task it queued is this child's work)
        transaction.tasks.clear()
        transaction.commit()
        processes = Run.notice_processes()
        before = tree_rss_mib()
        sampler = threading.Thread(target=sample_rss, daemon=True)
        sampler.start()
        profiler = None
        if profile:
            import cProfile
            profiler = cProfile.Profile()
        load = os.getloadavg()[0]
        t, c = time.monotonic(), cpu_seconds(children=True)
        with transaction.set_context(property_notices_commit=True):
            if profiler:
                profiler.enable()
            Run.render_notices([Run(run_id)])
            if profiler:
                profiler.disable()
        elapsed = time.monotonic() - t
        cpu = cpu_seconds(children=True) - c
        load = (load + os.getloadavg()[0]) / 2
        stop.set()
        sampler.join()
        if profiler:
            profiler.dump_stats(profile)
        run = Run(run_id)
        state, done, failure = (run.notices_state, run.notices_done,
            run.notices_failure)
        content = run.notices if state == 'done' else b''
        # the first and last notice's homes (reading all 10,000 homes
        # through the invoices' instances took longer than the printing)
        invoices = run.notice_invoices()
        homes = [i.property_unit.rec_name
            for i in invoices[:1] + invoices[-1:]]
        transaction.commit()
        # after the printing: its memory is not the baseline's
        old = baseline(run_id, company_id, sample) if sample else None
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
                'seconds': elapsed, 'cpu': cpu, 'load': load,
                'processes': processes, 'pages': pages,
                'bytes': len(content),
                'peak_tree': max([r for _, r in samples] or [before]),
                'before': before, 'quarters': quarters,
                'first_home': bool(homes) and homes[0] in first,
                'last_home': bool(homes) and homes[-1] in last,
                'baseline': old}),
        flush=True)


def print_notices(run_id, company_id, profile=None, sample=0):
    "The printing in a child process; its figures"
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__),
            '--child', str(run_id), str(company_id),
            '--baseline', str(sample)]
        + (['--profile', profile] if profile else []),
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
    parser.add_argument('--profile', metavar='FILE',
        help="write the cProfile statistics of the (last) printing to FILE "
        "and print its 25 most costly functions")
    parser.add_argument('--baseline', type=int, default=100,
        metavar='NOTICES',
        help="print the first NOTICES notices of the first N the ways "
        "before too, in the printing's process: one document per notice "
        "(the single print) and the batch path before (one document, "
        "in-process, the QR code an SVG); 0: none (default 100)")
    parser.add_argument('--processes', type=int,
        help="the print_processes option (default: the printing's "
        "default, the cores, at most 4)")
    parser.add_argument('--child', nargs=2, type=int,
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, profile=args.profile, sample=args.baseline)
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
            if args.processes:
                fp.write(f"[property_billing]\n"
                    f"print_processes = {args.processes}\n")
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
            figures = print_notices(run_id, company_id,
                profile=os.path.abspath(args.profile) if args.profile
                else None, sample=args.baseline if not rows else 0)
            if figures['state'] != 'done':
                raise RuntimeError(f"printing {figures['state']}: "
                    f"{figures['failure']}")
            figures['homes'] = n
            rows.append(figures)
            print(f"  N={n}: {figures['notices']} notices in "
                f"{figures['seconds']:.1f} s "
                f"({figures['notices'] / figures['seconds']:.1f}/s, "
                f"CPU {figures['cpu']:.1f} s, {figures['processes']} "
                f"processes, load average {figures['load']:.1f}), "
                f"peak RSS {figures['peak_tree']:.0f} MiB, the task's "
                f"process and its printing processes (before printing "
                f"{figures['before']:.0f}; by quarter "
                f"{', '.join(f'{q:.0f}' for q in figures['quarters'])}), "
                f"{figures['pages']} pages, "
                f"{figures['bytes'] / 2 ** 20:.1f} MiB; first and last "
                f"home in place: {figures['first_home']}, "
                f"{figures['last_home']}", flush=True)
        print(f"\nbatches of {args.batch_size} notices\n")
        print("| homes | notices | processes | load avg | s | notices/s "
            "| ms per notice | CPU ms per notice | peak RSS MiB (all "
            "processes) | RSS at 1/4, 1/2, 3/4, end MiB | pages | PDF MiB "
            "| 10,000 projected |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
            "| --- | --- | --- |")
        for r in rows:
            per = r['seconds'] / r['notices']
            print(f"| {r['homes']:,} | {r['notices']:,} | {r['processes']} "
                f"| {r['load']:.1f} | {r['seconds']:.1f} | "
                f"{r['notices'] / r['seconds']:.1f} | {per * 1000:.0f} | "
                f"{r['cpu'] / r['notices'] * 1000:.0f} | "
                f"{r['peak_tree']:.0f} | "
                f"{', '.join(f'{q:.0f}' for q in r['quarters'])} | "
                f"{r['pages']:,} | {r['bytes'] / 2 ** 20:.1f} | "
                f"{per * 10000 / 60:.1f} min |")
        old = rows[0]['baseline']
        if old:
            new = rows[0]
            k = old['sample']
            print(f"\nbaseline: the first {k} notices of the first run, "
                "in the printing's process, the QR code an SVG\n")
            print("| path | s | ms per notice | CPU ms per notice | "
                "new path: times faster (wall, CPU) |")
            print("| --- | --- | --- | --- | --- |")
            ms = new['seconds'] / new['notices'] * 1000
            cpu = new['cpu'] / new['notices'] * 1000
            for label, key in [("one document per notice (single print)",
                        'per_notice'),
                    ("one document for them all (batch path before)",
                        'old_batch')]:
                seconds, cpu_s = old[key]
                print(f"| {label} | {seconds:.1f} | {seconds / k * 1000:.0f}"
                    f" | {cpu_s / k * 1000:.0f} | "
                    f"{seconds / k * 1000 / ms:.1f}, "
                    f"{cpu_s / k * 1000 / cpu:.1f} |")
            print(f"| new: batches of {args.batch_size}, "
                f"{new['processes']} processes, QR code a PNG "
                f"({new['homes']:,} homes) | {new['seconds']:.1f} | "
                f"{ms:.0f} | {cpu:.0f} | 1.0, 1.0 |")
        if args.profile:
            import pstats
            print(f"\nprofile of the printing of {args.homes[-1]:,} homes "
                f"({args.profile}), by cumulative time:\n")
            pstats.Stats(args.profile).sort_stats('cumulative').print_stats(
                25)
            pstats.Stats(args.profile).sort_stats('tottime').print_stats(25)
        return 0
    finally:
        if cluster:
            subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                        'pgcluster.sh'), 'stop', cluster])
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
