# This file is part of the property-management suite.
import datetime as dt
from email.utils import getaddresses
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import CompanyTestMixin, create_employee
from trytond.modules.property_base.tests.test_module import (
    create_estate, create_party)
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_staff, deliver_mail, office_clock,
    office_to_utc, open_board, open_notifications, pdf_fonts, pdf_qrcodes,
    pdf_text,
    run_cron, set_chinese, smtp_server, suite_extras, with_transaction)
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
    extras = suite_extras('property_frontdesk')

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

    @with_transaction()
    def test_state_changes_read_with_their_record(self):
        """A state change is read by who may read its record: a clerk reads
        those of the visitors of their own site only, a group without
        access to the visitors none of theirs"""
        pool = Pool()
        Visitor = pool.get('property.visitor')
        Change = pool.get('property.state.change')
        office = front_office()
        archivist = create_staff("冯洁", 'archivist',
            'property_base.group_property_archive', office['company'],
            [office['site']])
        visitors = [('record', 'like', 'property.visitor,%')]
        with as_user(office['clerk'], office['company']):
            mine, = Visitor.create([{'site': office['site'].id,
                        'name': "甲", 'destination': 'office',
                        'purpose': "咨询"}])
            Visitor.admit([mine])
        with as_user(office['other_clerk'], office['company']):
            theirs, = Visitor.create([{'site': office['other_site'].id,
                        'name': "乙", 'destination': 'home',
                        'unit': office['other_unit'].id, 'purpose': "探亲"}])
            their_changes = Change.search(visitors)
            self.assertEqual(
                [(str(c.record), c.to_state) for c in their_changes],
                [(str(theirs), 'draft')])
            self.assertEqual(Change.search(visitors, count=True), 1)
            # (and the changes of their own site's homes)
            self.assertEqual({c.record for c in Change.search([])},
                {theirs, office['other_unit']})
        with as_user(office['clerk'], office['company']):
            changes = Change.search(visitors)
            self.assertEqual(
                {(str(c.record), c.from_state, c.to_state) for c in changes},
                {(str(mine), None, 'draft'), (str(mine), 'draft', 'in')})
            self.assertEqual(len(Change.search(visitors, limit=1)), 1)
            self.assertEqual(
                list(Visitor.read([mine.id], ['state_changes'])[0]
                    ['state_changes']), [c.id for c in changes])
            with self.assertRaises(AccessError):
                Change.read([their_changes[0].id], ['to_state'])
        with as_user(archivist, office['company']):
            self.assertEqual(Change.search(visitors), [])
            with self.assertRaises(AccessError):
                Change.read([changes[0].id], ['to_state'])

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
        # (PostgreSQL's sequences are not rolled back with the tests)
        self.assertRegex(first.number, r'^FX2026-\d{5}$')
        self.assertEqual(int(second.number[7:]), int(first.number[7:]) + 1)
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
        self.assertRegex(slip.number, r'^FX2027-\d{5}$')

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
        set_chinese(('property_base', 'property_frontdesk'))
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


    # Mail and parcels (邮件、包裹)

    def _parcel(self, office, **values):
        Parcel = Pool().get('property.parcel')
        parcel, = Parcel.create([{'site': office['site'].id,
                    'unit': values.pop('unit', office['units'][0]).id,
                    'carrier': "顺丰速运", 'tracking': 'SF1234567890',
                    **values}])
        return parcel

    @with_transaction()
    def test_parcel_received_residents_notified_001(self):
        """Seed 001 前台岗位职责 3 (邮件、包裹的收发与转交): an item received
        for a home is registered with who received it and when, and its
        residents are e-mailed when the company has an address to send
        from; those without an address are not, and the item shows nobody
        was e-mailed"""
        pool = Pool()
        Party = pool.get('party.party')
        office = front_office()
        unit, other = office['units']
        owner = create_party("王芳")
        Party.write([owner], {'contact_mechanisms': [('create', [
                            {'type': 'email',
                                'value': 'wangfang@example.com'}])]})
        own(unit, owner)
        tenant = create_party("刘洋")
        Party.write([tenant], {'contact_mechanisms': [('create', [
                            {'type': 'email',
                                'value': 'liuyang@example.com'}])]})
        let_to(unit, tenant)
        own(other, create_party("没有邮箱的业主"))
        Party.write([office['company'].party], {'contact_mechanisms': [
                    ('create', [{'type': 'email',
                                'value': 'service@jinxiu.example.com'}])]})
        # the residents read Chinese: the e-mail (Tryton's notification
        # 'Parcel Waiting E-mail') is written in their language
        set_chinese(('property_base', 'property_frontdesk'))
        zh_cn, = Pool().get('ir.lang').search([('code', '=', 'zh_CN')])
        Party.write([owner, tenant], {'lang': zh_cn.id})
        with smtp_server() as received:
            with as_user(office['clerk'], office['company']):
                with office_clock(dt.datetime(2026, 12, 9, 10, 0)) as utc:
                    parcel = self._parcel(office)
                    silent = self._parcel(office, unit=other, kind='letter')
            deliver_mail()
        self.assertEqual(parcel.state, 'waiting')
        self.assertEqual(parcel.received_at, utc)
        self.assertEqual(parcel.received_by, office['clerk'])
        self.assertEqual(parcel.notified_at, utc)
        self.assertEqual(parcel.notified_to,
            'wangfang@example.com, liuyang@example.com')
        # one e-mail, received by the SMTP server for both residents
        (recipients, message), = received
        self.assertEqual(recipients,
            ['wangfang@example.com', 'liuyang@example.com'])
        self.assertEqual(getaddresses([message['To']]), [
                ("王芳", 'wangfang@example.com'),
                ("刘洋", 'liuyang@example.com')])
        self.assertEqual(message['From'], 'service@jinxiu.example.com')
        self.assertEqual(message['Subject'],
            f"{office['site'].rec_name}服务前台有您的邮件包裹待领取")
        # the item named in the residents' language
        with Transaction().set_context(language='zh_CN'):
            item = parcel.__class__(parcel.id).rec_name
        self.assertTrue(item.startswith("包裹 "), item)
        self.assertEqual(message.get_content().strip(),
            f"服务前台已为您代收{item}（顺丰速运），请到前台领取；"
            f"服务电话 {office['site'].service_phone or ''}。")
        self.assertIn('SF1234567890', message.get_content())
        # logged as Tryton's notifications log their e-mails
        email, = Pool().get('ir.email').search([])
        self.assertEqual(email.resource, parcel)
        self.assertIsNone(silent.notified_at)
        self.assertIsNone(silent.notified_to)

    @with_transaction()
    def test_parcel_not_emailed_without_company_address(self):
        """Without an address of the company to send from, nobody is
        e-mailed: the clerk calls the residents"""
        Party = Pool().get('party.party')
        office = front_office()
        owner = create_party("王芳")
        Party.write([owner], {'contact_mechanisms': [('create', [
                            {'type': 'email',
                                'value': 'wangfang@example.com'}])]})
        own(office['units'][0], owner)
        with patch('trytond.modules.property_base.mail.'
                'send_message_transactional') as send:
            with as_user(office['clerk'], office['company']):
                parcel = self._parcel(office)
        send.assert_not_called()
        self.assertIsNone(parcel.notified_to)

    @with_transaction()
    def test_parcel_handed_over_records_who_and_when_001(self):
        """Seed 001 (收发与转交): the item is handed over to whom collects
        it, recorded with the time and the clerk who handed it over"""
        Parcel = Pool().get('property.parcel')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            parcel = self._parcel(office)
            with self.assertRaisesRegex(UserError, 'who collects'):
                Parcel.collect([parcel])
            self.assertEqual(parcel.state, 'waiting')
            Parcel.write([parcel], {'collector': "王芳之子 王小明"})
            with office_clock(dt.datetime(2026, 12, 9, 19, 40)) as utc:
                Parcel.collect([parcel])
            with self.assertRaises(AccessError):
                Parcel.write([parcel], {'collector': "别人"})
        self.assertEqual(parcel.state, 'collected')
        self.assertEqual(parcel.collected_at, utc)
        self.assertEqual(parcel.handed_over_by, office['clerk'])

    @with_transaction()
    def test_parcel_uncollected_after_days_listed(self):
        """An item waiting the site's days (3, the suite's default) is
        listed as uncollected and reminded once a day to the front desk of
        its site: one received at 23:30 on 30 December (office time) is
        listed from 2 January, not on 1 January"""
        pool = Pool()
        Parcel = pool.get('property.parcel')
        office = front_office()
        self.assertEqual(office['site'].parcel_reminder_days, 3)
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 30, 23, 30)):
                late = self._parcel(office)
            with office_clock(dt.datetime(2026, 12, 31, 8, 0)):
                collected = self._parcel(office)
                Parcel.write([collected], {'collector': "王芳"})
                Parcel.collect([collected])
        with as_user(office['other_clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 29, 9, 0)):
                theirs, = Parcel.create([{'site': office['other_site'].id,
                            'unit': office['other_unit'].id}])
        with office_clock(dt.datetime(2027, 1, 1, 23, 50)):
            self.assertEqual(Parcel.search([('uncollected', '=', True)]),
                [theirs])
            self.assertFalse(late.uncollected)
        with office_clock(dt.datetime(2027, 1, 2, 7, 30)):
            self.assertEqual(
                set(Parcel.search([('uncollected', '=', True)])),
                {late, theirs})
            self.assertTrue(Parcel(late.id).uncollected)
            self.assertFalse(Parcel(collected.id).uncollected)
            reminded = run_cron('property.parcel|remind_uncollected',
                subscribers=[office['clerk'], office['other_clerk']])
            self.assertEqual(set(reminded), {late, theirs})
            # once a day
            self.assertEqual(run_cron('property.parcel|remind_uncollected'),
                [])
            (description, records), = open_notifications(office['clerk'])
        self.assertIn('uncollected', description)
        self.assertEqual(records, [late])

    @with_transaction()
    def test_parcel_site_rules(self):
        "A clerk sees the mail of their own site only"
        Parcel = Pool().get('property.parcel')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            mine = self._parcel(office)
        with as_user(office['other_clerk'], office['company']):
            self.assertEqual(Parcel.search([]), [])
            with self.assertRaises(AccessError):
                Parcel.read([mine.id], ['tracking'])


    # Items left at the desk (业主存放物品)

    def _item(self, office, description="钥匙", **values):
        Item = Pool().get('property.desk.item')
        item, = Item.create([{'site': office['site'].id,
                    'description': description, 'quantity': 2,
                    'left_by': "王芳", 'for_whom': "装修公司 李工",
                    'unit': office['units'][0].id, **values}])
        return item

    @with_transaction()
    def test_desk_item_handed_over_with_signature_001(self):
        """Seed 001 交接班 (甲方业主存放物品、数量): an item left at the desk
        is registered with what, how many, by whom and for whom, and
        handed over only against a signature, recorded with the time and
        the clerk"""
        Item = Pool().get('property.desk.item')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 9, 8, 5)) as utc:
                item = self._item(office)
            self.assertEqual((item.received_at, item.received_by),
                (utc, office['clerk']))
            Item.write([item], {'collector': "李工"})
            with self.assertRaisesRegex(UserError, 'Signed'):
                Item.hand_over([item])
            self.assertEqual(item.state, 'kept')
            Item.write([item], {'signed': True})
            with office_clock(dt.datetime(2026, 12, 9, 14, 0)) as utc:
                Item.hand_over([item])
        self.assertEqual(item.state, 'handed_over')
        self.assertEqual((item.handed_over_at, item.handed_over_by),
            (utc, office['clerk']))

    @with_transaction()
    def test_desk_item_slip_pdf(self):
        """The item left at the desk prints as a slip in Chinese: what, how
        many, left by whom for whom, the office times it came and went,
        and the signature boxes"""
        pool = Pool()
        Item = pool.get('property.desk.item')
        Report = pool.get('property.desk.item.slip', type='report')
        office = front_office()
        set_chinese(('property_base', 'property_frontdesk'))
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 31, 23, 40)):
                item = self._item(office)
            Item.write([item], {'collector': "李工", 'signed': True})
            with office_clock(dt.datetime(2027, 1, 1, 8, 15)):
                Item.hand_over([item])
            oext, content, _, _ = Report.execute([item.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        for expected in [item.description, item.left_by, item.for_whom,
                '李工', '23:40', '08:15', '签名']:
            self.assertIn(expected, text)

    @with_transaction()
    def test_frontdesk_slips_pdf_001(self):
        """Seed 001 (来客登记, 物品借用登记表, 邮件包裹的收发, 门禁卡): the
        visitor's registration, the parcel's receipt, the equipment loan
        and the card print as slips in Chinese with the office times (a
        visitor in late in the evening of New Year's Eve, a camera lent
        early in the morning) and the signature boxes"""
        pool = Pool()
        Visitor = pool.get('property.visitor')
        Parcel = pool.get('property.parcel')
        Loan = pool.get('property.desk.loan')
        Card = pool.get('property.card')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        camera = self._equipment(office, 'camera', "照相机")
        set_chinese(('property_base', 'property_frontdesk'))
        with as_user(office['clerk'], office['company']):
            visitor, = Visitor.create([{'site': office['site'].id,
                        'name': "李先生", 'destination': 'home',
                        'unit': office['units'][0].id, 'purpose': "探亲"}])
            with office_clock(dt.datetime(2026, 12, 31, 23, 40)):
                Visitor.admit([visitor])
            with office_clock(dt.datetime(2027, 1, 1, 0, 20)):
                Visitor.leave([visitor])
            parcel = self._parcel(office, description="文件袋")
            Parcel.write([parcel], {'collector': "王芳"})
            with office_clock(dt.datetime(2026, 12, 9, 18, 5)):
                Parcel.collect([parcel])
            with office_clock(dt.datetime(2026, 12, 9, 7, 5)):
                loan, = Loan.create([{'equipment': camera.id,
                            'borrower': office['manager'].employee.id,
                            'purpose': "装修巡查拍照"}])
            card = self._card(office, owner, 'AC-0001')
            with office_clock(dt.datetime(2026, 12, 9, 10, 0)):
                Card.issue([card])
            for name, record, expected in [
                    ('property.visitor.slip', visitor,
                        ['来客登记', "李先生", "探亲", '23:40', '00:20',
                            office['units'][0].number, '签名']),
                    ('property.parcel.slip', parcel,
                        ['签收', 'SF1234567890', "文件袋", "王芳",
                            '18:05', '签名']),
                    ('property.desk.loan.slip', loan,
                        ['物品借用登记表', "照相机", "装修巡查拍照",
                            '07:05', '17:30', '签名']),
                    ('property.card.slip', card,
                        ['AC-0001', "王芳", '身份已核对', '是', '10:00',
                            '签名']),
                    ]:
                with self.subTest(report=name):
                    Report = pool.get(name, type='report')
                    oext, content, _, _ = Report.execute([record.id], {})
                    self.assertEqual(oext, 'pdf')
                    text = pdf_text(content)
                    for string in expected:
                        self.assertIn(string, text)

    @with_transaction()
    def test_desk_items_listed_on_shift_handover_001(self):
        """Seed 001 交接班 (3): the shift hands over the owners' items kept at
        the desk with their quantities: the handover lists those of its
        site still kept, not those handed over nor another site's"""
        pool = Pool()
        Item = pool.get('property.desk.item')
        Handover = pool.get('property.shift.handover')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            keys = self._item(office)
            parcel = self._item(office, "快递包裹")
            gone = self._item(office, "雨伞", collector="王芳", signed=True)
            Item.hand_over([gone])
        with as_user(office['other_clerk'], office['company']):
            Item.create([{'site': office['other_site'].id,
                        'description': "文件袋", 'quantity': 1,
                        'left_by': "乙", 'for_whom': "丙"}])
        with as_user(office['clerk'], office['company']):
            handover, = Handover.create([{'site': office['site'].id,
                        'from_employee': office['clerk'].employee.id,
                        'to_employee': office['manager'].employee.id}])
        self.assertEqual(set(handover.desk_items), {keys, parcel})

    # Equipment loans (物品借用登记表)

    def _equipment(self, office, kind, name):
        Equipment = Pool().get('property.desk.equipment')
        equipment = Equipment(site=office['site'], name=name, kind=kind)
        equipment.on_change_kind()
        equipment.save()
        return equipment

    @with_transaction()
    def test_camera_due_back_by_1730_001(self):
        """Seed 001: a camera lent is back by 17:30 the same day; other
        equipment by the end of the day (the suite's default); late ones
        are listed and reminded to the front desk of the site"""
        Loan = Pool().get('property.desk.loan')
        office = front_office()
        camera = self._equipment(office, 'camera', "照相机")
        radio = self._equipment(office, 'radio', "对讲机 3号")
        self.assertEqual(camera.return_time, dt.time(17, 30))
        self.assertIsNone(radio.return_time)
        borrower = office['manager'].employee
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 31, 9, 0)):
                photo, walkie = Loan.create([
                        {'equipment': camera.id, 'borrower': borrower.id,
                            'purpose': "装修巡查拍照"},
                        {'equipment': radio.id, 'borrower': borrower.id}])
            with office_clock(dt.datetime(2026, 12, 31, 17, 30)) as due:
                self.assertEqual(photo.due_at, due)
                self.assertEqual(Loan.search([('overdue', '=', True)]), [])
            with office_clock(dt.datetime(2026, 12, 31, 17, 31)):
                self.assertEqual(Loan.search([('overdue', '=', True)]),
                    [photo])
            with office_clock(dt.datetime(2026, 12, 31, 23, 50)):
                self.assertFalse(Loan(walkie.id).overdue)
        with office_clock(dt.datetime(2027, 1, 1, 0, 10)):
            self.assertEqual(set(Loan.search([('overdue', '=', True)])),
                {photo, walkie})
            reminded = run_cron('property.desk.loan|remind_overdue',
                subscribers=[office['clerk']])
            self.assertEqual(set(reminded), {photo, walkie})
            (description, records), = open_notifications(office['clerk'])
        self.assertIn('not back in time', description)
        self.assertEqual(set(records), {photo, walkie})
        with as_user(office['clerk'], office['company']):
            Loan.return_([photo])
        self.assertEqual(photo.state, 'returned')
        self.assertEqual(photo.received_by, office['clerk'])

    @with_transaction()
    def test_equipment_lent_once_at_a_time(self):
        "A piece of equipment out cannot be lent again before it is back"
        Loan = Pool().get('property.desk.loan')
        office = front_office()
        camera = self._equipment(office, 'camera', "照相机")
        borrower = office['manager'].employee
        with as_user(office['clerk'], office['company']):
            first, = Loan.create([{'equipment': camera.id,
                        'borrower': borrower.id}])
            with self.assertRaisesRegex(UserError, 'lent out already'):
                Loan.create([{'equipment': camera.id,
                            'borrower': office['clerk'].employee.id}])

    # Cards (门禁卡、住户卡、员工卡)

    def _card(self, office, holder, number, **values):
        Card = Pool().get('property.card')
        card, = Card.create([{'site': office['site'].id, 'kind': 'access',
                    'number': number, 'unit': office['units'][0].id,
                    'holder': holder.id, 'identity_checked': True,
                    **values}])
        return card

    @with_transaction()
    def test_card_issued_with_identity_checked_001(self):
        """Seed 001 (发卡时严格核对业主信息): a household's card is issued
        once the holder's identity is checked, to an owner or resident of
        the home"""
        Card = Pool().get('property.card')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            card = self._card(office, owner, 'AC-0001',
                identity_checked=False)
            with self.assertRaisesRegex(UserError, 'identity'):
                Card.issue([card])
            stranger = self._card(office, create_party("陌生人"), 'AC-0002')
            with self.assertRaisesRegex(UserError, 'neither an owner'):
                Card.issue([stranger])
            Card.write([card], {'identity_checked': True})
            with office_clock(dt.datetime(2026, 12, 9, 10, 0)) as utc:
                Card.issue([card])
        self.assertEqual(card.state, 'issued')
        self.assertEqual((card.issued_at, card.issued_by),
            (utc, office['clerk']))

    @with_transaction()
    def test_second_card_beyond_policy_needs_approval_001(self):
        """Seed 001 (限一户一卡): a second card of a kind for a household
        beyond the site's number is refused without the manager's
        approval, which the clerk cannot give; a lost card is blocked and
        counts no more: once the extra card is returned, the replacement
        (挂失补卡) is issued without approval"""
        Card = Pool().get('property.card')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            first = self._card(office, owner, 'AC-0001')
            Card.issue([first])
            second = self._card(office, owner, 'AC-0002')
            with self.assertRaisesRegex(UserError, "manager's approval"):
                Card.issue([second])
            self.assertEqual(second.state, 'draft')
            self.assertIsNone(second.issued_at)
            with self.assertRaises(AccessButtonError):
                Card.approve([second])
            # another kind of card is counted apart
            resident = self._card(office, owner, 'RC-0001', kind='resident')
            Card.issue([resident])
        with as_user(office['manager'], office['company']):
            Card.approve([second])
        self.assertEqual(second.approved_by, office['manager'].employee)
        with as_user(office['clerk'], office['company']):
            Card.issue([second])
            self.assertEqual(second.state, 'issued')
            with office_clock(dt.datetime(2026, 12, 9, 21, 0)) as utc:
                Card.report_lost([first])
            self.assertEqual((first.state, first.blocked_at),
                ('lost', utc))
            third = self._card(office, owner, 'AC-0003')
            with self.assertRaisesRegex(UserError, "manager's approval"):
                Card.issue([third])
            Card.return_([second])
            Card.issue([third])
            self.assertEqual(third.state, 'issued')

    @with_transaction()
    def test_staff_card_needs_employee_001(self):
        "Seed 001 (员工卡发放情况): a staff card is issued to an employee"
        Card = Pool().get('property.card')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'employee'):
                Card.create([{'site': office['site'].id, 'kind': 'staff',
                            'number': 'ST-0001'}])
            card, = Card.create([{'site': office['site'].id,
                        'kind': 'staff', 'number': 'ST-0001',
                        'employee': office['clerk'].employee.id}])
            Card.issue([card])
        self.assertEqual(card.state, 'issued')

    # Violations outside a renovation (违章处理)

    def _violation(self, office, **values):
        Violation = Pool().get('property.violation')
        violation, = Violation.create([{'site': office['site'].id,
                    'kind': 'balcony',
                    'description': "5楼南阳台加装外置阳台罩",
                    **values}])
        return violation

    @with_transaction()
    def test_violation_outside_renovation_home_or_common_area_001(self):
        """Seed 001 装修管理/违章处理: the clerk records a balcony
        enclosure on a home with no renovation job, and garbage on a
        common area; a violation on neither (or on both) is refused; a
        clerk of another site does not see them"""
        Violation = Pool().get('property.violation')
        office = front_office()
        owner = create_party("王芳")
        own(office['units'][0], owner)
        with as_user(office['clerk'], office['company']):
            home = self._violation(office, unit=office['units'][0].id,
                party=owner.id)
            common = self._violation(office, kind='garbage',
                location="3号楼北侧绿地", description="装修垃圾堆放在绿地")
            self.assertEqual(Violation.search([]), [common, home])
            self.assertEqual(home.recorded_by, office['clerk'])
            self.assertEqual(home.state, 'open')
            for place in [{}, {'unit': office['units'][1].id,
                        'location': "天台"}]:
                with self.assertRaisesRegex(ValidationError,
                        'home or on a common area'):
                    self._violation(office, **place)
        with as_user(office['other_clerk'], office['company']):
            self.assertEqual(Violation.search([]), [])
            with self.assertRaises(AccessError):
                Violation.read([home.id], ['description'])

    @with_transaction()
    def test_violation_rectification_notice_and_escalation_001(self):
        """Seed 001 (出具《违章整改通知单》限期整改; 重要事件要向管理处主任
        报告): the notice issued late on 28 December (office time) is
        numbered in its year and gives 7 days (the suite's default); the
        violation is escalated only after 4 January: by hand it is
        refused before, the scheduled action escalates it on 5 January
        after midnight and tells the manager; rectified, it is closed"""
        Violation = Pool().get('property.violation')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            violation = self._violation(office,
                unit=office['units'][0].id)
            with office_clock(dt.datetime(2026, 12, 28, 23, 40)):
                Violation.notify([violation])
            self.assertTrue(violation.number.startswith('WZ2026-'))
            self.assertEqual(violation.notice_date, dt.date(2026, 12, 28))
            self.assertEqual(violation.deadline, dt.date(2027, 1, 4))
            with office_clock(dt.datetime(2027, 1, 4, 23, 55)):
                with self.assertRaisesRegex(UserError, 'until'):
                    Violation.escalate([violation])
            self.assertEqual(violation.state, 'notified')
        with office_clock(dt.datetime(2027, 1, 4, 23, 55)):
            self.assertEqual(
                run_cron('property.violation|escalate_overdue'), [])
        with office_clock(dt.datetime(2027, 1, 5, 0, 10)) as utc:
            escalated = run_cron('property.violation|escalate_overdue',
                subscribers=[office['manager']])
            self.assertEqual(escalated, [violation])
            (description, records), = open_notifications(office['manager'])
        self.assertIn('escalated', description)
        self.assertEqual(records, [violation])
        violation = Violation(violation.id)
        self.assertEqual(violation.state, 'escalated')
        self.assertEqual(violation.escalated_at, utc)
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2027, 1, 7, 9, 0)):
                Violation.rectify([violation])
            with self.assertRaises(AccessButtonError):
                Violation.cancel([violation])
        self.assertEqual(violation.rectified_date, dt.date(2027, 1, 7))
        self.assertEqual(
            [c.to_state for c in reversed(violation.state_changes)],
            ['open', 'notified', 'escalated', 'rectified'])

    @with_transaction()
    def test_violation_notice_pdf(self):
        """The rectification notice (违章整改通知单) prints in Chinese with
        its number, the home, the violation and the deadline; not before
        it is issued"""
        pool = Pool()
        Violation = pool.get('property.violation')
        Report = pool.get('property.violation.notice', type='report')
        office = front_office()
        set_chinese(('property_base', 'property_frontdesk'))
        with as_user(office['clerk'], office['company']):
            violation = self._violation(office, kind='attic',
                unit=office['units'][0].id, description="顶层私搭小阁楼")
            with self.assertRaisesRegex(UserError, 'issue it'):
                Report.execute([violation.id], {})
            with office_clock(dt.datetime(2026, 12, 9, 10, 0)):
                Violation.notify([violation])
            oext, content, _, _ = Report.execute([violation.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        for expected in ['违章整改通知单', violation.number,
                office['units'][0].rec_name, '私搭乱建', '顶层私搭小阁楼',
                '2026', '恢复原状']:
            self.assertIn(expected, text)

    # Lift bookings (电梯预约)

    def _booking(self, office, start, hours=2, lift="货梯", unit=None):
        Booking = Pool().get('property.lift.booking')
        unit = unit or office['units'][0]
        booking, = Booking.create([{'site': office['site'].id,
                    'building': unit.building.id, 'unit': unit.id,
                    'lift': lift, 'contact': "好家装饰",
                    'start': office_to_utc(start),
                    'end': office_to_utc(start + dt.timedelta(hours=hours))}])
        return booking

    @with_transaction()
    def test_lift_booking_overlap_refused_001(self):
        """Seed 001 装修管理 25 (随意用电梯运送装修材料): the desk books the
        lift for renovation materials; a booking overlapping another of
        the same lift is refused and stays a draft; one right after it,
        one on another lift, and one after a cancelled booking are
        accepted; a booking across midnight counts on both days"""
        Booking = Pool().get('property.lift.booking')
        office = front_office()
        day = dt.datetime(2026, 12, 31, 9, 0)
        with as_user(office['clerk'], office['company']):
            first = self._booking(office, day)
            Booking.book([first])
            self.assertEqual(first.booked_by, office['clerk'])
            clash = self._booking(office, day + dt.timedelta(hours=1),
                hours=1, unit=office['units'][1])
            with self.assertRaisesRegex(UserError, 'overlaps'):
                Booking.book([clash])
            self.assertEqual(Booking(clash.id).state, 'draft')
            after = self._booking(office, day + dt.timedelta(hours=2))
            other_lift = self._booking(office, day, lift="2号梯")
            Booking.book([after, other_lift])
            Booking.cancel([first])
            Booking.book([clash])
            self.assertEqual(clash.state, 'booked')
            night = self._booking(office, dt.datetime(2026, 12, 31, 23, 0))
            Booking.book([night])
            new_year = self._booking(office, dt.datetime(2027, 1, 1, 0, 30))
            with self.assertRaisesRegex(UserError, 'overlaps'):
                Booking.book([new_year])
            with self.assertRaisesRegex(ValidationError, 'before it starts'):
                self._booking(office, day, hours=0)
        with as_user(office['other_clerk'], office['company']):
            self.assertEqual(Booking.search([]), [])

    @with_transaction()
    def test_lift_protection_checked_before_use_001(self):
        """Seed 001 装修管理 25, 26: the materials go in only once the
        lift's protection is in place; who checked it is recorded"""
        Booking = Pool().get('property.lift.booking')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            booking = self._booking(office, dt.datetime(2026, 12, 9, 9, 0))
            Booking.book([booking])
            with self.assertRaisesRegex(UserError, 'protection'):
                Booking.start_use([booking])
            self.assertEqual(Booking(booking.id).state, 'booked')
            Booking.write([booking], {'protection': True})
            with office_clock(dt.datetime(2026, 12, 9, 9, 5)) as utc:
                Booking.start_use([booking])
            self.assertEqual(booking.protection_checked_by,
                office['clerk'])
            self.assertEqual(booking.started_at, utc)
            Booking.finish([booking])
            self.assertEqual(booking.state, 'done')

    @with_transaction()
    def test_boards_visitors_of_the_day_and_parcels_waiting(self):
        """The front desk's board lists the office day's visitors and the
        parcels waiting of its site; the manager's board the visitors"""
        pool = Pool()
        Visitor = pool.get('property.visitor')
        Parcel = pool.get('property.parcel')
        office = front_office()
        with as_user(office['clerk'], office['company']):
            parcel = self._parcel(office)
            collected = self._parcel(office, tracking='SF0000000002')
            Parcel.write([collected], {'collector': "王芳"})
            Parcel.collect([collected])
            yesterday, today = Visitor.create([{'site': office['site'].id,
                        'name': name, 'destination': 'office',
                        'purpose': "咨询"} for name in ["李先生", "王女士"]])
            # 23:50 the evening before and 00:10 at the office (16:10 UTC,
            # still the day before in UTC)
            with office_clock(dt.datetime(2026, 12, 8, 23, 50)):
                Visitor.admit([yesterday])
            with office_clock(dt.datetime(2026, 12, 9, 0, 10)):
                Visitor.admit([today])
        with office_clock(dt.datetime(2026, 12, 9, 7, 30)):
            board = open_board('property_base.act_front_desk_board',
                office['clerk'])
            self.assertEqual(board['property_frontdesk.act_visitor_today'],
                [today])
            self.assertEqual(board['property_frontdesk.act_parcel_waiting'],
                [parcel])
            estate = open_board('property_base.act_estate_board',
                office['manager'])
            self.assertEqual(estate['property_frontdesk.act_visitor_today'],
                [today])
            # the other site's clerk sees neither
            board = open_board('property_base.act_front_desk_board',
                office['other_clerk'])
            self.assertEqual(board['property_frontdesk.act_visitor_today'],
                [])
            self.assertEqual(board['property_frontdesk.act_parcel_waiting'],
                [])

    @with_transaction()
    def test_building_manager_board_violations_past_deadline(self):
        """The building manager's board lists the violations of the site
        whose rectification deadline has passed, from the first office
        minute after the deadline day"""
        Violation = Pool().get('property.violation')
        office = front_office()
        keeper = create_staff("冯涛", 'bm', 'property_base.'
            'group_property_building_manager', office['company'],
            [office['site']])
        elsewhere = create_staff("陈亮", 'bm.rv', 'property_base.'
            'group_property_building_manager', office['company'],
            [office['other_site']])
        with as_user(office['clerk'], office['company']):
            violation = self._violation(office, unit=office['units'][0].id)
            self._violation(office, kind='garbage', location="3号楼北侧绿地",
                description="装修垃圾堆放在绿地")  # no notice: no deadline
            with office_clock(dt.datetime(2026, 12, 28, 23, 40)):
                Violation.notify([violation])
        key = 'property_frontdesk.act_violation_overdue'
        board = 'property_base.act_building_manager_board'
        with office_clock(dt.datetime(2027, 1, 4, 23, 59)):
            self.assertEqual(open_board(board, keeper)[key], [])
        with office_clock(dt.datetime(2027, 1, 5, 0, 1)):
            self.assertEqual(open_board(board, keeper)[key], [violation])
            self.assertEqual(open_board(board, elsewhere)[key], [])


del ModuleTestCase
