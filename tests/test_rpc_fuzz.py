# This file is part of the property-management suite.
"""Hostile input over the real RPC interface (property-based)

Random and hostile values - negative, huge, empty, wrong types, unicode,
ids of another site's or of no record - go through the server's JSON-RPC
(the WSGI application, as the web client calls it) to the create and
write calls and the buttons of the suite's main models. Every call either
succeeds with a valid record or fails with a user error, never a server
error, and a failed call leaves nothing written."""
import base64
import datetime as dt
import json
import unittest
from decimal import Decimal
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from trytond.modules.property_base.tests.tools import (
    SUITE_MODULES, committed)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db

# the database of the cross-module tests (the whole suite)
MODULES = SUITE_MODULES
PASSWORD = 'fuzz-Pa55word'
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck))

HUGE = 2 ** 63
hostile = st.one_of(
    st.none(),
    st.integers(min_value=-HUGE, max_value=HUGE),
    st.sampled_from([0, -1, 1, 2 ** 31, -2 ** 31 - 1, HUGE, True, False]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.sampled_from(['', ' ', '0', '-1', '1e309', 'NaN', '２３', '\x00',
            '楼' * 2000, '🏠', "'; DROP TABLE property_unit; --",
            '2026-13-45']),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )


def encode(value):
    "JSON as the web client sends it (dates and decimals as objects)"
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    raise TypeError(value)


class JsonRpc:
    """Calls to the server's JSON-RPC as the web client makes them, through
    the real WSGI application (shared by the cross-module RPC tests)"""
    client = None

    @classmethod
    def start_client(cls):
        from trytond.wsgi import app  # with the server's routes
        cls.client = Client(app)

    @classmethod
    def rpc(cls, method, params, auth=None):
        headers = {'Content-Type': 'application/json'}
        if auth:
            headers['Authorization'] = auth
        response = cls.client.post(f'/{quote(DB_NAME)}/rpc/',
            data=json.dumps({'id': 1, 'method': method, 'params': params},
                default=encode),
            headers=headers)
        if 400 <= response.status_code < 500:
            # arguments the protocol itself refuses (e.g. ids that are not
            # integers): the client's error, answered as such
            return {'error': ['UserError', response.status_code]}
        assert response.status_code == 200, response.status_code
        return response.get_json()

    @classmethod
    def login(cls, login, password=PASSWORD):
        "The Authorization header of the user's session"
        reply = cls.rpc('common.db.login',
            [login, {'password': password}, 'en'])
        user_id, session = reply['result'][:2]
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        return f'Session {token}'


class RpcFuzzTestCase(JsonRpc, unittest.TestCase):
    "Test hostile values over RPC"

    @classmethod
    def setUpClass(cls):
        # The calls commit: a database of their own, dropped at the end
        drop_db()
        activate_module(MODULES)
        cls.env = committed(cls.build)
        cls.start_client()
        cls.auth = {login: cls.login(login)
            for login in ['fuzz.manager', 'fuzz.finance']}

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @classmethod
    def build(cls):
        from trytond.modules.company.tests import set_company
        from trytond.modules.property_billing.tests.tools import (
            MONTH, create_estate)
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Department = pool.get('property.department')
        Category = pool.get('property.ticket.category')
        Meter = pool.get('property.meter')
        Group = pool.get('res.group')
        mine = create_estate("Fuzz Garden", 'FZ')
        company = mine['company']
        theirs = create_estate("Fuzz River", 'FR', company=company)
        with set_company(company):
            department, = Department.create([{'name': "Fuzz Service",
                        'company': company.id}])
            category, = Category.create([{'name': "Fuzz", 'code': 'FUZ',
                        'department': department.id}])
            meter, = Meter.create([{'unit': mine['units'][0].id,
                        'fee_type': mine['fee_types']['WA'].id,
                        'number': 'FZ-W1'}])
        groups = {
            'fuzz.manager': [('property_base', 'group_property_manager'),
                ('property_base', 'group_property_front_desk')],
            'fuzz.finance': [('property_billing', 'group_property_finance'),
                ('account', 'group_account')],
            }
        for login, xml_ids in groups.items():
            User.create([{'name': login, 'login': login,
                        'password': PASSWORD,
                        'groups': [('add', [Group(ModelData.get_id(*x)).id
                                        for x in xml_ids])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'property_sites': [('add', [mine['site'].id])],
                        }])
        return {
            'company': company.id, 'month': MONTH,
            'site': mine['site'].id, 'other_site': theirs['site'].id,
            'building': mine['buildings'][0].id,
            'other_building': theirs['buildings'][0].id,
            'units': [u.id for u in mine['units']],
            'other_units': [u.id for u in theirs['units']],
            'owner': mine['owners'][0].id,
            'other_owner': mine['owners'][1].id,
            'category': category.id,
            'fee_type': mine['fee_types']['PF'].id,
            'meter': meter.id,
            }

    def count(self, model):
        return committed(lambda: Pool().get(model).search_count([]))

    def call(self, login, model, method, *args):
        context = {'company': self.env['company']}
        return self.rpc(f'model.{model}.{method}', [*args, context],
            self.auth[login])

    def check(self, reply, model, before):
        "A user error and nothing written, or a result"
        if 'error' in reply:
            self.assertEqual(reply['error'][0], 'UserError',
                f"server error: {reply['error'][0]!r}")
            self.assertEqual(self.count(model), before,
                "a failed call left a partial write")
            return None
        return reply['result']

    def create(self, login, model, values, valid):
        """Create over RPC: a user error leaving nothing, or a record that
        valid(record) checks in the database"""
        before = self.count(model)
        result = self.check(
            self.call(login, model, 'create', [values]), model, before)
        if result is not None:
            committed(lambda: valid(Pool().get(model)(result[0])))

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'building': hostile, 'number': hostile, 'floor': hostile,
                'area': hostile, 'type': hostile}))
    def test_unit_create(self, values):
        "Units: created valid or refused"
        model = 'property.unit'
        values = dict({'building': self.env['building'],
                'number': 'F1', 'area': {'__class__': 'Decimal',
                    'decimal': '80'}}, **values)

        def valid(unit):
            self.assertGreater(unit.area, 0)
            self.assertEqual(unit.site.id, self.env['site'])
            Pool().get(model).delete([unit])
        self.create('fuzz.manager', model, values, valid)

    @SETTINGS
    @given(st.sampled_from(['area', 'number', 'floor', 'building',
                'state', 'active']), hostile)
    def test_unit_write(self, field, value):
        "Unit changes: applied valid or refused"
        model = 'property.unit'
        unit = self.env['units'][1]
        before = committed(lambda: getattr(
                Pool().get(model)(unit), field))
        reply = self.call('fuzz.manager', model, 'write', [unit],
            {field: value})
        if 'error' in reply:
            self.assertEqual(reply['error'][0], 'UserError',
                f"server error: {reply['error'][0]!r}")
            after = committed(lambda: getattr(
                    Pool().get(model)(unit), field))
            self.assertEqual(after, before, "partial write")

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'unit': st.one_of(hostile, st.sampled_from([0])),
                'reporter': hostile, 'channel': hostile, 'kind': hostile,
                'category': hostile, 'description': hostile,
                'site': hostile}))
    def test_ticket_create(self, values):
        "Tickets: created valid or refused, never on another site"
        model = 'property.ticket'
        values = dict({'company': self.env['company'],
                'site': self.env['site'], 'unit': self.env['units'][0],
                'reporter': self.env['owner'], 'channel': 'phone',
                'kind': 'repair_unit', 'category': self.env['category'],
                'description': "Fuzz"}, **values)
        if values.get('unit') == 0:
            values['unit'] = self.env['other_units'][0]

        def valid(ticket):
            self.assertEqual(ticket.site.id, self.env['site'])
            if ticket.unit:
                self.assertEqual(ticket.unit.site.id, self.env['site'])
        self.create('fuzz.manager', model, values, valid)

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'rate': hostile, 'start_date': hostile, 'end_date': hostile,
                'payer': hostile, 'site': hostile, 'unit': hostile}))
    def test_fee_assignment_create(self, values):
        "Rates: created valid or refused"
        model = 'property.fee.assignment'
        values = dict({'fee_type': self.env['fee_type'],
                'site': self.env['site'],
                'rate': {'__class__': 'Decimal', 'decimal': '1.5'},
                'start_date': self.env['month']}, **values)

        def valid(assignment):
            self.assertGreaterEqual(assignment.rate, 0)
            Pool().get(model).delete([assignment])
        self.create('fuzz.finance', model, values, valid)

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'value': hostile, 'date': hostile, 'replaced': hostile,
                'old_meter_end': hostile, 'meter': hostile}))
    def test_reading_create(self, values):
        "Meter readings: recorded valid or refused"
        model = 'property.meter.reading'
        values = dict({'meter': self.env['meter'],
                'date': self.env['month'],
                'value': {'__class__': 'Decimal', 'decimal': '10'}},
            **values)

        def valid(reading):
            self.assertGreaterEqual(reading.value, 0)
            self.assertGreaterEqual(reading.consumption, 0)
            Pool().get(model).delete([reading])
        self.create('fuzz.manager', model, values, valid)

    @SETTINGS
    @given(st.fixed_dictionaries({}, optional={
                'unit': st.one_of(hostile, st.sampled_from([0])),
                'owner': st.one_of(hostile, st.sampled_from([-2])),
                'date': hostile, 'planned_start': hostile,
                'planned_end': hostile, 'deposit': hostile,
                'management_fee': hostile, 'hours_from': hostile,
                'contractor': hostile, 'description': hostile,
                'state': st.one_of(hostile,
                    st.sampled_from(['approved', 'settled']))}))
    def test_application_create(self, values):
        "Renovation applications: created valid or refused"
        model = 'property.decoration.application'
        if values.get('unit') == 0:
            values['unit'] = self.env['other_units'][0]
        if values.get('owner') == -2:
            values['owner'] = self.env['other_owner']
        values = dict({'company': self.env['company'],
                'unit': self.env['units'][0], 'owner': self.env['owner'],
                'planned_start': self.env['month'],
                'planned_end': self.env['month'] + dt.timedelta(days=30)},
            **values)

        def valid(application):
            self.assertEqual(application.unit.site.id, self.env['site'])
            self.assertIn(application.owner,
                [o.party for o in application.unit.current_ownerships(
                        application.date)])
            self.assertGreaterEqual(application.planned_end,
                application.planned_start)
            self.assertGreaterEqual(application.deposit, 0)
            self.assertEqual(application.state, 'draft')
            Pool().get(model).delete([application])
        self.create('fuzz.manager', model, values, valid)

    @SETTINGS
    @given(st.sampled_from(['occupy', 'let', 'empty']),
        st.lists(st.integers(min_value=-HUGE, max_value=HUGE), max_size=3))
    def test_unit_buttons(self, button, ids):
        """Buttons on random, foreign and missing records

        (Ids that are not integers never reach the suite: Tryton's own
        protocol layer fails on them before dispatching.)"""
        ids = [self.env['other_units'][0] if i == 0 else i for i in ids]
        reply = self.call('fuzz.manager', 'property.unit', button, ids)
        if 'error' in reply:
            self.assertEqual(reply['error'][0], 'UserError',
                f"server error: {reply['error'][0]!r}")
