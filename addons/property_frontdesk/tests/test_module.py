# This file is part of the property-management suite.
import datetime as dt
import importlib
import os

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import CompanyTestMixin, create_employee
from trytond.modules.property_base.tests.test_module import (
    create_estate, create_party)
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_staff, office_clock, pdf_fonts,
    pdf_qrcodes, pdf_text, with_transaction)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase
from trytond.transaction import Transaction


def as_user(user, company):
    "Act as the staff user, with their rights, as over RPC"
    transaction = Transaction()

    class _Both:
        def __enter__(self):
            self.first = transaction.set_user(user.id)
            self.second = transaction.set_context(
                _check_access=True, company=company.id)
            self.first.__enter__()
            self.second.__enter__()

        def __exit__(self, *args):
            self.second.__exit__(*args)
            self.first.__exit__(*args)
    return _Both()


def set_chinese():
    """Chinese made translatable as an office does, with the suite's
    translations loaded: documents and messages print in Chinese"""
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    lang, = Lang.search([('code', '=', 'zh_CN')])
    if not lang.translatable:
        Lang.write([lang], {'translatable': True})
    for module in ['property_base', 'property_frontdesk']:
        path = os.path.join(os.path.dirname(importlib.import_module(
                    f'trytond.modules.{module}').__file__),
            'locale', 'zh_CN.po')
        Translation.translation_import('zh_CN', module, path)


def front_office(units=2):
    """An estate with a front desk clerk, a manager and a guard of its
    site, and a second site with its own clerk"""
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    company, site, building, units = create_estate(units)
    other_site, = Site.create([{'name': "River View", 'code': 'RV',
                'company': company.id}])
    other_building, = Building.create([{'site': other_site.id, 'code': 'B',
                'name': "Tower B", 'floors': 6}])
    other_unit, = Unit.create([{'building': other_building.id,
                'number': '101', 'area': 80}])
    clerk = create_staff("周敏", 'clerk', 'property_base.'
        'group_property_front_desk', company, [site],
        employee=create_employee(company, "周敏"))
    manager = create_staff("孙建国", 'manager', 'property_base.'
        'group_property_manager', company, [site],
        employee=create_employee(company, "孙建国"))
    other_clerk = create_staff("吴婷", 'clerk.rv', 'property_base.'
        'group_property_front_desk', company, [other_site])
    guard = create_employee(company, "郑大伟")
    return dict(company=company, site=site, units=units,
        other_site=other_site, other_unit=other_unit, clerk=clerk,
        manager=manager, other_clerk=other_clerk, guard=guard)


def own(unit, party, from_date=dt.date(2025, 1, 1), to_date=None):
    Pool().get('property.unit.ownership').create([{'unit': unit.id,
                'party': party.id, 'from_date': from_date,
                'to_date': to_date}])


def let_to(unit, party, from_date=dt.date(2026, 3, 1), to_date=None):
    Pool().get('property.unit.resident').create([{'unit': unit.id,
                'party': party.id, 'role': 'tenant', 'from_date': from_date,
                'to_date': to_date}])


class PropertyFrontdeskTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Front Desk module"
    module = 'property_frontdesk'

    # Visitors (来客登记)

    @with_transaction()
    def test_visitor_room_number_required_000(self):
        """Seed 000: a resident's guest gives the room number at the gate;
        a visitor to a home without one is refused and nothing is saved"""
        Visitor = Pool().get('property.visitor')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(ValidationError, 'room number'):
                Visitor.create([{'site': office['site'].id,
                            'name': "李先生", 'destination': 'home',
                            'purpose': "探亲"}])
            visitor, = Visitor.create([{'site': office['site'].id,
                        'name': "李先生", 'destination': 'home',
                        'unit': office['units'][0].id, 'purpose': "探亲"}])
            with office_clock(dt.datetime(2026, 12, 9, 10, 0)) as utc:
                Visitor.admit([visitor])
            self.assertEqual(visitor.state, 'in')
            self.assertEqual(visitor.arrived_at, utc)
            self.assertEqual(visitor.let_in_by, office['clerk'])
            with office_clock(dt.datetime(2026, 12, 9, 11, 15)) as utc:
                Visitor.leave([visitor])
            self.assertEqual(visitor.left_at, utc)
            self.assertEqual(
                [(c.from_state, c.to_state)
                    for c in reversed(visitor.state_changes)],
                [(None, 'draft'), ('draft', 'in'), ('in', 'left')])

    @with_transaction()
    def test_visitor_office_needs_no_home(self):
        "A visitor to the management office gives no home, and may not"
        Visitor = Pool().get('property.visitor')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            visitor, = Visitor.create([{'site': office['site'].id,
                        'name': "快递员", 'destination': 'office',
                        'purpose': "送文件"}])
            Visitor.admit([visitor])
            self.assertEqual(visitor.state, 'in')
            with self.assertRaisesRegex(ValidationError, 'leave the home'):
                Visitor.create([{'site': office['site'].id,
                            'name': "王女士", 'destination': 'office',
                            'unit': office['units'][0].id,
                            'purpose': "咨询"}])

    @with_transaction()
    def test_control_room_entry_needs_manager_approval_001(self):
        """Seed 001 安全保密制度: outsiders enter the control room and the
        archive room only with a superior's approval, registered: the
        clerk cannot let them in nor approve; the manager approves"""
        Visitor = Pool().get('property.visitor')
        office = front_office()
        for room in ['control_room', 'archive_room']:
            with self.subTest(room=room):
                with as_user(office['clerk'], office['company']):
                    visitor, = Visitor.create([{'site': office['site'].id,
                                'name': "监控维保工程师", 'destination': room,
                                'purpose': "检修监控主机"}])
                    self.assertTrue(visitor.needs_approval)
                    with self.assertRaisesRegex(UserError, 'approve'):
                        Visitor.admit([visitor])
                    self.assertEqual(visitor.state, 'draft')
                    self.assertIsNone(visitor.arrived_at)
                    with self.assertRaises(AccessButtonError):
                        Visitor.approve([visitor])
                with as_user(office['manager'], office['company']):
                    Visitor.approve([visitor])
                self.assertEqual(visitor.state, 'approved')
                self.assertEqual(visitor.approved_by,
                    office['manager'].employee)
                with as_user(office['clerk'], office['company']):
                    Visitor.admit([visitor])
                self.assertEqual(visitor.state, 'in')

    @with_transaction()
    def test_visitor_home_visit_needs_no_approval(self):
        """Only the control and archive rooms are approved: the button is
        refused on a home visit"""
        Visitor = Pool().get('property.visitor')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            visitor, = Visitor.create([{'site': office['site'].id,
                        'name': "李先生", 'destination': 'home',
                        'unit': office['units'][0].id, 'purpose': "探亲"}])
        with as_user(office['manager'], office['company']):
            with self.assertRaisesRegex(UserError, 'approve'):
                Visitor.approve([visitor])
        self.assertEqual(visitor.state, 'draft')

    @with_transaction()
    def test_visitor_date_is_the_office_day(self):
        """A visitor let in late on New Year's Eve counts for that day, one
        let in early on New Year's Day for the new year (office time)"""
        Visitor = Pool().get('property.visitor')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            for when, day in [
                    (dt.datetime(2026, 12, 31, 23, 30), dt.date(2026, 12, 31)),
                    (dt.datetime(2027, 1, 1, 7, 30), dt.date(2027, 1, 1)),
                    (dt.datetime(2026, 11, 30, 23, 59), dt.date(2026, 11, 30)),
                    ]:
                visitor, = Visitor.create([{'site': office['site'].id,
                            'name': "访客", 'destination': 'office',
                            'purpose': "咨询"}])
                with office_clock(when):
                    Visitor.admit([visitor])
                self.assertEqual(visitor.date, day)

    @with_transaction()
    def test_visitor_site_rules(self):
        "A clerk sees the visitors of their own site only"
        Visitor = Pool().get('property.visitor')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            mine, = Visitor.create([{'site': office['site'].id,
                        'name': "甲", 'destination': 'office',
                        'purpose': "咨询"}])
        with as_user(office['other_clerk'], office['company']):
            theirs, = Visitor.create([{'site': office['other_site'].id,
                        'name': "乙", 'destination': 'home',
                        'unit': office['other_unit'].id, 'purpose': "探亲"}])
            self.assertEqual(Visitor.search([]), [theirs])
        with as_user(office['clerk'], office['company']):
            self.assertEqual(Visitor.search([]), [mine])
            with self.assertRaises(AccessError):
                Visitor.read([theirs.id], ['name'])

    # Goods release slips (放行条)

    def _slip(self, office, authoriser, **values):
        Slip = Pool().get('property.release.slip')
        slip, = Slip.create([{'site': office['site'].id,
                    'unit': office['units'][0].id,
                    'date': values.pop('date', dt.date(2026, 12, 9)),
                    'authoriser': authoriser.id,
                    'carrier': values.pop('carrier', "顺心搬家公司"),
                    'lines': [('create', [
                                {'description': "双人床", 'quantity': 1},
                                {'description': "纸箱", 'quantity': 12},
                                ])],
                    **values}])
        return slip

    @with_transaction()
    def test_release_slip_authorised_by_owner_001(self):
        """Seed 001 (开放行条): the owner of the home authorises the slip;
        it is numbered in sequence and records the clerk who issued it"""
        Slip = Pool().get('property.release.slip')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            first = self._slip(office, owner)
            second = self._slip(office, owner)
            with office_clock(dt.datetime(2026, 12, 9, 9, 0)) as utc:
                Slip.authorise([first])
                Slip.authorise([second])
        self.assertEqual(first.state, 'authorised')
        self.assertEqual(first.number, 'FX2026-00001')
        self.assertEqual(second.number, 'FX2026-00002')
        self.assertEqual(first.issued_by, office['clerk'])
        self.assertEqual(first.authorised_at, utc)

    @with_transaction()
    def test_release_slip_not_authorised_by_resident_refused_001(self):
        """Seed 001: a slip authorised by someone who is neither owner nor
        tenant of the home on the slip's date (a stranger, a former owner,
        a tenant whose lease ended) is refused and stays a numberless
        draft"""
        Slip = Pool().get('property.release.slip')
        office = front_office()
        unit = office['units'][0]
        stranger = create_party("陌生人")
        former = create_party("前业主")
        own(unit, former, dt.date(2020, 1, 1), dt.date(2026, 6, 30))
        own(unit, create_party("现业主"), dt.date(2026, 7, 1))
        gone = create_party("前租户")
        let_to(unit, gone, dt.date(2025, 1, 1), dt.date(2026, 11, 30))
        for party in [stranger, former, gone]:
            with self.subTest(party=party.name):
                with as_user(office['clerk'], office['company']):
                    slip = self._slip(office, party, owner_consent=True)
                    with self.assertRaisesRegex(
                            UserError, 'neither an owner nor a tenant'):
                        Slip.authorise([slip])
                self.assertEqual(slip.state, 'draft')
                self.assertIsNone(slip.number)

    @with_transaction()
    def test_release_slip_tenant_needs_owner_consent_001(self):
        """Seed 001: the tenant takes goods out with the owner's consent
        only"""
        Slip = Pool().get('property.release.slip')
        office = front_office()
        own(office['units'][0], create_party("王芳"))
        tenant = create_party("租户刘")
        let_to(office['units'][0], tenant)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, tenant)
            with self.assertRaisesRegex(UserError, "owner's consent"):
                Slip.authorise([slip])
            self.assertEqual(slip.state, 'draft')
            Slip.write([slip], {'owner_consent': True})
            Slip.authorise([slip])
        self.assertEqual(slip.state, 'authorised')

    @with_transaction()
    def test_release_slip_checked_at_gate_by_guard(self):
        """At the gate the guard's check is recorded; the slip is good for
        its day only (the suite's default): late that evening it passes,
        just after midnight it does not"""
        Slip = Pool().get('property.release.slip')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, owner, date=dt.date(2026, 12, 31),
                removal=True)
            late = self._slip(office, owner, date=dt.date(2026, 12, 31))
            with office_clock(dt.datetime(2026, 12, 31, 8, 0)):
                Slip.authorise([slip, late])
            with self.assertRaisesRegex(UserError, 'security guard'):
                Slip.release([slip])
            Slip.write([slip, late], {'guard': office['guard'].id})
            with office_clock(dt.datetime(2026, 12, 31, 23, 50)) as utc:
                Slip.release([slip])
            with office_clock(dt.datetime(2027, 1, 1, 0, 10)):
                with self.assertRaisesRegex(UserError, 'valid on'):
                    Slip.release([late])
        self.assertEqual(slip.state, 'released')
        self.assertEqual(slip.released_at, utc)
        self.assertEqual(slip.released_by, office['clerk'])
        self.assertEqual(slip.guard, office['guard'])
        self.assertEqual(late.state, 'authorised')
        with as_user(office['clerk'], office['company']):
            self.assertEqual(Slip.search([('removal', '=', True)]), [slip])

    @with_transaction()
    def test_release_slip_number_year_is_the_office_year(self):
        """A slip authorised at 07:30 on New Year's Day, office time (still
        the old year in UTC), is numbered in the new year"""
        Slip = Pool().get('property.release.slip')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, owner, date=dt.date(2027, 1, 1))
            with office_clock(dt.datetime(2027, 1, 1, 7, 30)) as utc:
                Slip.authorise([slip])
        self.assertEqual(utc.year, 2026)
        self.assertEqual(slip.number, 'FX2027-00001')

    @with_transaction()
    def test_release_slip_frozen_once_authorised(self):
        """An authorised slip's goods and home cannot change, and a
        numbered slip is cancelled, not deleted"""
        pool = Pool()
        Slip = pool.get('property.release.slip')
        Line = pool.get('property.release.slip.line')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, owner)
            empty, = Slip.create([{'site': office['site'].id,
                        'unit': office['units'][0].id,
                        'authoriser': owner.id, 'carrier': "业主本人"}])
            with self.assertRaisesRegex(UserError, 'lists no goods'):
                Slip.authorise([empty])
            Slip.authorise([slip])
            with self.assertRaises(AccessError):
                Line.write(list(slip.lines), {'quantity': 30})
            with self.assertRaises(AccessError):
                Line.create([{'slip': slip.id, 'description': "冰箱"}])
        with as_user(office['manager'], office['company']):
            with self.assertRaisesRegex(AccessError, 'cancel it'):
                Slip.delete([slip])
            Slip.cancel([slip])
        self.assertEqual(slip.state, 'cancelled')

    @with_transaction()
    def test_release_slip_pdf(self):
        """The slip prints as a PDF in Chinese: number, home, who
        authorised, carrier, every item with its quantity, the signature
        boxes and the number as a QR code, with a CJK font embedded"""
        pool = Pool()
        Slip = pool.get('property.release.slip')
        Report = pool.get('property.release.slip.print', type='report')
        office = front_office()
        set_chinese()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, owner, vehicle="鲁A12345",
                removal=True)
            with self.assertRaisesRegex(UserError, 'not authorised yet'):
                Report.execute([slip.id], {})
            Slip.authorise([slip])
            oext, content, _, _ = Report.execute([slip.id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        text = pdf_text(content)
        for expected in ['放行条', '放行条编号', slip.number, "王芳",
                office['units'][0].rec_name, "顺心搬家公司", "鲁A12345",
                "双人床", "纸箱", "12", '搬家', '保安核验']:
            self.assertIn(expected, text)
        self.assertTrue(any('CJK' in f['name'] and f['emb']
                for f in pdf_fonts(content)), pdf_fonts(content))
        decoded = pdf_qrcodes(content)
        if decoded is not None:
            self.assertEqual(decoded, [slip.number])

    @with_transaction()
    def test_release_slip_site_rules(self):
        "A clerk of another site neither sees nor releases the slip"
        Slip = Pool().get('property.release.slip')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            slip = self._slip(office, owner)
        with as_user(office['other_clerk'], office['company']):
            self.assertEqual(Slip.search([]), [])
            with self.assertRaises(AccessError):
                Slip.read([slip.id], ['number'])


del ModuleTestCase
