#!/usr/bin/env python3
"""Billing at scale: the monthly run against Tryton's stock invoice path

    .venv/bin/python bench/billing.py [--units 1000 10000] [--workers 1 2]
        [--batch-size 500] [--no-baseline]

Starts a private PostgreSQL cluster (scripts/pgcluster.sh; or runs on the
database given by TRYTOND_DATABASE__URI with --uri-from-env), activates
property_billing and, for each N given, builds an estate of N homes (one
site per worker count, every home with an owner, a property fee by area,
a parking fee and a water meter read twice), then for each worker count:

- ours: the monthly billing run of a site, its batches processed by that
  many `trytond-worker` processes; timed from the run's start to its last
  batch done, i.e. fee lines computed, invoices created, numbered, posted
  with their account moves. Peak resident memory of the worker processes,
  and where the workers' time went: per queued method (draft, post) the
  tasks and their busy seconds. Each run starts after a VACUUM ANALYZE,
  so that no worker count inherits an earlier run's autovacuum.
- baseline (first worker count only): Tryton's stock path for the same
  invoices (same parties, lines, prices, accounts, dates): one
  `Invoice.create` call and one `Invoice.post` call in one transaction,
  with the locks Tryton needs taken from its start (the stock path
  without its replays: a baseline in its best case), then rolled back.

Every process it starts (the cluster, the trytond-worker processes and
their pool) is stopped when it ends, also on an error, Ctrl-C or SIGTERM.

Printed: invoices, seconds, invoices/s and the ratio ours/baseline; the
cost per unit; peak memory; and the checks that every invoice of the run
is posted with a posted, balanced move, that the invoice numbers of the
sequence have no gap, and that the collection report and dunning see the
invoices. Nothing of it runs in the test suite.
"""
import argparse
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.venv', 'bin')
DATABASE = 'bench_billing'
CHUNK = 1000
_loaded = set()


def committed(func, *args, **kwargs):
    """func() in a committed transaction of its own, restarted with the
    locks it needs taken first, as the server does"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for _ in range(20):
        try:
            with Transaction().start(DATABASE, 0, context={},
                    **extras) as transaction:
                if DATABASE not in _loaded:
                    Pool(DATABASE).init()
                    _loaded.add(DATABASE)
                result = func(*args, **kwargs)
                transaction.tasks.clear()
            return result
        except TransactionError as error:
            error.fix(extras)
    raise RuntimeError("restarted too often")


def setup_company(batch_size):
    from trytond.modules.company.tests import create_company, set_company
    from trytond.modules.property_billing.tests.tools import (
        create_fee_types, setup_accounts)
    from trytond.pool import Pool
    pool = Pool()
    Configuration = pool.get('property.billing.configuration')
    company = create_company()
    setup_accounts(company)
    with set_company(company):
        fee_types = create_fee_types(company)
        config = Configuration(1)
        config.batch_size = batch_size
        config.save()
    return company.id, {f.code: f.id for f in fee_types}


def month():
    today = dt.date.today()
    return today.replace(day=1)


def build_site(company_id, fee_types, code, n):
    "A site of n homes in buildings of 30 floors, 4 homes a floor"
    from trytond.modules.company.tests import set_company
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Assignment = pool.get('property.fee.assignment')
    company = Company(company_id)
    start = month()
    with set_company(company):
        site, = Site.create([{'name': f"Bench {code}", 'code': code,
                    'company': company.id}])
        buildings = Building.create([{'site': site.id, 'code': str(i + 1),
                    'name': f"Building {i + 1}", 'floors': 30}
                for i in range((n + 119) // 120)])
        Assignment.create([
                {'fee_type': fee_types['PF'], 'site': site.id,
                    'rate': Decimal('1.85'),
                    'start_date': start.replace(year=start.year - 1)},
                {'fee_type': fee_types['PK'], 'site': site.id,
                    'rate': Decimal('150'),
                    'start_date': start.replace(year=start.year - 1)},
                {'fee_type': fee_types['WA'], 'site': site.id,
                    'rate': Decimal('3.45'),
                    'start_date': start.replace(year=start.year - 1)},
                ])
    return site.id, [b.id for b in buildings]


def build_units(company_id, fee_types, code, buildings, first, count):
    "Homes first..first+count-1 with owner, handover and a read meter"
    from trytond.modules.company.tests import set_company
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Unit = pool.get('property.unit')
    Party = pool.get('party.party')
    Meter = pool.get('property.meter')
    Reading = pool.get('property.meter.reading')
    company = Company(company_id)
    start = month()
    since = start - dt.timedelta(days=400)
    with set_company(company):
        owners = Party.create([{'name': f"Owner {code}-{i}",
                    'addresses': [('create', [{'street': f"{code} {i}",
                                    'city': "Bench"}])]}
                for i in range(first, first + count)])
        values = []
        for i, owner in zip(range(first, first + count), owners):
            building, rest = divmod(i, 120)
            floor, door = divmod(rest, 4)
            values.append({'building': buildings[building],
                    'floor': floor + 1,
                    'number': f'{floor + 1}{door + 1:02d}',
                    'area': Decimal(60 + i % 90) + Decimal('0.35'),
                    'ownerships': [('create', [{'party': owner.id,
                                    'from_date': since}])]})
        units = Unit.create(values)
        Unit.hand_over(units, since)
        Unit.occupy(units)
        meters = Meter.create([{'unit': u.id, 'fee_type': fee_types['WA'],
                    'number': f'W{u.id:07d}'} for u in units])
        before = start - dt.timedelta(days=1)      # last month's end
        previous = (before.replace(day=1) - dt.timedelta(days=1))
        Reading.create([{'meter': m.id, 'date': previous,
                    'value': Decimal(100 + k % 500)}
                for k, m in enumerate(meters)])
        Reading.create([{'meter': m.id, 'date': before,
                    'value': Decimal(100 + k % 500 + 5 + k % 13)}
                for k, m in enumerate(meters)])
    return len(units)


def _clone(table, template_id, overrides):
    """Copy the row template_id of table once per dict of overrides (its
    columns given new values), with COPY; return the new ids"""
    from trytond.transaction import Transaction
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', (template_id,))
    columns = [d[0] for d in cursor.description]
    template = dict(zip(columns, cursor.fetchone()))
    ids = transaction.database.nextid(transaction.connection, table,
        count=len(overrides))
    ids = [ids] if isinstance(ids, int) else list(ids)
    names = ', '.join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for id_, override in zip(ids, overrides):
            copy.write_row([id_ if c == 'id' else override.get(c, template[c])
                    for c in columns])
    return ids


def clone_units(code, buildings, first, count):
    """Homes first..first+count-1 as copies of the site's first home
    (built through the ORM): owner, address, ownership, meter and its
    readings, each row a copy of the first home's with its own keys and
    values (PostgreSQL; 100,000 homes through the ORM take an hour)"""
    from trytond.pool import Pool
    pool = Pool()
    Unit = pool.get('property.unit')
    Reading = pool.get('property.meter.reading')
    unit, = Unit.search([('number', '=', '101'),
            ('building', '=', buildings[0])])
    ownership, = unit.ownerships
    party = ownership.party
    address = party.addresses[0]
    meter, = pool.get('property.meter').search([('unit', '=', unit.id)])
    older, newer = sorted(Reading.search([('meter', '=', meter.id)]),
        key=lambda r: r.date)
    numbers = range(first, first + count)
    party_ids = _clone('party_party', party.id, [
            {'name': f"Owner {code}-{i}", 'code': f'{party.code}-{i}'}
            for i in numbers])
    _clone('party_address', address.id, [
            {'party': p, 'street': f"{code} {i}"}
            for i, p in zip(numbers, party_ids)])
    units = []
    for i in numbers:
        building, rest = divmod(i, 120)
        floor, door = divmod(rest, 4)
        number = f'{floor + 1}{door + 1:02d}'
        units.append({'building': buildings[building],
                'floor': floor + 1, 'number': number,
                'code': f'{building + 1}-{number}',
                'area': Decimal(60 + i % 90) + Decimal('0.35')})
    unit_ids = _clone('property_unit', unit.id, units)
    _clone('property_unit_ownership', ownership.id, [
            {'unit': u, 'party': p} for u, p in zip(unit_ids, party_ids)])
    meter_ids = _clone('property_meter', meter.id, [
            {'unit': u, 'number': f'W{u:07d}'} for u in unit_ids])
    _clone('property_meter_reading', older.id, [
            {'meter': m, 'value': Decimal(100 + k % 500)}
            for k, m in zip(numbers, meter_ids)])
    _clone('property_meter_reading', newer.id, [
            {'meter': m, 'value': Decimal(100 + k % 500 + 5 + k % 13),
                'previous_value': Decimal(100 + k % 500),
                'consumption': Decimal(5 + k % 13)}
            for k, m in zip(numbers, meter_ids)])
    return len(unit_ids)


def build(company_id, fee_types, code, n, fast=False):
    t = time.monotonic()
    site, buildings = committed(build_site, company_id, fee_types, code, n)
    first_chunk = 1 if fast else n
    for first in range(0, min(n, first_chunk), CHUNK):
        committed(build_units, company_id, fee_types, code, buildings,
            first, min(CHUNK, first_chunk - first))
    for first in range(first_chunk, n, 10 * CHUNK):
        committed(clone_units, code, buildings, first,
            min(10 * CHUNK, n - first))
    print(f"  site {code}: {n} homes built in {time.monotonic() - t:.0f} s",
        flush=True)
    return site


def start_run(company_id, site_id):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Run = pool.get('property.billing.run')
    with Transaction().set_context(company=company_id):
        run, = Run.create([{'company': company_id, 'site': site_id,
                    'month': month(), 'invoice_date': month()}])
        Run.process([run])
    return run.id


def run_state(run_id):
    from trytond.pool import Pool
    Batch = Pool().get('property.billing.run.batch')
    Run = Pool().get('property.billing.run')
    batches = Batch.search([('run', '=', run_id)])
    return (Run(run_id).state,
        sum(b.state == 'done' for b in batches), len(batches))


def process_tree_hwm(pid):
    "Peak resident memory (MiB) of each process of the tree under pid"
    peaks = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f'/proc/{p}/status') as f:
                for line in f:
                    if line.startswith('VmHWM:'):
                        peaks[p] = int(line.split()[1]) / 1024
            with open(f'/proc/{p}/task/{p}/children') as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return peaks


# the processes started, each the leader of a process group of its own
_started = []


def start(args, **kwargs):
    """Start a process in a process group of its own (with what it starts
    in turn: trytond-worker's pool), stopped by stop(), at the latest when
    main() ends, also on an error, Ctrl-C or SIGTERM"""
    process = subprocess.Popen(args, start_new_session=True, **kwargs)
    _started.append(process)
    return process


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process, timeout=10):
    """Stop the process and every process of its group: SIGTERM, then
    SIGKILL what is left after timeout seconds"""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(process.pid):
            break
        os.killpg(process.pid, sig)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if process.poll() is not None and not _group_alive(process.pid):
                break
            time.sleep(0.1)
    process.wait()
    if process in _started:
        _started.remove(process)


def ours(conf, company_id, site_id, workers):
    "The run of the site processed by `workers` trytond-worker processes"
    log = open(os.path.join(tempfile.gettempdir(),
            f'bench-billing-worker-{site_id}.log'), 'w')
    worker = start([os.path.join(BIN, 'trytond-worker'),
            '-c', conf, '-d', DATABASE, '-n', str(workers), '-t', '1', '-v'],
        stdout=log, stderr=subprocess.STDOUT)
    peaks = {}
    try:
        time.sleep(8)   # the worker processes load the pool
        since = dt.datetime.now()
        t = time.monotonic()
        run_id = committed(start_run, company_id, site_id)
        while True:
            time.sleep(0.5)
            for pid, peak in process_tree_hwm(worker.pid).items():
                peaks[pid] = max(peaks.get(pid, 0), peak)
            state, done, total = committed(run_state, run_id)
            if state == 'done':
                break
            if worker.poll() is not None:
                raise RuntimeError("the worker stopped, see " + log.name)
        elapsed = time.monotonic() - t
    finally:
        stop(worker)
        log.close()
    # the pool processes (children), not the parent that only waits
    children = [v for p, v in peaks.items() if p != worker.pid] or [0]
    for method, figures in committed(queue_profile, since).items():
        print(f"        queue {method}: {figures}", flush=True)
    return run_id, elapsed, total, max(children)


def vacuum():
    """VACUUM ANALYZE: each timed run starts with the statistics of what
    was built and billed before it, and no autovacuum of an earlier run's
    rows competes with it for the cores"""
    from trytond.transaction import Transaction
    with Transaction().start(DATABASE, 0, autocommit=True) as transaction:
        transaction.connection.cursor().execute('VACUUM ANALYZE')


def queue_profile(since):
    """Where the workers' time went: per queued method, the tasks, their
    busy seconds (dequeued to finished) and the longest"""
    from trytond.pool import Pool
    Queue = Pool().get('ir.queue')
    tasks = Queue.search([
            ('name', '=', 'property_billing'),
            ('enqueued_at', '>=', since),
            ], order=[('dequeued_at', 'ASC')])
    profile = {}
    for task in tasks:
        if not task.finished_at:
            continue
        method = task.data['method']
        busy = (task.finished_at - task.dequeued_at).total_seconds()
        count, total, longest = profile.get(method, (0, 0, 0))
        profile[method] = (count + 1, total + busy, max(longest, busy))
    return {m: f'{c} tasks, {t:.1f} s busy, {t / c:.2f} s mean, '
        f'{l:.2f} s longest' for m, (c, t, l) in profile.items()}


def ours_inprocess(company_id, site_id):
    """The run of the site with its batches processed one after the other
    in this process, each in its transaction as a worker does (SQLite:
    trytond-worker needs PostgreSQL's notifications)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    def batches(run_id):
        Batch = Pool().get('property.billing.run.batch')
        return [b.id for b in Batch.search([('run', '=', run_id)])]

    def process(batch_id):
        Batch = Pool().get('property.billing.run.batch')
        with Transaction().set_context(company=company_id):
            Batch.process([Batch(batch_id)])
    t = time.monotonic()
    run_id = committed(start_run, company_id, site_id)
    ids = committed(batches, run_id)
    for batch_id in ids:
        committed(process, batch_id)
    elapsed = time.monotonic() - t
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return run_id, elapsed, len(ids), peak


def run_invoices(run_id):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    line = Pool().get('property.billing.line').__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*line.select(line.invoice,
            where=(line.run == run_id) & (line.invoice != None)))  # noqa
    return sorted({i for i, in cursor})


def baseline(run_id):
    """The same invoices created and posted by Tryton's stock path, one
    call each, then rolled back; returns (invoices, seconds)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    pool = Pool(DATABASE)

    def values():
        Invoice = pool.get('account.invoice')
        result = []
        invoices = [i for start in range(0, len(committed_ids), 1000)
            for i in Invoice.browse(committed_ids[start:start + 1000])]
        for invoice in invoices:
            result.append({
                    'company': invoice.company.id, 'type': 'out',
                    'journal': invoice.journal.id,
                    'party': invoice.party.id,
                    'invoice_address': invoice.invoice_address.id,
                    'currency': invoice.currency.id,
                    'account': invoice.account.id,
                    'payment_term': (invoice.payment_term.id
                        if invoice.payment_term else None),
                    'invoice_date': invoice.invoice_date,
                    'description': invoice.description,
                    'lines': [('create', [{
                                    'type': 'line',
                                    'product': l.product.id,
                                    'description': l.description,
                                    'quantity': l.quantity,
                                    'unit': l.unit.id,
                                    'unit_price': l.unit_price,
                                    'account': l.account.id,
                                    'taxes': [('add',
                                            [t.id for t in l.taxes])],
                                    } for l in invoice.lines])],
                    })
        return result
    committed_ids = committed(run_invoices, run_id)
    vlist = committed(values)
    company = vlist[0]['company']
    extras = {}

    def attempt(vlist):
        for _ in range(20):
            with Transaction().start(DATABASE, 0,
                    context={'company': company}, **extras) as transaction:
                Invoice = pool.get('account.invoice')
                t = time.monotonic()
                try:
                    invoices = Invoice.create(vlist)
                    Invoice.post(invoices)
                    return len(invoices), time.monotonic() - t
                except TransactionError as error:
                    error.fix(extras)
                finally:
                    transaction.rollback()
                    transaction.tasks.clear()
        raise RuntimeError("baseline restarted too often")
    # the locks Tryton's path needs, learnt on one invoice, then taken
    # from the start of the measured transaction: no replay is measured
    attempt(vlist[:1])
    return attempt(vlist)


def checks(run_id, sample=2000, dunning_max=10000):
    """Posted, balanced, numbered without gap, seen by the collection
    reports and dunning: the whole run in SQL, record by record through
    the ORM on a sample (and dunning up to dunning_max invoices)"""
    from sql.aggregate import Count, Sum
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    MoveLine = pool.get('account.move.line')
    Line = pool.get('property.billing.line')
    Run = pool.get('property.billing.run')
    cursor = Transaction().connection.cursor()
    run = Run(run_id)
    ids = run_invoices(run_id)
    invoice, move, move_line = (Invoice.__table__(), Move.__table__(),
        MoveLine.__table__())
    line = Line.__table__()
    # the whole run, in SQL
    cursor.execute(*invoice.join(move, condition=invoice.move == move.id
            ).select(Count(invoice.id),
            where=(invoice.state == 'posted') & (move.state == 'posted')
            & invoice.id.in_(line.select(line.invoice,
                    where=line.run == run_id))))
    posted, = cursor.fetchone()
    cursor.execute(*move_line.select(move_line.move,
            where=move_line.move.in_(invoice.select(invoice.move,
                    where=invoice.id.in_(line.select(line.invoice,
                            where=line.run == run_id)))),
            group_by=[move_line.move],
            having=Sum(move_line.debit - move_line.credit) != 0))
    unbalanced = len(cursor.fetchall())
    cursor.execute(*invoice.select(invoice.number,
            where=(invoice.company == run.company.id)
            & (invoice.type == 'out') & (invoice.number != None)))  # noqa
    numbers = sorted(int(re.sub(r'\D', '', n)) for n, in cursor)
    gapless = numbers == list(range(numbers[0], numbers[0]
            + len(numbers)))
    cursor.execute(*line.select(Sum(line.amount),
            where=line.run == run_id))
    amount, = cursor.fetchone()
    cursor.execute(*invoice.select(Sum(invoice.total_amount_cache),
            where=invoice.id.in_(line.select(line.invoice,
                    where=line.run == run_id))))
    total, = cursor.fetchone()
    # the collection and ageing reports of the site
    sums = {}
    for name, column in [('property.collection.rate.site', 'billed_sum'),
            ('property.arrears.ageing', 'total')]:
        query = pool.get(name).table_query()
        cursor.execute(*query.select(Sum(getattr(query, column)),
                where=query.site == run.site.id))
        sums[name], = cursor.fetchone()
    # record by record on a sample
    problems = []
    to_pay = Decimal(0)
    with Transaction().set_context(company=run.company.id):
        for record in Invoice.browse(ids[:sample]):
            if record.amount_to_pay != record.total_amount \
                    or len(record.lines_to_pay) != 1 \
                    or record.total_amount != sum(
                        l.amount for l in record.lines):
                problems.append(record.id)
            to_pay += record.amount_to_pay
        dunned = None
        if len(ids) <= dunning_max:
            # dunning, 100 days later, rolled back: one per unpaid invoice
            Dunning = pool.get('account.dunning')
            Dunning.generate_dunnings(date=month() + dt.timedelta(days=100))
            dunned = Dunning.search_count([
                    ('line.move.origin', 'in',
                        [f'account.invoice,{i}' for i in ids])])
            Transaction().rollback()
    return {'invoices': len(ids), 'posted with posted move': posted,
        'unbalanced moves': unbalanced, 'gapless': gapless,
        'numbers': len(numbers), 'billed fees': amount,
        'invoiced': total,
        'collection billed': sums['property.collection.rate.site'],
        'ageing': sums['property.arrears.ageing'],
        f'sample of {min(sample, len(ids))}: problems': problems[:5],
        'sample to pay': to_pay, 'dunnings': dunned}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--units', type=int, nargs='+',
        default=[1000, 10000])
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--batch-size', type=int, default=500)
    parser.add_argument('--no-baseline', action='store_true')
    parser.add_argument('--sqlite', action='store_true',
        help="on an SQLite database file, batches processed in this "
        "process (shows no batch size fails on SQLite)")
    parser.add_argument('--orm-build', action='store_true',
        help="build every home through the ORM (slow), not as copies of "
        "the first")
    parser.add_argument('--uri-from-env', action='store_true',
        help="use TRYTOND_DATABASE__URI instead of a private cluster")
    args = parser.parse_args()
    # stopped by a signal, the workers and the cluster are stopped all the
    # same (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))

    cluster = None
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix='bench-billing-')
        uri = 'sqlite://'
        os.environ['TRYTOND_DATABASE__PATH'] = folder
        args.workers = [1]
    elif args.uri_from_env:
        uri = os.environ['TRYTOND_DATABASE__URI']
    else:
        cluster = subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                    'pgcluster.sh'), 'start'], check=True,
            capture_output=True, text=True).stdout.strip().splitlines()[-1]
        uri = open(os.path.join(cluster, 'uri')).read().strip()
    try:
        os.environ['TRYTOND_DATABASE__URI'] = uri
        os.environ['DB_NAME'] = DATABASE
        conf = tempfile.NamedTemporaryFile('w', suffix='.conf',
            delete=False)
        conf.write(f"[database]\nuri = {uri}\n[queue]\nworker = "
            f"{not args.sqlite}\n")
        conf.close()
        os.environ['TRYTOND_CONFIG'] = conf.name
        t = time.monotonic()
        from trytond.tests.test_tryton import activate_module
        activate_module(['property_billing'])
        print(f"database {DATABASE} on {uri}: property_billing activated "
            f"in {time.monotonic() - t:.0f} s", flush=True)
        from trytond.config import config
        config.set('queue', 'worker', str(not args.sqlite))
        rows = []
        for n in args.units:
            company_id, fee_types = committed(setup_company, args.batch_size)
            sites = {w: build(company_id, fee_types, f'S{n}W{w}', n,
                    fast=not args.sqlite and not args.orm_build)
                for w in args.workers}
            for w in args.workers:
                if args.sqlite:
                    run_id, elapsed, batches, peak = ours_inprocess(
                        company_id, sites[w])
                else:
                    vacuum()
                    run_id, elapsed, batches, peak = ours(conf.name,
                        company_id, sites[w], w)
                found = committed(checks, run_id)
                count = found['invoices']
                row = {'units': n, 'workers': w, 'invoices': count,
                    'batches': batches, 'seconds': elapsed,
                    'rate': count / elapsed, 'peak': peak,
                    'per unit ms': elapsed / n * 1000 * w}
                print(f"  ours  N={n} workers={w}: {count} invoices in "
                    f"{batches} batches, {elapsed:.1f} s, "
                    f"{count / elapsed:.1f} invoices/s, peak RSS per "
                    f"worker process {peak:.0f} MiB", flush=True)
                print(f"        checks: {found}", flush=True)
                if w == args.workers[0] and not args.no_baseline:
                    b_count, b_elapsed = baseline(run_id)
                    row['baseline'] = b_count / b_elapsed
                    print(f"  stock N={n}: {b_count} invoices created and "
                        f"posted in {b_elapsed:.1f} s, "
                        f"{b_count / b_elapsed:.1f} invoices/s; ratio "
                        f"ours/stock {row['rate'] / row['baseline']:.1f}",
                        flush=True)
                rows.append(row)
        print("\n| homes | workers | invoices | s | invoices/s | stock "
            "invoices/s | ratio | ms per home (x workers) | peak RSS MiB |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            stock = r.get('baseline')
            ratio = f"{r['rate'] / stock:.1f}" if stock else ''
            print(f"| {r['units']} | {r['workers']} | {r['invoices']} | "
                f"{r['seconds']:.1f} | {r['rate']:.1f} | "
                f"{f'{stock:.1f}' if stock else ''} | "
                f"{ratio} | "
                f"{r['per unit ms']:.1f} | {r['peak']:.0f} |")
        return 0
    finally:
        # (Ctrl-C there: the stopping goes on)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process in list(_started):
            stop(process)
        if args.sqlite:
            import shutil
            shutil.rmtree(folder, ignore_errors=True)
        if cluster:
            subprocess.run(['bash', os.path.join(ROOT, 'scripts',
                        'pgcluster.sh'), 'stop', cluster])


if __name__ == '__main__':
    sys.exit(main())
