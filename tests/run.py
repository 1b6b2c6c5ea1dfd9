#!/usr/bin/env python3
"""Run the suite's tests for one database backend.

    .venv/bin/python tests/run.py --backend sqlite [--browser]
    TRYTOND_DATABASE__URI=postgresql://... .venv/bin/python tests/run.py \
        --backend postgresql

Runs, in this order:
  * the unittest package ``trytond.modules.<name>.tests`` of every addon in
    addons/ (test_*.py modules, ``load_tests`` honoured, so scenario_*.rst
    doctests are included),
  * cross-module tests: tests/test_*.py at the top of tests/,
  * with --browser, the browser end-to-end tests in tests/browser/.
Prints a per-backend summary, optionally writes it as JSON (--summary FILE)
and exits non-zero on any failure or error.
"""
import argparse
import functools
import importlib
import json
import os
import pkgutil
import shutil
import signal
import sys
import tempfile
import time
import traceback
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS_DIR = os.path.join(ROOT, 'tests')
ADDONS_DIR = os.path.join(ROOT, 'addons')


def addons():
    "Names of the addons in addons/ (folders holding a tryton.cfg)"
    return sorted(
        name for name in os.listdir(ADDONS_DIR)
        if os.path.isfile(os.path.join(ADDONS_DIR, name, 'tryton.cfg')))


def failed_load(name, exc_info):
    "A test case that reports an import/load error as an error"
    text = ''.join(traceback.format_exception(*exc_info))

    def test(self=None):
        raise ImportError(f"could not load {name}:\n{text}")
    return unittest.FunctionTestCase(test, description=f'load {name}')


def load_package(loader, name):
    "Tests of a package: its load_tests, or those of its test* modules"
    try:
        package = importlib.import_module(name)
    except Exception:
        return failed_load(name, sys.exc_info())
    if hasattr(package, 'load_tests') or not hasattr(package, '__path__'):
        return loader.loadTestsFromModule(package)
    suite = unittest.TestSuite()
    for info in sorted(pkgutil.iter_modules(package.__path__),
            key=lambda i: i.name):
        if not info.name.startswith('test'):
            continue
        modname = f'{name}.{info.name}'
        try:
            module = importlib.import_module(modname)
        except Exception:
            suite.addTest(failed_load(modname, sys.exc_info()))
            continue
        # loadTestsFromModule calls the module's load_tests if it has one
        suite.addTests(loader.loadTestsFromModule(module))
    return suite


class PatchTargetMoved(RuntimeError):
    "A trytond internal the runner patches is gone or has changed"


def check_patch_target(module, name, parameters, callers=()):
    """Make sure module.name is still what the runner patches: a function
    of these parameters, looked up by name (as a global of the module) in
    each of callers, so that replacing it changes what they call.

    The runner speeds Tryton's test machinery up by replacing some of its
    functions; a trytond release that renames, re-signs or stops calling
    one of them would leave the patch replacing nothing, and the run would
    quietly become slow or use the wrong cached database: stop loudly
    instead."""
    import inspect
    where = f'{module.__name__}.{name}'
    target = getattr(module, name, None)
    if not callable(target):
        raise PatchTargetMoved(
            f"tests/run.py patches {where}, which trytond "
            f"{_trytond_version()} no longer has: adapt tests/run.py")
    found = list(inspect.signature(target).parameters)
    if found != list(parameters):
        raise PatchTargetMoved(
            f"tests/run.py patches {where}({', '.join(parameters)}) but "
            f"trytond {_trytond_version()} has {where}({', '.join(found)}): "
            "adapt tests/run.py")
    for caller in callers:
        function = inspect.unwrap(getattr(caller, '__func__', caller))
        if name not in function.__code__.co_names:
            raise PatchTargetMoved(
                f"tests/run.py patches {where} for "
                f"{function.__module__}.{function.__qualname__}, which no "
                f"longer calls it by that name in trytond "
                f"{_trytond_version()}: adapt tests/run.py")
    return target


def _trytond_version():
    import trytond
    return trytond.__version__


def share_db_cache():
    """Name a cached database after its modules in sorted order.

    Tryton caches a database with modules activated under the name of the
    module list as given: the test case of property_hr (with the extra
    property_helpdesk) and its scenario (which sorts the list) activated
    the same modules twice, as did the billing test case and the RPC tests.
    The modules activated are the same in any order, or named twice."""
    from trytond.tests import test_tryton
    db_cache_file = check_patch_target(test_tryton, '_db_cache_file',
        ['path', 'name'],
        [test_tryton.backup_db_cache, test_tryton.restore_db_cache])

    def _db_cache_file(path, name):
        modules, sep, rest = name.partition('--')   # '--lang', '--setup'
        name = '-'.join(sorted(set(modules.split('-')))) + sep + rest
        return db_cache_file(path, name)
    test_tryton._db_cache_file = _db_cache_file


def activate_incrementally():
    """Activate a test database's modules on top of the cached database of
    the largest set of modules already activated in this run that they
    include, instead of from an empty database.

    Each test class activates its modules on a new database: the billing,
    decoration and cross-module tests each installed Tryton's accounting
    from scratch, and the helpdesk and HR tests the suite's base, which took
    about half of the run on PostgreSQL. Activating modules on a database
    that has some of them is what Tryton does when an office adds a module.
    The database of a scenario's setup functions (its cache name has them)
    is never reused: it holds the scenario's data."""
    from trytond.modules import get_module_info
    from trytond.tests import test_tryton, tools

    # cache name -> (modules of the database with their dependencies, lang)
    activated = {}

    @functools.cache
    def closure(name):
        result = {name}
        for depend in (get_module_info(name) or {}).get('depends', []):
            result |= closure(depend)
        return frozenset(result)

    def closure_of(modules):
        return frozenset().union(*(closure(m) for m in modules))

    @functools.cache
    def parents(name, modules):
        "The modules name is loaded after in a database of modules"
        info = get_module_info(name) or {}
        return frozenset(info.get('depends', [])) | (
            frozenset(info.get('extras_depend', [])) & modules)

    def cost(base, target):
        """How many modules activating target on base loads with their data:
        the modules to activate, and the activated modules that depend on
        one of them (directly, through an extra dependency or further up),
        which Tryton upgrades with it (trytond.modules.load_module_graph
        gives a module's state to its children). Adding the helpdesk to a
        database with billing upgrades billing again: on PostgreSQL that
        took 30 s where adding billing to one with the helpdesk took 8 s."""
        loaded = set(target - base)
        changed = True
        while changed:
            changed = False
            for module in base - loaded:
                if parents(module, target) & loaded:
                    loaded.add(module)
                    changed = True
        return len(loaded)

    def base_for(modules, lang):
        """The cache name of the activated set inside modules' that loads
        the fewest modules when modules are activated on it (the largest
        such set on a tie); a set with the same modules costs nothing."""
        target = closure_of(modules)
        found = [(cost(c, target), -len(c), n)
            for n, (c, l) in activated.items() if l == lang and c <= target]
        return min(found)[2] if found else None

    def cache_name(modules, lang='en'):
        name = '-'.join(sorted(set(modules)))
        return name + (f'--{lang}' if lang != 'en' else '')

    def log(modules, base, start):
        # on stderr: the scenarios' doctests compare what they print
        print(f"[activated {cache_name(modules)}"
            f"{f' on {base}' if base else ''} in "
            f"{time.monotonic() - start:.1f}s]", file=sys.stderr, flush=True)

    activate_module = check_patch_target(test_tryton, 'activate_module',
        ['modules', 'lang'], [test_tryton.ModuleTestCase.setUpClass])

    def activate_on_base(modules, lang='en'):
        if isinstance(modules, str):
            modules = [modules]
        name = cache_name(modules, lang)
        if (not test_tryton.db_exist(test_tryton.DB_NAME)
                and not test_tryton.restore_db_cache(name)):
            start = time.monotonic()
            base = base_for(modules, lang)
            if base:
                test_tryton.restore_db_cache(base)
            activate_module(modules, lang)
            log(modules, base, start)
        else:
            activate_module(modules, lang)
        activated[name] = (closure_of(modules), lang)
    test_tryton.activate_module = activate_on_base

    # The scenarios' activate_modules: the database it creates when its
    # modules are not cached starts from the largest activated set
    # the scenarios import activate_modules after the patch
    activate_modules = check_patch_target(tools, 'activate_modules',
        ['modules', 'setup'])
    drop_create = check_patch_target(tools, 'drop_create',
        ['name', 'lang'], [tools.activate_modules])
    pending = []

    def drop_create_on_base(name=test_tryton.DB_NAME, lang='en'):
        # called when the scenario's database is not cached
        base = base_for(pending[-1][0], lang) if pending else None
        if pending:
            pending[-1][1].append(base)
        if not base:
            return drop_create(name, lang)
        test_tryton.drop_db(name)
        test_tryton.restore_db_cache(base)

    def activate_modules_on_base(modules, *setup):
        if isinstance(modules, str):
            modules = [modules]
        start = time.monotonic()
        missed = []
        pending.append((modules, missed))
        try:
            config = activate_modules(modules, *setup)
        finally:
            pending.pop()
        if not setup:
            activated.setdefault(cache_name(modules), (
                    closure_of(modules), 'en'))
        if missed:
            log(modules, missed[0], start)
        return config
    tools.drop_create = drop_create_on_base
    tools.activate_modules = activate_modules_on_base


def reuse_pools():
    """Give a restored test database the pool of classes built for the same
    modules earlier in the run instead of building it again.

    Each test class and scenario restores its database from the cache and
    Tryton builds the pool of its modules anew (Pool.init: every model
    class of every module set up again), about 4-6 s for the whole suite,
    and most of the classes and scenarios use the same few sets of modules.
    The classes depend only on the modules (an activation or an update
    still builds them), so a pool built for the same activated modules is
    the same."""
    from trytond.pool import Pool
    from trytond.tests import test_tryton
    from trytond.transaction import Transaction

    init = check_patch_target(Pool, 'init',
        ['self', 'update', 'lang', 'activatedeps', 'indexes'],
        [test_tryton.restore_db_cache])
    built = {}   # activated modules -> (pool, modules)

    def activated(database_name):
        with Transaction().start(database_name, 0,
                readonly=True) as transaction, \
                transaction.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM ir_module "
                "WHERE state = 'activated'")
            return frozenset(name for name, in cursor)

    def init_reusing(self, update=None, lang=None, activatedeps=False,
            indexes=None):
        if (update or lang or activatedeps or indexes
                or self.database_name != test_tryton.DB_NAME
                or not Pool._started or Transaction().connection):
            return init(self, update=update, lang=lang,
                activatedeps=activatedeps, indexes=indexes)
        key = activated(self.database_name)
        if key not in built:
            init(self)
            built[key] = (self._pool, self._modules)
            return
        with Pool._lock:
            self._pool, self._modules = built[key]
            Pool._pools[self.database_name] = self._pool
            Pool._pool_modules[self.database_name] = self._modules
            Pool._pool_instances.clear()
            Pool._pool_instances.add(self)
            self.ready = True
    Pool.init = init_reusing


def cache_module_lookup():
    """Remember the Tryton modules trytond.tools.misc.import_module found.

    It looks a module up among all the installed entry points each time:
    the checks of ModuleTestCase (test_depends, test_rec_name...) resolve
    every model's classes through it thousands of times, about half a
    second a check. A module found stays the same."""
    from trytond.tools import misc
    misc.import_module = functools.cache(check_patch_target(
            misc, 'import_module', ['name'], [misc.find_path, misc.resolve]))


# The delete rules of a table's foreign keys from PostgreSQL's catalog: the
# same rows as the information_schema views trytond reads them from
FK_DELETE_RULES = (
    "SELECT c.conname, a.attname, "
        "CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' "
        "WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' "
        "WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END "
    "FROM pg_constraint AS c "
    "JOIN pg_class AS r ON r.oid = c.conrelid "
    "JOIN pg_namespace AS n ON n.oid = r.relnamespace "
    "JOIN pg_attribute AS a "
        "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
    "WHERE c.contype = 'f' AND r.relname = %s AND n.nspname = %s")


def fast_foreign_keys():
    """Read a PostgreSQL table's foreign keys from the catalog.

    Tryton's PostgreSQL table handler reads the delete rule of a table's
    foreign keys (TableHandler._fk_deltypes, each time it adds one) from
    the information_schema views key_column_usage and
    referential_constraints, which go through every constraint of the
    database: inside the transaction that activates the suite's modules a
    query took 2.3 s on a loaded machine (65 queries, 17 % of a whole
    activation on PostgreSQL) and 7 ms idle, against 0.3 ms for the same
    rows from pg_constraint (tests/test_run_patches.py compares both on
    every table of the test database)."""
    import inspect
    from trytond.backend.postgresql import table
    handler = table.TableHandler
    prop = handler.__dict__.get('_fk_deltypes')
    slot = '_TableHandler__fk_deltypes'
    source = inspect.getsource(prop.fget) if isinstance(
        prop, property) else ''
    update = inspect.getsource(handler._update_definitions)
    if ('information_schema.key_column_usage' not in source
            or '__fk_deltypes' not in update):
        raise PatchTargetMoved(
            "tests/run.py replaces trytond.backend.postgresql.table."
            "TableHandler._fk_deltypes (the information_schema query), "
            f"which trytond {_trytond_version()} no longer has: adapt "
            "tests/run.py")

    def _fk_deltypes(self):
        if getattr(self, slot, None) is None:
            from trytond.transaction import Transaction
            cursor = Transaction().connection.cursor()
            cursor.execute(FK_DELETE_RULES,
                (self.table_name, self.table_schema))
            setattr(self, slot, {r[:2]: r[2] for r in cursor})
        return getattr(self, slot)
    handler._fk_deltypes = property(_fk_deltypes)


class Result(unittest.TextTestResult):
    "Remembers one outcome per test (a failing subtest fails its test)"
    RANK = {'passed': 0, 'skipped': 1, 'failed': 2}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}
        self.durations = {}
        # seconds spent outside of tests (a class's setUpClass, a module's
        # setUpModule, a doctest file's set-up) before the test that
        # follows them, by test class: where databases are activated
        self.setups = {}
        self._started = {}
        self._stopped = None

    def _set(self, test, outcome):
        key = test.id()
        old = self.outcomes.get(key)
        if old is None or self.RANK[outcome] > self.RANK[old]:
            self.outcomes[key] = outcome

    def startTest(self, test):
        super().startTest(test)
        self._set(test, 'passed')
        now = time.monotonic()
        if self._stopped is not None:
            owner = test.id().rsplit('.', 1)[0]
            self.setups[owner] = self.setups.get(owner, 0) + (
                now - self._stopped)
        self._started[test.id()] = now

    def stopTest(self, test):
        super().stopTest(test)
        start = self._started.pop(test.id(), None)
        self._stopped = time.monotonic()
        if start is not None:
            self.durations[test.id()] = self._stopped - start

    def addError(self, test, err):
        super().addError(test, err)
        self._set(test, 'failed')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, 'failed')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._set(test, 'failed')

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, 'skipped')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, 'failed')

    def counts(self):
        values = list(self.outcomes.values())
        counts = {k: values.count(k) for k in self.RANK}
        # errors outside of any test (e.g. in setUpClass) count as failures
        started = set(self.outcomes)
        for test, _ in self.errors + self.failures:
            test = getattr(test, 'test_case', test)  # a subtest's test
            if test.id() not in started:
                counts['failed'] += 1
                started.add(test.id())
        return counts


def excluded(suite, patterns):
    "The suite without the tests whose id matches one of the patterns"
    from fnmatch import fnmatchcase
    result = unittest.TestSuite()
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            result.addTest(excluded(test, patterns))
        elif not any(fnmatchcase(test.id(), p) for p in patterns):
            result.addTest(test)
    return result


def definition_check_classes():
    """The classes whose tests check a module's definitions: its views,
    XML files, dependencies, field and button declarations, access records
    and menus as loaded from its files (Tryton's ModuleTestCase, the
    company module's mixin), its translations and list columns (ours).
    They read the pool and the records the module's XML loaded, the same on
    every backend: the rules' and workflows' tests are the subclasses'."""
    from trytond.modules.company.tests import CompanyTestMixin
    from trytond.modules.property_base.tests.tools import (
        SuiteModuleTestMixin)
    from trytond.tests.test_tryton import ModuleTestCase
    return (ModuleTestCase, CompanyTestMixin, SuiteModuleTestMixin)


def without_definition_checks(suite, classes):
    """The suite without the tests a definition-check class defines (and
    the test class does not override); and how many were left out"""
    result, count = unittest.TestSuite(), 0
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            kept, left = without_definition_checks(test, classes)
            result.addTest(kept)
            count += left
            continue
        name = getattr(test, '_testMethodName', None)
        owner = next((k for k in type(test).__mro__
                if name and name in k.__dict__), None)
        if owner in classes:
            count += 1
        else:
            result.addTest(test)
    return result, count


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default='sqlite')
    parser.add_argument('--browser', action='store_true',
        help="also run the browser end-to-end tests (tests/browser)")
    parser.add_argument('--browser-only', action='store_true',
        help="run only the browser end-to-end tests")
    parser.add_argument('--summary', metavar='FILE',
        help="write the counts as JSON to FILE")
    parser.add_argument('--exclude', metavar='PATTERN', action='append',
        default=[], help="leave out the tests matching the pattern (as -k)")
    parser.add_argument('--no-definition-checks', action='store_true',
        help="leave out the modules' definition checks (Tryton's "
        "ModuleTestCase and the suite's: views, XML, depends, access, "
        "translations), when the other backend's run has them")
    parser.add_argument('-k', dest='patterns', action='append',
        help="only run tests matching the pattern (as unittest -k)")
    parser.add_argument('-q', '--quiet', action='store_true')
    parser.add_argument('modules', nargs='*',
        help="addons to test (default: all in addons/)")
    args = parser.parse_args()

    # The test framework reads its settings from the environment when
    # trytond.tests.test_tryton is imported: set them first.
    os.environ.pop('TRYTOND_CONFIG', None)
    # no network here: skip the tests that need one
    os.environ.setdefault('TEST_NETWORK', '0')
    # Clean up (finally clauses, servers, temporary folders) also when
    # terminated: unittest lets only KeyboardInterrupt stop the whole run.
    def terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, terminate)
    cache = None
    if args.backend == 'sqlite':
        # cache activated databases as files in a temporary folder
        cache = tempfile.mkdtemp(prefix='property-dbcache-sqlite-')
        os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
        os.environ['DB_NAME'] = ':memory:'
        os.environ['DB_CACHE'] = cache
        # The in-memory database has one connection for all transactions:
        # the cache synchronisation Tryton runs every clean_timeout seconds
        # takes it in autocommit mode, and the test running then would
        # commit what it writes (found as "leaked" sites in later tests).
        # One process holds the database, so there is nothing to sync.
        os.environ['TRYTOND_CACHE__CLEAN_TIMEOUT'] = str(10 ** 7)
    else:
        uri = os.environ.get('TRYTOND_DATABASE__URI', '')
        if not uri.startswith('postgresql'):
            parser.error("--backend postgresql needs TRYTOND_DATABASE__URI "
                "(see scripts/pgcluster.sh)")
        os.environ.setdefault('DB_NAME', 'test_property')
        # cache activated databases as template databases on the server
        os.environ['DB_CACHE'] = 'postgresql://'
    share_db_cache()
    activate_incrementally()
    reuse_pools()
    cache_module_lookup()
    if args.backend == 'postgresql':
        fast_foreign_keys()

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [
            p if '*' in p else f'*{p}*' for p in args.patterns]
    suite = unittest.TestSuite()
    if not args.browser_only:
        for name in (args.modules or addons()):
            suite.addTest(load_package(loader, f'trytond.modules.{name}.tests'))
        sys.path.insert(0, TESTS_DIR)
        for filename in sorted(os.listdir(TESTS_DIR)):
            if filename.startswith('test_') and filename.endswith('.py'):
                suite.addTest(load_package(loader, filename[:-3]))
    if args.browser or args.browser_only:
        if TESTS_DIR not in sys.path:
            sys.path.insert(0, TESTS_DIR)
        suite.addTest(load_package(loader, 'browser'))

    if args.exclude:
        suite = excluded(suite, [
                p if '*' in p else f'*{p}*' for p in args.exclude])
    if args.no_definition_checks:
        suite, left = without_definition_checks(
            suite, definition_check_classes())
        print(f"=== {args.backend}: {left} definition checks left to the "
            "other backend's run", flush=True)
    print(f"=== {args.backend}: running {suite.countTestCases()} tests",
        flush=True)
    runner = unittest.TextTestRunner(
        stream=sys.stdout, verbosity=1 if args.quiet else 2,
        resultclass=Result)
    start = time.monotonic()
    try:
        result = runner.run(suite)
    finally:
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
    duration = time.monotonic() - start
    counts = result.counts()
    failed_ids = sorted(k for k, v in result.outcomes.items() if v == 'failed')
    print(f"=== {args.backend} summary: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['skipped']} skipped "
        f"in {duration:.1f}s", flush=True)
    for test_id in failed_ids:
        print(f"    FAILED {test_id}")
    slowest = sorted(result.durations.items(), key=lambda i: -i[1])[:15]
    print("=== slowest tests:")
    for test_id, seconds in slowest:
        print(f"    {seconds:7.1f}s {test_id}")
    setups = sorted(result.setups.items(), key=lambda i: -i[1])
    print(f"=== time between tests (set-ups): "
        f"{sum(result.setups.values()):.1f}s, the longest:")
    for owner, seconds in setups[:10]:
        print(f"    {seconds:7.1f}s {owner}")
    if args.summary:
        with open(args.summary, 'w') as fp:
            json.dump(dict(counts, backend=args.backend,
                    seconds=round(duration, 1), failed_tests=failed_ids,
                    durations={k: round(v, 2) for k, v in sorted(
                            result.durations.items(), key=lambda i: -i[1])},
                    setups={k: round(v, 2) for k, v in setups}),
                fp, indent=2)
    total = sum(counts.values())
    return 0 if counts['failed'] == 0 and total > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
