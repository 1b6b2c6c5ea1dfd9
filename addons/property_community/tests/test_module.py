# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.account.tests import get_fiscalyear
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.property_base.tests.test_module import create_party
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    open_board, pdf_fonts, pdf_text, run_cron, set_chinese, smtp_server,
    suite_extras, with_transaction)
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


def fund_office():
    """The assembly office with a minimal ledger: the fund's and the common
    income's accounts and bank accounts, the year 2026 open, the site's
    ledgers set up by the administrator (rate 30.00 per m²) and a finance
    clerk of the site (who also keeps the accounts)"""
    pool = Pool()
    AccountType = pool.get('account.account.type')
    Account = pool.get('account.account')
    FiscalYear = pool.get('account.fiscalyear')
    Journal = pool.get('account.journal')
    Ledger = pool.get('property.community.ledger')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    office = assembly_office()
    company = office['company']
    with set_company(company):
        kind, = AccountType.create([{'name': "Balance", 'company': company.id,
                    'statement': 'balance'}])
        accounts = dict(zip(['fund', 'fund_bank', 'income', 'income_bank'],
                Account.create([{'name': n, 'code': c, 'type': kind.id,
                            'company': company.id} for c, n in [
                            ('2241', "专项维修资金"), ('100201', "维修资金专户"),
                            ('2242', "公共收益"), ('100202', "基本户")]])))
        fiscalyear = get_fiscalyear(company, dt.date(2026, 1, 1))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    journal, = Journal.search([('type', '=', 'general')], limit=1)
    ledger, = Ledger.create([{'site': office['site'].id,
                'journal': journal.id, 'deposit_rate': Decimal('30.00'),
                'fund_account': accounts['fund'].id,
                'fund_bank_account': accounts['fund_bank'].id,
                'income_account': accounts['income'].id,
                'income_bank_account': accounts['income_bank'].id}])
    finance = create_staff("钱会计", 'finance',
        'property_billing.group_property_finance', company, [office['site']])
    User.write([finance], {'groups': [('add', [
                        ModelData.get_id('account', 'group_account')])]})
    return dict(office, ledger=ledger, accounts=accounts, finance=finance)


def closed_fund_meeting(office, amount, passed=True):
    """A closed meeting of the site on using the fund for amount: all the
    owners vote for it (passed), or against it"""
    pool = Pool()
    Assembly = pool.get('property.assembly')
    Ballot = pool.get('property.assembly.ballot')
    with as_user(office['manager'], office['company']):
        assembly, = Assembly.create([{'name': "更换1号楼电梯",
                    'site': office['site'].id, 'record_date': RECORD_DATE,
                    'matters': [('create', [{'kind': 'fund_use',
                                    'name': "使用维修资金更换电梯",
                                    'fund_amount': amount}])]}])
        Assembly.open([assembly])
    matter, = assembly.matters
    with as_user(office['clerk'], office['company']):
        Ballot.create([{'matter': matter.id, 'party': office['owners'][p].id,
                    'choice': 'for' if passed else 'against'}
                for p in ['甲', '乙', '丙', '戊', '庚']])
    with as_user(office['manager'], office['company']):
        Assembly.close([assembly])
    return matter


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
    def test_building_manager_board_notices(self):
        """The building manager's board lists the notices to publish and
        those of the site published in the office month, until its last
        minute"""
        pool = Pool()
        Notice = pool.get('property.community.notice')
        office = assembly_office()
        site = office['site']
        other, = pool.get('property.site').create([{'name': "River View",
                    'code': 'RV', 'company': office['company'].id}])
        keeper = create_staff("冯涛", 'bm', 'property_base.'
            'group_property_building_manager', office['company'], [site])
        elsewhere = create_staff("陈亮", 'bm.rv', 'property_base.'
            'group_property_building_manager', office['company'], [other])
        november = draft_notice(office, scope='sites',
            sites=[('add', [site.id])], publish_date=dt.date(2026, 11, 28))
        december = draft_notice(office, scope='sites',
            sites=[('add', [site.id])], title="物业服务公告")
        draft = draft_notice(office, scope='sites',
            sites=[('add', [site.id])], title="电梯维保通知")
        with as_user(office['manager'], office['company']):
            Notice.publish([november, december])
        board = 'property_base.act_building_manager_board'
        to_publish = 'property_community.act_notice_to_publish'
        published = 'property_community.act_notice_published_month'
        with office_clock(dt.datetime(2026, 12, 31, 23, 59)):
            rows = open_board(board, keeper)
            self.assertEqual(rows[to_publish], [draft])
            self.assertEqual(rows[published], [december])
            # the drafts are the company's (the notice rule: a draft has
            # no homes yet), the published ones the sites'
            rows = open_board(board, elsewhere)
            self.assertEqual((rows[to_publish], rows[published]),
                ([draft], []))
        with office_clock(dt.datetime(2027, 1, 1, 0, 1)):
            self.assertEqual(open_board(board, keeper)[published], [])

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


    # The maintenance fund (专项维修资金) and the common income (公共收益)

    @with_transaction()
    def test_fund_deposit_interest_spending_balances(self):
        """Finance posts each home's initial deposit (its area at the
        site's rate), interest and spending the owners approved, up to the
        approved amount exactly; each is a posted account move on the
        site's fund account naming the home and the matter; the balance per
        home and per site"""
        pool = Pool()
        FundMove = pool.get('property.community.fund.move')
        Unit = pool.get('property.unit')
        Ledger = pool.get('property.community.ledger')
        Account = pool.get('account.account')
        Matter = pool.get('property.assembly.matter')
        office = fund_office()
        units, site = office['units'], office['site']
        matter = closed_fund_meeting(office, Decimal('5000.00'))
        self.assertEqual(matter.result, 'passed')
        with as_user(office['finance'], office['company']):
            deposit = FundMove(site=site, unit=units['101'], kind='deposit',
                date=dt.date(2026, 3, 1))
            deposit.on_change_kind()
            # 100 m² at 30.00 per m²
            self.assertEqual(deposit.amount, Decimal('3000.00'))
            deposit.save()
            others = FundMove.create([
                    {'site': site.id, 'unit': units[u].id, 'kind': k,
                        'date': d, 'amount': Decimal(a),
                        'matter': matter.id if k == 'spending' else None}
                    for u, k, d, a in [
                        ('102', 'deposit', dt.date(2026, 3, 1), '1500.00'),
                        ('201', 'deposit', dt.date(2026, 3, 1), '3000.00'),
                        ('101', 'interest', dt.date(2026, 12, 21), '12.34'),
                        ('101', 'spending', dt.date(2026, 12, 28),
                            '2000.00'),
                        ('201', 'spending', dt.date(2026, 12, 28),
                            '3000.00'),
                        ]])
            with office_clock(dt.datetime(2026, 12, 31, 23, 59)) as utc:
                FundMove.post([deposit] + others)
            ledger = Ledger(office['ledger'].id)
            self.assertEqual(ledger.fund_balance, Decimal('2512.34'))
        self.assertEqual({m.state for m in [deposit] + others}, {'posted'})
        self.assertEqual((deposit.posted_by, deposit.posted_at),
            (office['finance'], utc))
        self.assertEqual(
            {u: Unit(units[u].id).fund_balance
                for u in ['101', '102', '201', '301']},
            {'101': Decimal('1012.34'), '102': Decimal('1500.00'),
                '201': Decimal('0.00'), '301': Decimal('0.00')})
        self.assertEqual(Matter(matter.id).fund_used, Decimal('5000.00'))
        # in the accounts: the fund account credited by the deposits and
        # interest, debited by the spending, the bank account the other way
        spending = others[3]
        self.assertEqual(spending.move.state, 'posted')
        self.assertEqual(spending.move.origin, spending)
        fund = office['accounts']['fund']
        line, = [l for l in spending.move.lines if l.account == fund]
        self.assertEqual((line.debit, line.credit),
            (Decimal('2000.00'), Decimal('0')))
        self.assertIn('1-101', line.description)
        self.assertIn("使用维修资金更换电梯", line.description)
        line, = [l for l in deposit.move.lines if l.account == fund]
        self.assertEqual(line.credit, Decimal('3000.00'))
        accounts = Account.browse([fund.id,
                office['accounts']['fund_bank'].id])
        self.assertEqual([a.balance for a in accounts],
            [Decimal('-2512.34'), Decimal('2512.34')])

    @with_transaction()
    def test_fund_spending_refused_without_passed_matter_278(self):
        """Spending the fund needs a matter using it that passed at a
        closed meeting of the site (art. 278, item 5), within the amount it
        approved; the front desk neither enters nor posts the fund;
        nothing is posted when refused"""
        pool = Pool()
        FundMove = pool.get('property.community.fund.move')
        Move = pool.get('account.move')
        office = fund_office()
        units, site = office['units'], office['site']
        failed = closed_fund_meeting(office, Decimal('1000.00'),
            passed=False)
        self.assertEqual(failed.result, 'rejected')
        passed = closed_fund_meeting(office, Decimal('1000.00'))

        def spending(matter, amount='1000.00'):
            return {'site': site.id, 'unit': units['101'].id,
                'kind': 'spending', 'date': dt.date(2026, 12, 28),
                'amount': Decimal(amount),
                'matter': matter.id if matter else None}
        with as_user(office['finance'], office['company']):
            none, on_failed, above = FundMove.create([spending(None),
                    spending(failed), spending(passed, '1000.01')])
            with self.assertRaisesRegex(UserError, 'needs the matter'):
                FundMove.post([none])
            with self.assertRaisesRegex(UserError, 'passed'):
                FundMove.post([on_failed])
            with self.assertRaisesRegex(UserError, 'approved 1000.00'):
                FundMove.post([above])
            # two spendings within the amount each, above it together
            first, second = FundMove.create([spending(passed, '600.00'),
                    spending(passed, '400.01')])
            FundMove.post([first])
            with self.assertRaisesRegex(UserError, '1000.01'):
                FundMove.post([second])
        self.assertEqual(
            [m.state for m in [none, on_failed, above, second]],
            ['draft'] * 4)
        self.assertEqual(Move.search([('origin', 'like',
                        'property.community.fund.move,%')]), [first.move])
        with as_user(office['clerk'], office['company']):
            with self.assertRaises(AccessError):
                FundMove.create([spending(passed, '1.00')])
            with self.assertRaises(AccessError):
                FundMove.post([second])

    @with_transaction()
    def test_income_statement_published_after_quarter_end(self):
        """Finance posts the common income (advertising, parking on common
        land) and its use on the site's income account; the quarter's
        statement adds them up from the balance brought forward; the
        manager publishes it once the quarter has ended at the office (not
        at 23:59 on 31 December, but at 00:05 on 1 January, still 31
        December in UTC), not finance; it prints as a PDF"""
        pool = Pool()
        Income = pool.get('property.community.income')
        Statement = pool.get('property.community.income.statement')
        office = fund_office()
        site = office['site']
        with as_user(office['finance'], office['company']):
            entries = Income.create([{'site': site.id, 'kind': k,
                        'date': d, 'amount': Decimal(a), 'description': t}
                    for k, d, a, t in [
                        ('advertising', dt.date(2026, 9, 30), '1000.00',
                            "电梯广告（三季度）"),
                        ('advertising', dt.date(2026, 10, 15), '6000.00',
                            "电梯广告"),
                        ('parking', dt.date(2026, 11, 30), '2400.50',
                            "地面临时停车"),
                        ('use', dt.date(2026, 12, 20), '1500.00',
                            "绿化补种"),
                        ('other', dt.date(2027, 1, 2), '99.00', "明年"),
                        ]])
            Income.post(entries[:4])
            statement, = Statement.create([{'site': site.id,
                        'year': 2026, 'quarter': '4'}])
            self.assertEqual(
                [statement.opening, statement.income, statement.used,
                    statement.closing],
                [Decimal('1000.00'), Decimal('8400.50'),
                    Decimal('1500.00'), Decimal('7900.50')])
            self.assertEqual(office['ledger'].income_balance,
                Decimal('7900.50'))
            with self.assertRaises(AccessButtonError):
                Statement.publish([statement])
        use = entries[3]
        line, = [l for l in use.move.lines
            if l.account == office['accounts']['income']]
        self.assertEqual(line.debit, Decimal('1500.00'))
        with as_user(office['manager'], office['company']):
            with office_clock(dt.datetime(2026, 12, 31, 23, 59)):
                with self.assertRaisesRegex(UserError, 'quarter has ended'):
                    Statement.publish([statement])
            self.assertEqual(Statement.published_statements(site), [])
            with office_clock(dt.datetime(2027, 1, 1, 0, 5)) as utc:
                self.assertEqual(utc.date(), dt.date(2026, 12, 31))
                Statement.publish([statement])
            self.assertEqual(Statement.published_statements(site),
                [statement])
        self.assertEqual((statement.state, statement.published_by,
                statement.published_at), ('published', office['manager'],
                utc))
        set_chinese(('property_base', 'property_community'))
        Report = pool.get('property.community.income.statement.report',
            type='report')
        with as_user(office['manager'], office['company']):
            _, content, _, _ = Report.execute([statement.id], {})
        text = pdf_text(content)
        for expected in ["公共收益", "Garden Court", "2026", "电梯广告",
                "地面临时停车", "绿化补种", "8,400.50", "7,900.50"]:
            self.assertIn(expected, text)
        self.assertNotIn("明年", text)

    # Notice templates and e-mail

    @with_transaction()
    def test_notice_from_template_emailed_to_consenting_owners(self):
        """The front desk starts a water-cut notice from its template, its
        placeholders filled in; once the manager publishes it, the owners
        of its homes who agreed to notices by e-mail are e-mailed through a
        real SMTP server on loopback, one message each: the address the
        server refuses is recorded with its answer and the others are still
        sent; a retry sends only to whom was not reached"""
        pool = Pool()
        Notice = pool.get('property.community.notice')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')
        Queue = pool.get('ir.queue')
        office = assembly_office()
        owners = office['owners']
        for name, agreed, address in [('甲', True, 'jia@example.com'),
                ('乙', True, 'yi@example.com'), ('丙', True, None),
                ('戊', False, 'wu@example.com'),
                ('庚', True, 'geng@example.com')]:
            Party.write([owners[name]], {'notices_by_email': agreed,
                    'contact_mechanisms': [('create', [{'type': 'email',
                                    'value': address}])] if address else []})
        template = ModelData.get_id('property_community',
            'notice_template_outage')
        with as_user(office['clerk'], office['company']):
            notice, = Notice.create([{'template': template,
                        'scope': 'sites',
                        'sites': [('add', [office['site'].id])],
                        'publish_date': dt.date(2026, 12, 5)}])
        self.assertEqual(notice.kind, 'outage')
        self.assertEqual(notice.title,
            "Notice of a Garden Court water or power cut")
        self.assertNotIn('${', notice.body)
        self.assertIn(office['company'].rec_name, notice.body)
        self.assertIn('12/05/2026', notice.body)
        with as_user(office['manager'], office['company']):
            Notice.publish([notice])
            # sent after the publication is committed, by Tryton's queue
            task, = Queue.search([])
            self.assertEqual(task.data['method'], 'send_emails')
            with smtp_server(refused={'yi@example.com'}) as received:
                Notice.send_emails([notice])
                self.assertEqual([r for r, _ in received],
                    [['jia@example.com'], ['geng@example.com']])
                self.assertEqual([m['Subject'] for _, m in received],
                    [notice.title] * 2)
                self.assertIn(notice.body.splitlines()[0],
                    received[0][1].get_content())
                Notice.send_emails([notice])
                self.assertEqual(len(received), 2)
        emails = sorted(((e.party.name, e.address, e.sent,
                    (e.error or '')[:3]) for e in Notice(notice.id).emails),
            key=str)
        self.assertEqual(emails, sorted([
                    ('甲', 'jia@example.com', True, ''),
                    ('乙', 'yi@example.com', False, '550'),
                    ('乙', 'yi@example.com', False, '550'),
                    ('庚', 'geng@example.com', True, ''),
                    ], key=str))
        # the e-mails sent, in Tryton's e-mail log of the notice
        self.assertEqual(sorted(a.address for e in pool.get(
                        'ir.email').search([('resource', '=', str(notice))])
                    for a in e.addresses),
            ['geng@example.com', 'jia@example.com'])


del ModuleTestCase
