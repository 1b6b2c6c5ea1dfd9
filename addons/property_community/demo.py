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
go through the models' own buttons, as the staff who do them."""
import datetime as dt

from trytond.transaction import Transaction


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
