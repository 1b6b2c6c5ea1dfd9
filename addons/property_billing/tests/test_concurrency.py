# This file is part of the property-management suite.
"""Exactly-once billing under real transactions (PostgreSQL): two runs
of one month at the same time, and a run interrupted midway then resumed

These tests commit, so they work on a database of their own, dropped
when they end. Each starts from the same estates, built once and kept as
a template database that each test's database is copied from."""
import json
import os
import random
import subprocess
import sys
import threading
import time
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond import backend
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.worker import run_task

from trytond.modules.property_base.tests.tools import committed
from trytond.modules.property_billing import bulk

from .tools import MONTH, create_estate

POSTGRESQL = backend.name == 'postgresql'
# The database the estates are built in, the template of each test's
ESTATES = DB_NAME + '_estates'


def copy_db(source, target):
    "Create the database target as a copy of source (its template)"
    # no connection may be open to the template
    backend.Database(source).close()
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.create(transaction.connection, target, source)


def queued_batches(database=DB_NAME):
    "The queue's billing tasks not finished yet, as a worker sees them"
    with Transaction().start(database, 0, readonly=True):
        Queue = Pool().get('ir.queue')
        return [t.id for t in Queue.search([
                    ('finished_at', '=', None),
                    ('name', '=', 'property_billing'),
                    ], order=[('id', 'ASC')])]


def batch_units(run):
    "The unit ids of each batch of the run, in the order of the batches"
    with Transaction().start(DB_NAME, 0, readonly=True):
        Batch = Pool().get('property.billing.run.batch')
        return [json.loads(b.unit_ids) for b in Batch.search(
                [('run', '=', run)], order=[('sequence', 'ASC')])]


def work():
    "Run the queued billing tasks until none is left, as trytond-worker"
    for _ in range(20):
        tasks = queued_batches()
        if not tasks:
            return
        for task_id in tasks:
            run_task(DB_NAME, task_id)
    raise AssertionError("billing tasks still queued")


# A worker in a process of its own, which the test kills. It runs the
# drafting tasks given and, when it reaches the unit after the k-th (the
# first k billed in its memory, those of the finished batches committed),
# says so and waits in the middle of that batch's transaction: the kill
# lands there on a fast machine as on a slow one.
WORKER = """
import sys, time
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.worker import run_task
database, k, tasks = sys.argv[1], int(sys.argv[2]), [
    int(t) for t in sys.argv[3:]]
Pool.start()
with Transaction().start(database, 0, readonly=True):
    Pool(database).init()
Assignment = Pool(database).get('property.fee.assignment')
most_specific = Assignment.most_specific.__func__
seen = []

def counting(cls, assignments, unit, *args):
    if unit.id not in seen:
        seen.append(unit.id)
        if len(seen) == k + 1:
            print('billed', k, flush=True)
            time.sleep(3600)
    return most_specific(cls, assignments, unit, *args)
Assignment.most_specific = classmethod(counting)
print('ready', flush=True)
for task in tasks:
    run_task(database, task)
print('finished', flush=True)
"""


@unittest.skipUnless(POSTGRESQL,
    "concurrent transactions need PostgreSQL (SQLite runs one at a time)")
class BillingConcurrencyTestCase(unittest.TestCase):
    "Test exactly-once billing across transactions"

    @classmethod
    def setUpClass(cls):
        drop_db()
        drop_db(ESTATES)
        activate_module(['property_billing', 'property_helpdesk'])
        committed(cls.create_estates)
        copy_db(DB_NAME, ESTATES)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        drop_db(ESTATES)

    def setUp(self):
        # a database of its own with the estates as built
        drop_db()
        copy_db(ESTATES, DB_NAME)
        Pool(DB_NAME).init()

    @classmethod
    def create_estates(cls):
        pool = Pool()
        Assignment = pool.get('property.fee.assignment')
        Configuration = pool.get('property.billing.configuration')
        first = create_estate(extra=20)
        company = first['company']
        second = create_estate("River View", 'RV', company=company,
            extra=20)
        with set_company(company):
            Assignment.create([{
                        'fee_type': e['fee_types'][code].id,
                        'site': e['site'].id, 'rate': rate,
                        'start_date': MONTH.replace(year=MONTH.year - 1),
                        } for e in [first, second]
                    for code, rate in [('PF', Decimal('1.85')),
                        ('PK', Decimal('300'))]])
            config = Configuration(1)
            config.batch_size = 5
            config.save()
        cls.company = company.id
        cls.sites = [first['site'].id, second['site'].id]

    def start_run(self, site=None, barrier=None):
        "Create and process a run in a transaction of its own; return it"
        def start():
            Run = Pool().get('property.billing.run')
            run, = Run.create([{'company': self.company, 'month': MONTH,
                        'invoice_date': MONTH, 'site': site}])
            if barrier:
                # both runs exist before either is committed
                barrier.wait(timeout=60)
            Run.process([run])
            return run.id
        return committed(start, context={'company': self.company})

    def billed(self, site=None):
        """Per unit code: the fees billed (fee, payer, amount, invoice
        state) and the invoices"""
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Line = pool.get('property.billing.line')
            Invoice = pool.get('account.invoice')
            domain = [('company', '=', self.company)]
            if site:
                domain.append(('site', '=', site))
            result = {}
            def key(unit):
                # within a site by code, to compare two sites alike
                return unit.code if site else unit.rec_name
            for line in Line.search(domain):
                result.setdefault(key(line.unit), []).append((
                        line.fee_type.code, line.party.name, line.amount,
                        line.invoice.state))
            invoices = Invoice.search([('company', '=', self.company)]
                + ([('property_site', '=', site)] if site else []))
            totals = {}
            for invoice in invoices:
                totals.setdefault(key(invoice.property_unit), []).append(
                    (invoice.party.name, invoice.total_amount, invoice.state))
            numbers = sorted(int(i.number) for i in Invoice.search(
                    [('company', '=', self.company)]))
            return ({k: sorted(v) for k, v in result.items()},
                {k: sorted(v) for k, v in totals.items()}, numbers)

    def test_two_runs_at_once(self):
        "Two runs of one month at the same time bill every unit once"
        barrier = threading.Barrier(2)
        runs, errors = [], []

        def start():
            try:
                runs.append(self.start_run(barrier=barrier))
            except Exception as exception:
                errors.append(exception)
        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(runs), 2)

        # two workers take the batches of both runs at the same time: the
        # drafting tasks, then the posting tasks they queue
        tasks = queued_batches()
        self.assertEqual(len(tasks), 2 * 10)   # 48 units by 5, per run

        def worker(parity):
            # each worker goes on until the queue is empty, however long
            # the other one takes over its tasks (the deadline only stops
            # a hang)
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                tasks = queued_batches()
                if not tasks:
                    return
                mine = [t for t in tasks if t % 2 == parity]
                for task_id in mine:
                    run_task(DB_NAME, task_id)
                if not mine:
                    time.sleep(0.05)
        threads = [threading.Thread(target=worker, args=(i,))
            for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(queued_batches(), [])

        lines, invoices, numbers = self.billed()
        self.assertEqual(len(lines), 48)
        for code, fees in lines.items():
            self.assertEqual([f[0] for f in fees], ['PF', 'PK'], code)
            self.assertTrue(all(f[3] == 'posted' for f in fees), code)
        self.assertEqual(sum(len(v) for v in invoices.values()), 48)
        self.assertTrue(all(len(v) == 1 for v in invoices.values()))
        # numbered from the invoice sequence without a gap
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 48)))
        with Transaction().start(DB_NAME, 0, readonly=True):
            Run = Pool().get('property.billing.run')
            self.assertEqual({r.state for r in Run.browse(runs)}, {'done'})
            self.assertEqual(
                sum(r.invoice_count for r in Run.browse(runs)), 48)

    def test_posting_does_not_wait(self):
        """A posting that finds the sequences held leaves the worker free
        and is queued again; the next posting posts every batch drafted"""
        run = self.start_run(site=self.sites[0])
        tasks = queued_batches()
        self.assertEqual(len(tasks), 5)
        for task_id in tasks[:2]:
            run_task(DB_NAME, task_id)
        first_post, second_post = queued_batches()[-2:]

        def locks():
            Run = Pool().get('property.billing.run')
            return [(r.__class__.__table__()._name, r.id)
                for r in bulk.Plan(Run(run)).locks()]
        records = committed(locks)
        held, release = threading.Event(), threading.Event()

        def hold():
            # another transaction posting an invoice of the company
            with Transaction().start(DB_NAME, 0) as transaction:
                cursor = transaction.connection.cursor()
                for table, id_ in records:
                    cursor.execute(f'SELECT id FROM "{table}" '
                        'WHERE id = %s FOR UPDATE', (id_,))
                held.set()
                release.wait(timeout=60)
        holder = threading.Thread(target=hold)
        holder.start()
        try:
            self.assertTrue(held.wait(timeout=60))
            run_task(DB_NAME, first_post)
        finally:
            release.set()
            holder.join()

        def state():
            pool = Pool()
            Batch = pool.get('property.billing.run.batch')
            Queue = pool.get('ir.queue')
            batches = Batch.search([('run', '=', run)],
                order=[('sequence', 'ASC')])
            later = Queue.search([
                    ('name', '=', 'property_billing'),
                    ('finished_at', '=', None),
                    ('scheduled_at', '!=', None),
                    ])
            return ([b.state for b in batches],
                [t.data['method'] for t in later])
        states, later = committed(state)
        # nothing posted, nothing waited for: queued again for later
        self.assertEqual(states,
            ['drafted', 'drafted', 'pending', 'pending', 'pending'])
        self.assertEqual(later, ['post'])

        # the posting of the second batch posts the first one too
        run_task(DB_NAME, second_post)
        states, _ = committed(state)
        self.assertEqual(states,
            ['done', 'done', 'pending', 'pending', 'pending'])
        work()
        states, later = committed(state)
        self.assertEqual(states, ['done'] * 5)
        self.assertEqual(later, [])
        _, invoices, numbers = self.billed(self.sites[0])
        self.assertEqual(sum(len(v) for v in invoices.values()), 24)
        self.assertTrue(all(s == 'posted'
                for v in invoices.values() for _, _, s in v))
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 24)))

    def test_interrupted_run(self):
        """A run whose queued batch fails midway shows it failed with the
        reason; retried, it equals one that did not fail"""
        interrupted, uninterrupted = self.sites
        run = self.start_run(site=interrupted)
        tasks = queued_batches()
        self.assertEqual(len(tasks), 5)
        doomed = set(batch_units(run)[2])   # the third batch's
        post = bulk.post

        def crash(plan, invoices):
            post(plan, invoices)
            if {i['id'] for i in invoices} & doomed_invoices:
                # the third batch dies after its invoices are numbered
                raise RuntimeError("disk full")

        def drafts():
            Line = Pool().get('property.billing.line')
            return {l.invoice.id for l in Line.search([
                        ('run', '=', run), ('unit', 'in', list(doomed))])}
        with patch.object(bulk, 'post', crash), \
                self.assertLogs('trytond.modules.property_billing',
                    'ERROR') as logs:
            # three batches drafted, side by side with nothing locked...
            for task_id in tasks[:3]:
                run_task(DB_NAME, task_id)
            doomed_invoices = committed(drafts)
            self.assertEqual(len(doomed_invoices), 5)
            # ...and posted one after the other: the third one crashes
            posts = queued_batches()[-3:]
            for task_id in posts:
                run_task(DB_NAME, task_id)
        self.assertIn("billing batches", logs.output[0])
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Run = pool.get('property.billing.run')
            Line = pool.get('property.billing.line')
            record = Run(run)
            # the failed task ended: the run shows the failure
            self.assertEqual(record.state, 'failed')
            self.assertEqual(record.failure, "RuntimeError: disk full")
            self.assertEqual(
                [b.state for b in sorted(record.batches,
                        key=lambda b: b.sequence)],
                ['done', 'done', 'drafted', 'pending', 'pending'])
            # the crashed batch's fees are billed on draft invoices, none
            # numbered: nothing half posted
            lines = Line.search([('run', '=', run)])
            self.assertEqual(len({l.unit.id for l in lines}), 15)
            crashed = [l.invoice for l in lines if l.unit.id in doomed]
            self.assertEqual({i.state for i in crashed}, {'draft'})
            self.assertEqual({i.number for i in crashed}, {None})
            self.assertEqual({i.move for i in crashed}, {None})
            self.assertEqual(record.progress, 10 / 24)

        # the remaining tasks are dropped; finance retries the run
        left = queued_batches()
        with Transaction().start(DB_NAME, 0):
            Queue = Pool().get('ir.queue')
            Queue.delete(Queue.browse(left))
        def retry():
            Run = Pool().get('property.billing.run')
            Run.retry([Run(run)])
        committed(retry, context={'company': self.company})
        work()

        self.start_run(site=uninterrupted)
        work()
        self.assertEqual(self.billed(interrupted)[:2],
            self.billed(uninterrupted)[:2])
        _, invoices, numbers = self.billed()
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 48)))
        with Transaction().start(DB_NAME, 0, readonly=True):
            Run = Pool().get('property.billing.run')
            self.assertEqual(Run(run).state, 'done')
            self.assertEqual(Run(run).progress, 1.0)

    def test_failed_drafting(self):
        """A queued drafting task that raises: the worker's task ends, the
        run shows failed with the reason and that batch billed nothing;
        retried once the cause is gone, the run bills every unit once"""
        from trytond.model.exceptions import ValidationError
        run = self.start_run(site=self.sites[0])
        tasks = queued_batches()
        self.assertEqual(len(tasks), 5)

        doomed = set(batch_units(run)[1])   # the second batch's
        with Transaction().start(DB_NAME, 0, readonly=True):
            Run = Pool().get('property.billing.run')
        bill = Run.bill

        def failing(record, units):
            if {u.id for u in units} & doomed:
                raise ValidationError("no revenue account")
            return bill(record, units)
        with patch.object(Run, 'bill', failing):
            work()
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Run = pool.get('property.billing.run')
            Line = pool.get('property.billing.line')
            record = Run(run)
            self.assertEqual(record.state, 'failed')
            self.assertEqual(record.failure, "no revenue account")
            self.assertEqual(Line.search([('run', '=', run),
                        ('unit', 'in', list(doomed))]), [])
            batches = sorted(record.batches, key=lambda b: b.sequence)
            self.assertEqual(batches[1].state, 'pending')
        self.assertEqual(queued_batches(), [])

        def retry():
            Run = Pool().get('property.billing.run')
            Run.retry([Run(run)])
        committed(retry, context={'company': self.company})
        work()
        with Transaction().start(DB_NAME, 0, readonly=True):
            Run = Pool().get('property.billing.run')
            self.assertEqual((Run(run).state, Run(run).failure),
                ('done', None))
        units, invoices, numbers = self.billed(self.sites[0])
        self.assertEqual(len(units), 24)
        self.assertEqual(sum(len(v) for v in invoices.values()), 24)
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 24)))

    def test_killed_worker(self):
        """A worker process killed after k of n units (SIGKILL, k drawn
        from 1..n-1 by three seeds), its run rerun, bills exactly what a
        run never killed bills"""
        for seed in [1, 2, 3]:
            with self.subTest(seed=seed):
                self.kill_and_rerun(seed)

    def kill_and_rerun(self, seed):
        rng = random.Random(seed)

        def sites():
            pool = Pool()
            Assignment = pool.get('property.fee.assignment')
            Company = pool.get('company.company')
            company = Company(self.company)
            estates = [create_estate(f"Killed {seed}", f'K{seed}',
                    company=company, extra=20),
                create_estate(f"Kept {seed}", f'U{seed}',
                    company=company, extra=20)]
            with set_company(company):
                Assignment.create([{
                            'fee_type': e['fee_types'][code].id,
                            'site': e['site'].id, 'rate': rate,
                            'start_date': MONTH.replace(year=MONTH.year - 1),
                            } for e in estates
                        for code, rate in [('PF', Decimal('1.85')),
                            ('PK', Decimal('300'))]])
            return [e['site'].id for e in estates]
        killed, kept = committed(sites, context={'company': self.company})

        run = self.start_run(site=killed)
        tasks = queued_batches()
        batches = batch_units(run)
        self.assertEqual(len(tasks), len(batches))
        n = sum(map(len, batches))
        k = rng.randint(1, n - 1)
        # the batches finished before the one of the unit after the k-th
        billed_units, count = set(), 0
        for units in batches:
            if count + len(units) > k:
                break
            billed_units.update(units)
            count += len(units)
        worker = subprocess.Popen(
            [sys.executable, '-c', WORKER, DB_NAME, str(k),
                *map(str, tasks)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=os.environ)
        try:
            self.assertEqual(worker.stdout.readline().strip(), 'ready')
            self.assertEqual(worker.stdout.readline().split(),
                ['billed', str(k)])
        finally:
            worker.kill()
            worker.wait()

        # what the killed worker left: whole units or nothing
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Line = pool.get('property.billing.line')
            by_unit = {}
            for line in Line.search([('run', '=', run)]):
                by_unit.setdefault(line.unit.id, []).append(line)
            for lines in by_unit.values():
                self.assertEqual(sorted(l.fee_type.code for l in lines),
                    ['PF', 'PK'])
                # drafted by a batch, or posted by its posting
                self.assertIn({l.invoice.state for l in lines},
                    [{'draft'}, {'posted'}])
            # the batches committed before the kill, nothing of the one
            # it interrupted
            self.assertEqual(set(by_unit), billed_units)

        work()   # the worker restarted takes what is left
        self.start_run(site=kept)
        work()
        self.assertEqual(self.billed(killed)[:2], self.billed(kept)[:2])
        _, _, numbers = self.billed()
        self.assertEqual(numbers, list(range(numbers[0],
                    numbers[0] + len(numbers))))
        with Transaction().start(DB_NAME, 0, readonly=True):
            Run = Pool().get('property.billing.run')
            self.assertEqual(Run(run).state, 'done')
