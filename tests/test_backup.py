# This file is part of the property-management suite.
"""Backup and restore (PostgreSQL): scripts/backup.sh dumps a database and
restores it into a new one holding the same records and balances"""
import os
import subprocess
import tempfile
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.property_base.tests.tools import committed
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

SCRIPT = os.path.join(os.path.dirname(__file__), os.pardir, 'scripts',
    'backup.sh')
RESTORED = DB_NAME + '_restored'


def snapshot():
    "What must survive a backup: records, numbers and balances"
    pool = Pool()
    Unit = pool.get('property.unit')
    Invoice = pool.get('account.invoice')
    Line = pool.get('property.billing.line')
    Party = pool.get('party.party')
    invoices = Invoice.search([], order=[('number', 'ASC')])
    parties = Party.search([], order=[('id', 'ASC')])
    return {
        'units': sorted(u.rec_name for u in Unit.search([])),
        'invoices': [(i.number, i.party.name, i.total_amount, i.state)
            for i in invoices],
        'billed': sorted((l.unit.rec_name, l.fee_type.code, l.amount)
            for l in Line.search([])),
        'balances': {p.name: p.receivable for p in parties
            if p.receivable},
        }


@unittest.skipUnless(backend.name == 'postgresql',
    "backups are PostgreSQL dumps")
class BackupTestCase(unittest.TestCase):
    "Test backup and restore"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['property_billing', 'property_helpdesk'])

    @classmethod
    def tearDownClass(cls):
        drop_db(RESTORED)
        drop_db()

    def test_dump_restore(self):
        "A restored dump holds the same records and balances"
        from trytond.modules.property_billing.tests.tools import (
            MONTH, bill, create_estate)
        from trytond.modules.company.tests import set_company

        def build():
            pool = Pool()
            Assignment = pool.get('property.fee.assignment')
            Run = pool.get('property.billing.run')
            estate = create_estate(extra=6)
            with set_company(estate['company']):
                Assignment.create([{
                            'fee_type': estate['fee_types']['PF'].id,
                            'site': estate['site'].id,
                            'rate': Decimal('1.85'),
                            'start_date': MONTH.replace(year=MONTH.year - 1),
                            }])
                run, = Run.create([{'company': estate['company'].id,
                            'month': MONTH, 'invoice_date': MONTH}])
                bill(run)
        committed(build)
        before = committed(snapshot)
        self.assertEqual(len(before['invoices']), 10)
        self.assertEqual(len(before['balances']), 10)

        with tempfile.TemporaryDirectory() as directory:
            dump = os.path.join(directory, 'property.dump')
            for args in [['dump', DB_NAME, dump],
                    ['restore', dump, RESTORED]]:
                subprocess.run(['bash', SCRIPT, *args], check=True,
                    capture_output=True)
        with Transaction().start(RESTORED, 0, readonly=True):
            Pool(RESTORED).init()
        after = committed(snapshot, database=RESTORED)
        self.assertEqual(after, before)
