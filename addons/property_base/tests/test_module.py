# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_employee
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    office_pyson_dates, office_today, open_board, open_notifications,
    open_relates, pdf_fonts, pdf_pages, pdf_text,
    run_cron, set_chinese, set_chinese_of, with_transaction)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase
from trytond.modules.property_base import common
from trytond.transaction import Transaction

TODAY = office_today()


def create_estate(units=1):
    "Create a company, a site, a building and vacant units"
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    company = create_company()
    site, = Site.create([{'name': "Garden Court", 'code': 'GC',
                'company': company.id}])
    building, = Building.create([{
                'site': site.id, 'code': 'A1', 'name': "Tower A1",
                'floors': 18}])
    units = Unit.create([{
                'building': building.id, 'floor': 12,
                'number': str(1201 + i), 'area': Decimal('89.50')}
            for i in range(units)])
    return company, site, building, units


def create_party(name):
    return Pool().get('party.party').create([{'name': name}])[0]


class PropertyBaseTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Base module"
    module = 'property_base'

    @with_transaction()
    def test_client_date_is_office_date(self):
        """A window's Date() is the office's date as the web client in the
        office evaluates it: at 06:30, 07:30 and 07:59 in Shanghai the
        machine's UTC date is still the day before, at 08:00, 23:30 and
        23:59 it is the same day; on New Year's morning the office is in the
        new year"""
        from trytond.pyson import Date, PYSONDecoder, PYSONEncoder
        company = create_company()
        encoded = PYSONEncoder().encode(Date(delta_days=30))
        with Transaction().set_context(company=company.id):
            for office, expected in [
                    (dt.datetime(2026, 12, 6, 6, 30), dt.date(2027, 1, 5)),
                    (dt.datetime(2026, 12, 6, 7, 30), dt.date(2027, 1, 5)),
                    (dt.datetime(2026, 12, 6, 7, 59), dt.date(2027, 1, 5)),
                    (dt.datetime(2026, 12, 6, 8, 0), dt.date(2027, 1, 5)),
                    (dt.datetime(2026, 12, 6, 23, 30), dt.date(2027, 1, 5)),
                    (dt.datetime(2026, 12, 6, 23, 59), dt.date(2027, 1, 5)),
                    (dt.datetime(2027, 1, 1, 0, 5), dt.date(2027, 1, 31)),
                    ]:
                with self.subTest(office=office), office_clock(office), \
                        office_pyson_dates():
                    self.assertEqual(
                        PYSONDecoder().decode(encoded), expected)

    @with_transaction()
    def test_unit_code_and_site_from_building(self):
        "The unit takes its site and a default code from the building"
        _, site, _, (unit,) = create_estate()
        self.assertEqual(unit.site, site)
        self.assertEqual(unit.code, 'A1-1201')
        self.assertEqual(unit.state, 'vacant')
        self.assertEqual(unit.rec_name, 'GC/A1-1201')

    @with_transaction()
    def test_unit_area_must_be_positive(self):
        "A unit area of zero or less is refused"
        pool = Pool()
        Unit = pool.get('property.unit')
        _, _, building, _ = create_estate()
        for area in [Decimal(0), Decimal('-12.5')]:
            with self.subTest(area=area):
                with self.assertRaisesRegex(
                        ValidationError, 'greater than zero'):
                    Unit.create([{'building': building.id,
                                'number': 'X%s' % area, 'area': area}])

    @with_transaction()
    def test_unit_code_unique_per_site(self):
        "The same unit code twice in a site is refused"
        pool = Pool()
        Unit = pool.get('property.unit')
        Building = pool.get('property.building')
        Site = pool.get('property.site')
        _, site, building, (unit,) = create_estate()
        other, = Building.create([{'site': site.id, 'code': 'B2',
                    'name': "Tower B2", 'floors': 6}])
        # The same code is allowed on another site
        site2, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': site.company.id}])
        building2, = Building.create([{'site': site2.id, 'code': 'A1',
                    'name': "Block A1", 'floors': 6}])
        unit2, = Unit.create([{'building': building2.id,
                    'number': '1201', 'area': Decimal(50)}])
        self.assertEqual(unit2.code, unit.code)
        # Last: on PostgreSQL the violation aborts the transaction
        with self.assertRaisesRegex(ValidationError, 'unique within its site'):
            Unit.create([{'building': other.id, 'number': '1',
                        'code': unit.code, 'area': Decimal(50)}])

    @with_transaction()
    def test_natural_order_of_codes(self):
        """Sites, buildings and units list in natural order: "B2" before
        "B10", "1-103" before "1-1001", whatever the case; a renamed code
        takes its new place"""
        pool = Pool()
        Site = pool.get('property.site')
        Building = pool.get('property.building')
        Unit = pool.get('property.unit')
        company, site, _, _ = create_estate(units=0)
        Site.create([{'name': n, 'code': c, 'company': company.id}
                for n, c in [("Site 10", 'S10'), ("Site 2", 'S2'),
                    ("Site 1", 's1')]])
        self.assertEqual(
            [s.code for s in Site.search([('code', 'ilike', 's%')])],
            ['s1', 'S2', 'S10'])
        b10, b2, b1 = Building.create([{'site': site.id, 'code': c,
                    'name': c, 'floors': 6} for c in ['B10', 'B2', '1']])
        self.assertEqual(
            [b.code for b in Building.search([('site', '=', site.id)])],
            ['1', 'A1', 'B2', 'B10'])
        Unit.create([{'building': b1.id, 'number': n, 'area': Decimal(50)}
                for n in ['1001', '103', '99', '1002']])
        Unit.create([{'building': b10.id, 'number': '1', 'area': Decimal(50)},
                {'building': b2.id, 'number': '1', 'area': Decimal(50)}])
        self.assertEqual([u.code for u in Unit.search([])],
            ['1-99', '1-103', '1-1001', '1-1002', 'B2-1', 'B10-1'])
        # a code changed later is sorted by its new value
        unit, = Unit.search([('code', '=', '1-99')])
        Unit.write([unit], {'code': '1-2000'})
        self.assertEqual([u.code for u in Unit.search([])][3:4], ['1-2000'])
        self.assertEqual(unit.sort_code, '0000000001-0000002000')
        # a database of before the sort key gets it at the module update
        table = Unit.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.sort_code], [None]))
        Unit.__register__('property_base')
        cursor.execute(*table.select(table.code, table.sort_code,
                where=table.code == '1-103'))
        self.assertEqual(cursor.fetchall(),
            [('1-103', '0000000001-0000000103')])

    @with_transaction()
    def test_ownership_shares(self):
        "Ownership shares of a unit must sum to 100 % on every date"
        pool = Pool()
        Unit = pool.get('property.unit')
        Ownership = pool.get('property.unit.ownership')
        _, _, _, (unit,) = create_estate()
        wang, li, zhao = map(create_party, ["王伟", "李娜", "赵敏"])

        # Joint owners 50/50, then sold to a single owner: valid
        Unit.write([unit], {'ownerships': [('create', [
                            {'party': wang.id, 'share': 50,
                                'to_date': dt.date(2025, 6, 30)},
                            {'party': li.id, 'share': 50,
                                'to_date': dt.date(2025, 6, 30)},
                            {'party': zhao.id, 'share': 100,
                                'from_date': dt.date(2025, 7, 1)},
                            ])]})
        self.assertEqual(len(unit.ownerships), 3)
        self.assertEqual(unit.owners, (zhao,))

        # An extra 30 % overlapping the joint ownership: refused
        with self.assertRaisesRegex(ValidationError, '130'):
            Ownership.create([{'unit': unit.id, 'party': zhao.id,
                        'share': 30, 'from_date': dt.date(2025, 1, 1),
                        'to_date': dt.date(2025, 3, 31)}])

    @with_transaction()
    def test_co_ownership_in_one_save(self):
        """The clerk lowers the owner to 60 % and adds the spouse at 40 %
        from the same date, in one save of the unit: the shares are
        checked after the whole save, not between its lines"""
        pool = Pool()
        Unit = pool.get('property.unit')
        _, _, _, (unit, other) = create_estate(units=2)
        wang, li = map(create_party, ["王伟", "李娜"])
        since = dt.date(2024, 3, 1)
        Unit.write([unit, other], {'ownerships': [('create', [
                            {'party': wang.id, 'share': 100,
                                'from_date': since}])]})
        owner, = unit.ownerships
        Unit.write([unit], {'ownerships': [
                    ('write', [owner.id], {'share': 60}),
                    ('create', [{'party': li.id, 'share': 40,
                                'from_date': since}]),
                    ]})
        self.assertEqual(
            sorted((o.party.name, o.share) for o in unit.ownerships),
            [("李娜", 40), ("王伟", 60)])
        # the same save without the spouse is still refused
        owner, = other.ownerships
        with self.assertRaisesRegex(ValidationError, 'sum to 60 %'):
            Unit.write([other], {'ownerships': [
                        ('write', [owner.id], {'share': 60})]})

    @with_transaction()
    def test_ownership_shares_below_100(self):
        "A single owner with 60 % only is refused"
        pool = Pool()
        Ownership = pool.get('property.unit.ownership')
        _, _, _, (unit, *others) = create_estate(units=4)
        wang = create_party("王伟")
        with self.assertRaisesRegex(ValidationError, 'sum to 60 %'):
            Ownership.create([{'unit': unit.id, 'party': wang.id,
                        'share': 60}])
        # A failed create is not rolled back inside a test transaction:
        # each bad share goes to a unit of its own.
        for share, other in zip([0, -10, 120], others):
            with self.subTest(share=share):
                with self.assertRaisesRegex(ValidationError, 'at most 100'):
                    Ownership.create([{'unit': other.id, 'party': wang.id,
                                'share': share}])

    @with_transaction()
    def test_resident_overlap(self):
        "The same person resident twice in a unit over overlapping dates"
        pool = Pool()
        Resident = pool.get('property.unit.resident')
        _, _, _, (unit, other_unit) = create_estate(units=2)
        wang = create_party("王伟")
        Resident.create([{'unit': unit.id, 'party': wang.id,
                    'role': 'owner', 'from_date': dt.date(2024, 1, 1),
                    'to_date': dt.date(2024, 12, 31)}])
        # Later stay and another unit are fine
        Resident.create([
                {'unit': unit.id, 'party': wang.id, 'role': 'owner',
                    'from_date': dt.date(2025, 1, 1)},
                {'unit': other_unit.id, 'party': wang.id, 'role': 'tenant',
                    'from_date': dt.date(2024, 6, 1)},
                ])
        with self.assertRaisesRegex(ValidationError, 'overlapping'):
            Resident.create([{'unit': unit.id, 'party': wang.id,
                        'role': 'family', 'from_date': dt.date(2024, 12, 1),
                        'to_date': dt.date(2025, 1, 15)}])

    def _move_in(self, unit, party):
        Move = Pool().get('property.move')
        move, = Move.create([{
                    'kind': 'move_in', 'unit': unit.id, 'party': party.id,
                    'date': TODAY}])
        return move

    @with_transaction()
    def test_workflow_guard_in_reader_language(self):
        """A field changed in a state that does not allow it is refused
        with the field, the record's kind and the state in the reader's
        language (the state not as its code)"""
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        company, site, _, (unit,) = create_estate()
        set_chinese()
        clerk = create_staff("李娜", 'clerk',
            'property_base.group_property_front_desk', company, [site])
        wang = create_party("王伟")
        pool.get('property.unit').write([unit], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        move = self._move_in(unit, wang)
        MoveLine.write(list(move.lines), {'done': True})
        Move.complete([move])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=company.id, language='zh_CN'):
            with self.assertRaises(UserError) as cm:
                Move.write([Move(move.id)],
                    {'date': TODAY + dt.timedelta(days=1)})
        message = cm.exception.message
        for expected in ['办理日期', '入住/迁出', '已完成']:
            self.assertIn(expected, message)
        self.assertNotIn('done', message)

    @with_transaction()
    def test_move_in_checklist(self):
        "A move-in gets the seed checklist and records who ticked each step"
        pool = Pool()
        MoveLine = pool.get('property.move.line')
        _, _, _, (unit,) = create_estate()
        move = self._move_in(unit, create_party("王伟"))
        steps = [l.step for l in move.lines]
        self.assertEqual(steps[0], 'delivery_certificate')
        self.assertEqual(steps[-2], 'keys_handed_over')
        self.assertFalse(move.lines[-1].required)
        MoveLine.write([move.lines[0]], {'done': True})
        line = MoveLine(move.lines[0].id)
        self.assertEqual(line.done_by.id, Transaction().user)
        self.assertTrue(line.done_at)
        MoveLine.write([line], {'done': False})
        self.assertIsNone(MoveLine(line.id).done_by)

    @with_transaction()
    def test_move_in_handover_form_pdf(self):
        """The front desk prints the move-in handover form (手续办理单) in
        the owner's Chinese: the home, the owner, each step of the
        checklist with who signed it and when in the office's time, late
        on New Year's Eve and early on New Year's Day, and who completed"""
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        Report = pool.get('property.move.handover_form', type='report')
        zh = pool.get('ir.lang').get('zh_CN')
        company, site, _, (unit,) = create_estate()
        set_chinese()
        clerk = create_staff("李娜", 'clerk',
            'property_base.group_property_front_desk', company, [site])
        wang = create_party("王伟")
        pool.get('property.unit').write([unit], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            move = self._move_in(unit, wang)
            first, second, third, *others = move.lines
            with office_clock(dt.datetime(2026, 12, 31, 23, 45)):
                MoveLine.write([first], {'done': True})
            with office_clock(dt.datetime(2027, 1, 1, 0, 10)):
                MoveLine.write([second], {'done': True,
                        'notes': "身份证已核对"})
            with office_clock(dt.datetime(2027, 1, 1, 7, 5)):
                MoveLine.write([third] + others, {'done': True})
                Move.complete([move])
            oext, content, _, _ = Report.execute([move.id], {})
        self.assertEqual(oext, 'pdf')
        text = pdf_text(content)
        new_year = dt.date(2027, 1, 1)
        for expected in ['入住手续办理单', unit.rec_name, '王伟', '李娜',
                '核验收楼证明', '移交钥匙', '身份证已核对',
                f'{zh.strftime(dt.date(2026, 12, 31))} 23:45',
                f'{zh.strftime(new_year)} 00:10',
                f'{zh.strftime(new_year)} 07:05', '已完成', company.rec_name]:
            self.assertIn(expected, text)
        # the stored (UTC) hours are not what the office saw
        self.assertNotIn('15:45', text)
        self.assertNotIn('16:10', text)
        self.assertEqual(text.count('李娜'), len(move.lines) + 1)
        self.assertTrue(any('CJK' in f['name'] and f['emb']
                for f in pdf_fonts(content)), pdf_fonts(content))
        self.assertEqual(pdf_pages(content), [(210, 297)])

    @with_transaction()
    def test_move_out_handover_form_open_steps(self):
        "A draft move-out prints its open steps blank, unsigned"
        pool = Pool()
        Move = pool.get('property.move')
        Unit = pool.get('property.unit')
        Report = pool.get('property.move.handover_form', type='report')
        company, site, _, (unit,) = create_estate()
        set_chinese()
        wang = create_party("王伟")
        Unit.write([unit], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        move_in = self._move_in(unit, wang)
        pool.get('property.move.line').write(list(move_in.lines),
            {'done': True})
        Move.complete([move_in])
        move_out, = Move.create([{'kind': 'move_out', 'unit': unit.id,
                    'party': wang.id, 'date': TODAY}])
        with Transaction().set_context(company=company.id):
            oext, content, _, _ = Report.execute([move_out.id], {})
        text = pdf_text(content)
        self.assertIn('退房手续办理单', text)
        self.assertIn('草稿', text)
        self.assertIn('交回钥匙', text)
        self.assertNotIn('入住手续办理单', text)

    @with_transaction()
    def test_documents_are_pdf(self):
        "Every document of the module is an HTML template printed as PDF"
        Action = Pool().get('ir.action.report')
        actions = Action.search([('module', '=', 'property_base')])
        self.assertTrue(actions)
        for action in actions:
            self.assertEqual((action.template_extension, action.extension),
                ('html', 'pdf'), action.report_name)

    def test_pdf_fonts_kept_per_thread(self):
        """The system's fonts are loaded once per thread and the PDF is the
        same, byte for byte, as with fonts loaded for the document alone;
        a document with @font-face gets a configuration of its own"""
        import threading

        import weasyprint

        from trytond.modules.property_base import printing
        html = ('<html><head><meta charset="utf-8"/></head><body>'
            '<h1>缴费通知单</h1><p>物业服务费 ¥111.65</p></body></html>')
        config = printing.font_config()
        self.assertIs(printing.font_config(), config)
        other = []
        thread = threading.Thread(
            target=lambda: other.append(printing.font_config()))
        thread.start()
        thread.join()
        self.assertIsNot(other[0], config)
        fresh = weasyprint.HTML(string=html,
            url_fetcher=weasyprint.URLFetcher(
                allowed_protocols={'http', 'https', 'data'})).write_pdf()
        self.assertEqual(printing.pdf_from_html(html), fresh)
        self.assertEqual(printing.pdf_from_html(html), fresh)
        self.assertIn('缴费通知单', pdf_text(fresh))
        with patch.object(printing, 'font_config', return_value=config) \
                as kept:
            printing.pdf_from_html(
                html.replace('<head>', '<head><style>@font-face '
                    '{font-family: x; src: local("DejaVu Sans")}</style>'))
            kept.assert_not_called()
            printing.pdf_from_html(html)
            kept.assert_called_once_with()

    @with_transaction()
    def test_move_complete_with_open_step(self):
        "A move cannot be completed while a required step is open"
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        _, _, _, (unit,) = create_estate()
        move = self._move_in(unit, create_party("王伟"))
        required = [l for l in move.lines if l.required]
        MoveLine.write(required[:-1], {'done': True})
        with self.assertRaisesRegex(UserError, 'Keys handed over'):
            Move.complete([move])
        self.assertEqual(move.state, 'draft')
        self.assertEqual(unit.state, 'vacant')

    @with_transaction()
    def test_move_in_completes(self):
        "Completing a move-in hands the unit and its keys over"
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        Key = pool.get('property.key')
        Unit = pool.get('property.unit')
        _, _, _, (unit,) = create_estate()
        wang = create_party("王伟")
        Unit.write([unit], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        key, = Key.create([{'unit': unit.id, 'name': "Entrance door",
                    'copies': 3}])
        move = self._move_in(unit, wang)
        MoveLine.write(list(move.lines), {'done': True})
        Move.complete([move])
        self.assertEqual(move.state, 'done')
        self.assertEqual(move.completed_by.id, Transaction().user)
        unit = Unit(unit.id)
        self.assertEqual(unit.state, 'handed_over')
        self.assertEqual(unit.handover_date, TODAY)
        resident, = unit.residents
        self.assertEqual((resident.party, resident.role), (wang, 'owner'))
        key = Key(key.id)
        self.assertEqual((key.state, key.holder), ('handed_over', wang))
        self.assertEqual([l.action for l in key.logs],
            ['handed_over', 'received'])

    @with_transaction()
    def test_move_in_unit_not_vacant(self):
        "Moving into a unit that is not vacant is refused"
        pool = Pool()
        Unit = pool.get('property.unit')
        _, _, _, (unit,) = create_estate()
        Unit.hand_over([unit], TODAY)
        with self.assertRaisesRegex(UserError, 'not vacant'):
            self._move_in(unit, create_party("王伟"))

    @with_transaction()
    def test_move_out(self):
        "A move-out ends the residences and takes the keys back"
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        Unit = pool.get('property.unit')
        Resident = pool.get('property.unit.resident')
        Key = pool.get('property.key')
        _, _, _, (unit,) = create_estate()
        tenant = create_party("陈静")
        with self.assertRaisesRegex(UserError, 'vacant'):
            Move.create([{'kind': 'move_out', 'unit': unit.id,
                        'party': tenant.id}])
        Unit.hand_over([unit], TODAY - dt.timedelta(days=400))
        Unit.let([unit])
        resident, = Resident.create([{'unit': unit.id, 'party': tenant.id,
                    'role': 'tenant',
                    'from_date': TODAY - dt.timedelta(days=300)}])
        key, = Key.create([{'unit': unit.id, 'name': "Door",
                    'holder': tenant.id}])
        Key.hand_over([key])
        move, = Move.create([{'kind': 'move_out', 'unit': unit.id,
                    'party': tenant.id}])
        self.assertIn('keys_returned', [l.step for l in move.lines])
        MoveLine.write(list(move.lines), {'done': True})
        Move.complete([move])
        self.assertEqual(Unit(unit.id).state, 'handed_over')
        self.assertEqual(Resident(resident.id).to_date, TODAY)
        self.assertEqual(Key(key.id).state, 'office')

    def _tenant_estate(self):
        "A home handed over to its owner, and a tenant"
        pool = Pool()
        Unit = pool.get('property.unit')
        _, _, _, (unit,) = create_estate()
        owner = create_party("王芳")
        Unit.write([unit], {'ownerships': [
                    ('create', [{'party': owner.id, 'share': 100}])]})
        Unit.hand_over([unit], TODAY - dt.timedelta(days=200))
        return unit, owner, create_party("刘洋")

    def _tenant_move(self, unit, party, kind='tenant_in', skip=()):
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        move, = Move.create([{'kind': kind, 'unit': unit.id,
                    'party': party.id, 'date': TODAY}])
        MoveLine.write([l for l in move.lines if l.step not in skip],
            {'done': True})
        return move

    @with_transaction()
    def test_tenant_move_in_own_checklist_001(self):
        """Seed 001 (租户迁入、迁出的有关手续): a tenant moves into an
        owner's handed-over home through a checklist of its own (lease,
        owner's consent, identity, household, deposit if any, keys or
        cards); completing it files the tenant and lets the home"""
        pool = Pool()
        Move = pool.get('property.move')
        Unit = pool.get('property.unit')
        unit, owner, tenant = self._tenant_estate()
        move = self._tenant_move(unit, tenant, skip={'deposit'})
        self.assertEqual([(l.step, l.required) for l in move.lines], [
                ('lease_seen', True), ('owner_consent', True),
                ('registration_form', True), ('household_registered', True),
                ('deposit', False), ('keys_cards', True)])
        Move.complete([move])
        self.assertEqual(move.state, 'done')
        unit = Unit(unit.id)
        self.assertEqual(unit.state, 'let')
        resident, = [r for r in unit.residents if r.party == tenant]
        self.assertEqual((resident.role, resident.from_date),
            ('tenant', TODAY))

    @with_transaction()
    def test_tenant_move_in_without_owner_consent_refused_001(self):
        """Seed 001: without the owner's consent the tenant's move-in is
        not completed, and nothing changes"""
        pool = Pool()
        Move = pool.get('property.move')
        Unit = pool.get('property.unit')
        unit, owner, tenant = self._tenant_estate()
        move = self._tenant_move(unit, tenant, skip={'owner_consent'})
        with self.assertRaisesRegex(UserError, "Owner's consent obtained"):
            Move.complete([move])
        self.assertEqual(move.state, 'draft')
        unit = Unit(unit.id)
        self.assertEqual(unit.state, 'handed_over')
        self.assertFalse([r for r in unit.residents if r.party == tenant])

    @with_transaction()
    def test_tenant_move_in_only_into_handed_over_home_001(self):
        """A tenant moves only into a home handed over to its owner; an
        owner moves in with the owner's move-in"""
        pool = Pool()
        Move = pool.get('property.move')
        Unit = pool.get('property.unit')
        unit, owner, tenant = self._tenant_estate()
        vacant, = Unit.create([{'building': unit.building.id,
                    'number': '1301', 'area': Decimal('89.50')}])
        with self.assertRaisesRegex(UserError, 'not handed over'):
            Move.create([{'kind': 'tenant_in', 'unit': vacant.id,
                        'party': tenant.id}])
        move = self._tenant_move(unit, owner)
        with self.assertRaisesRegex(UserError, 'owns'):
            Move.complete([move])

    @with_transaction()
    def test_move_in_for_someone_not_owner_refused_001(self):
        """Seed 001 (收楼: 对业主身份...进行确认、核对): completing an owner's
        move-in for someone who is not an owner of the home on its date
        is refused with the reason, instead of filing them as a tenant"""
        pool = Pool()
        Move = pool.get('property.move')
        MoveLine = pool.get('property.move.line')
        Unit = pool.get('property.unit')
        _, _, _, (unit,) = create_estate()
        buyer = create_party("王伟")
        Unit.write([unit], {'ownerships': [('create', [{'party': buyer.id,
                            'share': 100,
                            'from_date': TODAY + dt.timedelta(days=1)}])]})
        move = self._move_in(unit, buyer)
        MoveLine.write(list(move.lines), {'done': True})
        with self.assertRaisesRegex(UserError, 'not an owner'):
            Move.complete([move])
        self.assertEqual(move.state, 'draft')
        unit = Unit(unit.id)
        self.assertEqual(unit.state, 'vacant')
        self.assertEqual(list(unit.residents), [])

    @with_transaction()
    def test_tenant_move_out_001(self):
        """Seed 001 (租户迁出): the tenant's move-out ends the tenancy and
        the home is the owner's again"""
        pool = Pool()
        Move = pool.get('property.move')
        Unit = pool.get('property.unit')
        Resident = pool.get('property.unit.resident')
        unit, owner, tenant = self._tenant_estate()
        Move.complete([self._tenant_move(unit, tenant)])
        resident, = Resident.search([('party', '=', tenant.id)])
        move = self._tenant_move(unit, tenant, kind='tenant_out')
        self.assertIn('keys_cards_returned', [l.step for l in move.lines])
        Move.complete([move])
        self.assertEqual(Resident(resident.id).to_date, TODAY)
        self.assertEqual(Unit(unit.id).state, 'handed_over')

    @with_transaction()
    def test_move_completed_notifies_security_engineering_finance_001(self):
        """Seed 001 [4] (业主迁入及迁离的通知需要转发的部门有: 保安部、工程部、
        财务部): completing a move notifies the staff subscribed to "Moves
        Completed" of the move's site; staff of another site and staff not
        subscribed are not told; the scheduled run repeats yesterday's and
        today's moves for those who missed them"""
        pool = Pool()
        Move = pool.get('property.move')
        Site = pool.get('property.site')
        unit, owner, tenant = self._tenant_estate()
        other_site, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': unit.site.company.id}])
        method = 'property.move|notify_completed'
        security = create_staff("郑大伟", 'security', 'property_base.'
            'group_property_front_desk', unit.site.company, [unit.site])
        finance = create_staff("钱会计", 'finance', 'property_base.'
            'group_property_manager', unit.site.company, [unit.site])
        far = create_staff("吴婷", 'far', 'property_base.'
            'group_property_front_desk', unit.site.company, [other_site])
        quiet = create_staff("李静", 'quiet', 'property_base.'
            'group_property_front_desk', unit.site.company, [unit.site])
        pool.get('res.user').write([security, finance, far], {
                'notifications': [method]})
        # finance reads 中文: the moves are named in it in its notice
        set_chinese_of('property_base',
            'model:ir.message,text:msg_move_completed_notice',
            'selection:property.move,kind:')
        pool.get('res.user').write([finance], {
                'language': pool.get('ir.lang').get('zh_CN').id})
        move = self._tenant_move(unit, tenant)
        with office_clock(dt.datetime.combine(TODAY, dt.time(23, 50))):
            Move.complete([move])
        (description, records), = open_notifications(security)
        self.assertIn(move.rec_name, description)
        self.assertTrue(move.rec_name.startswith("Tenant Move-in "))
        self.assertIn(move, records)
        with Transaction().set_context(language='zh_CN'):
            name = Move(move.id).rec_name
        self.assertEqual(name, move.rec_name.replace(
                "Tenant Move-in", "租户入住"))
        (description, records), = open_notifications(finance)
        self.assertEqual(description, f"已办结 1 项迁入迁出手续：{name}。")
        self.assertIn(move, records)
        self.assertEqual(open_notifications(far), [])
        self.assertEqual(open_notifications(quiet), [])
        # the next morning's run still tells of the late evening's move
        with office_clock(dt.datetime.combine(
                    TODAY + dt.timedelta(days=1), dt.time(0, 30))):
            self.assertEqual(run_cron(method), [move])
        with office_clock(dt.datetime.combine(
                    TODAY + dt.timedelta(days=2), dt.time(0, 30))):
            self.assertEqual(run_cron(method), [])
        (description, _), = open_notifications(security)
        self.assertIn(move.rec_name, description)

    def _loan(self, site, default_dates=False):
        pool = Pool()
        Archive = pool.get('property.archive')
        Loan = pool.get('property.archive.loan')
        company = site.company
        archive, = Archive.create([{'site': site.id, 'number': 'OA-001',
                    'name': "Owner file A1-1201"}])
        borrower = create_employee(company, "Clerk Zhou")
        values = {'archive': archive.id, 'borrower': borrower.id}
        if not default_dates:
            values.update(loan_date=TODAY - dt.timedelta(days=10),
                due_date=TODAY - dt.timedelta(days=3))
        loan, = Loan.create([values])
        return archive, loan

    def _manager_user(self, company):
        pool = Pool()
        User = pool.get('res.user')
        manager = create_employee(company, "Manager Sun")
        User.write([User(Transaction().user)], {
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [manager.id])],
                'employee': manager.id})
        return manager

    @with_transaction()
    def test_loan_needs_manager_approval(self):
        "An archive cannot be lent without the manager's approval"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, _ = create_estate()
        archive, loan = self._loan(site)
        with self.assertRaisesRegex(UserError, 'not been approved'):
            Loan.lend([loan])
        self.assertEqual(loan.state, 'draft')
        self.assertEqual(archive.state, 'in_office')

        manager = self._manager_user(company)
        Loan.approve([loan])
        self.assertEqual((loan.state, loan.approved_by), ('approved', manager))
        Loan.lend([loan])
        self.assertEqual(loan.state, 'out')
        self.assertEqual(archive.state, 'out')
        self.assertEqual(
            Pool().get('property.archive').search([('state', '=', 'out')]),
            [archive])

    @with_transaction()
    def test_loan_approver_needs_employee(self):
        "Approving requires the user to be an employee"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        _, site, _, _ = create_estate()
        _, loan = self._loan(site)
        with self.assertRaisesRegex(UserError, 'linked to an employee'):
            Loan.approve([loan])

    @with_transaction()
    def test_return_archive_not_out(self):
        "Returning an archive that is not out is refused"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, _ = create_estate()
        _, loan = self._loan(site)
        with self.assertRaisesRegex(UserError, 'not out'):
            Loan.return_([loan])
        self._manager_user(company)
        Loan.approve([loan])
        Loan.lend([loan])
        Loan.return_([loan])
        self.assertEqual((loan.state, loan.return_date), ('returned', TODAY))
        with self.assertRaisesRegex(UserError, 'not out'):
            Loan.return_([loan])

    @with_transaction()
    def test_archive_lent_once(self):
        "An archive already out cannot be lent a second time"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, _ = create_estate()
        archive, loan = self._loan(site)
        second, = Loan.copy([loan])
        self._manager_user(company)
        Loan.approve([loan, second])
        Loan.lend([loan])
        with self.assertRaisesRegex(UserError, 'already lent out'):
            Loan.lend([second])

    @with_transaction()
    def test_today_is_the_office_date(self):
        "Today is the date at the office, with or without a company context"
        pool = Pool()
        Date = pool.get('ir.date')
        company = create_company()
        for office, today in [
                (dt.datetime(2026, 12, 31, 7, 30), dt.date(2026, 12, 31)),
                (dt.datetime(2026, 12, 31, 23, 30), dt.date(2026, 12, 31)),
                (dt.datetime(2027, 1, 1, 7, 30), dt.date(2027, 1, 1)),
                (dt.datetime(2026, 12, 1, 7, 30), dt.date(2026, 12, 1)),
                ]:
            with office_clock(office) as utc:
                # a scheduled action runs without a company in its context
                with Transaction().set_context(company=None):
                    self.assertEqual(Date.today(), today)
                with Transaction().set_context(company=company.id):
                    self.assertEqual(Date.today(), today)
                self.assertEqual(common.office_date(utc, company), today)
                self.assertEqual(common.now(), utc)
        # 07:30 on New Year's Day at the office is still 2026 in UTC
        self.assertEqual(common.to_utc(
                dt.datetime(2027, 1, 1, 7, 30), company),
            dt.datetime(2026, 12, 31, 23, 30))
        self.assertEqual(
            common.end_of_office_day(dt.date(2026, 11, 30), company),
            dt.datetime(2026, 11, 30, 15, 59, 59))

    @with_transaction()
    def test_loan_dates_office_days(self):
        "A loan's dates and its overdue flag are the office's days"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, _ = create_estate()
        self._manager_user(company)
        # Friday 07:30 at the office (Thursday 23:30 UTC)
        with office_clock(dt.datetime(2026, 11, 20, 7, 30)):
            _, loan = self._loan(site, default_dates=True)
            self.assertEqual((loan.loan_date, loan.due_date),
                (dt.date(2026, 11, 20), dt.date(2026, 11, 27)))
            Loan.approve([loan])
            Loan.lend([loan])
        # The due day till its last minute at the office: not overdue
        with office_clock(dt.datetime(2026, 11, 27, 23, 30)):
            self.assertFalse(Loan(loan.id).overdue)
            self.assertEqual(Loan.remind_overdue(), [])
        # The next morning at 07:30 (still the due day in UTC): overdue
        with office_clock(dt.datetime(2026, 11, 28, 7, 30)):
            self.assertTrue(Loan(loan.id).overdue)
            self.assertEqual(Loan.remind_overdue(), [loan])
            self.assertEqual(loan.reminded_on, dt.date(2026, 11, 28))
            Loan.return_([loan])
            self.assertEqual(loan.return_date, dt.date(2026, 11, 28))

    @with_transaction()
    def test_remind_overdue(self):
        "The scheduled action reminds each overdue loan once a day"
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, _ = create_estate()
        _, loan = self._loan(site)
        self._manager_user(company)
        Loan.approve([loan])
        Loan.lend([loan])
        self.assertTrue(loan.overdue)
        self.assertEqual(Loan.search([('overdue', '=', True)]), [loan])
        self.assertEqual(Loan.remind_overdue(), [loan])
        self.assertEqual(loan.reminded_on, TODAY)
        self.assertEqual(Loan.remind_overdue(), [])

    @with_transaction()
    def test_reminders_opened_by_recipients(self):
        """The archive keeper opens the overdue-loan reminder and the
        building manager the vacant-unit inspections, each in the client
        as themselves, and finds the records named"""
        pool = Pool()
        Loan = pool.get('property.archive.loan')
        company, site, _, units = create_estate(units=2)
        _, loan = self._loan(site)
        self._manager_user(company)
        Loan.approve([loan])
        Loan.lend([loan])
        keeper = create_staff("Archive Keeper", 'keeper',
            'property_base.group_property_archive', company, [site])
        building = create_staff("Building Manager", 'building',
            'property_base.group_property_building_manager', company,
            [site])
        self.assertEqual(run_cron('property.archive.loan|remind_overdue',
                subscribers=[keeper]), [loan])
        inspections = run_cron(
            'property.vacant.inspection|create_monthly',
            dt.date(2026, 11, 20), subscribers=[building])
        self.assertEqual(len(inspections), 2)
        (text, records), = open_notifications(keeper)
        self.assertEqual(records, [loan])
        (text, records), = open_notifications(building)
        self.assertEqual(sorted(records), sorted(inspections))

    @with_transaction()
    def test_vacant_inspections_monthly(self):
        "Every vacant unit gets one inspection a month"
        pool = Pool()
        Inspection = pool.get('property.vacant.inspection')
        Unit = pool.get('property.unit')
        _, _, _, units = create_estate(units=3)
        Unit.hand_over(units[:1], TODAY)
        Pool().get('property.unit.resident').create([{'unit': units[0].id,
                    'party': create_party("王伟").id,
                    'from_date': TODAY}])
        created = Inspection.create_monthly(dt.date(2026, 11, 20))
        self.assertEqual(
            sorted(i.unit.id for i in created),
            sorted(u.id for u in units[1:]))
        self.assertEqual({i.period for i in created}, {dt.date(2026, 11, 1)})
        self.assertEqual(Inspection.create_monthly(dt.date(2026, 11, 28)), [])
        self.assertEqual(
            len(Inspection.create_monthly(dt.date(2026, 12, 1))), 2)
        with self.assertRaisesRegex(ValidationError, 'once per month'):
            Inspection.create([{'unit': units[1].id,
                        'period': dt.date(2026, 11, 15)}])

    @with_transaction()
    def test_vacant_ledger_covers_homes_not_moved_in_004(self):
        """Seed 004 (关爱未入住业主, 空置房业主服务台帐): the monthly
        inspection covers the homes handed over to owners nobody lives in
        yet, not only the homes never handed over; the inspection keeps
        the month's owner care"""
        pool = Pool()
        Inspection = pool.get('property.vacant.inspection')
        Unit = pool.get('property.unit')
        Resident = pool.get('property.unit.resident')
        _, _, _, (never, empty, lived_in, moved_out) = create_estate(
            units=4)
        Unit.hand_over([empty, lived_in, moved_out], dt.date(2026, 5, 1))
        Resident.create([
                {'unit': lived_in.id, 'party': create_party("王伟").id,
                    'from_date': dt.date(2026, 5, 1)},
                {'unit': moved_out.id, 'party': create_party("刘洋").id,
                    'role': 'tenant', 'from_date': dt.date(2025, 5, 1),
                    'to_date': dt.date(2026, 10, 31)},
                ])
        created = Inspection.create_monthly(dt.date(2026, 12, 1))
        self.assertEqual({i.unit for i in created},
            {never, empty, moved_out})
        inspection, = [i for i in created if i.unit == empty]
        Inspection.write([inspection], {
                'owner_care': "电话联系业主，业主计划明年春节后装修入住"})
        self.assertIn('春节', Inspection(inspection.id).owner_care)

    @with_transaction()
    def test_estate_tree(self):
        "The estate tree shows site > building > unit"
        pool = Pool()
        Node = pool.get('property.estate.node')
        _, site, building, units = create_estate(units=2)
        root, = Node.search([('parent', '=', None)])
        self.assertEqual((root.kind, root.record), ('site', site))
        child, = root.children
        self.assertEqual(child.record, building)
        self.assertEqual(
            sorted(c.record.id for c in child.children),
            sorted(u.id for u in units))

    @with_transaction()
    def test_search_unit_by_owner_name_or_phone(self):
        "A unit is found by its owner's name or phone"
        pool = Pool()
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        _, _, _, (unit, other) = create_estate(units=2)
        wang, = Party.create([{'name': "王伟", 'contact_mechanisms': [
                        ('create', [{'type': 'mobile',
                                    'value': '13800138000'}])]}])
        Unit.write([unit], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        self.assertEqual(Unit.search([('rec_name', 'ilike', '%王伟%')]),
            [unit])
        self.assertEqual(Unit.search([('rec_name', 'ilike', '%13800138%')]),
            [unit])
        self.assertEqual(Unit.search([('owners', '=', wang.id)]), [unit])
        self.assertEqual(unit.owner_phone, '13800138000')

    @with_transaction()
    def test_phones_as_text(self):
        """The units', owners' and residents' lists show the number to
        call as text (the first mobile, else the phone), all read in one
        search of the contact mechanisms"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        Resident = pool.get('property.unit.resident')
        ContactMechanism = pool.get('party.contact_mechanism')
        _, _, _, units = create_estate(units=3)
        wang, li, zhao = Party.create([
                {'name': "王伟", 'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '010-6543210'},
                                {'type': 'mobile', 'value': '13800138000'},
                                ])]},
                {'name': "李娜", 'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '021-1234567'},
                                {'type': 'email', 'value': 'li@example.com'},
                                ])]},
                {'name': "赵敏"}])
        for unit, party in zip(units, [wang, li, zhao]):
            Unit.write([unit], {'ownerships': [
                        ('create', [{'party': party.id, 'share': 100}])],
                    'residents': [('create', [{'party': party.id}])]})
        search = ContactMechanism.search
        with patch.object(ContactMechanism, 'search',
                side_effect=search) as searched:
            phones = Unit.read([u.id for u in units], ['owner_phone'])
        self.assertEqual(searched.call_count, 1)
        self.assertEqual([p['owner_phone'] for p in phones],
            ['13800138000', '021-1234567', None])
        self.assertEqual(
            [r.phone for r in Resident.search([('unit', 'in', units)],
                    order=[('unit', 'ASC')])],
            ['13800138000', '021-1234567', None])
        self.assertEqual([p.call_phone for p in Party.browse([wang, li])],
            ['13800138000', '021-1234567'])
        for Model, view in [(Unit, None), (Resident, None), (Party, None)]:
            arch = Model.fields_view_get(view, 'tree')['arch']
            self.assertNotIn('callto', arch)
        self.assertIn('call_phone', Party.fields_view_get(
                None, 'tree')['arch'])

    @with_transaction()
    def test_search_current_owners(self):
        """The units are searched by their current owners, as the field
        shows them: empty (unsold), a name, a former owner"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Party = pool.get('party.party')
        _, _, _, (sold, unsold, resold) = create_estate(units=3)
        wang, li = Party.create([{'name': "王伟"}, {'name': "李娜"}])
        today = pool.get('ir.date').today()
        Unit.write([sold], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]},
            [resold], {'ownerships': [('create', [
                            {'party': wang.id, 'share': 100,
                                'to_date': today - dt.timedelta(days=10)},
                            {'party': li.id, 'share': 100,
                                'from_date': today - dt.timedelta(days=9)},
                            ])]})
        self.assertEqual(Unit.search([('owners', '=', None)]), [unsold])
        self.assertEqual(Unit.search([('owners', '!=', None)],
                order=[('id', 'ASC')]), sorted([sold, resold]))
        self.assertEqual(Unit.search([('owners', '=', wang.id)]), [sold])
        self.assertEqual(Unit.search([('owners.name', '=', "李娜")]),
            [resold])
        self.assertEqual(Unit.search([('owners', 'ilike', '%王%')]), [sold])

    def _staff_user(self, company, login, group, sites):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'name': login, 'login': login,
                    'groups': [('add', [ModelData.get_id(
                                    'property_base', group)])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'property_sites': [('add', [s.id for s in sites])],
                    }])
        return user

    @with_transaction()
    def test_record_rules_confine_staff_to_their_sites(self):
        "Front desk staff see only the units of the sites assigned to them"
        pool = Pool()
        Site = pool.get('property.site')
        Building = pool.get('property.building')
        Unit = pool.get('property.unit')
        company, site, _, units = create_estate(units=2)
        other_site, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': company.id}])
        other_building, = Building.create([{'site': other_site.id,
                    'code': 'V', 'name': "Villas", 'floors': 3}])
        other_unit, = Unit.create([{'building': other_building.id,
                    'number': '101', 'area': Decimal(280)}])
        clerk = self._staff_user(
            company, 'clerk', 'group_property_front_desk', [site])
        admin = self._staff_user(
            company, 'boss', 'group_property_admin', [])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            self.assertEqual(
                sorted(u.id for u in Unit.search([])),
                sorted(u.id for u in units))
            self.assertEqual(Site.search([]), [site])
            with self.assertRaises(UserError):
                Unit.read([other_unit.id], ['code'])
        with transaction.set_user(admin.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            self.assertEqual(len(Unit.search([])), 3)

    @with_transaction()
    def test_identity_number_hidden_from_front_desk(self):
        "Only managers and archive keepers read identity document numbers"
        pool = Pool()
        Party = pool.get('party.party')
        company, site, _, _ = create_estate()
        owner, = Party.create([{'name': "王伟",
                    'identity_number': '370102198001011234'}])
        clerk = self._staff_user(
            company, 'clerk', 'group_property_front_desk', [site])
        keeper = self._staff_user(
            company, 'keeper', 'group_property_archive', [site])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True):
            with self.assertRaises(UserError):
                Party.read([owner.id], ['identity_number'])
        with transaction.set_user(keeper.id), \
                transaction.set_context(_check_access=True):
            self.assertEqual(
                Party.read([owner.id], ['identity_number'])[0][
                    'identity_number'], '370102198001011234')

    @with_transaction()
    def test_home_board_opened_at_login_per_group(self):
        "Staff open their group's board at login; the admin keeps the menu"
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        company, site, _, _ = create_estate()
        estate = ModelData.get_id('property_base', 'act_estate_board')
        desk = ModelData.get_id('property_base', 'act_front_desk_board')
        manager = create_staff("Manager", 'manager',
            'property_base.group_property_manager', company, [site])
        clerk = create_staff("Clerk", 'clerk',
            'property_base.group_property_front_desk', company, [site])
        keeper = create_staff("Keeper", 'keeper',
            'property_base.group_property_archive', company, [site])
        self.assertEqual([a.id for a in manager.actions], [estate])
        self.assertEqual([a.id for a in clerk.actions], [desk])
        self.assertEqual(keeper.actions, ())
        admin = User(ModelData.get_id('res', 'user_admin'))
        self.assertNotIn(estate, [a.id for a in admin.actions])

        # put into a second group: its board too; out of it: gone again
        desk_group = Group(ModelData.get_id(
                'property_base', 'group_property_front_desk'))
        User.write([manager], {'groups': [('add', [desk_group.id])]})
        self.assertEqual([a.id for a in manager.actions], [estate, desk])
        Group.write([desk_group], {'users': [('remove', [manager.id])]})
        self.assertEqual([a.id for a in manager.actions], [estate])
        # the user's own login actions are kept
        User.write([clerk], {'groups': [('remove', [desk_group.id])]})
        self.assertEqual(clerk.actions, ())

    @with_transaction()
    def test_board_extension_without_model_only_of_boards(self):
        "A view of no model extends a board, never a model's view"
        pool = Pool()
        View = pool.get('ir.ui.view')
        ModelData = pool.get('ir.model.data')
        board = View(ModelData.get_id('property_base', 'estate_board_view'))
        part, = View.create([{'inherit': board.id, 'data': (
                        '<data><xpath expr="/board" position="inside">'
                        '<action name="property_base.act_move_in_open"/>'
                        '</xpath></data>')}])
        self.assertIn('property_base.act_move_in_open',
            board.view_get()['arch'])
        form = View(ModelData.get_id('property_base', 'unit_view_form'))
        with self.assertRaisesRegex(ValidationError, 'needs that model'):
            View.create([{'inherit': form.id, 'data': '<data/>'}])

    def _board_estate(self):
        "Two sites: Garden Court (3 homes, one moved into) and River View"
        pool = Pool()
        Site = pool.get('property.site')
        Unit = pool.get('property.unit')
        company, site, building, units = create_estate(3)
        other, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': company.id}])
        block, = pool.get('property.building').create([{
                    'site': other.id, 'code': 'B1', 'name': "Block 1",
                    'floors': 6}])
        other_unit, = Unit.create([{'building': block.id, 'floor': 1,
                    'number': '101', 'area': Decimal('70')}])
        # the admin sets the states up (the moves are tested elsewhere)
        table = Unit.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state], ['occupied'],
                where=table.id.in_([units[0].id, other_unit.id])))
        wang = create_party("王伟")
        Unit.write([units[1]], {'ownerships': [
                    ('create', [{'party': wang.id, 'share': 100}])]})
        move = self._move_in(units[1], wang)
        return company, site, other, units, move

    @with_transaction()
    def test_estate_board_occupancy_per_site(self):
        "The manager's board: the homes taken over and vacant of each site"
        company, site, other, units, _ = self._board_estate()
        manager = create_staff("Manager", 'manager',
            'property_base.group_property_manager', company, [site])
        board = open_board('property_base.act_estate_board', manager)
        self.assertEqual(set(board), {
                'property_base.act_site_occupancy_graph',
                'property_base.act_site_occupancy'})
        row, = board['property_base.act_site_occupancy']
        self.assertEqual((row.site, row.units, row.taken, row.vacant,
                row.occupancy), (site, 3, 1, 2, 33.3))
        # the administration sees every site
        admin = create_staff("Director", 'director',
            'property_base.group_property_admin', company)
        rows = open_board('property_base.act_estate_board', admin)[
            'property_base.act_site_occupancy_graph']
        self.assertEqual({(r.site, r.taken, r.vacant) for r in rows},
            {(site, 1, 2), (other, 1, 0)})

    @with_transaction()
    def test_front_desk_board_move_ins(self):
        "The front desk's board: the move-ins of its site still to complete"
        company, site, other, units, move = self._board_estate()
        clerk = create_staff("Clerk", 'clerk',
            'property_base.group_property_front_desk', company, [site])
        board = open_board('property_base.act_front_desk_board', clerk)
        self.assertEqual(board['property_base.act_move_in_open'], [move])
        elsewhere = create_staff("Clerk RV", 'clerk_rv',
            'property_base.group_property_front_desk', company, [other])
        board = open_board('property_base.act_front_desk_board', elsewhere)
        self.assertEqual(board['property_base.act_move_in_open'], [])
        # the archive keeper has no figures of the estate to read
        keeper = create_staff("Keeper", 'keeper',
            'property_base.group_property_archive', company, [site])
        with self.assertRaises(UserError):
            open_board('property_base.act_estate_board', keeper)

    @with_transaction()
    def test_building_manager_board_vacant_inspections(self):
        """The building manager's board opens at login with the vacant-unit
        inspections still to do of the office month (and the months
        before) of the manager's sites; next month's from its first
        office minute"""
        pool = Pool()
        Inspection = pool.get('property.vacant.inspection')
        ActWindow = pool.get('ir.action.act_window')
        company, site, other, units, _ = self._board_estate()
        block, = pool.get('property.building').search(
            [('site', '=', other.id)])
        pool.get('property.unit').create([{'building': block.id,
                    'floor': 2, 'number': '201', 'area': Decimal('70')}])
        nov = Inspection.create_monthly(dt.date(2026, 11, 5))
        Inspection.do([i for i in nov if i.unit == units[1]])
        late, = [i for i in nov if i.unit == units[2]]
        dec = Inspection.create_monthly(dt.date(2026, 12, 5))
        jan = Inspection.create_monthly(dt.date(2027, 1, 5))
        keeper = create_staff("Building RV", 'bm_rv',
            'property_base.group_property_building_manager', company,
            [other])
        manager = create_staff("Building GC", 'bm_gc',
            'property_base.group_property_building_manager', company,
            [site])
        board_id = ActWindow.get('property_base.act_building_manager_board')[
            'id']
        self.assertEqual([a.id for a in manager.actions], [board_id])
        key = 'property_base.act_vacant_inspection_month'
        # 23:59 on the last office day of December is 15:59 UTC
        with office_clock(dt.datetime(2026, 12, 31, 23, 59)):
            rows = open_board('property_base.act_building_manager_board',
                manager)[key]
            self.assertEqual(rows[0], late)
            self.assertEqual(set(rows), {late} | {i for i in dec
                    if i.unit.site == site})
            rows = open_board('property_base.act_building_manager_board',
                keeper)[key]
            self.assertEqual({i.unit.site for i in rows}, {other})
        with office_clock(dt.datetime(2027, 1, 1, 0, 1)):
            rows = open_board('property_base.act_building_manager_board',
                manager)[key]
            self.assertTrue({i for i in jan if i.unit.site == site}
                <= set(rows))


    @with_transaction()
    def test_unit_and_owner_at_a_glance(self):
        """The unit's form shows its residents of today with their phones,
        the owner's form their homes, read set-wise and within the
        clerk's sites; the unit's relate actions list its residents,
        owners and keys; the Estate tree opens the row's record"""
        pool = Pool()
        Unit = pool.get('property.unit')
        Resident = pool.get('property.unit.resident')
        Party = pool.get('party.party')
        Site = pool.get('property.site')
        Building = pool.get('property.building')
        Key = pool.get('property.key')
        OpenNode = pool.get('property.estate.node.open', type='wizard')
        company, site, building, (unit, other) = create_estate(units=2)
        far_site, = Site.create([{'name': "River View", 'code': 'RV',
                    'company': company.id}])
        far_building, = Building.create([{'site': far_site.id,
                    'code': 'V', 'name': "Villas", 'floors': 3}])
        far_unit, = Unit.create([{'building': far_building.id,
                    'number': '101', 'area': Decimal(280)}])
        wang, tenant, former, li = Party.create([
                {'name': "王伟", 'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '021-5555'},
                                {'type': 'mobile', 'value': '13800000001'},
                                ])]},
                {'name': "陈静", 'contact_mechanisms': [('create', [
                                {'type': 'phone', 'value': '021-6666'}])]},
                {'name': "赵前"},
                {'name': "李娜"},
                ])
        yesterday = TODAY - dt.timedelta(days=1)
        Unit.write([unit], {
                'ownerships': [('create', [{'party': wang.id}])],
                'residents': [('create', [
                            {'party': tenant.id, 'role': 'tenant',
                                'from_date': TODAY},
                            {'party': former.id, 'role': 'tenant',
                                'to_date': yesterday},
                            ])],
                }, [other], {
                'residents': [('create', [{'party': li.id}])],
                }, [far_unit], {
                'ownerships': [('create', [{'party': wang.id}])],
                })
        key, = Key.create([{'unit': unit.id, 'name': "Front door",
                    'copies': 2}])
        clerk = create_staff("李娜", 'clerk',
            'property_base.group_property_front_desk', company, [site])
        transaction = Transaction()
        with transaction.set_user(clerk.id), \
                transaction.set_context(_check_access=True,
                    company=company.id):
            # the residents of a list of units in one search
            with patch.object(Resident, 'search',
                    side_effect=Resident.search) as search:
                Unit.get_current_residents(
                    Unit.browse([unit.id, other.id]), 'current_residents')
            self.assertEqual(search.call_count, 1)
            read = {r['id']: r for r in Unit.read([unit.id, other.id],
                    ['current_residents', 'owner_phone'])}
            self.assertEqual(
                [r.party for r in Resident.browse(
                        read[unit.id]['current_residents'])], [tenant])
            self.assertEqual(
                [r.party for r in Resident.browse(
                        read[other.id]['current_residents'])], [li])
            self.assertEqual(read[unit.id]['owner_phone'], '13800000001')
            self.assertEqual(
                Resident(read[unit.id]['current_residents'][0]).phone,
                '021-6666')
            self.assertEqual(unit.ownerships[0].phone, '13800000001')
            # the owner's homes: the far site's unit is not the clerk's
            homes = {h['id']: list(h['homes']) for h in Party.read(
                    [wang.id, tenant.id, former.id, li.id], ['homes'])}
            self.assertEqual(homes, {wang.id: [unit.id], tenant.id: [unit.id],
                    former.id: [], li.id: [other.id]})
            relates = open_relates('property.unit', [unit])
            self.assertEqual(
                relates['property_base.act_unit_resident_unit_relate'],
                list(Resident.search([('unit', '=', unit.id)])))
            self.assertEqual(
                relates['property_base.act_owner_unit_relate'], [wang])
            self.assertEqual(
                relates['property_base.act_key_unit_relate'], [key])
            self.assertEqual(
                open_relates('party.party', [wang])[
                    'property_base.act_unit_party_relate'], [unit])
            # a double click on the unit's row opens the unit's form
            for node_id, action_id, record in [
                    (unit.id * 3 + 2, 'act_unit_form', unit),
                    (building.id * 3 + 1, 'act_building_form', building),
                    ]:
                session_id, _, _ = OpenNode.create()
                with transaction.set_context(
                        active_model='property.estate.node',
                        active_id=node_id, active_ids=[node_id]):
                    result = OpenNode.execute(session_id, {}, 'start')
                (action, _), = result['actions']
                self.assertEqual(action['res_model'], record.__name__)
                self.assertEqual(action['res_id'], [record.id])
                self.assertEqual(action['views'][0][1], 'form')
                OpenNode.delete(session_id)
            # the site's row of another site is not the clerk's
            with self.assertRaises(UserError):
                session_id, _, _ = OpenNode.create()
                with transaction.set_context(
                        active_model='property.estate.node',
                        active_id=far_unit.id * 3 + 2,
                        active_ids=[far_unit.id * 3 + 2]):
                    OpenNode.execute(session_id, {}, 'start')


del ModuleTestCase
