# This file is part of the property-management suite.
"""Demo part of the community: the owners' assembly of the first site.

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
    with transaction.set_user(manager.id):
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
    log(f"owners' meeting of {site.code}: {len(voters)} voters, "
        f"{len(values)} ballots, results "
        f"{[m.result for m in Assembly(assembly.id).matters]}")
