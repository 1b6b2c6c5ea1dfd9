# This file is part of the property-management suite.
"""Demo part of the front desk: the registers of the last days.

Called by scripts/demo.py with the demo company in the context. Each
site's clerk registers visitors (one entry into the control room
approved by the site's manager, one into the archive room waiting for
him) and opens goods release slips: one released at the gate, one
authorised by a tenant with the owner's consent waiting for the gate,
one draft; and records the mail of the last days, collected or waiting
(one longer than the site's days: listed as uncollected), the items
left at the desk, the equipment lent (a radio not back from yesterday)
and the households' cards (one lost and blocked, one extra approved by
the manager); the violations found on the round outside any renovation
(one escalated past its notice, one notified, one just found) and the
goods lift's bookings. The steps go through the models' own buttons; the visitors'
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
PARCELS = [
    # days ago, kind, carrier, collected
    (6, 'parcel', "中通快递", False),
    (3, 'parcel', "顺丰速运", True),
    (2, 'registered', "中国邮政", True),
    (1, 'letter', "中国邮政", False),
    (0, 'parcel', "京东物流", False),
    ]


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
    counts = {'visitors': 0, 'slips': 0, 'parcels': 0, 'desk': 0,
        'violations': 0, 'lift': 0}
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
        counts['parcels'] += parcels(pool, company, site, homes, clerk, rng,
            today)
        counts['desk'] += desk(pool, company, site, homes, clerk, manager,
            rng, today)
        counts['violations'] += violations(pool, site, homes, clerk, today)
        counts['lift'] += lift_bookings(pool, company, homes, clerk, today)
    # Seed 001 [4]: the moves of homes are forwarded to security (through
    # the front desk, who briefs the gate), engineering and finance
    method = 'property.move|notify_completed'
    for user in User.search([('login', 'in', ['front.desk.gc',
                        'front.desk.rv', 'engineering.gc', 'finance'])]):
        User.write([user], {'notifications': sorted(
                    set(user.notifications or []) | {method})})
    log(f"front desk: {counts['visitors']} visitors, "
        f"{counts['slips']} goods release slips, "
        f"{counts['parcels']} items of mail, {counts['desk']} items left, "
        f"loans and cards, {counts['violations']} violations, "
        f"{counts['lift']} lift bookings")


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


def parcels(pool, company, site, homes, clerk, rng, today):
    """Mail of the last days: collected, waiting, and one waiting longer
    than the site's days (listed as uncollected)"""
    Parcel = pool.get('property.parcel')
    transaction = Transaction()
    for days, kind, carrier, collected in PARCELS:
        home = rng.choice(homes)
        with transaction.set_user(clerk.id):
            parcel, = Parcel.create([{'site': site.id, 'unit': home.id,
                        'kind': kind, 'carrier': carrier,
                        'tracking': (f'{rng.randint(10 ** 11, 10 ** 12 - 1)}'
                            if kind == 'parcel' else None)}])
        day = today - dt.timedelta(days=days)
        received = to_utc(dt.datetime.combine(day,
                dt.time(rng.randint(9, 17), rng.randint(0, 59))), company)
        Parcel.write([parcel], {'received_at': received,
                'notified_at': parcel.notified_at and received})
        if collected:
            owner = home.current_ownerships(today)[0].party
            with transaction.set_user(clerk.id):
                Parcel.write([parcel], {'collector': owner.name})
                Parcel.collect([parcel])
            Parcel.write([parcel], {'collected_at': received
                    + dt.timedelta(hours=rng.randint(2, 30))})
    return len(PARCELS)


def desk(pool, company, site, homes, clerk, manager, rng, today):
    "Items left at the desk, equipment lent, the households' cards"
    Item = pool.get('property.desk.item')
    Equipment = pool.get('property.desk.equipment')
    Loan = pool.get('property.desk.loan')
    Card = pool.get('property.card')
    transaction = Transaction()
    count = 0
    with transaction.set_user(clerk.id):
        items = Item.create([{'site': site.id, 'description': d,
                    'quantity': q, 'left_by': by, 'for_whom': to,
                    'unit': rng.choice(homes).id}
                for d, q, by, to in [
                    ("房门钥匙", 2, "业主", "装修公司 李工"),
                    ("装修图纸", 1, "设计师 陈", "业主"),
                    ("雨伞", 1, "业主", "家政 张阿姨"),
                    ]])
        Item.write([items[-1]], {'collector': "张阿姨", 'signed': True})
        Item.hand_over([items[-1]])
        count += len(items)
        camera, radio, radio2, ladder = Equipment.create([
                {'site': site.id, 'name': "照相机", 'kind': 'camera',
                    'return_time': dt.time(17, 30)},
                {'site': site.id, 'name': "对讲机 1号", 'kind': 'radio'},
                {'site': site.id, 'name': "对讲机 2号", 'kind': 'radio'},
                {'site': site.id, 'name': "人字梯", 'kind': 'tool'},
                ])
    employee = clerk.employee or manager.employee
    if employee:
        with transaction.set_user(clerk.id):
            photo, late, walkie = Loan.create([
                    {'equipment': camera.id, 'borrower': employee.id,
                        'purpose': "装修巡查拍照"},
                    {'equipment': radio.id, 'borrower': employee.id,
                        'purpose': "夜间巡楼"},
                    {'equipment': radio2.id, 'borrower': employee.id,
                        'purpose': "巡楼"},
                    ])
            Loan.return_([photo])
        yesterday = today - dt.timedelta(days=1)
        lent = to_utc(dt.datetime.combine(yesterday, dt.time(9, 0)), company)
        Loan.write([photo, late], {'lent_at': lent,
                'due_at': Loan.due(camera, lent)})
        Loan.write([late], {'due_at': Loan.due(radio, lent)})
        Loan.write([photo], {'returned_at': lent + dt.timedelta(hours=7)})
        count += 3
    # One access card per household, one lost and replaced, one extra
    # card approved by the manager
    cards = []
    with transaction.set_user(clerk.id):
        for i, home in enumerate(homes[:3], 1):
            holder = home.current_ownerships(today)[0].party
            cards.extend(Card.create([{'site': site.id, 'kind': 'access',
                            'number': f'{site.code}-AC-{i:04d}',
                            'unit': home.id, 'holder': holder.id,
                            'identity_checked': True}]))
        Card.issue(cards)
        Card.report_lost([cards[0]])
        first = homes[0]
        holder = first.current_ownerships(today)[0].party
        replacement, extra = Card.create([{'site': site.id, 'kind': 'access',
                        'number': f'{site.code}-AC-{n:04d}',
                        'unit': first.id, 'holder': holder.id,
                        'identity_checked': True} for n in (101, 102)])
        Card.issue([replacement])
    if manager.employee:
        with transaction.set_user(manager.id):
            Card.approve([extra])
        with transaction.set_user(clerk.id):
            Card.issue([extra])
    if employee:
        with transaction.set_user(clerk.id):
            staff, = Card.create([{'site': site.id, 'kind': 'staff',
                        'number': f'{site.code}-ST-0001',
                        'employee': employee.id}])
            Card.issue([staff])
    return count + len(cards) + 2


def violations(pool, site, homes, clerk, today):
    """Violations found on the round outside any renovation: a balcony
    enclosure whose notice ran out 10 days ago (escalated), an attic with
    its notice running, garbage on a lawn just found"""
    Violation = pool.get('property.violation')
    transaction = Transaction()
    balcony_home, attic_home = homes[0], homes[-1]
    with transaction.set_user(clerk.id):
        balcony, attic, garbage = Violation.create([
                {'site': site.id, 'unit': balcony_home.id, 'kind': 'balcony',
                    'party': balcony_home.current_ownerships(
                        today)[0].party.id,
                    'date': today - dt.timedelta(days=17),
                    'description': "南阳台加装外置阳台罩"},
                {'site': site.id, 'unit': attic_home.id, 'kind': 'attic',
                    'party': attic_home.current_ownerships(
                        today)[0].party.id,
                    'date': today - dt.timedelta(days=2),
                    'description': "顶层露台私搭小阁楼"},
                {'site': site.id, 'location': "北侧绿地",
                    'kind': 'garbage', 'date': today,
                    'description': "装修垃圾堆放在绿地上"},
                ])
        Violation.notify([balcony, attic])
    # the balcony's notice was issued the day it was found: past due now
    found = today - dt.timedelta(days=17)
    Violation.write([balcony], {'notice_date': found,
            'deadline': found + dt.timedelta(days=balcony.notice_days)})
    with transaction.set_user(clerk.id):
        Violation.escalate([balcony])
    return 3


def lift_bookings(pool, company, homes, clerk, today):
    """The goods lift booked for renovation materials: one done this
    morning with its protection checked, one this afternoon, one for a
    removal tomorrow"""
    Booking = pool.get('property.lift.booking')
    transaction = Transaction()
    home = homes[0]

    def at(day, hour):
        return to_utc(dt.datetime.combine(day, dt.time(hour)), company)
    tomorrow = today + dt.timedelta(days=1)
    with transaction.set_user(clerk.id):
        morning, afternoon, removal = Booking.create([
                {'site': home.site.id, 'building': home.building.id,
                    'unit': home.id, 'lift': "货梯", 'purpose': purpose,
                    'contact': contact, 'start': at(day, start),
                    'end': at(day, end), 'protection': protection}
                for day, start, end, purpose, contact, protection in [
                    (today, 8, 10, 'renovation', "好家装饰 李工", True),
                    (today, 14, 16, 'renovation', "好家装饰 李工", False),
                    (tomorrow, 9, 12, 'removal', "顺心搬家公司", False),
                    ]])
        Booking.book([morning, afternoon, removal])
        Booking.start_use([morning])
        Booking.finish([morning])
    return 3
