# This file is part of the property-management suite.
"""A renovation deposit is refunded at most once, also when two clerks
settle the same job at the same moment (PostgreSQL, real transactions)

These tests commit, so they work on a database of their own, dropped
when they end."""
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from trytond.modules.property_base.tests.tools import (
    SUITE_MODULES, committed)

from .tools import accept, approve_and_start, create_env, new_job

POSTGRESQL = backend.name == 'postgresql'
# the modules of the addon's test case (the whole suite): its database is
# there already
MODULES = SUITE_MODULES


@unittest.skipUnless(POSTGRESQL,
    "concurrent transactions need PostgreSQL (SQLite runs one at a time)")
class DepositConcurrencyTestCase(unittest.TestCase):
    "Test a deposit is settled once across transactions"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(MODULES)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def setUp(self):
        committed(self.build, user=1)

    def tearDown(self):
        drop_db()
        activate_module(MODULES)

    def build(self):
        "A finished job with 500 of deductions on its 3,000 deposit"
        Acceptance = Pool().get('property.decoration.acceptance')
        env = create_env()
        job = approve_and_start(env, new_job(env))
        acceptance = accept(env, job, deductions=[
                {'description': "Lift panel replaced",
                    'amount': Decimal(500)}])
        with set_company(env['company']):
            Acceptance.accept([acceptance])
        self.company = env['company'].id
        self.job = job.id
        self.owner = job.owner.id
        self.deposit_account = env['deposit_account'].id

    def settle(self, results, hold=None, refused=None):
        "Settle the job as a clerk would, in a transaction of its own"
        def run():
            Application = Pool().get('property.decoration.application')
            Application.settle([Application(self.job)])
            if hold:
                # keep the transaction open (and its lock) until told
                started, proceed = hold
                started.set()
                proceed.wait(timeout=60)
        try:
            committed(run, user=1, context={'company': self.company},
                tries=200, busy=lambda: (refused and refused.set(), time.sleep(0.05)))
            results.append('settled')
        except ValidationError as error:
            results.append(error.message)

    def check_settled_once(self, results):
        self.assertEqual(results.count('settled'), 1, results)
        refused, = [r for r in results if r != 'settled']
        self.assertIn('not settled yet', refused)
        # not read-only: the deposit balance is read FOR UPDATE
        with Transaction().start(DB_NAME, 1,
                context={'company': self.company}) as transaction:
            pool = Pool()
            Application = pool.get('property.decoration.application')
            Invoice = pool.get('account.invoice')
            Party = pool.get('party.party')
            Account = pool.get('account.account')
            job = Application(self.job)
            self.assertEqual(job.state, 'settled')
            self.assertEqual(job.deposit_balance, Decimal(0))
            # one refund of 3,000 - 500, and the deposit account of the
            # owner back to zero
            refunds = Invoice.search([('party', '=', self.owner),
                    ('total_amount', '<', 0)])
            self.assertEqual([i.total_amount for i in refunds],
                [Decimal(-2500)])
            self.assertEqual(Party(self.owner).get_deposit_balance(
                    Account(self.deposit_account)), Decimal(0))
            transaction.rollback()

    def test_second_clerk_waits(self):
        "A clerk settling a job being settled waits, then is refused"
        results = []
        started, proceed = threading.Event(), threading.Event()
        first = threading.Thread(target=self.settle,
            args=(results, (started, proceed)))
        first.start()
        self.assertTrue(started.wait(timeout=120))
        refused = threading.Event()
        second = threading.Thread(target=self.settle,
            args=(results, None, refused))
        second.start()
        # the second clerk finds the job locked by the first, and waits
        self.assertTrue(refused.wait(timeout=120))
        self.assertEqual(results, [])
        proceed.set()
        first.join(timeout=120)
        second.join(timeout=120)
        self.check_settled_once(results)

    def test_two_clerks_at_once(self):
        "Two clerks clicking Settle together refund the deposit once"
        results = []
        barrier = threading.Barrier(2)

        def clerk():
            barrier.wait(timeout=60)
            self.settle(results)
        threads = [threading.Thread(target=clerk) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        self.check_settled_once(results)
