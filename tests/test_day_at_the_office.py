# This file is part of the property-management suite.
"""A day at the office: each demo login does its daily work over JSON-RPC

The small demo (scripts/demo.py --size small: the same estate, procedures
and logins as `make run`, with a few buildings) is built into a database of
its own on the office's clock. Then, a month later at the office, each
demo login signs in with its demo password and does its day's work the way
the web client does it: through the server's JSON-RPC (the real WSGI
application), with the context of its preferences (company, employee,
language), by create / write / read / search, the buttons
(``model.<name>.<button>``) and the wizards (``wizard.<name>.create`` /
``execute``):

- front desk: a phone repair ticket registered, dispatched to engineering
  (who report the work done), its return visit, closed; a sold home's
  move-in through its checklist;
- finance: the month run, a fee invoice paid at the counter, the month
  billed again after a late handover (Bill What Is Missing);
- building manager: a renovation inspection finding a violation, its
  rectification notice;
- HR: a training session and its exam;
- manager: the approvals of the day - a renovation application, an
  archive loan.

Each step asserts its outcome: the states, the figures and who did it. No
step is done as the administrator. And over the demo's records of every
model: a search through a record's site follows the path it is given
(site.code, site.name... as the client's filters search)."""
import datetime as dt
import importlib.util
import json
import os
import time
import unittest
from decimal import Decimal
from unittest.mock import patch
from urllib.parse import quote

from werkzeug.test import Client

from trytond.model import fields
from trytond.modules.property_base.tests.tools import committed
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

import test_security

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The demo is built on a Wednesday of December at the office (its three
# billed months: October to December); the day at the office is the
# Wednesday after New Year, January not billed yet.
BUILT = dt.datetime(2026, 12, 9, 10, 0)
DAY = dt.datetime(2027, 1, 6, 9, 30)
LOGINS = {
    'front.desk.gc': 'demo-front-desk-gc',
    'front.desk.rv': 'demo-front-desk-rv',
    'engineering.gc': 'demo-engineering-gc',
    'finance': 'demo-finance',
    'cashier.gc': 'demo-cashier-gc',
    'building.gc': 'demo-building-gc',
    'hr.gc': 'demo-hr-gc',
    'manager.gc': 'demo-manager-gc',
    }


def load_demo():
    "scripts/demo.py as a module"
    spec = importlib.util.spec_from_file_location('property_demo',
        os.path.join(ROOT, 'scripts', 'demo.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def utc(value):
    "The stored (UTC) date-time of an office time"
    from trytond.modules.property_base.tests.tools import office_to_utc
    return office_to_utc(value)


def office_clock(value):
    "The suite's clock stopped at value, an office time (Asia/Shanghai)"
    return patch('trytond.modules.property_base.common._utcnow',
        return_value=utc(value))


class DayAtTheOfficeTestCase(unittest.TestCase):
    "Test a day at the office of each demo login"

    @classmethod
    def setUpClass(cls):
        # The calls commit: a database of their own, dropped at the end
        drop_db()
        # the modules of the other RPC tests: one database cached for all
        activate_module(test_security.MODULES)
        demo = load_demo()
        start = time.monotonic()
        cls.build_log = []
        with office_clock(BUILT):
            demo.build(DB_NAME, 'small', log=lambda message:
                cls.build_log.append(
                    f'{time.monotonic() - start:5.1f}s {message}'))
        cls.build_seconds = time.monotonic() - start
        cls.clock = office_clock(DAY)
        cls.clock.start()
        from trytond.wsgi import app  # with the server's routes
        cls.client = Client(app)
        cls.sessions = {}

    @classmethod
    def tearDownClass(cls):
        cls.clock.stop()
        drop_db()

    # The web client's calls ---------------------------------------------

    @classmethod
    def rpc(cls, method, params, auth=None):
        headers = {'Content-Type': 'application/json'}
        if auth:
            headers['Authorization'] = auth
        response = cls.client.post(f'/{quote(DB_NAME)}/rpc/',
            data=json.dumps({'id': 1, 'method': method, 'params': params},
                cls=JSONEncoder),
            headers=headers)
        assert response.status_code == 200, (method, response.status_code,
            response.data[:500])
        return json.loads(response.data, object_hook=JSONDecoder())

    def session(self, login):
        "The user's session: its authorization and its preferences' context"
        import base64
        if login not in self.sessions:
            reply = self.rpc('common.db.login',
                [login, {'password': LOGINS[login]}, 'en'])
            self.assertIn('result', reply, f"{login} cannot log in: {reply}")
            user_id, session = reply['result'][:2]
            token = base64.b64encode(
                f'{login}:{user_id}:{session}'.encode()).decode()
            auth = f'Session {token}'
            # As the web client: the context of the user's preferences
            reply = self.rpc('model.res.user.get_preferences', [True, {}],
                auth)
            self.assertIn('result', reply, reply)
            context = reply['result']
            self.sessions[login] = (user_id, auth, context)
        return self.sessions[login]

    def call(self, login, method, *args, context=None):
        "The result of the call as the user; a failed call fails the test"
        _, auth, user_context = self.session(login)
        reply = self.rpc(method, [*args, dict(user_context, **(context
                        or {}))], auth)
        self.assertNotIn('error', reply,
            f"{login}: {method} failed: {reply.get('error')}")
        return reply['result']

    def model(self, login, model, method, *args, **kwargs):
        return self.call(login, f'model.{model}.{method}', *args, **kwargs)

    def search_read(self, login, model, domain, fields_, **kwargs):
        return self.model(login, model, 'search_read', domain, 0, None,
            kwargs.get('order'), fields_)

    def read(self, login, model, id_, fields_):
        record, = self.model(login, model, 'read', [id_], fields_)
        return record

    def open_form(self, login, model, ids):
        """Open the records in the model's form as the web client does:
        the fields of the view, the names of the records they link to"""
        view = self.model(login, model, 'fields_view_get', None, 'form')
        names = []
        for name, field in view['fields'].items():
            names.append(name)
            if field['type'] in {'many2one', 'one2one', 'reference'}:
                names.append(f'{name}.rec_name')
        records = self.model(login, model, 'read', ids, names)
        self.assertEqual(len(records), len(ids))
        return records

    def wizard(self, login, name, active_model, ids, steps):
        """Run the wizard on the records as the client does: each step the
        state to execute and the values of the views, merged into the
        defaults the server gives; return the last answer"""
        context = {'active_model': active_model,
            'active_id': ids[0] if ids else None, 'active_ids': ids}
        session_id, start, _ = self.call(login, f'wizard.{name}.create')
        data, state, result = {}, start, None
        for step in [None] + steps:
            if step:
                state, values = step
                view = result['view']
                # the values of the view's fields, without the names of
                # the records linked ("company.") the defaults carry
                defaults = {k: v for k, v in view.get('defaults', {}).items()
                    if not k.endswith('.')}
                data = {view['state']: dict(defaults, **values)}
            result = self.call(login, f'wizard.{name}.execute', session_id,
                data, state, context=context)
        self.call(login, f'wizard.{name}.delete', session_id)
        return result

    def user_id(self, login):
        return self.session(login)[0]

    def employee_id(self, login):
        return self.session(login)[2]['employee']

    # The days -----------------------------------------------------------

    def test_build(self):
        "The small demo: a few dozen units and tickets; every login signs in"
        def count(name, domain=()):
            return committed(
                lambda: Pool().get(name).search_count(list(domain)))
        self.assertLess(count('property.unit'), 50, self.build_log)
        print(f'small demo built in {self.build_seconds:.1f}s', end=' ')
        self.assertLess(count('property.ticket'), 50, self.build_log)
        self.assertEqual(count('property.billing.run',
                [('state', '=', 'done')]), 3)
        for login in LOGINS:
            with self.subTest(login=login):
                self.session(login)

        def owner1_votes():
            # the portal's demo: owner1 is in the electorate of the site's
            # meeting open for votes
            user, = Pool().get('web.user').search(
                [('email', '=', 'owner1@demo.example')])
            return Pool().get('property.assembly.voter.owner').search_count(
                [('assembly.state', '=', 'open'),
                    ('party', '=', user.party.id)])
        self.assertEqual(committed(owner1_votes), 1, self.build_log)

    def test_fee_notice_in_chinese(self):
        """The demo speaks Chinese: zh_CN is translatable with the
        modules' translations loaded, the owners read Chinese, and a fee
        notice finance prints over RPC (in an English session) is in
        Chinese"""
        import subprocess
        import tempfile

        def check():
            pool = Pool()
            Lang = pool.get('ir.lang')
            Party = pool.get('party.party')
            Ownership = pool.get('property.unit.ownership')
            Translation = pool.get('ir.translation')
            Company = pool.get('company.company')
            company, = Company.search([])
            # (a party's language is the company's setting)
            with Transaction().set_context(company=company.id):
                owners = Party.browse({o.party.id
                        for o in Ownership.search([])})
                langs = {p.lang.code if p.lang else None for p in owners}
            return (Lang.get('zh_CN').translatable, langs,
                Translation.search_count([('lang', '=', 'zh_CN'),
                        ('module', '=', 'account_invoice')]) > 0)
        translatable, langs, core = committed(check)
        self.assertTrue(translatable)
        self.assertEqual(langs, {'zh_CN'})
        self.assertTrue(core, "the core modules' translations not loaded")
        loaded = [l for l in self.build_log if 'Chinese' in l]
        self.assertTrue(loaded, self.build_log)
        print(loaded[0].strip(), end=' ')

        invoice, = self.search_read('finance', 'account.invoice',
            [('state', '=', 'posted'), ('type', '=', 'out'),
                ('property_unit', '!=', None)], ['number'],
            order=[('id', 'ASC')])[:1]
        oext, content, _, _ = self.call('finance',
            'report.property.fee.notice.execute', [invoice['id']], {})
        self.assertEqual(oext, 'pdf')
        with tempfile.NamedTemporaryFile(suffix='.pdf') as fp:
            fp.write(content)
            fp.flush()
            text = subprocess.run(['pdftotext', '-layout', '-enc', 'UTF-8',
                    fp.name, '-'], check=True,
                capture_output=True).stdout.decode('utf-8')
        self.assertIn('缴费通知单', text)
        self.assertIn('应缴合计', text)
        self.assertIn(invoice['number'], text)

    def test_owner_portal(self):
        """The demo's portal logins (README) sign in on the portal and see
        their home's bills and tickets, in Chinese"""
        import re
        base = f'/{quote(DB_NAME)}/portal'
        for n in [1, 2, 3]:
            client = Client(self.client.application)
            html = client.get(f'{base}/signin').get_data(as_text=True)
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', html)[1]
            response = client.post(f'{base}/signin', data={'csrf': csrf,
                    'login': f'owner{n}@demo.example',
                    'password': f'demo-owner-{n}'})
            self.assertEqual(response.status_code, 303, n)
            bills = client.get(f'{base}/bills').get_data(as_text=True)
            self.assertIn('id="bill-', bills)
            self.assertIn('缴费', bills)
            tickets = client.get(f'{base}/tickets').get_data(as_text=True)
            self.assertIn('id="ticket-', tickets)
            if n == 1:
                # a family member's request waiting at the front desk
                homes = client.get(f'{base}/homes').get_data(as_text=True)
                self.assertIn('林小雨', homes)
                self.assertIn('待审核', homes)
                # this month's survey answered in the portal, last
                # quarter's common income published
                surveys = client.get(f'{base}/surveys').get_data(
                    as_text=True)
                survey = re.search(r'href="[^"]*/surveys/([0-9]+)">[^<]*'
                    '网上问卷', surveys)
                self.assertTrue(survey, surveys)
                self.assertIn('name="q', client.get(
                        f'{base}/surveys/{survey[1]}').get_data(
                        as_text=True))
                self.assertIn('statement.pdf', client.get(
                        f'{base}/statements').get_data(as_text=True))
                # the renovation applied in the portal, its permit issued
                # and a rectification notice of the patrol
                renovations = client.get(f'{base}/renovations').get_data(
                    as_text=True)
                job = re.search(r'href="[^"]*/renovations/([0-9]+)"',
                    renovations)
                self.assertTrue(job, renovations)
                html = client.get(f'{base}/renovations/{job[1]}').get_data(
                    as_text=True)
                for expected in ['施工中', 'permit.pdf', 'notice.pdf',
                        '客厅、卧室铺设实木复合地板']:
                    self.assertIn(expected, html)
        # and a guest pass for the day the demo was built (its today)
        self.assertEqual(committed(lambda: [g.date for g in Pool().get(
                        'property.portal.guest').search(
                        [('name', '=', "陈建华")])]), [BUILT.date()])

    def test_site_searches(self):
        """A search through a record's site follows the path given: the
        records of the site whose phone is RV's are those of RV's id (the
        web client's filters search site.code, site.name...)"""
        def check():
            pool = Pool()
            Site = pool.get('property.site')
            site, = Site.search([('code', '=', 'RV')])
            checked = []
            for name, Model in pool.iterobject():
                field = Model._fields.get('site')
                if (not name.startswith('property.')
                        or not isinstance(field, fields.Function)
                        or field._type != 'many2one'
                        or not field.searcher
                        or callable(getattr(Model, 'table_query', None))):
                    continue
                by_id = Model.search([('site', '=', site.id)],
                    order=[('id', 'ASC')])
                by_phone = Model.search(
                    [('site.service_phone', '=', site.service_phone)],
                    order=[('id', 'ASC')])
                self.assertEqual(by_phone, by_id, name)
                if by_id:
                    checked.append(name)
            return checked
        self.assertGreater(len(committed(check)), 10)

    def test_front_desk_ticket(self):
        """The front desk registers a phone repair call, dispatches it to
        engineering, who report the work done; the return visit, closed"""
        fd, eng = 'front.desk.gc', 'engineering.gc'
        context = self.session(fd)[2]
        home, = self.search_read(fd, 'property.unit',
            [('state', '=', 'occupied'), ('type', '=', 'apartment')],
            ['site', 'owners'], order=[('id', 'ASC')])[:1]
        category, = self.search_read(fd, 'property.ticket.category',
            [('code', '=', 'PLB')], ['department'])
        ticket_id, = self.model(fd, 'property.ticket', 'create', [{
                    'company': context['company'],
                    'site': home['site'],
                    'unit': home['id'],
                    'reporter': home['owners'][0],
                    'channel': 'phone',
                    'kind': 'repair_unit',
                    'category': category['id'],
                    'description': "厨房水槽漏水",
                    'first_receiver': self.employee_id(fd),
                    }])
        self.model(fd, 'property.ticket', 'open', [ticket_id])
        ticket = self.read(fd, 'property.ticket', ticket_id,
            ['state', 'number', 'reply_deadline', 'done_deadline',
                'department'])
        self.assertEqual(ticket['state'], 'open')
        self.open_form(fd, 'property.ticket', [ticket_id])
        self.assertTrue(ticket['number'])
        self.assertTrue(ticket['reply_deadline'])
        self.assertEqual(ticket['department'], category['department'])

        # dispatched to the engineering head, with a work order
        technician = self.employee_id(eng)
        self.model(fd, 'property.ticket', 'write', [ticket_id],
            {'assignee': technician})
        self.model(fd, 'property.ticket', 'assign', [ticket_id])
        order_id, = self.model(fd, 'property.work_order', 'create', [{
                    'ticket': ticket_id,
                    'department': ticket['department'],
                    'technician': technician,
                    'description': "厨房水槽漏水",
                    }])
        self.model(fd, 'property.work_order', 'dispatch', [order_id])
        self.assertEqual(self.read(fd, 'property.ticket', ticket_id,
                ['state'])['state'], 'in_progress')

        # engineering finds their work order and reports it done
        orders = self.model(eng, 'property.work_order', 'search',
            [('technician', '=', technician), ('state', '=', 'dispatched')],
            0, None, None)
        self.assertIn(order_id, orders)
        self.open_form(eng, 'property.work_order', [order_id])
        self.open_form(eng, 'property.ticket', [ticket_id])
        self.model(eng, 'property.work_order', 'write', [order_id],
            {'report': "更换水槽下水管密封圈", 'hours': Decimal('1.5')})
        # the three-level check (seed 004: 员工自检、班长检查、主管抽查): the
        # head checks his own job as the department's team leader, and the
        # manager the jobs selected for the spot check
        self.model(eng, 'property.work_order', 'self_check', [order_id])
        self.model(eng, 'property.work_order', 'leader_check', [order_id])
        if self.read(eng, 'property.work_order', order_id,
                ['spot_check'])['spot_check']:
            self.model('manager.gc', 'property.work_order',
                'supervisor_check', [order_id])
        self.model(eng, 'property.work_order', 'finish', [order_id])
        order = self.read(fd, 'property.work_order', order_id,
            ['state', 'done_at'])
        self.assertEqual(order['state'], 'done')
        self.assertTrue(order['done_at'])

        # the front desk: resolved, the owner called back, closed
        self.model(fd, 'property.ticket', 'write', [ticket_id],
            {'resolution': "已更换密封圈, 业主确认不再漏水"})
        self.model(fd, 'property.ticket', 'resolve', [ticket_id])
        self.model(fd, 'property.return_visit', 'create', [{
                    'ticket': ticket_id,
                    # half an hour later, stored in UTC
                    'date': utc(DAY + dt.timedelta(minutes=30)),
                    'method': 'phone',
                    'visitor': self.employee_id(fd),
                    'satisfaction': 5,
                    'comments': "维修及时",
                    }])
        self.assertEqual(self.read(fd, 'property.ticket', ticket_id,
                ['state'])['state'], 'visited')
        self.model(fd, 'property.ticket', 'close', [ticket_id])
        ticket = self.read(fd, 'property.ticket', ticket_id,
            ['state', 'closed_at', 'replied_at', 'resolved_at',
                'reply_breached', 'done_breached'])
        self.assertEqual(ticket['state'], 'closed')
        self.assertTrue(ticket['closed_at'])
        self.assertFalse(ticket['reply_breached'])
        self.assertFalse(ticket['done_breached'])
        changes = self.search_read(fd, 'property.state.change',
            [('record', '=', f'property.ticket,{ticket_id}')],
            ['to_state', 'user'])
        self.assertEqual({c['to_state'] for c in changes},
            {'draft', 'open', 'assigned', 'in_progress', 'resolved',
                'visited', 'closed'})

    def move_in(self, login, unit):
        "The unit's move-in through its checklist, as the front desk"
        moves = self.search_read(login, 'property.move',
            [('unit', '=', unit['id']), ('kind', '=', 'move_in'),
                ('state', '=', 'draft')], ['id'])
        if moves:
            move_id = moves[0]['id']
        else:
            move_id, = self.model(login, 'property.move', 'create', [{
                        'kind': 'move_in', 'unit': unit['id'],
                        'party': unit['owners'][0],
                        'date': DAY.date(),
                        }])
        move = self.read(login, 'property.move', move_id, ['lines', 'date'])
        date = move['date']
        self.assertTrue(move['lines'])
        lines = self.model(login, 'property.move.line', 'read',
            move['lines'], ['step', 'done'])
        # the front desk ticks its steps; the fee step is finance's (seed
        # 001 入住手续 6): the owner paid at the cashier before any invoice,
        # finance signs the fees off on the move
        self.model(login, 'property.move.line', 'write',
            [l['id'] for l in lines
                if l['step'] != 'initial_fees' and not l['done']],
            {'done': True})
        if any(l['step'] == 'initial_fees' and not l['done']
                for l in lines):
            self.model('finance', 'property.move', 'sign_off_fees',
                [move_id])
        fee_line, = self.search_read('finance', 'property.move.line',
            [('move', '=', move_id), ('step', '=', 'initial_fees')],
            ['done', 'fees_signed_off', 'fees_signed_off_by'])
        self.assertTrue(fee_line['done'])
        self.assertEqual(fee_line['fees_signed_off_by'],
            self.user_id('finance'))
        self.model(login, 'property.move', 'complete', [move_id])
        move = self.read(login, 'property.move', move_id,
            ['state', 'completed_by'])
        self.assertEqual(move['state'], 'done')
        self.open_form(login, 'property.move', [move_id])
        self.assertEqual(move['completed_by'], self.user_id(login))
        unit = self.read(login, 'property.unit', unit['id'],
            ['state', 'handover_date'])
        self.assertEqual(unit['state'], 'handed_over')
        self.assertEqual(unit['handover_date'], date)
        return move_id

    def waiting_homes(self, login):
        "The sold homes of the user's sites whose owners have not moved in"
        return self.search_read(login, 'property.unit',
            [('state', '=', 'vacant'), ('owners', '!=', None),
                ('type', '!=', 'parking')], ['owners', 'site'],
            order=[('id', 'ASC')])

    def test_front_desk_move_in(self):
        "The front desk hands a sold home over through its checklist"
        fd = 'front.desk.gc'
        pending = {m['unit'] for m in self.search_read(fd,
                'property.move', [('state', '=', 'draft')], ['unit'])}
        homes = self.waiting_homes(fd)
        self.assertTrue(homes)
        # the move-in begun is finished, else a new one
        home = ([h for h in homes if h['id'] in pending] or homes)[-1]
        self.move_in(fd, home)

    def test_finance(self):
        """Finance runs the month, takes a payment at the counter, and bills
        a home handed over after the run"""
        fi = 'finance'
        month = DAY.date().replace(day=1)
        self.assertFalse(self.search_read(fi, 'property.billing.run',
                [('month', '=', month)], ['id']))
        self.wizard(fi, 'property.billing.run.create', 'property.billing.run',
            [], [('bill', {'month': month, 'invoice_date': DAY.date()})])
        run, = self.search_read(fi, 'property.billing.run',
            [('month', '=', month)],
            ['state', 'invoice_count', 'amount', 'units_billed'])
        self.assertEqual(run['state'], 'done')
        self.open_form(fi, 'property.billing.run', [run['id']])
        self.assertGreater(run['invoice_count'], 0)
        self.assertGreater(run['amount'], 0)

        # A fee notice paid in cash at the counter
        invoice, = self.search_read(fi, 'account.invoice',
            [('property_lines.run', '=', run['id']),
                ('state', '=', 'posted')],
            ['amount_to_pay', 'total_amount', 'party'],
            order=[('id', 'ASC')])[:1]
        self.assertGreater(invoice['amount_to_pay'], 0)
        self.open_form(fi, 'account.invoice', [invoice['id']])
        cash, = self.search_read(fi, 'account.invoice.payment.method',
            [('name', '=', "现金")], ['id'])
        self.wizard(fi, 'account.invoice.pay', 'account.invoice',
            [invoice['id']], [('choice', {
                        'amount': invoice['amount_to_pay'],
                        'payment_method': cash['id'],
                        'date': DAY.date()})])
        invoice = self.read(fi, 'account.invoice', invoice['id'],
            ['state', 'amount_to_pay'])
        self.assertEqual(invoice['state'], 'paid')
        self.assertEqual(invoice['amount_to_pay'], 0)

        # A late handover: after the run, the developer's last unsold home
        # is sold and handed over at the front desk; finance bills what is
        # missing, the fees from the day of the sale
        for fd in ['front.desk.gc', 'front.desk.rv']:
            homes = self.search_read(fd, 'property.unit',
                [('state', '=', 'vacant'), ('owners', '=', None),
                    ('type', '!=', 'parking')], ['owners', 'site'],
                order=[('id', 'ASC')])
            if homes:
                break
        self.assertTrue(homes)
        home = homes[0]
        before = self.search_read(fi, 'property.billing.line',
            [('unit', '=', home['id']), ('month', '=', month)], ['id'])
        self.assertFalse(before)
        buyer, = self.model(fd, 'party.party', 'create', [{
                    'name': "韩雪梅",
                    'contact_mechanisms': [('create', [{
                                    'type': 'mobile',
                                    'value': '13905310000'}])],
                    }])
        self.model(fd, 'property.unit.ownership', 'create', [{
                    'unit': home['id'], 'party': buyer, 'share': Decimal(100),
                    'from_date': DAY.date(), 'deed_number': 'JN2027000001'}])
        home = self.read(fd, 'property.unit', home['id'], ['owners', 'site'])
        self.assertEqual(home['owners'], [buyer])
        self.move_in(fd, home)
        self.model(fi, 'property.billing.run', 'resume', [run['id']])
        run = self.read(fi, 'property.billing.run', run['id'],
            ['state', 'failure'])
        self.assertEqual(run['state'], 'done', run['failure'])
        lines = self.search_read(fi, 'property.billing.line',
            [('unit', '=', home['id']), ('month', '=', month)],
            ['days', 'service_days', 'amount', 'invoice', 'run', 'party',
                'invoice.invoice_date', 'invoice.state'])
        self.assertTrue(lines)
        for line in lines:
            self.assertEqual(line['run'], run['id'])
            self.assertEqual(line['party'], buyer)
            self.assertEqual(line['service_days'], 31)
            self.assertEqual(line['days'], 31 - DAY.day + 1)
            self.assertGreater(line['amount'], 0)
            self.assertEqual(line['invoice.']['invoice_date'], DAY.date())
            self.assertEqual(line['invoice.']['state'], 'posted')

    def test_building_manager(self):
        """The building manager inspects a renovation, finds a violation
        and issues its rectification notice"""
        bm = 'building.gc'
        jobs = self.search_read(bm, 'property.decoration.application',
            [('state', '=', 'in_progress')], ['unit'],
            order=[('id', 'ASC')])
        self.assertTrue(jobs)
        job = jobs[0]
        kind, = self.search_read(bm, 'property.decoration.violation.type',
            [('code', '=', 'V27')], ['sanction', 'penalty'])
        inspection_id, = self.model(bm, 'property.decoration.inspection',
            'create', [{
                    'application': job['id'],
                    'date': DAY.date(),
                    'workers_present': 3,
                    'lines': [('create', [{
                                    'type': kind['id'],
                                    'description': "12:30 午休时间电钻施工",
                                    'sanction': kind['sanction'],
                                    }])],
                    }])
        self.model(bm, 'property.decoration.inspection', 'confirm',
            [inspection_id])
        inspection = self.read(bm, 'property.decoration.inspection',
            inspection_id, ['state', 'inspector', 'violations', 'result'])
        self.assertEqual(inspection['state'], 'done')
        self.open_form(bm, 'property.decoration.inspection', [inspection_id])
        self.assertEqual(inspection['inspector'], self.user_id(bm))
        self.assertEqual(inspection['result'], 'violations')
        violation_id, = inspection['violations']
        self.model(bm, 'property.decoration.violation', 'notify',
            [violation_id])
        violation = self.read(bm, 'property.decoration.violation',
            violation_id, ['state', 'notices', 'type'])
        self.assertEqual(violation['state'], 'open')
        self.assertEqual(violation['type'], kind['id'])
        notice, = self.model(bm, 'property.decoration.notice', 'read',
            violation['notices'], ['state', 'date', 'deadline', 'number'])
        self.assertEqual(notice['state'], 'issued')
        self.assertEqual(notice['date'], DAY.date())
        self.assertGreater(notice['deadline'], DAY.date())
        self.assertTrue(notice['number'])

    def test_hr(self):
        "HR holds a training session and records its exam"
        hr = 'hr.gc'
        context = self.session(hr)[2]
        course, = self.search_read(hr, 'property.training.course',
            [('code', '=', 'IS-COMPL')], ['pass_mark'])
        site, = self.search_read(hr, 'property.site', [('code', '=', 'GC')],
            ['id'])
        clerks = self.search_read(hr, 'company.employee',
            [('property_post.code', '=', 'REC')], ['id'],
            order=[('id', 'ASC')])
        self.assertGreaterEqual(len(clerks), 2)
        session_id, = self.model(hr, 'property.training.session', 'create',
            [{
                    'course': course['id'], 'site': site['id'],
                    'date': DAY.date(), 'trainer': context['employee'],
                    'location': "管理处会议室",
                    'lines': [('create', [{'employee': c['id'],
                                    'attended': True} for c in clerks])],
                    }])
        session = self.read(hr, 'property.training.session', session_id,
            ['attendance_rate'])
        self.assertEqual(session['attendance_rate'], 100)
        self.open_form(hr, 'property.training.session', [session_id])
        scores = [Decimal(90), Decimal(course['pass_mark'] - 5)]
        exam_id, = self.model(hr, 'property.assessment', 'create', [{
                    'course': course['id'], 'session': session_id,
                    'site': site['id'], 'date': DAY.date(),
                    'pass_mark': course['pass_mark'],
                    'lines': [('create', [{'employee': c['id'], 'score': s}
                                for c, s in zip(clerks, scores)])],
                    }])
        self.model(hr, 'property.assessment', 'confirm', [exam_id])
        exam = self.read(hr, 'property.assessment', exam_id,
            ['state', 'lines'])
        self.assertEqual(exam['state'], 'done')
        self.open_form(hr, 'property.assessment', [exam_id])
        lines = self.model(hr, 'property.assessment.line', 'read',
            exam['lines'], ['employee', 'passed', 'score'])
        self.assertEqual(sorted((l['employee'], l['passed']) for l in lines),
            sorted([(clerks[0]['id'], True), (clerks[1]['id'], False)]))

    def test_manager(self):
        "The manager approves the day's renovation application and loan"
        mg = 'manager.gc'
        jobs = self.search_read(mg, 'property.decoration.application',
            [('state', '=', 'submitted'), ('site.code', '=', 'GC')],
            ['id'])
        self.assertTrue(jobs)
        self.model(mg, 'property.decoration.application', 'approve',
            [jobs[0]['id']])
        job = self.read(mg, 'property.decoration.application', jobs[0]['id'],
            ['state'])
        self.assertEqual(job['state'], 'approved')
        self.open_form(mg, 'property.decoration.application', [jobs[0]['id']])

        loans = self.search_read(mg, 'property.archive.loan',
            [('state', '=', 'draft')], ['id'])
        self.assertTrue(loans)
        self.model(mg, 'property.archive.loan', 'approve', [loans[0]['id']])
        loan = self.read(mg, 'property.archive.loan', loans[0]['id'],
            ['state', 'approved_by'])
        self.assertEqual(loan['state'], 'approved')
        self.open_form(mg, 'property.archive.loan', [loans[0]['id']])
        self.assertEqual(loan['approved_by'], self.employee_id(mg))
