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
                                    }])],
                    }])
        Assembly.open([assembly])
    ordinary, special = assembly.matters
    owners = {}
    for owner in VoterOwner.search([('assembly', '=', assembly.id)]):
        owners.setdefault(owner.voter.id, owner.party.id)
    voters = sorted(owners)
    values = []
    # six voters in seven on the first matter, mostly for; one in two on
    # the second: below two thirds
    for i, voter in enumerate(voters):
        if i % 7 != 3:
            values.append({'matter': ordinary.id, 'party': owners[voter],
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
    build_survey(pool, company, site, clerk, manager, rng, log)
    build_visits(pool, company, site, clerk, manager, rng, log)


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
