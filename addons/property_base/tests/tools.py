# This file is part of the property-management suite.
"Test helpers shared by the suite's addons"
import ast
import datetime as dt
import importlib
import inspect
import os
import textwrap
from contextlib import contextmanager
from functools import wraps
from unittest.mock import patch

import polib

from trytond.cache import Cache
from trytond.model.model import humanize
from trytond.pool import Pool
from trytond.pyson import Date as PYSONDate, PYSONDecoder
from trytond.tests.test_tryton import DB_NAME
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, TransactionError

# The office's time zone: the suite's tests run on the office's clock
OFFICE_TIMEZONE = 'Asia/Shanghai'

# Per test class: the tables and records its tests had to lock
_locks = {}

# Every addon of the suite. The test cases of the addons whose optional
# modules are all in the suite anyway (the front desk, the renovations, HR,
# maintenance) and the cross-module tests share one database with all of
# them activated: each other set of modules costs an activation of its own
# (30-85 s on PostgreSQL). Base, helpdesk and billing keep their own, as the
# addons an office runs without the others.
SUITE_MODULES = ['property_base', 'property_helpdesk', 'property_billing',
    'property_hr', 'property_decoration', 'property_frontdesk',
    'property_maintenance', 'property_portal', 'property_community']


def suite_extras(module):
    "The extras of a test case activating module with the whole suite"
    return [m for m in SUITE_MODULES if m != module]


def with_transaction(user=1, context=None):
    """Run the test in a transaction rolled back at its end, as Tryton's
    with_transaction, but start it with the tables and records the class's
    earlier tests had to lock already locked.

    A transaction that locks a table or a record (the first invoice of a
    journal and month, the invoice sequence, the first billing policy of a
    company...) is restarted from its beginning by Tryton with it locked: a
    billing test that locks three of them ran four times. Its last run is
    the same both ways: with all of them locked from the start."""
    def decorator(func):
        @wraps(func)
        def wrapper(self, *args, **kwargs):
            locks = _locks.setdefault(type(self), {})
            while True:
                extras = {}
                if locks.get('_lock_tables'):
                    extras['_lock_tables'] = sorted(locks['_lock_tables'])
                if locks.get('_lock_records'):
                    extras['_lock_records'] = {table: sorted(ids)
                        for table, ids in locks['_lock_records'].items()}
                with Transaction().start(DB_NAME, user, context=context,
                        **extras) as transaction:
                    try:
                        return func(self, *args, **kwargs)
                    except TransactionError as e:
                        transaction.rollback()
                        transaction.tasks.clear()
                        fix = {}
                        e.fix(fix)
                        locks.setdefault('_lock_tables', set()).update(
                            fix.get('_lock_tables', []))
                        for table, ids in fix.get(
                                '_lock_records', {}).items():
                            locks.setdefault('_lock_records', {}).setdefault(
                                table, set()).update(ids)
                        continue
                    finally:
                        transaction.rollback()
                        transaction.tasks.clear()
                        Cache.drop(DB_NAME)
        return wrapper
    return decorator


def committed(func, *, user=0, context=None, database=DB_NAME, tries=10,
        busy=None):
    """Return func() called in a committed transaction of its own, as the
    server runs a request: started over, with the tables and records it
    locks taken first, each time Tryton asks for it (TransactionError).

    With busy (a callable), a transaction the database refuses because
    another one holds the rows (DatabaseOperationalError: lock not
    available) calls busy() and is started again too. The tasks func
    queues are left to a worker."""
    from trytond import backend
    extras = {}
    for _ in range(tries):
        try:
            with Transaction().start(database, user,
                    context=context or {}, **extras) as transaction:
                result = func()
                transaction.tasks.clear()
            return result
        except TransactionError as error:
            error.fix(extras)
        except backend.DatabaseOperationalError:
            if busy is None:
                raise
            busy()
    raise AssertionError(f"still restarting after {tries} tries")


@contextmanager
def smtp_server(refused=()):
    """A real SMTP server on loopback (aiosmtpd) that Tryton's mail goes to
    while in the block: yields the list of what it receives, as
    (envelope recipients, email.message.EmailMessage); the recipients in
    refused are refused (550) as a bounce of the receiving server"""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    from trytond import config

    received = []

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address,
                options):
            if address in refused:
                return '550 5.1.1 Mailbox unavailable'
            envelope.rcpt_tos.append(address)
            return '250 OK'

        async def handle_DATA(self, server, session, envelope):
            received.append((list(envelope.rcpt_tos),
                    email.message_from_bytes(envelope.original_content,
                        policy=email.policy.default)))
            return '250 Message accepted for delivery'

    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname='127.0.0.1', port=port)
    controller.start()
    uri = config.get('email', 'uri')
    config.set('email', 'uri', f'smtp://127.0.0.1:{port}')
    try:
        yield received
    finally:
        config.set('email', 'uri', uri)
        controller.stop()


def deliver_mail():
    """Hand the mail queued in the current transaction to the SMTP server
    as the transaction's commit would, and leave the database to be rolled
    back at the test's end"""
    from trytond.sendmail import SMTPDataManager
    transaction = Transaction()
    for manager in list(transaction._datamanagers):
        if isinstance(manager, SMTPDataManager):
            manager.tpc_begin(transaction)
            manager.commit(transaction)
            manager.tpc_vote(transaction)
            manager.tpc_finish(transaction)
            transaction._datamanagers.remove(manager)


def create_company(*args, **kwargs):
    "Tryton's test company, in the office's time zone"
    from trytond.modules.company.tests import create_company as create
    company = create(*args, **kwargs)
    company.timezone = OFFICE_TIMEZONE
    company.save()
    return company


def office_to_utc(value):
    "The stored (naive UTC) date-time of an office wall-clock time"
    return value.replace(tzinfo=tz.ZoneInfo(OFFICE_TIMEZONE)).astimezone(
        tz.UTC).replace(tzinfo=None)


@contextmanager
def office_clock(value):
    """Run with the suite's clock stopped at value, an office wall-clock
    time (naive, in OFFICE_TIMEZONE); yields the stored UTC of it"""
    utc = office_to_utc(value)
    with patch('trytond.modules.property_base.common._utcnow',
            return_value=utc):
        yield utc


def office_today():
    "The office's date today (real clock), as the suite computes it"
    return dt.datetime.now(tz.ZoneInfo(OFFICE_TIMEZONE)).date()


def untranslated(module, po_path):
    """Return the user-facing strings of the module that have no
    translation in po_path, as 'context msgid' lines"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    session_id, _, _ = TranslationSet.create()
    TranslationSet.execute(session_id, {}, 'set_')
    template = polib.pofile(
        Translation.translation_export('en', module).decode())
    translated = {(e.msgctxt, e.msgid) for e in polib.pofile(po_path)
        if e.msgstr or e.msgstr_plural.get(0)}
    return [f'{e.msgctxt} {e.msgid!r}' for e in template
        if (e.msgctxt, e.msgid) not in translated]


def model_label_problems(module, po_path):
    """Return the models of the module whose label office staff would not
    read: the English label is missing, is the technical name made
    readable (no `__string__`) or is also another model's of the module;
    the Chinese one in po_path is missing or the English left as is"""
    IrModel = Pool().get('ir.model')
    chinese = {e.msgctxt: (e.msgid, e.msgstr) for e in polib.pofile(po_path)
        if e.msgctxt and e.msgctxt.startswith('model:')}
    models = IrModel.search([('module', '=', module)])
    problems = [] if models else [f'{module}: no models']
    seen = {}
    for model in models:
        label = model.string
        if (not label or label == humanize(model.name)
                or '.' in label or '_' in label):
            problems.append(f'{model.name}: English label {label!r}')
        elif label in seen:
            problems.append(f'{model.name}: English label {label!r} '
                f'also of {seen[label]}')
        seen.setdefault(label, model.name)
        msgid, msgstr = chinese.get(f'model:{model.name},string:', (None, ''))
        if msgid != label or not msgstr or msgstr == label:
            problems.append(f'{model.name}: Chinese label {msgstr!r} '
                f'of {msgid!r}')
    return problems


def datetime_list_columns(module):
    """Return the date-time columns of the module's list views that have no
    widget: sao 8.0 cannot draw them ("ColumnFactory is not a
    constructor") and the list never opens"""
    from lxml import etree
    pool = Pool()
    View = pool.get('ir.ui.view')
    problems = []
    for view in View.search([('module', '=', module), ('type', '=', 'tree')]):
        Model = pool.get(view.model)
        for field in etree.fromstring(view.arch).iter('field'):
            model_field = Model._fields.get(field.get('name'))
            if (getattr(model_field, '_type', None) in {
                        'datetime', 'timestamp'}
                    and not field.get('widget')):
                problems.append(f'{view.name}: {field.get("name")}')
    return problems


def create_staff(name, login, group, company, sites=(), employee=None):
    "A staff user of the group (module.xml_id) working on the sites"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    module, xml_id = group.split('.')
    values = {'name': name, 'login': login,
        'groups': [('add', [ModelData.get_id(module, xml_id)])],
        'companies': [('add', [company.id])], 'company': company.id,
        'property_sites': [('add', [s.id for s in sites])],
        }
    if employee:
        values.update({'employees': [('add', [employee.id])],
                'employee': employee.id})
    user, = User.create([values])
    return user


def run_cron(method, *args, subscribers=(), **kwargs):
    """Run the scheduled action's method as the scheduler does, with the
    users subscribed to its notifications"""
    pool = Pool()
    User = pool.get('res.user')
    if subscribers:
        User.write(list(subscribers), {'notifications': [method]})
    Model = pool.get(method.split('|')[0])
    with Transaction().set_context(_cron=method):
        return getattr(Model, method.split('|')[1])(*args, **kwargs)


@contextmanager
def office_pyson_dates():
    """Evaluate PYSON's Date() as the web client in the office does: on
    the office's date (the browser's clock is the office's), not on the
    date of the machine running the tests (UTC), which is the day before
    from 00:00 to 08:00 in Shanghai"""
    from trytond.modules.property_base.common import office_today
    evaluate = PYSONDate.eval

    def eval_(dct, context):
        if not isinstance(dct.get('start'), dt.date):
            dct = dict(dct, start=office_today())
        return evaluate(dct, context)
    with patch.object(PYSONDate, 'eval', staticmethod(eval_)):
        yield


def open_notifications(user):
    """Open each unread notification of the user as the web client does,
    as that user: return, per notification, its description and the
    records its window shows (access rights and record rules of the user
    applied)"""
    pool = Pool()
    Notification = pool.get('res.notification')
    Action = pool.get('ir.action')
    transaction = Transaction()
    opened = []
    with transaction.set_user(user.id), transaction.set_context(
            _check_access=True,
            company=user.company.id if user.company else None), \
            office_pyson_dates():
        for notification in Notification.get():
            if not notification['unread']:
                continue
            records = []
            if notification['model']:
                Model = pool.get(notification['model'])
                records = Model.browse([r['id'] for r in Model.read(
                            notification['records'], ['rec_name'])])
            action = notification['action']
            if isinstance(action, int):
                action = Action(action).get_action_value()
            if action:
                Model = pool.get(action['res_model'])
                decoder = PYSONDecoder({'context': transaction.context})
                domain = decoder.decode(action['pyson_domain'])
                records = Model.search(domain)
                # with the tabs of the window, as the client draws them
                for _, tab_domain, _ in action.get('domains') or []:
                    Model.search(domain + [decoder.decode(tab_domain)])
            opened.append((notification['description'], records))
            with transaction.set_context(_check_access=False):
                # as the client marks it once opened
                Notification.mark_read(
                    Notification.browse([notification['id']]))
    return opened


def undeclared_depend_methods(module):
    """Return the on_change and on_change_with methods of the module's
    code that call another method with field dependencies without naming
    it in methods=: the client then sends none of that method's fields,
    and Tryton sets them to None, which wipes them on the form (a ticket's
    unit, site and reporter when its kind changed)"""
    pool = Pool()
    prefix = f'trytond.modules.{module}'
    problems = set()
    for _, Model in pool.iterobject():
        def merged(name, attribute):
            "The attribute of the method over its overrides, as Tryton does"
            result = set()
            for klass in Model.__mro__:
                method = klass.__dict__.get(name)
                method = getattr(method, '__func__', method)
                result |= getattr(method, attribute, set())
            return result

        def closure(name):
            names, todo = {name}, [name]
            while todo:
                for other in merged(todo.pop(), 'depend_methods'):
                    if other not in names:
                        names.add(other)
                        todo.append(other)
            return names
        for klass in Model.__mro__:
            if not klass.__module__.startswith(prefix):
                continue
            for name, method in klass.__dict__.items():
                method = getattr(method, '__func__', method)
                if (not name.startswith('on_change')
                        or not hasattr(method, 'depends')):
                    continue
                tree = ast.parse(textwrap.dedent(
                        inspect.getsource(inspect.unwrap(method))))
                allowed = closure(name)
                for node in ast.walk(tree):
                    if (isinstance(node, ast.Call)
                            and isinstance(node.func, ast.Attribute)
                            and isinstance(node.func.value, ast.Name)
                            and node.func.value.id == 'self'):
                        called = node.func.attr
                        target = getattr(Model, called, None)
                        if (hasattr(target, 'depends')
                                and called not in allowed):
                            problems.add(f'{Model.__name__}: {name} calls '
                                f'{called} ({klass.__module__})')
    return sorted(problems)


class SuiteModuleTestMixin:
    "Checks every addon of the suite passes; set `module` as for Tryton"

    @with_transaction()
    def test_list_datetime_columns(self):
        "Date-time columns of the lists have a widget the web client draws"
        self.assertEqual(datetime_list_columns(self.module), [])

    @with_transaction()
    def test_on_change_declares_methods(self):
        "An on_change calling another names it, so no field is wiped"
        self.assertEqual(undeclared_depend_methods(self.module), [])

    @with_transaction()
    def test_zh_CN_translation_complete(self):
        "Every user-facing string of the module has its Chinese translation"
        path = os.path.join(os.path.dirname(
                importlib.import_module(
                    f'trytond.modules.{self.module}').__file__),
            'locale', 'zh_CN.po')
        missing = untranslated(self.module, path)
        self.assertFalse(missing, "untranslated:\n" + "\n".join(missing))

    @with_transaction()
    def test_model_labels_read_in_english_and_chinese(self):
        "Every model of the module has a label staff read, in both languages"
        path = os.path.join(os.path.dirname(
                importlib.import_module(
                    f'trytond.modules.{self.module}').__file__),
            'locale', 'zh_CN.po')
        self.assertEqual(model_label_problems(self.module, path), [])


# -- printed documents -------------------------------------------------------

def set_chinese(modules=('property_base',)):
    """Chinese made translatable as an office does, with the modules'
    translations loaded: documents and messages print in Chinese"""
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    lang, = Lang.search([('code', '=', 'zh_CN')])
    if not lang.translatable:
        Lang.write([lang], {'translatable': True})
    for module in modules:
        path = os.path.join(os.path.dirname(importlib.import_module(
                    f'trytond.modules.{module}').__file__),
            'locale', 'zh_CN.po')
        Translation.translation_import('zh_CN', module, path)


def _pdf_tool(args, content):
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile(suffix='.pdf') as fp:
        fp.write(content)
        fp.flush()
        return subprocess.run(args + [fp.name] + (['-'] if args[0]
                == 'pdftotext' else []), check=True,
            capture_output=True).stdout.decode('utf-8')


def pdf_text(content):
    "The text of the PDF, as pdftotext reads it (layout kept)"
    return _pdf_tool(['pdftotext', '-layout', '-enc', 'UTF-8'], content)


def pdf_fonts(content):
    "The fonts of the PDF as pdffonts lists them: name and embedded"
    lines = _pdf_tool(['pdffonts'], content).splitlines()[2:]
    fonts = []
    for line in lines:
        # name type encoding emb sub uni object ID: flags from the right
        parts = line.split()
        fonts.append({'name': parts[0], 'emb': parts[-5] == 'yes'})
    return fonts


def pdf_pages(content):
    "The pages of the PDF: (width, height) in millimetres, from pdfinfo"
    import re
    info = _pdf_tool(['pdfinfo', '-f', '1', '-l', '9999'], content)
    return [(round(float(w) * 25.4 / 72), round(float(h) * 25.4 / 72))
        for w, h in re.findall(
            r'^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts', info, re.M)]


def pdf_qrcodes(content, page=1):
    """The QR codes of a page of the PDF decoded, or None where no decoder
    is installed (pyzbar and libzbar0)"""
    import glob
    import subprocess
    import tempfile
    try:
        from PIL import Image
        from pyzbar import pyzbar
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as directory:
        path = f'{directory}/document.pdf'
        with open(path, 'wb') as fp:
            fp.write(content)
        subprocess.run(['pdftoppm', '-r', '200', '-f', str(page),
                '-l', str(page), '-png', path, f'{directory}/page'],
            check=True)
        image_path, = glob.glob(f'{directory}/page*.png')
        with Image.open(image_path) as image:
            return [c.data.decode('utf-8') for c in pyzbar.decode(image)
                if c.type == 'QRCODE']


def pdf_images(content):
    "The pictures of the PDF as pdfimages lists them: (width, height) pixels"
    lines = _pdf_tool(['pdfimages', '-list'], content).splitlines()[2:]
    return [(int(l.split()[3]), int(l.split()[4])) for l in lines]


def open_relates(model, records):
    """Open each relate action (form_relate) of the records as the client
    does for the current user: {action's module.xml_id: records listed}"""
    pool = Pool()
    Keyword = pool.get('ir.action.keyword')
    ModelData = pool.get('ir.model.data')
    ids = [r.id for r in records]
    context = {'active_id': ids[0], 'active_ids': ids, 'active_model': model}
    result = {}
    for action in Keyword.get_keyword('form_relate', (model, ids[0])):
        data, = ModelData.search([
                ('model', '=', action['type']),
                ('db_id', '=', action['id']),
                ])
        domain = PYSONDecoder(context).decode(action['pyson_domain'])
        result[f'{data.module}.{data.fs_id}'] = pool.get(
            action['res_model']).search(domain)
    return result


def open_board(xml_id, user, limit=1000, read=100):
    """Open a home board as its user's web client does: the board's view
    (with the parts the activated modules add), then for each action its
    domain and order evaluated in the user's context, a search of its
    first page and a read of its first view's fields, as that user (access
    rights and site rules apply). Returns {action xml id: records read}"""
    from lxml import etree
    pool = Pool()
    ActWindow = pool.get('ir.action.act_window')
    View = pool.get('ir.ui.view')
    User = pool.get('res.user')
    transaction = Transaction()
    board = ActWindow.get(xml_id)
    (view_id, _), = board['views']
    result = {}
    with transaction.set_user(user.id), transaction.set_context(
            User.get_preferences(context_only=True), _check_access=True):
        context = transaction.context
        arch = View(view_id).view_get()['arch']
        with office_pyson_dates():
            for element in etree.fromstring(arch).iter('action'):
                action = ActWindow.get(element.get('name'))
                decoder = PYSONDecoder(dict(context))
                domain = decoder.decode(action['pyson_domain'])
                order = decoder.decode(action['pyson_order']) or None
                Model = pool.get(action['res_model'])
                view_id, view_type = action['views'][0]
                fields = Model.fields_view_get(view_id, view_type)['fields']
                records = Model.search(domain, order=order,
                    limit=action['limit'] or limit)
                Model.read([r.id for r in records[:read]], list(fields))
                result[element.get('name')] = records
    return result


def set_chinese_of(module, *contexts):
    """Chinese made translatable with the translations of the module whose
    context (msgctxt) starts with one of contexts: a test of a few words
    read in 中文 without loading a whole file (seconds)"""
    import tempfile
    Translation = Pool().get('ir.translation')
    set_chinese(())
    catalog = polib.pofile(os.path.join(os.path.dirname(
                importlib.import_module(f'trytond.modules.{module}'
                    ).__file__), 'locale', 'zh_CN.po'))
    subset = polib.POFile()
    subset.metadata = catalog.metadata
    subset.extend(e for e in catalog if e.msgctxt.startswith(contexts))
    with tempfile.NamedTemporaryFile(suffix='.po') as fp:
        subset.save(fp.name)
        Translation.translation_import('zh_CN', module, fp.name)
