# This file is part of the property-management suite.
"""The test runner's patches of trytond's test machinery (tests/run.py)
fail loudly when the function they replace has moved"""
import os
import subprocess
import sys
import types
import unittest

import run


def _module(**functions):
    module = types.ModuleType('fake_trytond_tests')
    module.__dict__.update(functions)
    return module


class RunPatchesTestCase(unittest.TestCase):
    "Test the runner checks what it patches"

    def test_patched_targets_of_this_trytond(self):
        """The runner's patches apply to this trytond: run them in a fresh
        interpreter (in this one they replaced their targets already)"""
        code = ('import run; run.share_db_cache(); '
            'run.activate_incrementally(); run.reuse_pools(); '
            'run.cache_module_lookup(); run.fast_foreign_keys(); '
            'print("patched")')
        env = dict(os.environ, PYTHONPATH=os.path.dirname(run.__file__))
        process = subprocess.run([sys.executable, '-c', code], env=env,
            capture_output=True, text=True, timeout=120)
        self.assertEqual(
            (process.returncode, process.stdout.strip()), (0, 'patched'),
            process.stderr)

    def test_missing_target(self):
        "A function gone from trytond stops the run"
        with self.assertRaisesRegex(run.PatchTargetMoved,
                r'fake_trytond_tests\.drop_create, which trytond .* no '
                r'longer has'):
            run.check_patch_target(_module(), 'drop_create', ['name'])

    def test_changed_signature(self):
        "A function with other parameters stops the run"
        def drop_create(name, lang, template):
            pass
        with self.assertRaisesRegex(run.PatchTargetMoved,
                r'drop_create\(name, lang\) but trytond .* has '
                r'.*drop_create\(name, lang, template\)'):
            run.check_patch_target(_module(drop_create=drop_create),
                'drop_create', ['name', 'lang'])

    def test_caller_no_longer_calls(self):
        "A patch its callers would not see stops the run"
        def drop_create(name, lang):
            pass

        def activate_modules(modules, *setup):
            return create_database(modules)  # noqa: F821

        with self.assertRaisesRegex(run.PatchTargetMoved,
                r'for .*activate_modules, which no longer calls it'):
            run.check_patch_target(_module(drop_create=drop_create),
                'drop_create', ['name', 'lang'], [activate_modules])


# The query of trytond 8.0's TableHandler._fk_deltypes that the runner
# replaces with run.FK_DELETE_RULES
# every table's at once: the views are slow to query table by table
# (21 s of the PostgreSQL run for 200 tables)
INFORMATION_SCHEMA_FK = (
    'SELECT k.table_name, k.constraint_name, k.column_name, r.delete_rule '
    'FROM information_schema.key_column_usage AS k '
    'JOIN information_schema.referential_constraints AS r '
    'ON r.constraint_schema = k.constraint_schema '
    'AND r.constraint_name = k.constraint_name '
    'WHERE k.table_schema = current_schema()')


class ForeignKeysTestCase(unittest.TestCase):
    "Test the runner's catalog query of foreign keys on PostgreSQL"

    @classmethod
    def setUpClass(cls):
        from trytond.tests.test_tryton import activate_module, drop_db
        from trytond import backend
        if backend.name != 'postgresql':
            raise unittest.SkipTest("PostgreSQL's catalog")
        drop_db()
        activate_module('property_base')

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        drop_db()

    def test_same_rows_as_information_schema(self):
        """The delete rules of every table's foreign keys read from the
        catalog are those of the information_schema views"""
        from trytond.tests.test_tryton import DB_NAME
        from trytond.transaction import Transaction
        with Transaction().start(DB_NAME, 0, readonly=True) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute("SELECT c.relname, n.nspname FROM pg_class AS c "
                "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema()")
            tables = cursor.fetchall()
            self.assertGreater(len(tables), 50)
            cursor.execute(INFORMATION_SCHEMA_FK)
            every = {}
            for table_name, name, column, rule in cursor:
                every.setdefault(table_name, {})[name, column] = rule
            keys = 0
            for table in tables:
                expected = every.get(table[0], {})
                cursor.execute(run.FK_DELETE_RULES, table)
                found = {r[:2]: r[2] for r in cursor}
                self.assertEqual(found, expected, table)
                keys += len(found)
            self.assertGreater(keys, 100)
