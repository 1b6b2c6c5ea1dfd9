# This file is part of the property-management suite.
"""Demo part of the community: notices on the board and the owners'
assembly of the first site.

The front desk drafted this week's notices (a water cut in a building, the
fees of the coming year for the site, a community event for every site of
the company) and the site's manager published them.

Called by scripts/demo.py with the demo company in the context. The site's
manager called the owners' meeting three weeks ago (record date), with an
ordinary matter (keeping the property manager) and a special one (letting
the ground parking spaces: running a business on common parts, Civil Code
art. 278); the front desk keyed in the paper ballots that came back: most
owners voted on the first matter, which passed; too few on the second,
which failed on participation. The manager closed the meeting. The steps
go through the models' own buttons, as the staff who do them.

Last quarter's satisfaction survey is closed with its results (cleaning
below its target), and this month's visit plans of the site's clerk and
manager have the visits made so far."""
import datetime as dt
import math
from decimal import Decimal

from trytond.modules.property_base.common import to_utc
from trytond.transaction import Transaction

from .visit import working_days


def build(pool, company, rng, log):
    Assembly = pool.get('property.assembly')
    Notice = pool.get('property.community.notice')
    if Assembly.search([], limit=1):
        log("community demo already loaded")
        return
    Site = pool.get('property.site')
    User = pool.get('res.user')
    Ballot = pool.get('property.assembly.ballot')
    VoterOwner = pool.get('property.assembly.voter.owner')
    today = pool.get('ir.date').today()
    transaction = Transaction()
    users = {u.login: u for u in User.search([])}
    site = Site.search([('company', '=', company.id)], order=[('code', 'ASC')],
        limit=1)[0]
    code = site.code.lower()
    clerk = users.get(f'front.desk.{code}') or users['admin']
    manager = users.get(f'manager.{code}') or users['admin']
    building = site.buildings[0]
    with transaction.set_user(clerk.id):
        notices = Notice.create([{
                    'company': company.id, 'kind': 'outage',
                    'title': f"{building.name}停水通知",
                    'body': "因二次供水设备检修，"
                    f"{(today + dt.timedelta(days=3)):%m月%d日} 9:00至17:00 "
                    f"{building.name}停水，请提前储水。不便之处，敬请谅解。",
                    'scope': 'buildings',
                    'buildings': [('add', [building.id])],
                    'publish_date': today - dt.timedelta(days=1),
                    'expiry_date': today + dt.timedelta(days=3),
                    }, {
                    'company': company.id, 'kind': 'fees',
                    'title': "关于缴纳物业服务费的通知",
                    'body': "请各位业主于每月15日前缴纳当月物业服务费，"
                    "可在客服中心现金、银行转账或扫码缴纳。",
                    'scope': 'sites', 'sites': [('add', [site.id])],
                    'publish_date': today - dt.timedelta(days=7),
                    }, {
                    'company': company.id, 'kind': 'event',
                    'title': "元旦社区联欢会",
                    'body': "12月31日19:00在中心广场举办元旦联欢会，"
                    "欢迎业主及家人参加。",
                    'scope': 'company',
                    'publish_date': today - dt.timedelta(days=2),
                    'expiry_date': today + dt.timedelta(days=30),
                    }])
    # with the fund's ledger (accounting): its use for the roofs, an
    # ordinary matter (art. 278, item 5) voted as the first one
    fund_matters = []
    if _has_ledgers(pool):
        fund_matters.append({'sequence': 3, 'kind': 'fund_use',
                'name': f"使用专项维修资金维修{building.name}屋面防水",
                'fund_amount': Decimal('36000.00')})
    with transaction.set_user(manager.id):
        Notice.publish(notices)
        assembly, = Assembly.create([{
                    'name': f"{today.year}年第一次业主大会",
                    'site': site.id,
                    'record_date': today - dt.timedelta(days=21),
                    'meeting_date': today - dt.timedelta(days=2),
                    'matters': [('create', [{
                                    'sequence': 1, 'kind': 'manager',
                                    'name': "续聘锦绣物业服务有限公司为本小区"
                                    "物业服务企业",
                                    }, {
                                    'sequence': 2, 'kind': 'common_business',
                                    'name': "利用地面公共车位收费经营，"
                                    "收益归全体业主",
                                    }] + fund_matters)],
                    }])
        Assembly.open([assembly])
    ordinary, special = assembly.matters[:2]
    fund_use = list(assembly.matters[2:])
    owners = {}
    for owner in VoterOwner.search([('assembly', '=', assembly.id)]):
        owners.setdefault(owner.voter.id, owner.party.id)
    voters = sorted(owners)
    values = []
    # six voters in seven on the first matter, mostly for; one in two on
    # the second: below two thirds
    for i, voter in enumerate(voters):
        if i % 7 != 3:
            for matter in [ordinary] + fund_use:
                values.append({'matter': matter.id, 'party': owners[voter],
                        'choice': {1: 'against', 5: 'abstain'}.get(
                            i % 10, 'for')})
        if i % 2 == 0:
            values.append({'matter': special.id, 'party': owners[voter],
                    'choice': 'for' if i % 6 else 'against'})
    with transaction.set_user(clerk.id):
        for i in range(0, len(values), 200):
            Ballot.create(values[i:i + 200])
    with transaction.set_user(manager.id):
        Assembly.close([assembly])
    log(f"{len(notices)} notices published; owners' meeting of {site.code}: {len(voters)} voters, "
        f"{len(values)} ballots, results "
        f"{[m.result for m in Assembly(assembly.id).matters]}")
    if fund_use:
        build_ledgers(pool, company, site, fund_use[0], users, log)
    build_survey(pool, company, site, clerk, manager, rng, log)
    build_visits(pool, company, site, clerk, manager, rng, log)


def _has_ledgers(pool):
    "Whether the fund and income ledgers are activated (with billing)"
    try:
        pool.get('property.community.ledger')
    except KeyError:
        return False
    return True


def build_ledgers(pool, company, site, matter, users, log):
    """The site's maintenance fund and common income: finance sets up the
    ledgers, posts the homes' initial deposits (30.00 per m²) of the
    hand-over and the fund's interest, then the roof repair the owners
    approved, charged to the homes of the building by their area; the
    advertising and parking income of last quarter and its use, whose
    statement the manager published; a notice from the event template"""
    Account = pool.get('account.account')
    AccountType = pool.get('account.account.type')
    Journal = pool.get('account.journal')
    ModelData = pool.get('ir.model.data')
    Ledger = pool.get('property.community.ledger')
    FundMove = pool.get('property.community.fund.move')
    Income = pool.get('property.community.income')
    Statement = pool.get('property.community.income.statement')
    Notice = pool.get('property.community.notice')
    transaction = Transaction()
    today = pool.get('ir.date').today()
    finance = users.get('finance') or users['admin']
    manager = users.get(f'manager.{site.code.lower()}') or users['admin']
    clerk = users.get(f'front.desk.{site.code.lower()}') or users['admin']
    cash, = Account.search([('code', '=', '1.1.1'),
            ('company', '=', company.id)])
    liability = AccountType.search([('company', '=', company.id),
            ('template', '=', ModelData.get_id('account',
                    'account_type_template_current_liabilities_en'))],
        limit=1)
    liability = liability[0] if liability else cash.type
    fund_bank, income_bank = Account.copy([cash, cash],
        default={'code': None})
    Account.write([fund_bank], {'name': "维修资金专户", 'code': '1.1.5'},
        [income_bank], {'name': "公共收益户", 'code': '1.1.6'})
    fund_account, income_account = Account.create([
            {'name': "专项维修资金", 'code': '2.1.5', 'type': liability.id,
                'company': company.id},
            {'name': "公共收益", 'code': '2.1.6', 'type': liability.id,
                'company': company.id}])
    journal, = Journal.search([('type', '=', 'general')], limit=1)
    with transaction.set_user(finance.id):
        Ledger.create([{'site': site.id, 'journal': journal.id,
                    'deposit_rate': Decimal('30.00'),
                    'fund_account': fund_account.id,
                    'fund_bank_account': fund_bank.id,
                    'income_account': income_account.id,
                    'income_bank_account': income_bank.id}])
        building = matter.assembly.site.buildings[0]
        units = [u for u in building.units if u.area]
        start = today.replace(month=1, day=1)
        deposits = [{'site': site.id, 'unit': u.id, 'kind': 'deposit',
                'date': start, 'amount': (u.area * Decimal('30.00')
                    ).quantize(Decimal('0.01')),
                'description': "首期专项维修资金"} for u in units]
        interest = [{'site': site.id, 'unit': u.id, 'kind': 'interest',
                'date': today.replace(day=1), 'amount': (
                    u.area * Decimal('0.45')).quantize(Decimal('0.01')),
                'description': "维修资金利息"} for u in units]
        total = sum(u.area for u in units)
        spent = [{'site': site.id, 'unit': u.id, 'kind': 'spending',
                'date': today, 'matter': matter.id,
                'amount': (matter.fund_amount * u.area / total).quantize(
                    Decimal('0.01'), rounding='ROUND_DOWN'),
                'description': "屋面防水维修（按面积分摊）"} for u in units]
        moves = FundMove.create(deposits + interest + spent)
        FundMove.post(moves)
        quarter = (today.month - 1) // 3
        year = today.year if quarter else today.year - 1
        quarter = quarter or 4
        first = dt.date(year, 3 * quarter - 2, 1)
        entries = Income.create([{'site': site.id, 'kind': k,
                    'date': first + dt.timedelta(days=d),
                    'amount': Decimal(a), 'description': t}
                for k, d, a, t in [
                    ('advertising', 5, '18000.00', "电梯间广告位租金"),
                    ('parking', 30, '7260.00', "地面临时停车收费"),
                    ('other', 45, '1200.00', "快递柜场地费"),
                    ('use', 70, '5600.00', "中心广场健身器材更新"),
                    ]])
        Income.post(entries)
        statement, = Statement.create([{'site': site.id, 'year': year,
                    'quarter': str(quarter)}])
    with transaction.set_user(manager.id):
        Statement.publish([statement])
    template = ModelData.get_id('property_community', 'notice_template_event')
    with transaction.set_user(clerk.id):
        Notice.create([{'company': company.id, 'template': template,
                    'scope': 'sites', 'sites': [('add', [site.id])],
                    'publish_date': today}])
    log(f"{site.code}: maintenance fund of {len(units)} homes, "
        f"{len(spent)} shares of the roof repair spent; common income of "
        f"{year} Q{quarter} published; a draft notice from a template")


# The sections of the demo survey: kind, name, questions, the share of
# households the demo makes satisfied (cleaning below its 90 % target)
SURVEY_SECTIONS = [
    ('overall', "总体满意度", ["您对本小区物业服务的总体评价"], 0.97),
    ('security', "公共秩序", ["门岗及巡逻", "车辆停放秩序"], 0.93),
    ('cleaning', "保洁服务", ["楼道及电梯清洁", "垃圾清运"], 0.82),
    ('greening', "绿化服务", ["绿化养护"], 0.94),
    ('repairs', "维修服务", ["报修响应及维修质量"], 0.97),
    ('activities', "社区活动", ["社区文化活动"], 0.86),
    ]


def build_survey(pool, company, site, clerk, manager, rng, log):
    """Last quarter's satisfaction survey of the site: the manager set it
    up and opened it, the front desk keyed in the paper forms of some
    sixty homes, the manager closed it; cleaning is below its target"""
    Survey = pool.get('property.survey')
    Answer = pool.get('property.survey.answer')
    Unit = pool.get('property.unit')
    transaction = Transaction()
    today = pool.get('ir.date').today()
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = (end - dt.timedelta(days=80)).replace(day=1)
    with transaction.set_user(manager.id):
        survey, = Survey.create([{
                    'name': f"{end.year}年第{(end.month - 1) // 3 + 1}季度"
                    "业主满意度调查",
                    'site': site.id, 'start_date': start, 'end_date': end,
                    'sections': [('create', [{
                                    'sequence': i, 'kind': kind,
                                    'name': name,
                                    'questions': [('create', [
                                                {'sequence': j, 'text': q}
                                                for j, q in enumerate(
                                                    questions, 1)])],
                                    } for i, (kind, name, questions, _)
                                in enumerate(SURVEY_SECTIONS, 1)])],
                    }])
        Survey.open([survey])
    units = Unit.search([('site', '=', site.id)], order=[('code', 'ASC')])
    units = [u for u in units if u.ownerships][:60]
    # the homes satisfied with each section: the section's share of them
    satisfied_homes = {s.id: set(rng.sample(range(len(units)),
                math.ceil(share * len(units))))
        for s, (_, _, _, share) in zip(survey.sections, SURVEY_SECTIONS)}
    with transaction.set_user(clerk.id):
        for i, unit in enumerate(units):
            scores = {}
            for section in survey.sections:
                satisfied = i in satisfied_homes[section.id]
                for question in section.questions:
                    scores[question] = (rng.choice([4, 5, 5]) if satisfied
                        else rng.choice([2, 3, 3]))
            Answer.submit(survey, unit, unit.ownerships[0].party, scores,
                comment=rng.choice([None, None, "希望加强楼道保洁",
                        "停车管理有待改进"]), channel='paper')
    with transaction.set_user(manager.id):
        Survey.close([survey])
    survey = Survey(survey.id)
    log(f"satisfaction survey of {site.code}: {survey.answer_count} homes, "
        + ", ".join(f"{s.name} {s.rate} %" for s in survey.sections)
        + f"; {survey.below_target} below target")


def build_visits(pool, company, site, clerk, manager, rng, log):
    """This month's visit plans of the site's clerk (5 homes a working
    day) and manager (5 a month), and the visits made so far; with the
    helpdesk, a leaking pipe found on a visit became a ticket"""
    Plan = pool.get('property.visit.plan')
    Visit = pool.get('property.visit')
    Unit = pool.get('property.unit')
    transaction = Transaction()
    today = pool.get('ir.date').today()
    month = today.replace(day=1)
    with transaction.set_user(manager.id):
        Plan.create([{'site': site.id, 'user': clerk.id, 'month': month,
                    'kind': 'daily'}, {
                    'site': site.id, 'user': manager.id, 'month': month,
                    'kind': 'monthly'}])
    holidays = Plan.holidays(company)
    units = Unit.search([('site', '=', site.id)], order=[('code', 'ASC')])
    units = [u for u in units if u.ownerships]
    topics = ["物业服务意见征询", "缴费提醒及政策解释", "装修注意事项",
        "社区活动邀请", "安全防范宣传"]
    values = []
    for day in working_days(month, holidays):
        if day >= today:
            break
        for k in range(rng.choice([3, 4, 5, 5, 5])):
            unit = rng.choice(units)
            values.append({'visitor': clerk.id, 'unit': unit.id,
                    'party': unit.ownerships[0].party.id,
                    'date': to_utc(dt.datetime.combine(day,
                            dt.time(14 + k // 2, 30 * (k % 2))), company),
                    'topics': rng.choice(topics)})
    visits = []
    with transaction.set_user(clerk.id):
        if values:
            values[-1]['findings'] = "厨房下水管渗水，业主希望尽快维修"
            visits = Visit.create([{'site': site.id, **v} for v in values])
    with transaction.set_user(manager.id):
        Visit.create([{'site': site.id, 'visitor': manager.id,
                    'unit': unit.id, 'party': unit.ownerships[0].party.id,
                    'date': to_utc(dt.datetime.combine(
                            month, dt.time(10, 0)), company),
                    'topics': "经理走访：听取业主对物业服务的意见"}
                for unit in rng.sample(units, 2)])
    tickets = []
    if visits and hasattr(Visit, 'create_ticket'):
        Category = pool.get('property.ticket.category')
        plumbing = Category.search([('code', '=', 'PLB')], limit=1)
        if plumbing:
            found = visits[-1]
            with transaction.set_user(clerk.id):
                Visit.write([found], {'finding_category': plumbing[0].id})
                tickets = Visit.create_ticket([found])
    log(f"visit plans of {site.code}: "
        + ", ".join(f"{p.user.rec_name} {p.done}/{p.planned}"
            for p in Plan.search([('month', '=', month)]))
        + f"; {len(tickets)} ticket from a visit")
