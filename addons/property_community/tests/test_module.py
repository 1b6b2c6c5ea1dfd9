# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.property_base.tests.test_module import create_party
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    pdf_fonts, pdf_text, run_cron, set_chinese, suite_extras,
    with_transaction)
from trytond.modules.property_community.assembly import (
    Tally, decide, quorum_reached)
from trytond.modules.property_frontdesk.tests.test_module import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase

from .survey import SurveyTestMixin
from .visit import VisitTestMixin

RECORD_DATE = dt.date(2026, 11, 30)


def tally(electorate=(0, 0), voted=(0, 0), for_=(0, 0), against=(0, 0),
        abstain=(0, 0)):
    "A Tally of (heads, area in 0.01 m²) pairs"
    return Tally(*electorate, *voted, *for_, *against, *abstain)


def assembly_office():
    """Garden Court on the record date: 甲 owns 1-101 and 1-102 (one head,
    150 m²), 乙 1-201, 丙 and 丁 own 1-301 together (one head, 120 m²), 戊
    1-401, 己 sold 1-501 to 庚 before the record date; a manager and a
    front desk clerk of the site"""
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    Ownership = pool.get('property.unit.ownership')
    company = create_company()
    site, = Site.create([{'name': "Garden Court", 'code': 'GC',
                'company': company.id}])
    building, = Building.create([{'site': site.id, 'code': '1',
                'name': "1号楼", 'floors': 6}])
    areas = [('101', '100'), ('102', '50'), ('201', '100'), ('301', '120'),
        ('401', '80'), ('501', '90')]
    units = dict(zip([n for n, _ in areas], Unit.create([{
                    'building': building.id, 'floor': int(n[0]),
                    'number': n, 'area': Decimal(a)} for n, a in areas])))
    owners = {name: create_party(name)
        for name in ['甲', '乙', '丙', '丁', '戊', '己', '庚']}
    lines = [('101', '甲', 100, None, None), ('102', '甲', 100, None, None),
        ('201', '乙', 100, None, None), ('301', '丙', 50, None, None),
        ('301', '丁', 50, None, None), ('401', '戊', 100, None, None),
        ('501', '己', 100, dt.date(2020, 1, 1), dt.date(2026, 5, 31)),
        ('501', '庚', 100, dt.date(2026, 6, 1), None)]
    Ownership.create([{'unit': units[u].id, 'party': owners[p].id,
                'share': Decimal(s), 'from_date': f, 'to_date': t}
            for u, p, s, f, t in lines])
    manager = create_staff("孙建国", 'manager', 'property_base.'
        'group_property_manager', company, [site])
    clerk = create_staff("周敏", 'clerk', 'property_base.'
        'group_property_front_desk', company, [site])
    return dict(company=company, site=site, units=units, owners=owners,
        manager=manager, clerk=clerk)


def draft_notice(office, **values):
    "The front desk's draft of a notice"
    Notice = Pool().get('property.community.notice')
    with as_user(office['clerk'], office['company']):
        notice, = Notice.create([{'title': "停水通知",
                    'body': "12月10日9:00至17:00二次供水设备检修，停水。",
                    'kind': 'outage',
                    'publish_date': dt.date(2026, 12, 5),
                    **values}])
    return notice


def draft_meeting(office):
    "The manager's meeting: an ordinary and a special matter"
    Assembly = Pool().get('property.assembly')
    with as_user(office['manager'], office['company']):
        assembly, = Assembly.create([{'name': "2026年第一次业主大会",
                    'site': office['site'].id, 'record_date': RECORD_DATE,
                    'meeting_date': dt.date(2026, 12, 20),
                    'matters': [('create', [
                                {'sequence': 1, 'kind': 'manager',
                                    'name': "续聘锦绣物业"},
                                {'sequence': 2, 'kind': 'fund_raise',
                                    'name': "续筹专项维修资金"},
                                ])]}])
    return assembly


class PropertyCommunityTestCase(SurveyTestMixin, VisitTestMixin,
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property Community module"
    module = 'property_community'
    extras = suite_extras('property_community')

    # Owners' assembly votes, Civil Code art. 278: the arithmetic

    def test_quorum_two_thirds_of_area_and_heads_278(self):
        """Art. 278: 2/3 of the area AND 2/3 of the heads take part;
        exactly 2/3 is enough, a hundredth of a m² less is not"""
        exact = tally(electorate=(3, 30000), voted=(2, 20000),
            for_=(2, 20000))
        self.assertTrue(quorum_reached(exact))
        self.assertEqual(decide(exact, special=False), 'passed')
        short_area = exact._replace(voted_area=19999, for_area=19999)
        self.assertFalse(quorum_reached(short_area))
        self.assertEqual(decide(short_area, special=False), 'no_quorum')

    def test_quorum_needs_heads_not_only_area_278(self):
        """Art. 278: one owner of most of the area is not a quorum, nor
        many owners of little of it"""
        big_owner = tally(electorate=(4, 100000), voted=(1, 90000),
            for_=(1, 90000))
        self.assertEqual(decide(big_owner, special=False), 'no_quorum')
        small_owners = tally(electorate=(4, 100000), voted=(3, 30000),
            for_=(3, 30000))
        self.assertEqual(decide(small_owners, special=False), 'no_quorum')
        self.assertEqual(decide(tally(), special=False), 'no_quorum')

    def test_ordinary_more_than_half_of_area_and_heads_278(self):
        """Art. 278: an ordinary matter passes with more than half of the
        participating area and of the participating heads: a tie fails"""
        base = dict(electorate=(4, 40000), voted=(4, 40000))
        self.assertEqual(decide(tally(**base, for_=(3, 20001),
                    against=(1, 19999)), special=False), 'passed')
        # tie on heads, majority of area
        self.assertEqual(decide(tally(**base, for_=(2, 30000),
                    against=(2, 10000)), special=False), 'rejected')
        # tie on area, majority of heads
        self.assertEqual(decide(tally(**base, for_=(3, 20000),
                    against=(1, 20000)), special=False), 'rejected')
        # abstentions take part and count against the majority
        self.assertEqual(decide(tally(**base, for_=(2, 25000),
                    abstain=(2, 15000)), special=False), 'rejected')

    def test_special_three_quarters_of_area_and_heads_278(self):
        """Art. 278: a special matter passes with 3/4 of the participating
        area and heads: exactly 3/4 passes, a hundredth less fails"""
        base = dict(electorate=(4, 40000), voted=(4, 40000))
        exact = tally(**base, for_=(3, 30000), against=(1, 10000))
        self.assertEqual(decide(exact, special=True), 'passed')
        self.assertEqual(decide(exact._replace(for_area=29999,
                    against_area=10001), special=True), 'rejected')
        self.assertEqual(decide(exact._replace(for_heads=2,
                    against_heads=2), special=True), 'rejected')
        # what passes an ordinary matter does not pass a special one
        ordinary = tally(**base, for_=(3, 25000), against=(1, 15000))
        self.assertEqual(decide(ordinary, special=False), 'passed')
        self.assertEqual(decide(ordinary, special=True), 'rejected')

    @with_transaction()
    def test_special_matters_are_items_6_to_8_278(self):
        """Art. 278, para. 2: raising the maintenance fund, rebuilding and
        the common parts' use or business (items 6 to 8) are special
        matters; using the fund (item 5) and the others are ordinary"""
        Matter = Pool().get('property.assembly.matter')
        special = {kind for kind, _ in Matter.kind.selection
            if Matter(kind=kind).on_change_with_special()}
        self.assertEqual(special, {'fund_raise', 'rebuild', 'common_use',
                'common_business'})

    # The electorate and the ballots

    @with_transaction()
    def test_electorate_heads_and_area_278(self):
        """The owners on the record date: an owner of several units counts
        once with the area of all of them, co-owners of a unit are one
        voter with its area, a unit sold before the record date votes with
        its new owner; owners linked through a unit they share are one"""
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Ownership = pool.get('property.unit.ownership')
        office = assembly_office()
        units, owners = office['units'], office['owners']
        electorate = Assembly.electorate(office['site'], RECORD_DATE)
        names = {p.id: p.rec_name for p in owners.values()}
        by_units = {', '.join(sorted(c for c, _ in u)):
                (sorted(names[p] for p in parties), sum(a for _, a in u))
            for parties, u in electorate}
        self.assertEqual(by_units, {
                '1-101, 1-102': (['甲'], Decimal('150.00')),
                '1-201': (['乙'], Decimal('100.00')),
                '1-301': (['丁', '丙'], Decimal('120.00')),
                '1-401': (['戊'], Decimal('80.00')),
                '1-501': (['庚'], Decimal('90.00')),
                })
        # 己 still owned 1-501 on 31 May
        self.assertIn(['己'], [sorted(names[p] for p in parties)
                for parties, _ in Assembly.electorate(
                    office['site'], dt.date(2026, 5, 31))])
        # 乙 buys half of 丙's share of 1-301: 乙, 丙 and 丁 become one
        # voter with 1-201 and 1-301
        Unit = pool.get('property.unit')
        Unit.write([units['301']], {'ownerships': [
                    ('write', [o.id for o in Ownership.search([
                                    ('unit', '=', units['301'].id),
                                    ('party', '=', owners['丙'].id)])],
                        {'share': 25}),
                    ('create', [{'party': owners['乙'].id, 'share': 25}]),
                    ]})
        linked = [(sorted(names[p] for p in parties), sum(a for _, a in u))
            for parties, u in Assembly.electorate(office['site'],
                RECORD_DATE)]
        self.assertIn((['丁', '丙', '乙'], Decimal('220.00')), linked)
        self.assertEqual(len(linked), 4)

    @with_transaction()
    def test_meeting_vote_counted_278(self):
        """The manager opens the vote, the front desk keys in the paper
        ballots, a ballot is changed before the close, the manager closes
        the meeting: the ordinary matter passes, the special one fails on
        participation; the result sheet prints both counts and both
        thresholds per matter"""
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Ballot = pool.get('property.assembly.ballot')
        office = assembly_office()
        owners = office['owners']
        Matter = pool.get('property.assembly.matter')
        assembly = draft_meeting(office)
        ordinary, special = assembly.matters
        with as_user(office['clerk'], office['company']):
            with self.assertRaises(AccessButtonError):
                Assembly.open([assembly])
        with as_user(office['manager'], office['company']):
            with office_clock(dt.datetime(2026, 12, 20, 8, 30)) as utc:
                Assembly.open([assembly])
        self.assertEqual(assembly.state, 'open')
        self.assertEqual(assembly.opened_by, office['manager'])
        self.assertEqual(assembly.opened_at, utc)
        self.assertEqual(assembly.electorate_heads, 5)
        self.assertEqual(assembly.electorate_area, Decimal('540.00'))
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 20, 23, 50)) as late:
                ballots = Ballot.create([
                        {'matter': m.id, 'party': owners[p].id, 'choice': c}
                        for m, p, c in [
                            (ordinary, '甲', 'for'), (ordinary, '乙', 'for'),
                            (ordinary, '丙', 'for'), (ordinary, '戊', 'for'),
                            (special, '甲', 'for'), (special, '乙', 'for'),
                            (special, '庚', 'against')]])
            self.assertEqual({b.keyed_by for b in ballots}, {office['clerk']})
            self.assertEqual({b.keyed_at for b in ballots}, {late})
            # 戊 corrects the paper ballot before the close
            changed = ballots[3]
            Ballot.write([changed], {'choice': 'against'})
        self.assertEqual(changed.choice, 'against')
        # 丙 and 丁 cast one ballot for 1-301
        self.assertEqual(ballots[2].voter.units, '1-301')
        ordinary, special = Matter.browse([ordinary.id, special.id])
        self.assertEqual(ordinary.voted_heads, 4)
        self.assertEqual(ordinary.voted_area, Decimal('450.00'))
        self.assertEqual(ordinary.for_heads, 3)
        self.assertEqual(ordinary.for_area, Decimal('370.00'))
        self.assertEqual(ordinary.against_area, Decimal('80.00'))
        with as_user(office['manager'], office['company']):
            with office_clock(dt.datetime(2026, 12, 31, 23, 59)) as end:
                Assembly.close([assembly])
        self.assertEqual(assembly.closed_at, end)
        ordinary, special = Matter.browse([ordinary.id, special.id])
        self.assertEqual(ordinary.result, 'passed')
        # 3 of 5 heads, 340 of 540 m²: below 2/3 of both
        self.assertEqual(special.voted_heads, 3)
        self.assertEqual(special.result, 'no_quorum')
        self.assertEqual(
            [(c.from_state, c.to_state)
                for c in reversed(assembly.state_changes)],
            [(None, 'draft'), ('draft', 'open'), ('open', 'closed')])

        set_chinese(('property_base', 'property_community'))
        ResultSheet = pool.get('property.assembly.result_sheet',
            type='report')
        with as_user(office['manager'], office['company']):
            _, content, _, _ = ResultSheet.execute([assembly.id], {})
        text = pdf_text(content)
        for expected in ["表决结果", "续聘锦绣物业", "续筹专项维修资金",
                "540.00", "450.00 (83.33 %)", "370.00 (82.22 %)",
                "3 (75.00 %)", "3 (60.00 %)", "通过", "未形成决定"]:
            self.assertIn(expected, text)
        self.assertTrue(all(f['emb'] for f in pdf_fonts(content)))

    @with_transaction()
    def test_ballot_second_refused(self):
        """An owner casts one ballot per matter; the co-owner of the same
        home neither; nothing is saved"""
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Ballot = pool.get('property.assembly.ballot')
        office = assembly_office()
        owners = office['owners']
        assembly = draft_meeting(office)
        matter = assembly.matters[0]
        with as_user(office['manager'], office['company']):
            Assembly.open([assembly])
        with as_user(office['clerk'], office['company']):
            Ballot.create([{'matter': matter.id, 'party': owners['丙'].id,
                        'choice': 'for'}])
            for party in ['丙', '丁']:
                with self.assertRaisesRegex(UserError, 'one ballot'):
                    Ballot.create([{'matter': matter.id,
                                'party': owners[party].id,
                                'choice': 'against'}])
            with self.assertRaisesRegex(UserError, 'one ballot'):
                Ballot.create([{'matter': matter.id, 'party': owners[p].id,
                            'choice': 'for'} for p in ['甲', '甲']])
        self.assertEqual(Ballot.search([], count=True), 1)

    @with_transaction()
    def test_ballot_non_owner_on_record_date_refused(self):
        """Only the owners on the record date vote: the owner who sold
        before it, and someone who never owned, are refused"""
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Ballot = pool.get('property.assembly.ballot')
        office = assembly_office()
        assembly = draft_meeting(office)
        with as_user(office['manager'], office['company']):
            Assembly.open([assembly])
        stranger = create_party("路人")
        with as_user(office['clerk'], office['company']):
            for party in [office['owners']['己'], stranger]:
                with self.assertRaisesRegex(UserError, 'record date'):
                    Ballot.create([{'matter': assembly.matters[0].id,
                                'party': party.id, 'choice': 'for'}])
        self.assertEqual(Ballot.search([], count=True), 0)

    @with_transaction()
    def test_ballot_after_close_refused(self):
        """No ballot is keyed in, changed or removed before the vote opens
        or after it closes; the matters are fixed once it opens"""
        pool = Pool()
        Assembly = pool.get('property.assembly')
        Matter = pool.get('property.assembly.matter')
        Ballot = pool.get('property.assembly.ballot')
        office = assembly_office()
        owners = office['owners']
        assembly = draft_meeting(office)
        matter = assembly.matters[0]
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'not open'):
                Ballot.create([{'matter': matter.id,
                            'party': owners['甲'].id, 'choice': 'for'}])
        with as_user(office['manager'], office['company']):
            Assembly.open([assembly])
            with self.assertRaisesRegex(UserError, 'cannot be added'):
                Matter.create([{'assembly': assembly.id, 'name': "追加",
                            'kind': 'other'}])
        with as_user(office['clerk'], office['company']):
            ballot, = Ballot.create([{'matter': matter.id,
                        'party': owners['甲'].id, 'choice': 'for'}])
            with self.assertRaisesRegex(UserError, 'only the choice'):
                Ballot.write([ballot], {'party': owners['乙'].id})
        with as_user(office['manager'], office['company']):
            Assembly.close([assembly])
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'not open'):
                Ballot.create([{'matter': matter.id,
                            'party': owners['乙'].id, 'choice': 'for'}])
            with self.assertRaisesRegex(UserError, 'not open'):
                Ballot.write([ballot], {'choice': 'against'})
        with self.assertRaisesRegex(UserError, 'not open'):
            Ballot.delete([ballot])
        self.assertEqual(ballot.choice, 'for')



    # Notices to the owners (通知/公告)

    @with_transaction()
    def test_notice_published_by_manager_with_scope(self):
        """The front desk drafts a notice, only a manager publishes it, and
        not without the homes it is for; who published it and when is kept"""
        pool = Pool()
        Notice = pool.get('property.community.notice')
        office = assembly_office()
        notice = draft_notice(office)
        with as_user(office['clerk'], office['company']):
            with self.assertRaises(AccessButtonError):
                Notice.publish([notice])
        with as_user(office['manager'], office['company']):
            with self.assertRaisesRegex(UserError, 'no homes'):
                Notice.publish([notice])
            Notice.write([notice], {'scope': 'buildings'})
            with self.assertRaisesRegex(UserError, 'no homes'):
                Notice.publish([notice])
            self.assertEqual(notice.state, 'draft')
            Notice.write([notice], {'buildings': [('add', [
                                office['units']['101'].building.id])]})
            with office_clock(dt.datetime(2026, 12, 5, 7, 45)) as utc:
                Notice.publish([notice])
        self.assertEqual(notice.state, 'published')
        self.assertEqual(notice.published_by, office['manager'])
        self.assertEqual(notice.published_at, utc)
        self.assertEqual(notice.covered_sites, (office['site'],))
        set_chinese(('property_base', 'property_community'))
        with as_user(office['clerk'], office['company']):
            self.assertEqual(Notice.search([]), [notice])
            # printed for the board
            Board = pool.get('property.community.notice.board',
                type='report')
            _, content, _, _ = Board.execute([notice.id], {})
        text = pdf_text(content)
        for expected in ["停水通知", "二次供水设备检修", "2026"]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_notice_expired_the_day_after_its_expiry_date(self):
        """The scheduled action expires a notice the office day after its
        expiry date: not late in the evening of that day, but just after
        midnight at the office (still the day before in UTC)"""
        pool = Pool()
        Notice = pool.get('property.community.notice')
        office = assembly_office()
        notice = draft_notice(office, scope='company',
            expiry_date=dt.date(2026, 12, 31))
        lasting = draft_notice(office, scope='company', title="物业服务公告")
        with as_user(office['manager'], office['company']):
            Notice.publish([notice, lasting])
        with office_clock(dt.datetime(2026, 12, 31, 23, 59)):
            self.assertEqual(
                run_cron('property.community.notice|expire_notices'), [])
        with office_clock(dt.datetime(2027, 1, 1, 0, 5)) as utc:
            self.assertEqual(utc.date(), dt.date(2026, 12, 31))
            self.assertEqual(
                run_cron('property.community.notice|expire_notices'),
                [notice])
        self.assertEqual([notice.state, lasting.state],
            ['expired', 'published'])

    @with_transaction()
    def test_notice_on_fee_notice_000(self):
        """Seed 000: community notices on the back of the property fee
        notice: the current published fee notice for the home, else a
        general one, else the billing configuration's text; a notice for
        other homes, a draft or an expired one is not printed"""
        pool = Pool()
        Notice = pool.get('property.community.notice')
        Configuration = pool.get('property.billing.configuration')
        Invoice = pool.get('account.invoice')
        FeeNotice = pool.get('property.fee.notice', type='report')
        office = assembly_office()
        units = office['units']
        config = Configuration(1)
        config.fee_notice_text = "请按时缴纳物业费。"
        config.save()
        general = draft_notice(office, kind='general', title="文明养犬",
            body="遛狗请拴绳。", scope='sites',
            sites=[('add', [office['site'].id])])
        fees = draft_notice(office, kind='fees', title="物业费调整",
            body="明年起物业费按每平方米1.85元收取。", scope='units',
            units=[('add', [units['201'].id])])
        old = draft_notice(office, kind='fees', title="去年的缴费通知",
            body="已过期", scope='company',
            publish_date=dt.date(2025, 1, 1),
            expiry_date=dt.date(2025, 12, 31))
        draft_notice(office, kind='fees', title="草稿", scope='company')
        with as_user(office['manager'], office['company']):
            Notice.publish([general, fees, old])

        def printed(unit, date=dt.date(2026, 12, 10)):
            invoice = Invoice(company=office['company'],
                property_unit=unit, invoice_date=date)
            context = FeeNotice.get_context([], {
                    'company': office['company']}, {})
            return context['notice_text'](invoice)
        self.assertEqual(printed(units['201']),
            "物业费调整\n明年起物业费按每平方米1.85元收取。")
        self.assertEqual(printed(units['101']), "文明养犬\n遛狗请拴绳。")
        # before any notice was published
        self.assertEqual(printed(units['101'], dt.date(2026, 11, 1)),
            "请按时缴纳物业费。")


del ModuleTestCase
