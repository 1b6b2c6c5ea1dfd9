# This file is part of the property-management suite.
"""Demo part of the front desk: the registers of the last days.

Called by scripts/demo.py with the demo company in the context. Each
site's clerk registers visitors (one entry into the control room
approved by the site's manager, one into the archive room waiting for
him) and opens goods release slips: one released at the gate, one
authorised by a tenant with the owner's consent waiting for the gate,
one draft. The steps go through the models' own buttons; the visitors'
times are then set back to the hours they came."""
import datetime as dt

from trytond.modules.property_base.common import to_utc
from trytond.transaction import Transaction

VISITORS = [
    # days ago, hour, name, destination, purpose, stayed minutes
    (2, 10, "李建军", 'home', "探望父母", 95),
    (2, 15, "顺丰快递员", 'office', "送公司文件", 10),
    (1, 9, "海康威视维保工程师", 'control_room', "监控主机例行维保", 120),
    (1, 14, "陈晓燕", 'home', "朋友来访", 180),
    (0, 9, "王立新", 'home', "上门维修空调", None),
    (0, 10, "区档案局检查员", 'archive_room', "检查档案管理", None),
    ]
GOODS = [("双人床", 1), ("衣柜", 2), ("纸箱", 15), ("冰箱", 1)]


def build(pool, company, rng, log):
    Visitor = pool.get('property.visitor')
    if Visitor.search([], limit=1):
        log("front desk demo already loaded")
        return
    Site = pool.get('property.site')
    User = pool.get('res.user')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    today = pool.get('ir.date').today()
    transaction = Transaction()
    users = {u.login: u for u in User.search([])}
    guards = Employee.search([('party.name', '=', "郑大伟"),
            ('company', '=', company.id)], limit=1)
    if not guards:
        party, = Party.create([{'name': "郑大伟"}])
        guards = Employee.create([{'party': party.id,
                    'company': company.id}])
    guard, = guards
    counts = {'visitors': 0, 'slips': 0}
    for site in Site.search([('company', '=', company.id)],
            order=[('code', 'ASC')]):
        code = site.code.lower()
        clerk = users.get(f'front.desk.{code}') or users['admin']
        manager = users.get(f'manager.{code}') or users['admin']
        homes = [u for u in site_units(pool, site)
            if u.current_ownerships(today)]
        if not homes:
            continue
        for days, hour, name, destination, purpose, stayed in VISITORS:
            home = rng.choice(homes) if destination == 'home' else None
            with transaction.set_user(clerk.id):
                visitor, = Visitor.create([{'site': site.id, 'name': name,
                            'destination': destination,
                            'unit': home.id if home else None,
                            'host': (home.current_ownerships(today)[0]
                                .party.name if home else None),
                            'purpose': purpose}])
            if destination in {'control_room', 'archive_room'}:
                if days == 0:
                    # waits for the manager's approval
                    counts['visitors'] += 1
                    continue
                with transaction.set_user(manager.id):
                    if manager.employee:
                        Visitor.approve([visitor])
            with transaction.set_user(clerk.id):
                Visitor.admit([visitor])
                if stayed is not None:
                    Visitor.leave([visitor])
            day = today - dt.timedelta(days=days)
            arrived = to_utc(dt.datetime.combine(day, dt.time(hour,
                        rng.randint(0, 50))), company)
            Visitor.write([visitor], {'date': day, 'arrived_at': arrived,
                    'left_at': (arrived + dt.timedelta(minutes=stayed)
                        if stayed is not None else None)})
            counts['visitors'] += 1
        counts['slips'] += release_slips(pool, site, homes, clerk, guard,
            rng, today)
    log(f"front desk: {counts['visitors']} visitors, "
        f"{counts['slips']} goods release slips")


def site_units(pool, site):
    Unit = pool.get('property.unit')
    return Unit.search([('site', '=', site.id)], order=[('code', 'ASC')])


def release_slips(pool, site, homes, clerk, guard, rng, today):
    "A removal released at the gate, a tenant's slip waiting, a draft"
    Slip = pool.get('property.release.slip')
    transaction = Transaction()
    let = [u for u in homes if any(r.role == 'tenant' and r.is_current
            for r in u.residents)]
    owner_home = rng.choice(homes)
    slips = []

    def slip(home, authoriser, carrier, consent=False, removal=False):
        with transaction.set_user(clerk.id):
            record, = Slip.create([{'site': site.id, 'unit': home.id,
                        'date': today, 'authoriser': authoriser.id,
                        'owner_consent': consent, 'removal': removal,
                        'carrier': carrier,
                        'lines': [('create', [
                                    {'description': d, 'quantity': q}
                                    for d, q in rng.sample(GOODS, 2)])],
                        }])
        slips.append(record)
        return record

    owner = owner_home.current_ownerships(today)[0].party
    released = slip(owner_home, owner, "顺心搬家公司", removal=True)
    waiting = None
    if let:
        home = rng.choice(let)
        tenant = next(r.party for r in home.residents
            if r.role == 'tenant' and r.is_current)
        waiting = slip(home, tenant, tenant.name, consent=True)
    draft_home = rng.choice(homes)
    draft_owner = draft_home.current_ownerships(today)[0].party
    slip(draft_home, draft_owner, draft_owner.name)
    with transaction.set_user(clerk.id):
        Slip.authorise([s for s in [released, waiting] if s])
        Slip.write([released], {'guard': guard.id})
        Slip.release([released])
    return len(slips)
