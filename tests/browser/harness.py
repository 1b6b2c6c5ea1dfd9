"""Reusable parts of the browser end-to-end tests.

* :class:`TrytonServer` creates a fresh SQLite database in a temporary
  folder, activates the given modules, marks the module configuration wizard
  done and serves the sao web client on a free loopback port.
  ``server.query(code)`` runs Python with proteus against that database in a
  separate process and returns the JSON-able value of ``result``.
* The administrator only sets up. :data:`STAFF` names the office staff by
  role (front desk, building manager, manager, engineering, finance, HR);
  ``setup_staff('front_desk', ..., sites=['GC'])`` is code for
  ``server.query()`` that creates their users (password
  ``harness.password(login)``) working on those sites, and
  ``server.query(code, user=login)`` runs code with a staff user's rights.
* :class:`Browser` starts Debian's Chromium through Python Playwright and
  returns :class:`Sao` pages, which know how to log in through sao's login
  dialog, log out with the user menu and log in as another staff user
  (``sao.login_as(STAFF['finance'][0])``), open a menu entry,
  open a record of a list, click the toolbar, fill fields, add rows to an
  editable One2Many list (``add_row('lines', {'employee': 'Chen',
  'score': 86})``), click form buttons (by their name, e.g.
  ``click_button('open', state='open')``) and switch and close tabs in sao.

A new flow looks like::

    with TrytonServer(['property_base']) as server, Browser() as browser:
        server.query(SETUP_COMPANY
            + "Model.get('property.site')(name='A', code='A').save()\n"
            + setup_staff('manager', sites=['A']))
        sao = browser.open(server, 'my_flow')
        sao.login_as(STAFF['manager'][0])
        sao.open_menu('Property', 'Buildings')
        sao.new()
        sao.fill('name', 'A')
        sao.save()
        server.query("result = Model.get('property.building').find()[0].name")

Screenshots land in tests/artifacts/<flow>/ (gitignored).
"""
import atexit
import datetime as dt
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, 'tests', 'artifacts')
SAO_ROOT = os.environ.get(
    'SAO_ROOT', os.path.join(ROOT, 'var', 'sao', 'package'))
BIN = os.path.dirname(sys.executable)
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
TIMEOUT = 30  # seconds, for any single wait in the browser

# Executed by ``python -c`` in a child process for TrytonServer.query().
# The flows' controlled clock: the suite's clock (property_base.common's
# _utcnow, as office_clock patches it in the addons' tests) of the server
# and of the set-up processes starts at this UTC time and runs on from it:
# Wednesday 9 December 2026, 10:00 at the office. No flow depends on the
# time of day it runs at.
E2E_CLOCK = dt.datetime(2026, 12, 9, 2, 0)
_CLOCK = r'''
def _office_clock(conf, start):
    "Run the suite's clock from start (UTC) on"
    import datetime, time
    from trytond import config
    config.update_etc(conf)
    from trytond.modules.property_base import common
    start, began = datetime.datetime.fromisoformat(start), time.monotonic()
    common._utcnow = lambda: start + datetime.timedelta(
        seconds=time.monotonic() - began)
'''
# trytond on the flows' clock: python -c _SERVER clock conf trytond-args...
_SERVER = _CLOCK + r'''
import sys
_office_clock(sys.argv[2], sys.argv[1])
from trytond.cli import main
sys.argv = ['trytond'] + sys.argv[3:]
sys.exit(main())
'''

# The flows' set-up and checks with proteus, in one child process per
# server that stays up between queries: python -c _QUERY conf db clock,
# then a JSON line {"user", "code"} per query on stdin, a JSON line
# {"result"} or {"error"} (with what the code printed) back on stdout.
# A process per query built the pool of the suite's classes again each
# time (Pool.init, about 3 s of CPU), and so did each as_user().
_QUERY = _CLOCK + r'''
import contextlib, copy, io, json, sys, traceback
conf, db, clock = sys.argv[1], sys.argv[2], sys.argv[3]
_office_clock(conf, clock)
from proteus import Model, Wizard, config as pconfig
from trytond.transaction import Transaction
base = pconfig.set_trytond(database=db, user='admin', config_file=conf)

def as_user(login):
    "Go on as the user ``login``: with the access rights of that user"
    User = base.pool.get('res.user')
    with Transaction().start(base.database_name, 0) as transaction:
        transaction.context = base.context
        with transaction.set_context(active_test=False):
            user = User.search([('login', '=', login)], limit=1)[0].id
        with transaction.set_user(user):
            context = User.get_preferences(context_only=True)
    # as proteus.config.set_trytond, without building the pool again
    config = copy.copy(base)
    config.user, config._user, config._context = user, login, context
    pconfig._CONFIG.current = config
    return config

reply_to = sys.stdout
for line in sys.stdin:
    request = json.loads(line)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            scope = {'Model': Model, 'Wizard': Wizard, 'result': None,
                'config': as_user(request['user']), 'as_user': as_user}
            exec(request['code'], scope)
        reply = {'result': scope['result']}
    except BaseException:
        reply = {'error': traceback.format_exc()}
    reply['output'] = printed.getvalue()[-3000:]
    reply_to.write(json.dumps(reply, default=str) + '\n')
    reply_to.flush()
'''


# The company every flow needs (sites belong to one): run it with
# server.query() before logging in, so that it is in the user's context.
SETUP_COMPANY = """
from trytond.modules.company.tests.tools import create_company, get_company
from proteus import Model
Party = Model.get('party.party')
party = Party(name='E2E Property Services Co.')
party.save()
create_company(party=party, currency='CNY')
company = get_company()
# the office's time zone: the server's dates are the office's
company.timezone = 'Asia/Shanghai'
company.save()
result = True
"""

OFFICE_TIMEZONE = 'Asia/Shanghai'


def office_today():
    "The office's date on the flows' clock, as the server has it"
    from zoneinfo import ZoneInfo
    return E2E_CLOCK.replace(tzinfo=dt.timezone.utc).astimezone(
        ZoneInfo(OFFICE_TIMEZONE)).date()


# The office's date on the flows' clock (the flows' setup code)
OFFICE_TODAY = """
import datetime as _dt
from zoneinfo import ZoneInfo as _ZoneInfo
from trytond.modules.property_base.common import clock as _clock
office_today = _clock().replace(tzinfo=_dt.timezone.utc).astimezone(
    _ZoneInfo('Asia/Shanghai')).date()
"""


# The office staff of the flows, by role: their login, their groups
# (module.xml_id) and a name. The administrator only sets up; each step of
# a flow is done by the role that does it in the office (docs/ACCESS.md).
STAFF = {
    'manager': ('e2e.manager', "E2E Site Manager Sun",
        ['property_base.group_property_manager']),
    'front_desk': ('e2e.front.desk', "E2E Clerk Zhou",
        ['property_base.group_property_front_desk']),
    'building_manager': ('e2e.building', "E2E Building Manager Zheng",
        ['property_base.group_property_building_manager']),
    'engineering': ('e2e.engineer', "E2E Plumber Zhao",
        ['property_helpdesk.group_property_engineering']),
    # Tryton's Accounting group for the invoices and their moves
    'finance': ('e2e.finance', "E2E Accountant Qian",
        ['property_billing.group_property_finance',
            'account.group_account']),
    'hr': ('e2e.hr', "E2E HR Officer Li", ['property_hr.group_property_hr']),
    # the cashier counter (收费台) of property_billing
    'cashier': ('e2e.cashier', "E2E Cashier Sun",
        ['property_billing.group_property_cashier']),
    }


# The suite's addons: the browser tests run on a database with all of them,
# as an office does (activated once per run, then copied)
from trytond.modules.property_base.tests.tools import (  # noqa: E402,F401
    SUITE_MODULES)
# (modules, languages, admin password) -> the file of a database just
# activated with them
_ACTIVATED = {}


def password(login):
    "The password of the staff user ``login``"
    return f'e2e-{login}-password'


def setup_staff(*roles, sites=()):
    """Code for server.query() that creates the staff users of ``roles``
    (keys of STAFF) in the company, working on the sites with the codes
    ``sites``; run it after the company and the sites are created. Each
    user's employee, if the code defined one in ``employees[role]``, is
    linked to the user."""
    return f"""
_staff = {dict((r, STAFF[r]) for r in roles)!r}
from trytond.modules.company.tests.tools import get_company as _company
from proteus import config as _proteus
from trytond.pool import Pool as _Pool
from trytond.transaction import Transaction as _Transaction
_User = Model.get('res.user')
_Group = Model.get('res.group')
_Site = Model.get('property.site')
_sites = _Site.find([('code', 'in', {list(sites)!r})])
_employees = globals().get('employees', {{}})
users = {{}}
for _role, (_login, _name, _groups) in _staff.items():
    _user = _User(name=_name, login=_login,
        password={password('LOGIN')!r}.replace('LOGIN', _login))
    for _xml_id in _groups:
        with _Transaction().start(
                _proteus.get_config().database_name, 0, readonly=True):
            _group = _Pool().get('ir.model.data').get_id(*_xml_id.split('.'))
        _user.groups.append(_Group(_group))
    _user.companies.append(_company())
    _user.company = _user.companies[0]
    for _site in _sites:
        _user.property_sites.append(_Site(_site.id))
    if _role in _employees:
        _user.employees.append(_employees[_role])
        _user.employee = _user.employees[0]
    _user.save()
    users[_role] = _user.id
"""


def missing():
    "What the browser tests need but is missing"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "python playwright is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not os.path.isfile(os.path.join(SAO_ROOT, 'index.html')):
        return "sao is not installed (scripts/setup.sh)"


class Download:
    """A PDF the browser downloaded: its file name, bytes, text (pdftotext
    -layout) and, when asked for, its images' (width, height) in pixels"""

    def __init__(self, name, content, text, images=None):
        self.name = name
        self.content = content
        self.text = text
        self.images = images


def download_pdf(page, click, images=False, timeout=120):
    """Run click() (a click that makes the page download a file) and return
    the file as a :class:`Download`, read back with poppler's tools as the
    addons' tests read their PDFs (pdf_text, pdf_images)"""
    from trytond.modules.property_base.tests.tools import (
        pdf_images, pdf_text)
    with page.expect_download(timeout=timeout * 1000) as download_info:
        click()
    download = download_info.value
    with open(download.path(), 'rb') as fp:
        content = fp.read()
    return Download(download.suggested_filename, content, pdf_text(content),
        pdf_images(content) if images else None)


def free_port():
    "A free TCP port on the loopback interface"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _die_with_parent():
    "In the child: get SIGTERM when the test process dies (Linux)"
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def clean_env(**extra):
    """The environment for child Tryton processes: without the TRYTOND_*
    and test framework variables of the running tests, so that only the
    configuration file counts"""
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')
        and k not in {'DB_NAME', 'DB_CACHE', 'TRYTONPASSFILE'}}
    env.update(extra)
    return env


def _test_run_database(modules, languages):
    """The SQLite file of a database the test run (tests/run.py on SQLite)
    activated with these modules and English, or None.

    The cross-module tests run before the browser tests on a database with
    the whole suite: copying it saves activating the same modules again
    with trytond-admin (about a minute). The administrator's password and
    e-mail are set on the copy as trytond-admin sets them."""
    cache = os.environ.get('DB_CACHE')
    if (not cache or cache.startswith('postgresql')
            or list(languages) != ['en']):
        return None
    from trytond.tests import test_tryton
    path = test_tryton._db_cache_file(cache, '-'.join(sorted(set(modules))))
    return path if os.path.isfile(path) else None


class TrytonServer:
    "A throwaway database and trytond serving sao, on a free port"

    def __init__(self, modules, database='e2e', login='admin',
            password='e2e-admin-password', languages=('en',), name=None):
        self.modules = list(modules)
        self.database = database
        self.login = login
        self.password = password
        self.languages = list(languages)
        self.name = name or '-'.join(self.modules)
        self.port = None
        self.process = None
        self.tmp = None
        self.conf = None
        self.log_path = None
        self.querier = None

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}/'

    # -- set-up ---------------------------------------------------------------
    def __enter__(self):
        try:
            self.create_database()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _write_conf(self):
        self.port = free_port()
        self.conf = os.path.join(self.tmp, 'trytond.conf')
        with open(self.conf, 'w') as fp:
            fp.write(
                "[database]\n"
                "uri = sqlite://\n"
                f"path = {os.path.join(self.tmp, 'db')}\n"
                "[web]\n"
                f"root = {SAO_ROOT}\n"
                f"listen = 127.0.0.1:{self.port}\n"
                "[session]\n"
                "max_attempt = 100\n")

    def create_database(self):
        """Create the database, activate the modules, finish the config
        wizard; or copy the database of an earlier test of the run that
        activated the same modules (an activation takes about a minute)"""
        if not os.path.isfile(os.path.join(SAO_ROOT, 'index.html')):
            raise RuntimeError(
                f"sao is not installed in {SAO_ROOT}: run scripts/setup.sh")
        self.tmp = tempfile.mkdtemp(prefix='property-e2e-')
        os.makedirs(os.path.join(self.tmp, 'db'))
        self._write_conf()
        path = os.path.join(self.tmp, 'db', self.database + '.sqlite')
        key = (tuple(sorted(self.modules)), tuple(self.languages),
            self.password)
        if key in _ACTIVATED:
            shutil.copyfile(_ACTIVATED[key], path)
            return
        cached = _test_run_database(self.modules, self.languages)
        if cached:
            shutil.copyfile(cached, path)
            self._set_up_admin()
        else:
            self._activate()
        copy = tempfile.NamedTemporaryFile(prefix='property-e2e-',
            suffix='.sqlite', delete=False)
        copy.close()
        atexit.register(os.remove, copy.name)
        shutil.copyfile(path, copy.name)
        _ACTIVATED[key] = copy.name

    def _activate(self):
        # trytond-admin needs the SQLite file to exist
        open(os.path.join(self.tmp, 'db', self.database + '.sqlite'),
            'w').close()
        passfile = os.path.join(self.tmp, 'password')
        with open(passfile, 'w') as fp:
            fp.write(self.password + '\n')
        cmd = [os.path.join(BIN, 'trytond-admin'), '-c', self.conf,
            '-d', self.database, '--all', '--activate-dependencies',
            '--email', 'admin@example.com', '-l', *self.languages,
            '-u', *self.modules]
        self._run(cmd, 'trytond-admin', env=clean_env(TRYTONPASSFILE=passfile))
        self._set_up_admin()

    def _set_up_admin(self):
        # The administrator's password and e-mail, as trytond-admin sets
        # them (again for a database of the test run, which has none)
        self.query(
            "User = Model.get('res.user')\n"
            "admin, = User.find([('login', '=', 'admin')])\n"
            f"admin.password = {self.password!r}\n"
            "admin.email = 'admin@example.com'\n"
            "admin.save()\n"
            "result = True\n")
        # The first screen would otherwise be the module configuration wizard
        self.query(
            "Item = Model.get('ir.module.config_wizard.item')\n"
            "items = Item.find([('state', '!=', 'done')])\n"
            "for item in items:\n"
            "    item.state = 'done'\n"
            "Item.save(items)\n"
            "result = len(items)\n")

    def _run(self, cmd, label, **kwargs):
        log = os.path.join(self.tmp, label + '.log')
        with open(log, 'w') as fp:
            proc = subprocess.run(cmd, stdout=fp, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=ROOT, **kwargs)
        if proc.returncode:
            with open(log) as fp:
                output = fp.read()
            raise RuntimeError(
                f"{label} failed ({proc.returncode}):\n{output[-5000:]}")

    def query(self, code, user=None, timeout=300):
        """Run ``code`` with proteus on the database in a child process
        (``Model``, ``Wizard`` and ``config`` are defined, and
        ``as_user(login)`` goes on as another user) and return the value
        it assigned to ``result`` (through JSON); as the administrator, or
        as ``user`` (a login) with that user's access rights. The child
        process stays up for the next query of the server; it syncs
        Tryton's caches at each transaction, as what the server changed in
        between must show."""
        if self.querier is None or self.querier.poll() is not None:
            with open(os.path.join(self.tmp, 'query.log'), 'a') as log:
                self.querier = subprocess.Popen(
                    [sys.executable, '-c', _QUERY, self.conf,
                        self.database, E2E_CLOCK.isoformat()],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=log, text=True, cwd=ROOT,
                    preexec_fn=_die_with_parent,
                    env=clean_env(TRYTOND_CACHE__CLEAN_TIMEOUT='0'))
        querier = self.querier
        querier.stdin.write(json.dumps(
                {'user': user or self.login, 'code': code}) + '\n')
        querier.stdin.flush()
        ready, _, _ = select.select([querier.stdout], [], [], timeout)
        line = querier.stdout.readline() if ready else ''
        if not line:
            querier.kill()
            querier.wait()
            raise RuntimeError(f"query failed (no answer in {timeout} s, "
                f"exit code {querier.returncode}):\n{code}\n"
                + self._tail('query.log'))
        reply = json.loads(line)
        if 'error' in reply:
            raise RuntimeError(f"query failed:\n{code}\n{reply['output']}"
                f"\n{reply['error']}")
        return reply['result']

    def _tail(self, name, size=5000):
        try:
            with open(os.path.join(self.tmp, name)) as fp:
                return fp.read()[-size:]
        except OSError:
            return ''

    # -- server ---------------------------------------------------------------
    def start(self, timeout=60):
        "Start trytond (with -d: needed for the login of trytond 8.0.12)"
        self.log_path = os.path.join(self.tmp, 'trytond.log')
        log = open(self.log_path, 'w')
        self.process = subprocess.Popen(
            [sys.executable, '-c', _SERVER, E2E_CLOCK.isoformat(),
                self.conf, '-c', self.conf, '-d', self.database],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=ROOT, env=clean_env(), start_new_session=True,
            # even if this process is killed, the server goes with it
            preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"trytond exited with {self.process.returncode}:\n"
                    + self.log_tail())
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "trytond did not answer in time:\n" + self.log_tail())
            time.sleep(0.2)

    def log_tail(self, size=5000):
        try:
            with open(self.log_path) as fp:
                return fp.read()[-size:]
        except (OSError, TypeError):
            return ''

    def stop(self):
        "Stop trytond and remove the temporary folder (keeps the log)"
        if self.querier is not None:
            self.querier.stdin.close()
            try:
                self.querier.wait(10)
            except subprocess.TimeoutExpired:
                self.querier.kill()
                self.querier.wait(10)
            self.querier = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
            self.process = None
        if self.tmp:
            os.makedirs(ARTIFACTS, exist_ok=True)
            for name in os.listdir(self.tmp):
                if name.endswith('.log'):
                    shutil.copy(os.path.join(self.tmp, name), os.path.join(
                            ARTIFACTS, f'{self.name}-{name}'))
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class Browser:
    "Debian's Chromium driven by Playwright, with a fresh profile"

    def __init__(self, headless=True):
        self.headless = headless
        self.playwright = None
        self.context = None
        self.profile = None

    def __enter__(self):
        from playwright.sync_api import sync_playwright
        self.profile = tempfile.mkdtemp(prefix='property-chromium-')
        self.playwright = sync_playwright().start()
        try:
            self.context = self.playwright.chromium.launch_persistent_context(
                self.profile, executable_path=CHROMIUM,
                headless=self.headless, args=CHROMIUM_ARGS,
                viewport={'width': 1280, 'height': 800},
                locale='en-US')
            self.context.set_default_timeout(TIMEOUT * 1000)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.context is not None:
            try:
                self.context.close()
            except Exception:
                pass
            self.context = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    def open(self, server, flow):
        "A new page on the server's web client; screenshots go to flow/"
        page = self.context.new_page()
        sao = Sao(page, server, flow)
        page.goto(server.url + '#' + server.database)
        page.wait_for_selector('.login-dialog #login', state='visible')
        return sao


# A JavaScript expression: sao is busy (an AJAX request open, or an action
# running in the current tab: sao ignores clicks meanwhile)
SAO_BUSY = """(() => {
    const tab = (window.Sao && Sao.Tab && Sao.Tab.tabs) ?
        Sao.Tab.tabs.get_current() : null;
    return !window.jQuery || jQuery.active !== 0
        || Boolean(tab && tab._action_running);
})()"""


class Sao:
    "Helpers to drive the sao web client"

    def __init__(self, page, server, flow):
        self.page = page
        self.server = server
        self.flow = flow
        self.step = 0
        self.errors = []
        self.user = None
        page.on('pageerror', lambda exc: self.errors.append(str(exc)))
        self.folder = os.path.join(ARTIFACTS, flow)
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.folder, exist_ok=True)

    # -- general ----------------------------------------------------------
    def screenshot(self, name):
        "Save tests/artifacts/<flow>/NN-<name>.png"
        self.step += 1
        name = re.sub(r'[^\w.-]+', '_', name)
        path = os.path.join(self.folder, f'{self.step:02d}-{name}.png')
        self.page.screenshot(path=path)
        return path

    def wait_idle(self, timeout=TIMEOUT):
        """Wait until sao is idle: no AJAX request and no action running in
        the current tab for 100 ms on end (sao ignores clicks while an
        action runs). The page itself watches, every 20 ms: a request that
        starts within the 100 ms starts the wait again."""
        self.page.evaluate("() => { window.__idleSince = null; }")
        self.page.wait_for_function("""() => {
            const busy = """ + SAO_BUSY + """;
            const now = performance.now();
            if (busy || window.__idleSince == null) {
                window.__idleSince = busy ? null : now;
                return false;
            }
            return now - window.__idleSince >= 100;
        }""", polling=20, timeout=timeout * 1000)

    @property
    def tab(self):
        "The active tab's pane"
        return self.page.locator('#tabcontent .tab-pane.active')

    # -- login / menu -----------------------------------------------------
    def login(self, login, password):
        """Log in through sao's two dialogs (user name, then password) and
        wait until the menu of that user is shown"""
        page = self.page
        entry = page.locator('.login-dialog #login:visible')
        entry.wait_for(state='visible')
        # sao shows the dialog before its first calls (the server's
        # version, the databases) have answered: a submit before then is
        # dropped, and the password dialog never comes
        self.wait_idle()
        entry.fill(login)
        page.locator('.login-dialog button[type="submit"]:visible').click()
        secret = page.locator('#ask-dialog-entry:visible')
        secret.wait_for(state='visible')
        secret.fill(password)
        self.screenshot(f'login-{login}')
        page.locator('.ask-dialog .modal-footer .btn-primary:visible').click()
        page.wait_for_function(
            """(login) => {
                const session = Sao.Session && Sao.Session.current_session;
                return !!session && session.login === login
                    && !!document.querySelector('#menu tbody tr')
                    && !!document.querySelector('#user-preferences > a');
            }""", arg=login)
        self.wait_idle()
        self.user = login
        self.screenshot(f'logged-in-{login}')

    def logout(self):
        """Log out with the Logout entry of the user menu (top right),
        confirm that the tabs close, and wait for the login dialog; every
        tab must be saved"""
        page = self.page
        self.close_infobar()
        self.wait_idle()
        toggle = page.locator('#user-preferences > a.dropdown-toggle')
        # sao refills the menu (the notifications, then its entries) each
        # time it opens, and keeps the entries of the last time meanwhile:
        # mark those, to click an entry of this time only.
        page.evaluate("""() => jQuery('#user-preferences .dropdown-menu a')
            .attr('data-e2e-stale', '1')""")
        item = page.locator('#user-preferences .dropdown-menu '
            'a[role="menuitem"]:not([data-e2e-stale])').filter(
            has_text='Logout')
        for attempt in range(5):
            if not item.is_visible():
                toggle.click()
            try:
                # the menu lists the notifications first, then its entries
                item.wait_for(state='visible', timeout=5000)
                break
            except Exception:
                continue  # a lost click, or the menu closed again: retry
        else:
            self.screenshot('user-menu-failed')
            raise AssertionError(
                f"no Logout in the user menu of {self.user}: "
                f"{self.message(timeout=1)!r}")
        item.click()
        # With tabs open, sao asks first whether to close them all
        login = page.locator('.login-dialog #login:visible')
        confirm = page.locator('.confirmation-dialog .btn-primary:visible')
        login.or_(confirm).first.wait_for(state='visible')
        if not login.count():
            confirm.click()
            login.wait_for(state='visible')
        page.wait_for_function(
            "() => !document.querySelector('#menu tbody tr')")
        self.screenshot(f'logged-out-{self.user}')
        self.user = None

    def login_as(self, login):
        """Log in as the staff user ``login`` (with its password of
        harness.password; the server's own login with its password),
        logging out whoever is logged in first"""
        if getattr(self, 'user', None):
            self.logout()
        secret = (self.server.password if login == self.server.login
            else password(login))
        self.login(login, secret)

    def _menu_label(self, label, after=None):
        "The label cell of menu row ``label`` (below row ``after``)"
        rows = (after.locator('xpath=following-sibling::tr') if after
            else self.page.locator('#menu tbody tr'))
        selector = f'div.column-char[title="{label}"]'
        return rows.filter(has=self.page.locator(selector)).first, \
            rows.locator(selector).first

    def open_menu(self, *path):
        """Open a menu entry by its labels, e.g. open_menu('Property',
        'Buildings'): the parents are expanded, the last one is opened"""
        row = None
        for i, label in enumerate(path):
            parent = row
            row, cell = self._menu_label(label, after=parent)
            cell.wait_for(state='visible')
            if i < len(path) - 1:
                # Expand the parent with its expander (clicking the label
                # would also open the parent's own action, if it has one)
                _, child = self._menu_label(path[i + 1], after=row)
                for attempt in range(5):
                    if child.is_visible():
                        break
                    row.locator('.expander').first.click()
                    try:
                        child.wait_for(state='visible', timeout=3000)
                        break
                    except Exception:
                        # the tree redraws just after it appears: retry
                        row, cell = self._menu_label(label, after=parent)
                        _, child = self._menu_label(path[i + 1], after=row)
                else:
                    raise TimeoutError(f"menu {label} did not expand")
                continue
            tabs = self.page.locator('#tablist li').count()
            for attempt in range(5):
                cell.click()
                try:
                    self.page.wait_for_function(
                        '(n) => document.querySelectorAll("#tablist li")'
                        '.length > n', arg=tabs, timeout=3000)
                    break
                except Exception:
                    continue  # a lost click: retry
            else:
                raise TimeoutError(f"menu {' > '.join(path)} did not open")
        self.wait_idle()
        self.screenshot('open-' + '-'.join(path))

    # -- toolbar ----------------------------------------------------------
    def click_toolbar(self, button_id):
        "Click a toolbar button of the active tab (new_, save, switch_, …)"
        self.close_infobar()
        self.wait_idle()
        self.tab.locator(f'button#{button_id}').first.click()
        self.wait_idle()

    def new(self):
        self.click_toolbar('new_')
        self.screenshot('new')

    def save(self, expect_saved=True):
        "Save the current record; returns the message shown"
        self.click_toolbar('save')
        message = self.message()
        self.screenshot('saved')
        if expect_saved and 'saved' not in message.lower():
            raise AssertionError(f"record not saved: {message!r}")
        self.close_infobar()
        return message

    def switch_view(self):
        self.click_toolbar('switch_')

    def reload(self):
        "Reload the current record from the server (toolbar Reload/Undo)"
        self.click_toolbar('reload')

    def message(self, timeout=TIMEOUT):
        """The text of the tab's infobar ("Record saved.", a missing
        field, …) or of an error/warning dialog, whichever shows first"""
        infobar = '#tabcontent .tab-pane.active .infobar .alert'
        dialog = '.modal.in .modal-body'
        try:
            self.page.wait_for_function(
                """([a, b]) => [...document.querySelectorAll(a + ',' + b)]
                    .some(e => e.offsetParent !== null
                        && e.innerText.trim())""",
                arg=[infobar, dialog], timeout=timeout * 1000)
        except Exception:
            return ''
        for selector in (infobar, dialog):
            for element in self.page.locator(selector).all():
                if element.is_visible() and element.inner_text().strip():
                    return element.inner_text().replace(
                        '\u00d7', '').strip()
        return ''

    def close_infobar(self):
        "'Record saved.' covers the toolbar until closed"
        for button in self.tab.locator(
                '.infobar .alert button.close').all():
            if button.is_visible():
                button.click()

    # -- fields -----------------------------------------------------------
    def field(self, name):
        "The editable input of field ``name`` in the active tab's form"
        # Integer/numeric widgets have a text and a number input with the
        # same name, and show one at a time: take the visible one.
        return self.tab.locator(
            f'.form [name="{name}"]:is(input, select, textarea):visible').first

    def fill(self, name, value):
        "Type a value in a char/integer/numeric/date field; commits on Tab"
        entry = self.field(name)
        entry.click()
        entry.fill(str(value))
        entry.press('Tab')
        self.wait_idle()

    def select(self, name, label=None, value=None):
        "Choose a selection field's option by its label or its value"
        entry = self.field(name)
        if label is not None:
            entry.select_option(label=label)
        else:
            # sao stores the JSON of the value in the option
            entry.select_option(value=json.dumps(value))
        entry.press('Tab')
        self.wait_idle()

    def value(self, name):
        return self.field(name).input_value()

    def record_value(self, name):
        "The value of field ``name`` of the current record, as sao holds it"
        return self.page.evaluate(
            """(name) => {
                const screen = Sao.Tab.tabs.get_current().screen;
                const record = screen.current_record;
                return record ? record.field_get(name) : null;
            }""", name)

    def fill_many2one(self, name, text, pick=None):
        """Type ``text`` in a Many2One and take the completion entry that
        contains ``pick`` (default: ``text``); without completion the search
        dialog opens on Tab and its first matching row is taken"""
        pick = text if pick is None else pick
        entry = self.field(name)
        widget = self.tab.locator(
            f'.form .form-many2one:has(input[name="{name}"])').first
        selected = """(name) => {
            const record = Sao.Tab.tabs.get_current().screen.current_record;
            return !!(record && record.field_get(name));
        }"""
        return self._complete(widget, entry, text, pick, selected, name)

    def _complete(self, widget, entry, text, pick, selected, arg):
        """Type ``text`` in the Many2One ``entry`` of ``widget`` and take
        the completion entry holding ``pick``, until the JavaScript
        function ``selected(arg)`` holds"""
        label = arg if isinstance(arg, str) else arg[-1]
        entry.click()
        entry.fill(text)
        item = widget.locator('li.completion a').filter(has_text=pick).first
        try:
            item.wait_for(state='visible', timeout=5000)
        except Exception:
            # no completion: Tab searches, a dialog opens if not unique
            entry.press('Tab')
            self.wait_idle()
            dialog = self.page.locator('.modal.in .modal-dialog').last
            if dialog.count() and dialog.is_visible():
                dialog.locator('tbody tr').filter(has_text=pick).first.click()
                dialog.locator('.modal-footer .btn-primary').click()
        else:
            # The completion list may be redrawn under the pointer (it is
            # refreshed per input event): retry a lost click.
            for attempt in range(5):
                try:
                    item.click(timeout=3000)
                    self.page.wait_for_function(
                        selected, arg=arg, timeout=2000)
                    break
                except Exception:
                    continue
        # The record gets the value asynchronously; leaving the field
        # before that would clear it.
        try:
            self.page.wait_for_function(selected, arg=arg, timeout=10000)
        except Exception:
            self.screenshot(f'{label}-not-selected')
            raise AssertionError(f"{label}: nothing selected for {text!r}")
        self.wait_idle()
        value = entry.input_value()
        if pick not in value:
            raise AssertionError(
                f"{label}: {value!r} selected instead of {pick!r}")
        return value

    # -- lists ------------------------------------------------------------
    def show_domain(self, label, text):
        """Show the list's tab (an action's domain, e.g. "Submitted")
        ``label`` and wait until a row holds ``text``"""
        tab = self.tab.locator('.tab-domain .nav-tabs a').filter(
            has_text=label).first
        row = self.tab.locator('.treeview tbody tr').filter(
            has_text=text).first
        for attempt in range(5):
            self.wait_idle()
            tab.click()
            try:
                row.wait_for(state='visible', timeout=3000)
                break
            except Exception:
                pass  # a lost click: retry
        else:
            self.screenshot(f'no-{text}-in-{label}')
            raise TimeoutError(f"no {text!r} listed under {label!r}")
        self.wait_idle()

    def open_record(self, text):
        """Open, in the form view, the row of the active tab's list that
        contains ``text`` (a double click on its cell with the text)"""
        row = self.tab.locator('.treeview tbody tr').filter(
            has_text=text).first
        # A Many2One cell shows its text as a link that opens the linked
        # record: double click the cell right of its text.
        cell = row.locator('td').filter(has_text=text).last
        in_form = """() => {
            const screen = Sao.Tab.tabs.get_current().screen;
            return screen.current_view.view_type === 'form'
                && !!screen.current_record;
        }"""
        for attempt in range(5):
            self.wait_idle()
            box = cell.bounding_box()
            cell.dblclick(position={
                    'x': box['width'] - 3, 'y': box['height'] / 2})
            try:
                self.page.wait_for_function(in_form, timeout=3000)
                break
            except Exception:
                continue  # the list was redrawn under the pointer: retry
        else:
            self.screenshot('open-record-failed')
            raise TimeoutError(f"row {text!r} did not open")
        self.wait_idle()
        self.screenshot('record-' + text)

    # -- One2Many ---------------------------------------------------------
    def one2many(self, name):
        """The widget of the One2Many field ``name`` in the active tab's
        form (marked with data-e2e-field, since sao names none of its
        elements after the field)"""
        self.page.evaluate("""(name) => {
            const view = Sao.Tab.tabs.get_current().screen.current_view;
            const widgets = (view.widgets || {})[name];
            if (!widgets || !widgets.length) {
                throw new Error('no One2Many ' + name + ' in the form');
            }
            widgets[0].el.attr('data-e2e-field', name);
            widgets[0].but_new.attr('data-e2e-button', 'new');
        }""", name)
        return self.tab.locator(f'.form [data-e2e-field="{name}"]').first

    _ROW = """([name, column]) => {
        const view = Sao.Tab.tabs.get_current().screen.current_view;
        const screen = view.widgets[name][0].screen;
        const record = screen.current_record;
        if (column === null) {
            return screen.group.length;
        }
        const value = record ? record.field_get(column) : null;
        // a Numeric is a Number object (Sao.Decimal)
        return value instanceof Number ? value.valueOf() : value;
    }"""

    def row_count(self, name):
        "The number of rows of the One2Many ``name`` (deleted ones too)"
        self.one2many(name)
        return self.page.evaluate(self._ROW, [name, None])

    def row_value(self, name, column):
        "The value of ``column`` of the current row of One2Many ``name``"
        return self.page.evaluate(self._ROW, [name, column])

    def add_row(self, name, values):
        """Add a row to the editable One2Many list ``name`` with its New
        button and fill its cells in order: ``values`` maps column names
        to text; a Many2One cell takes the completion entry containing the
        text. The row stays in the form until it is saved."""
        widget = self.one2many(name)
        count = self.row_count(name)
        self.close_infobar()
        self.wait_idle()
        widget.locator('button[data-e2e-button="new"]').click()
        self.page.wait_for_function(
            "([name, count]) => Sao.Tab.tabs.get_current().screen"
            ".current_view.widgets[name][0].screen.group.length > count",
            arg=[name, count])
        self.wait_idle()
        # The new row is in edit mode: its cells hold the editing widgets
        # in span.widget-editable (their td lacks the class "edited" when
        # sao made the row editable before it was in the page, about one
        # time in eight, and no cell has the focus then).
        row = widget.locator('tbody tr:has(.widget-editable :visible)').first
        row.wait_for(state='visible')
        for column, text in values.items():
            text = str(text)
            entry = row.locator(f'.widget-editable [name="{column}"]'
                ':is(input, select, textarea):visible').first
            many2one = row.locator(
                f'.editabletree-many2one:has(input[name="{column}"])')
            if many2one.count():
                self._complete(many2one.first, entry, text, text,
                    """([name, column]) => {
                        const view =
                            Sao.Tab.tabs.get_current().screen.current_view;
                        const record =
                            view.widgets[name][0].screen.current_record;
                        return !!(record && record.field_get(column));
                    }""", [name, column])
            elif entry.evaluate('(e) => e.tagName') == 'SELECT':
                entry.select_option(label=text)
                entry.press('Tab')
            else:
                entry.click()
                entry.fill(text)
                # Tab commits the cell and moves to the next one
                entry.press('Tab')
            self.wait_idle()
        self.screenshot(f'{name}-row-added')
        return self.row_count(name)

    # -- form buttons -----------------------------------------------------
    def click_button(self, name, state=None, field='state', timeout=TIMEOUT):
        """Click the form button whose name attribute is ``name`` (the
        model's button method; its label is the ir.model.button string).
        With ``state``, wait until the record's ``field`` holds it: sao
        saves the record, calls the method and reloads the record."""
        button = self.tab.locator(
            f'.form button[name="{name}"]:visible').first
        for attempt in range(3):
            self.close_infobar()
            self.wait_idle()
            button.click()
            self.wait_idle()
            if state is None or self.wait_value(
                    field, state, timeout=timeout / 3, fail=False):
                break
            message = self.message(timeout=1)
            if message or not button.is_visible():
                # the server refused (error dialog) or the button went
                # away: not a lost click, don't click again
                self.screenshot(f'{name}-failed')
                raise AssertionError(
                    f"button {name}: {field} is "
                    f"{self.record_value(field)!r}, not {state!r}: "
                    f"{message!r}")
            # a click lost while sao was busy: click again
        else:
            self.screenshot(f'{name}-failed')
            raise AssertionError(
                f"button {name}: {field} stayed "
                f"{self.record_value(field)!r}, not {state!r}")
        self.wait_idle()
        self.screenshot(f'button-{name}')

    def print_pdf(self, report, images=False):
        """Print > ``report`` on the current tab (sao asks the server for
        the report and hands the file over as a download): the document as
        a :class:`Download`"""
        self.close_infobar()
        self.tab.locator('button#print').first.click()
        entry = self.tab.locator('a[role="menuitem"]').filter(
            has_text=report).first
        entry.wait_for(state='visible')
        self.screenshot('print-menu')
        printed = download_pdf(self.page, entry.click, images=images)
        self.wait_idle()
        self.screenshot('printed')
        return printed

    def wait_value(self, name, value, timeout=TIMEOUT, fail=True):
        """Wait until field ``name`` of the current record holds ``value``
        (as record_value gives it); returns whether it did"""
        try:
            self.page.wait_for_function(
                """([name, value]) => {
                    const tab = Sao.Tab.tabs.get_current();
                    const record = tab && tab.screen.current_record;
                    return !!record && JSON.stringify(
                        record.field_get(name)) === JSON.stringify(value);
                }""", arg=[name, value], timeout=timeout * 1000)
        except Exception:
            if fail:
                self.screenshot(f'{name}-not-{value}')
                raise AssertionError(
                    f"{name} is {self.record_value(name)!r}, "
                    f"not {value!r}")
            return False
        return True

    # -- tabs -------------------------------------------------------------
    def current_tab(self):
        "The id of the active tab (for show_tab)"
        return self.page.evaluate("() => Sao.Tab.tabs.get_current().id")

    def close_tab(self, tab_id=None):
        """Close the tab ``tab_id`` (default: the active one) with its
        close button; its record must be saved"""
        self.close_infobar()
        self.wait_idle()
        if tab_id is None:
            tab_id = self.current_tab()
        self.page.locator(f'#tablist a[href="#{tab_id}"] button.close').click()
        self.page.wait_for_function(
            "(id) => !document.getElementById('nav-' + id)", arg=tab_id)
        self.wait_idle()

    def show_tab(self, tab_id):
        "Bring the tab ``tab_id`` (from current_tab) to the front"
        self.close_infobar()
        self.wait_idle()
        # its name: the link also holds the tab's close button
        self.page.locator(f'#tablist a[href="#{tab_id}"] > span').click()
        self.page.wait_for_function(
            "(id) => Sao.Tab.tabs.get_current().id === id", arg=tab_id)
        self.wait_idle()


class BrowserTestCase(unittest.TestCase):
    "Base of the flows: skipped without a browser, except under make test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reason = missing()
        if reason:
            # Under `make test` everything is installed: fail, don't skip.
            if os.environ.get('CI') or os.environ.get('REQUIRE_BROWSER'):
                raise RuntimeError(reason)
            raise unittest.SkipTest(reason)
