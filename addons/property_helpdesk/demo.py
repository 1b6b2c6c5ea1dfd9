# This file is part of the property-management suite.
"""Demo part of the helpdesk: three months of tickets of a living estate.

Called by scripts/demo.py with the demo company in the context. The
tickets go through the module's own workflow (open, dispatch, work
orders, resolve, visit, close); their timestamps are then set back to
when each step happened so that the deadlines and KPIs read like a real
quarter of an office's work."""
import base64
import datetime as dt
from decimal import Decimal

from trytond.modules.property_base.common import (
    clock, office_date, to_office, to_utc)
from trytond.transaction import Transaction

# The tickets of the three months, by size of the demo (scripts/demo.py)
TICKETS = {'full': 330, 'small': 30}
# The owner's signature on a door-to-door visit form, as scanned (a dot)
SIGNATURE = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA'
    '60e6kgAAAABJRU5ErkJggg==')


CATEGORIES = [
    # code, name, department key, default level, weight
    ('PLB', "给排水", 'engineering', '3', 22),
    ('ELE', "电气照明", 'engineering', '3', 16),
    ('LFT', "电梯", 'engineering', '2', 8),
    ('CLN', "保洁", 'environment', '3', 10),
    ('GRN', "绿化", 'environment', '3', 5),
    ('SEC', "安全秩序", 'security', '1', 4),
    ('PRK', "停车", 'security', '3', 8),
    ('NOI', "噪音扰民", 'security', '3', 7),
    ('FEE', "收费", 'service', '3', 8),
    ('DEC', "装修", 'service', '3', 5),
    ('OTH', "其他", 'service', '3', 7),
    ]
DEPARTMENTS = [
    ('engineering', "工程部", ["赵德明", "钱永刚", "孙立军", "李国庆"]),
    ('environment', "环境部", ["周桂兰", "吴秀珍"]),
    ('security', "秩序维护部", ["郑大伟", "王志刚"]),
    ('service', "客服部", []),
    ]
PROBLEMS = {
    'PLB': ["厨房水槽漏水", "卫生间下水道堵塞", "楼上渗水至顶棚", "水压偏低",
        "热水器进水阀滴水"],
    'ELE': ["楼道灯不亮", "户内跳闸", "单元门禁失灵", "地下室照明损坏"],
    'LFT': ["电梯异响", "电梯按钮失灵", "电梯困人", "电梯门关不严"],
    'CLN': ["楼道垃圾未清", "电梯轿厢有异味", "地下车库积水未清"],
    'GRN': ["绿化带杂草过多", "树枝遮挡窗户", "草坪喷灌漏水"],
    'SEC': ["陌生人尾随进入单元", "消防通道被占用", "监控画面中断"],
    'PRK': ["车位被占", "道闸无法识别车牌", "车库标线模糊"],
    'NOI': ["夜间装修噪音", "楼上宠物吠叫", "广场舞噪音"],
    'FEE': ["物业费账单疑问", "水电费预存咨询", "发票开具咨询"],
    'DEC': ["装修手续咨询", "邻居装修垃圾堆放", "装修时间咨询"],
    'OTH': ["快递柜故障", "小区公告咨询", "信报箱损坏"],
    }
HOLIDAYS = [
    (dt.date(2026, 10, 1), "国庆节"), (dt.date(2026, 10, 2), "国庆节"),
    (dt.date(2026, 10, 3), "国庆节"), (dt.date(2026, 10, 4), "国庆节"),
    (dt.date(2026, 10, 5), "国庆节"), (dt.date(2026, 10, 6), "国庆节"),
    (dt.date(2026, 10, 7), "国庆节"), (dt.date(2027, 1, 1), "元旦"),
    ]


def ticket_kind(rng, code, in_unit):
    """A demo ticket's kind and complaint type for its category code
    (used by bench/helpdesk.py too)"""
    kind = ('complaint' if code in {'NOI', 'SEC', 'PRK'}
        or rng.random() < 0.12 else
        'enquiry' if code in {'FEE', 'DEC', 'OTH'} else
        'repair_unit' if in_unit else 'repair_common')
    complaint_type = (rng.choice(['effective', 'effective', 'help',
                'consultation', 'venting'])
        if kind == 'complaint' else None)
    return kind, complaint_type


def build(pool, company, rng, log):
    Ticket = pool.get('property.ticket')
    if Ticket.search([], limit=1):
        log("helpdesk demo already loaded")
        return
    staff = _staff(pool, company)
    categories = _categories(pool, staff)
    staff['services'] = _price_list(pool, company, staff)
    log(f"helpdesk: a price list of {len(staff['services'])} paid services")
    tickets = _tickets(pool, company, rng, staff, categories)
    log(f"helpdesk: {len(tickets)} tickets over three months, "
        f"{len(categories)} categories, {len(staff['departments'])} "
        "departments")
    _sent_back(pool, staff)
    warnings = pool.get('property.helpdesk.kpi.warning').warn()
    log(f"helpdesk: a visit that sent a job back, {len(warnings)} KPI "
        "warnings of the month")
    _patrols_and_handovers(pool, rng, staff, categories)
    log("helpdesk: patrols, a collective issue and shift handovers")
    _incidents(pool, company, staff)
    log("helpdesk: incident reports, one filed with its photos, one draft")
    _defects(pool, company, staff)
    _assignments(pool, staff)
    meetings = _meetings(pool, staff)
    reports = _office_reports(pool, staff)
    log(f"helpdesk: {len(meetings)} meetings of the last week (the weekly "
        f"one signed and reviewed), {len(reports)} office reports")
    log("helpdesk: warranties of Garden Court (one ending this month) and "
        "developer defects (one overdue at the builder, one closed)")
    _users(pool, company, staff)


def _users(pool, company, staff):
    "The engineering department's head at Garden Court (engineering.gc)"
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    head = staff['departments']['engineering'].head
    group = ModelData.get_id('property_helpdesk',
        'group_property_engineering')
    User.create([{'name': head.party.name, 'login': 'engineering.gc',
                'password': 'demo-engineering-gc',
                'groups': [('add', [group])],
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [head.id])],
                'employee': head.id,
                'property_sites': [('add', [s.id for s in staff['sites']
                            if s.code == 'GC'])],
                }])


# The price list of paid services (有偿服务收费标准, seed 001: 有偿服务按收费
# 标准收费): code, service, unit, price, category code; Garden Court
# charges its own price for the first
PAID_SERVICES = [
    ('S01', "更换水龙头", "个", 50, 'PLB'),
    ('S02', "疏通下水道", "次", 80, 'PLB'),
    ('S03', "更换灯具", "个", 30, 'ELE'),
    ('S04', "更换开关插座", "个", 20, 'ELE'),
    ('S05', "家电清洗 (空调)", "台", 120, 'OTH'),
    ]


def _price_list(pool, company, staff):
    PaidService = pool.get('property.paid_service')
    Category = pool.get('property.ticket.category')
    categories = {c.code: c for c in Category.search([])}
    values = [{'company': company.id, 'code': code, 'name': name,
            'uom': uom, 'price': Decimal(price),
            'category': categories[cat].id if cat in categories else None}
        for code, name, uom, price, cat in PAID_SERVICES]
    garden = [s for s in staff['sites'] if s.code == 'GC']
    if garden:
        values.append({'company': company.id, 'site': garden[0].id,
                'code': 'S01', 'name': "更换水龙头 (含配件)", 'uom': "个",
                'price': Decimal(65),
                'category': categories['PLB'].id
                if 'PLB' in categories else None})
    return PaidService.create(values)


def check_repair(pool, order):
    """The three-level check of a finished repair (seed 004: 员工自检、班长
    检查、主管抽查): the technician, the department's head, and for a job
    selected the site's manager"""
    WorkOrder = pool.get('property.work_order')
    if not order.check_required:
        return
    context = Transaction().set_context
    with context(employee=order.technician.id):
        WorkOrder.self_check([order])
    with context(employee=order.department.head.id):
        WorkOrder.leader_check([order])
    site = order.ticket.site
    if order.spot_check and (site.manager or site.supervisor):
        with context(employee=(site.manager or site.supervisor).id):
            WorkOrder.supervisor_check([order])


def _employee(pool, company, name):
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    party, = Party.create([{'name': name}])
    employee, = Employee.create([{'party': party.id, 'company': company.id,
                'start_date': dt.date(2021, 5, 1)}])
    return employee


def _staff(pool, company):
    Department = pool.get('property.department')
    Site = pool.get('property.site')
    Holiday = pool.get('property.helpdesk.holiday')
    Employee = pool.get('company.employee')
    departments, members = {}, {}
    clerks = Employee.search([('party.name', 'in', ["周敏", "吴婷"])])
    for key, name, people in DEPARTMENTS:
        employees = [_employee(pool, company, p) for p in people]
        if key == 'service':
            employees = clerks
        department, = Department.create([{'name': name,
                    'company': company.id,
                    'head': employees[0].id if employees else None,
                    'employees': [('add', [e.id for e in employees])]}])
        departments[key] = department
        members[key] = employees
    supervisor = _employee(pool, company, "李秀梅")
    sites = Site.search([('company', '=', company.id)])
    Site.write(sites, {'supervisor': supervisor.id})
    Holiday.create([{'company': company.id, 'date': d, 'name': n}
            for d, n in HOLIDAYS])
    return {'departments': departments, 'members': members,
        'supervisor': supervisor, 'clerks': clerks, 'sites': sites}


def _categories(pool, staff):
    Category = pool.get('property.ticket.category')
    records = Category.create([{'code': code, 'name': name,
                'department': staff['departments'][dept].id,
                'default_level': level}
            for code, name, dept, level, _ in CATEGORIES])
    return {c.code: c for c in records}


def _tickets(pool, company, rng, staff, categories):
    Ticket = pool.get('property.ticket')
    WorkOrder = pool.get('property.work_order')
    Visit = pool.get('property.return_visit')
    Contact = pool.get('property.ticket.contact')
    StateChange = pool.get('property.state.change')
    Unit = pool.get('property.unit')
    now = clock().replace(second=0, microsecond=0)
    office_now = to_office(now, company)
    homes = Unit.search([('state', 'in', ['occupied', 'let']),
            ('type', '!=', 'parking')])
    codes = [c for c, *_ in CATEGORIES]
    weights = [w for *_, w in CATEGORIES]

    # Reports arrive over the last 91 days, during office hours mostly;
    # a few units report the same problem again (repeats).
    plans = []
    size = Transaction().context.get('demo_size') or 'full'
    for _ in range(TICKETS[size]):
        received = office_now - dt.timedelta(days=rng.uniform(0.05, 91))
        received = received.replace(hour=rng.choice(
                [8, 9, 9, 10, 10, 11, 13, 14, 15, 16, 17, 19, 21]))
        # office hours, stored in UTC; none received in the future
        received = to_utc(received, company)
        if received > now:
            received -= dt.timedelta(days=1)
        plans.append(received)
    plans.sort()
    values, repeat_pool = [], []
    for received in plans:
        code = rng.choices(codes, weights)[0]
        if repeat_pool and rng.random() < 0.06:
            unit, code = rng.choice(repeat_pool)
        else:
            unit = rng.choice(homes) if code in {
                'PLB', 'ELE', 'NOI', 'FEE', 'DEC'} \
                or rng.random() < 0.3 else None
        if unit:
            repeat_pool.append((unit, code))
        kind, complaint_type = ticket_kind(rng, code, bool(unit))
        site = unit.site if unit else rng.choice(staff['sites'])
        residents = [r for r in unit.residents if r.is_current] \
            if unit else []
        reporter = residents[0].party if residents else None
        category = categories[code]
        values.append({
                'company': company.id, 'site': site.id,
                'unit': unit.id if unit else None,
                'reporter': reporter.id if reporter else None,
                'contact_phone': (reporter.mobile if reporter else None),
                'channel': rng.choice(['phone'] * 6 + ['walk_in'] * 3
                    + ['app', 'letter']),
                'kind': kind, 'complaint_type': complaint_type,
                'category': category.id,
                'level': ('2' if complaint_type == 'effective'
                    and category.default_level == '3'
                    else category.default_level),
                'property_responsibility': code not in {'NOI', 'DEC'},
                'description': rng.choice(PROBLEMS[code]),
                'first_receiver': rng.choice(staff['clerks']).id,
                'received_at': received,
                })
    tickets = Ticket.create(values)
    # Opened one by one, oldest first: repeats find their earlier reports.
    # The last two calls are still being written down (draft).
    tickets, drafts = tickets[:-2], tickets[-2:]
    for ticket in tickets:
        Ticket.open([ticket])

    history_dates = {}
    orders, visits, to_close, to_cancel = [], [], [], []
    contacts = []
    for ticket in tickets:
        age = (now - ticket.received_at).total_seconds() / 86400
        received = ticket.received_at
        late = rng.random() < 0.03
        resolve_hours = (rng.uniform(100, 200) if late
            else rng.uniform(0.5, 7))
        resolved_at = received + dt.timedelta(hours=resolve_hours)
        replied_at = received + dt.timedelta(minutes=rng.randint(5, 90))
        target = ('cancelled' if rng.random() < 0.03 else
            'closed' if age > 7 and rng.random() < 0.92 else
            rng.choice(['open', 'assigned', 'in_progress', 'resolved',
                    'visited', 'closed']) if age < 7 else 'resolved')
        if resolved_at > now and target in {'resolved', 'visited',
                'closed'}:
            target = 'in_progress'
        if target == 'cancelled':
            to_cancel.append(ticket)
            continue
        if target == 'open':
            continue
        department_key = next(d for c, _, d, *_ in CATEGORIES
            if c == ticket.category.code)
        members = staff['members'][department_key] or staff['clerks']
        ticket.assignee = rng.choice(members)
        ticket.save()
        Ticket.assign([ticket])
        # The reply: the first receiver calls the owner back (dispatching
        # is not the reply); dated below when it was made
        contact, = Contact.create([{'ticket': ticket.id,
                    'employee': ticket.first_receiver.id,
                    'method': ('letter' if ticket.channel == 'letter'
                        else rng.choice(['phone'] * 4 + ['visit'])),
                    'summary': "已告知报事人处理安排及上门时间",
                    'next_reply_by': now + dt.timedelta(days=1)}])
        contacts.append((contact, replied_at,
                replied_at + dt.timedelta(hours=4)))
        dates = {'open': received + dt.timedelta(minutes=2),
            'assigned': replied_at}
        if target == 'assigned':
            history_dates[ticket.id] = dates
            ticket.replied_at = replied_at
            continue
        if ticket.kind.startswith('repair') or rng.random() < 0.5:
            order, = WorkOrder.create([{'ticket': ticket.id,
                        'department': ticket.department.id,
                        'technician': ticket.assignee.id,
                        'description': ticket.description,
                        # in the home, at a time agreed with the resident
                        'appointment_at': (now + dt.timedelta(hours=1)
                            if ticket.kind == 'repair_unit' else None),
                        }])
            WorkOrder.dispatch([order])
            orders.append((order, replied_at, resolved_at))
        else:
            Ticket.start([ticket])
        dates['in_progress'] = replied_at + dt.timedelta(minutes=20)
        if target == 'in_progress':
            history_dates[ticket.id] = dates
            ticket.replied_at = replied_at
            # Not done the same day: the owner is told of the progress the
            # next morning, with the next reply promised
            told = to_utc(dt.datetime.combine(
                    office_date(received, company) + dt.timedelta(days=1),
                    dt.time(10, 0)), company)
            if told < now:
                contact, = Contact.create([{'ticket': ticket.id,
                            'employee': ticket.first_receiver.id,
                            'method': 'phone',
                            'summary': "配件已订购, 到货后安排上门",
                            'next_reply_by': now + dt.timedelta(days=1)}])
                contacts.append((contact, told,
                        told + dt.timedelta(days=2)))
            continue
        for order, *_ in orders[-1:]:
            if order.ticket == ticket:
                order.report = "已处理完毕, 业主确认"
                order.hours = Decimal(rng.randint(1, 8)) / 2
                if rng.random() < 0.08:
                    # a service of the price list, at its listed price
                    order.paid_service = True
                    order.service = rng.choice([s for s in staff['services']
                            if not s.site or s.site == ticket.site])
                order.save()
                check_repair(pool, order)
                WorkOrder.finish([order])
                if rng.random() < 0.04:
                    WorkOrder.reopen([order])
                    check_repair(pool, order)
                    WorkOrder.finish([order])
        ticket.resolution = "已处理, 已向报事人反馈"
        if ticket.kind == 'complaint':
            # the cause found on site and who answers for it
            ticket.responsibility = rng.choices(
                ['service', 'contractor', 'developer', 'owner',
                    'third_party'], [45, 15, 15, 15, 10])[0]
            ticket.cause = {
                'service': "巡查不到位, 未及时发现",
                'contractor': "外包单位作业不规范",
                'developer': "工程遗留问题",
                'owner': "相邻业主使用不当",
                'third_party': "市政施工影响",
                }[ticket.responsibility]
            unsolved = ticket.responsibility == 'developer' \
                and rng.random() < 0.5
            ticket.outcome = 'explained' if unsolved else 'solved'
            if unsolved:
                ticket.root_cause = "开发商尚未安排整改, 已向业主解释并跟进"
        ticket.save()
        Ticket.resolve([ticket])
        ticket.replied_at = replied_at
        ticket.resolved_at = resolved_at
        ticket.done_breached = bool(ticket.done_deadline
            and resolved_at > ticket.done_deadline)
        # the work done is the feedback of the work not done that day
        if ticket.feedback_deadline:
            ticket.feedback_at = resolved_at
            ticket.feedback_breached = resolved_at > ticket.feedback_deadline
        ticket.visit_deadline = ticket.get_policy().add_working_days(
            resolved_at, 1)
        dates['resolved'] = resolved_at
        history_dates[ticket.id] = dates
        wants_visit = ticket.visit_required or rng.random() < 0.2
        if target == 'resolved' or not wants_visit:
            if target in {'visited', 'closed'} and not ticket.visit_required:
                to_close.append((ticket, resolved_at
                        + dt.timedelta(hours=rng.uniform(1, 24))))
            continue
        visited_at = resolved_at + dt.timedelta(hours=rng.uniform(1, 20))
        visits.append((ticket, visited_at))
        if target == 'closed':
            to_close.append((ticket, visited_at + dt.timedelta(hours=1)))
    Ticket.save(tickets)
    # The contacts as they were made, and what they set on their tickets
    for contact, made, promised in contacts:
        contact.date = made
        contact.next_reply_by = promised
        ticket = contact.ticket
        if contact.kind == 'reply':
            ticket.replied_at = made
        elif ticket.feedback_deadline and not ticket.resolved_at:
            ticket.feedback_at = made
            ticket.feedback_breached = made > ticket.feedback_deadline
        if ticket.state in {'open', 'assigned', 'in_progress'}:
            ticket.next_reply_deadline = promised
        ticket.save()
    Contact.save([c for c, *_ in contacts])

    def visit_values(ticket, date):
        score = rng.choices([5, 4, 3], [70, 25, 5])[0]
        method = rng.choice(['phone'] * 4 + ['door'])
        values = {
            'ticket': ticket.id, 'date': date, 'method': method,
            'visitor': staff['supervisor'].id,
            # what the manual asks of a visit (seed 001 回访制度 6)
            'attitude': str(score), 'quality': str(score),
            'efficiency': str(max(3, score - rng.choice([0, 0, 1]))),
            'result': str(score),
            'comments': rng.choice(["满意", "维修及时", "态度很好",
                    "希望以后更快一些", ""]),
            }
        if method == 'door':
            values.update({
                    'signed_by': (ticket.reporter.name if ticket.reporter
                        else "业主"),
                    'signature': SIGNATURE,
                    'signature_name': 'visit-form.png'})
        return values
    visit_records = Visit.create([visit_values(t, d) for t, d in visits])
    for (ticket, visited_at), _ in zip(visits, visit_records):
        history_dates[ticket.id]['visited'] = visited_at
    Ticket.close([t for t, _ in to_close])
    for ticket, closed_at in to_close:
        ticket.closed_at = closed_at
        history_dates[ticket.id]['closed'] = closed_at
    Ticket.save([t for t, _ in to_close])
    Ticket.cancel(to_cancel)
    for order, dispatched, done in orders:
        order.dispatched_at = dispatched + dt.timedelta(minutes=10)
        policy = order.ticket.get_policy()
        if order.appointment_at:
            order.appointment_at = order.dispatched_at + dt.timedelta(
                hours=rng.choice([1, 2, 3]))
            order.onsite_deadline = order.appointment_at
        else:
            order.onsite_deadline = order.dispatched_at + dt.timedelta(
                minutes=policy.onsite_minutes)
        # on site a few minutes early, now and then late
        arrived = order.onsite_deadline + dt.timedelta(
            minutes=rng.choice([-10, -5, -5, -2, 15]))
        if order.state == 'done' or arrived < now:
            order.arrived_at = min(arrived, done) if order.state == 'done' \
                else arrived
            order.arrival_breached = order.arrived_at > order.onsite_deadline
        if order.state == 'done':
            order.done_at = done
            # checked before it was done: self, team leader, spot check
            for name, minutes in [('self_checked_at', 40),
                    ('leader_checked_at', 20), ('spot_checked_at', 5)]:
                if getattr(order, name, None):
                    setattr(order, name, done - dt.timedelta(
                            minutes=minutes))
    WorkOrder.save([o for o, *_ in orders])

    # The state changes tell when each step really happened
    lines = StateChange.search([
            ('record', 'in', [str(t) for t in tickets]),
            ])
    for line in lines:
        if line.from_state is None:
            line.date = line.record.received_at
        else:
            line.date = history_dates.get(line.record.id, {}).get(
                line.to_state, line.date)
    StateChange.save(lines)
    return tickets + drafts


def _sent_back(pool, staff):
    """A repair the owner scored 1-2 at the return visit: the job goes
    back to engineering, a rework counted, the ticket open again"""
    Ticket = pool.get('property.ticket')
    Visit = pool.get('property.return_visit')
    for ticket in Ticket.search([('state', '=', 'resolved'),
                ('kind', 'in', ['repair_unit', 'repair_common'])]):
        if any(w.state == 'done' for w in ticket.work_orders):
            Visit.create([{'ticket': ticket.id, 'method': 'phone',
                        'visitor': staff['supervisor'].id,
                        'attitude': '3', 'efficiency': '2',
                        'quality': '2', 'result': '1',
                        'comments': "维修后仍然漏水, 要求返修"}])
            return


def _patrols_and_handovers(pool, rng, staff, categories):
    Patrol = pool.get('property.patrol')
    PatrolLine = pool.get('property.patrol.line')
    Handover = pool.get('property.shift.handover')
    Issue = pool.get('property.collective_issue')
    Ticket = pool.get('property.ticket')
    Employee = pool.get('company.employee')
    Building = pool.get('property.building')
    now = clock().replace(second=0, microsecond=0)
    inspector, = Employee.search([('party.name', '=', "郑强")])
    site = staff['sites'][0]
    buildings = Building.search([('site', '=', site.id)])
    patrols = []
    for days in range(6, -1, -1):
        building = buildings[days % len(buildings)]
        patrols.append({'site': site.id, 'building': building.id,
                'inspector': inspector.id,
                'date': now - dt.timedelta(days=days, hours=2),
                'route': f"{building.name} 1-{building.floors} 层及地下室",
                'lines': [('create', [
                            {'sequence': 1, 'item': "楼道照明",
                                'result': 'ok'},
                            {'sequence': 2, 'item': "消防通道及器材",
                                'result': 'ok'},
                            {'sequence': 3, 'item': "电梯运行",
                                'result': 'fail' if days == 2 else 'ok',
                                'category': categories['LFT'].id,
                                'note': "3号梯运行有异响"
                                if days == 2 else None},
                            {'sequence': 4, 'item': "公共区域卫生",
                                'result': 'ok'},
                            ])]})
    patrols = Patrol.create(patrols)
    PatrolLine.create_ticket([l for p in patrols for l in p.lines])
    Patrol.do(patrols[:-1])

    noise = Ticket.search([('category.code', '=', 'NOI'),
            ('state', 'in', ['open', 'assigned', 'in_progress']),
            ('site', '=', site.id)], limit=3)
    if noise:
        Issue.create([{'name': "关于夜间噪音问题的公开信",
                    'site': site.id, 'category': categories['NOI'].id,
                    'description': "多位业主反映夜间噪音",
                    'answer': "管理处已加强夜间巡查, 并张贴文明公约。",
                    'tickets': [('add', [t.id for t in noise])]}])
    clerks = staff['clerks']
    handovers = Handover.create([{'site': site.id,
                'date': now - dt.timedelta(days=d, hours=h),
                'from_employee': clerks[d % 2].id,
                'to_employee': clerks[(d + 1) % 2].id,
                'items': "对讲机 2 部, 钥匙柜钥匙 1 把, 业主寄存快递 3 件"}
            for d, h in [(2, 4), (1, 4), (0, 4)]])
    Handover.confirm_from(handovers)
    Handover.confirm_to(handovers[:-1])


def _photo(colour, mark):
    "A photo from the supervisor's phone (a drawn scene: the demo has none)"
    from io import BytesIO
    from PIL import Image, ImageDraw
    image = Image.new('RGB', (320, 240), (150, 150, 155))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 170, 320, 240], fill=colour)
    draw.rectangle(mark, outline=(220, 30, 30), width=4)
    buffer = BytesIO()
    image.save(buffer, format='JPEG', quality=80)
    return buffer.getvalue()


def _incidents(pool, company, staff):
    """事故报告单 (seed 001): the supervisor of Garden Court reports a burst
    pipe in the car park an hour ago with two photos and files it (the
    manager is told: level 1); a fall in the lobby is still a draft"""
    Incident = pool.get('property.incident')
    Building = pool.get('property.building')
    site = staff['sites'][0]
    supervisor = staff['supervisor']
    now = clock().replace(second=0, microsecond=0)
    office_now = to_office(now, company)
    # an hour ago, but on the office's today (filed the same day)
    occurred = to_utc(max(office_now - dt.timedelta(hours=1),
            office_now.replace(hour=0, minute=0)), company)
    buildings = Building.search([('site', '=', site.id)], limit=1)
    burst, fall = Incident.create([{'site': site.id,
                'building': buildings[0].id if buildings else None,
                'location': "地下二层车库 17 号柱旁",
                'occurred_at': occurred,
                'title': "地下车库给水主管爆裂",
                'description': "给水主管接头爆裂, 车库积水约 5 cm, "
                "两辆业主车辆轮胎浸水。",
                'persons': "车主张先生 (B2-017 车位), 车主刘女士 (B2-019 车位); "
                "秩序维护员郑大伟在场",
                'actions': "关闭 B2 区给水总阀; 通知工程部抢修; 设置警示"
                "围挡并疏导车辆; 通知两位车主挪车。",
                'reporter': supervisor.id,
                'photos': [('create', [
                            {'photo': _photo((70, 90, 140), [40, 60, 200, 200]),
                                'photo_name': 'b2-pipe.jpg',
                                'caption': "爆裂的给水主管接头",
                                'taken_at': occurred},
                            {'photo': _photo((60, 80, 130), [120, 150, 300, 230]),
                                'photo_name': 'b2-water.jpg',
                                'caption': "车库积水情况",
                                'taken_at': occurred}])]}, {
                'site': site.id, 'location': "1 号楼大堂",
                'occurred_at': occurred, 'title': "访客大堂滑倒",
                'description': "雨天大堂地面湿滑, 一名访客滑倒, 手腕擦伤。",
                'persons': "访客王女士", 'level': '2',
                'reporter': supervisor.id}])
    Incident.file([burst])


def _defects(pool, company, staff):
    """工程遗留问题 (seed 001): the builder's warranties of Garden Court, the
    roof's ending within the month (the office is reminded); defects found
    at the handover inspection: one at the builder past its promised date,
    one repaired, checked and closed after a call to the owner"""
    Party = pool.get('party.party')
    Warranty = pool.get('property.warranty')
    Defect = pool.get('property.defect')
    Unit = pool.get('property.unit')
    Building = pool.get('property.building')
    Employee = pool.get('company.employee')
    site = staff['sites'][0]
    today = office_date(clock(), company)
    builder, developer = Party.create([{'name': "中建三局第二建设公司"},
            {'name': "华景房地产开发有限公司"}])
    buildings = Building.search([('site', '=', site.id)], limit=1)
    roof, pipes = Warranty.create([{'site': site.id,
                'building': buildings[0].id if buildings else None,
                'component': "屋面防水", 'party': builder.id,
                'start': today - dt.timedelta(days=5 * 365 - 20),
                'end': today + dt.timedelta(days=20)}, {
                'site': site.id, 'component': "给排水管道",
                'party': builder.id,
                'start': today - dt.timedelta(days=400),
                'end': today + dt.timedelta(days=330)}])
    units = Unit.search([('building.site', '=', site.id)], limit=2,
        order=[('id', 'ASC')])
    if len(units) < 2:
        return
    keeper = Employee.search([('party.name', '=', "郑强")], limit=1)
    late, done = Defect.create([{'site': site.id, 'unit': units[0].id,
                'found_on': today - dt.timedelta(days=12),
                'source': 'handover', 'party': builder.id,
                'warranty': roof.id,
                'description': "顶层卧室天花板雨后渗水",
                'promised_date': today - dt.timedelta(days=2)}, {
                'site': site.id, 'unit': units[1].id,
                'found_on': today - dt.timedelta(days=10),
                'source': 'handover', 'party': developer.id,
                'warranty': pipes.id,
                'description': "厨房下水管接口滴漏",
                'promised_date': today - dt.timedelta(days=4)}])
    Defect.send([late, done])
    if keeper:
        Defect.write([late], {'progress': [('create', [{
                            'employee': keeper[0].id, 'method': 'phone',
                            'note': "施工单位称材料未到, 催促尽快进场"}])]})
    Defect.write([done], {'quality': "接口更换, 通水 24 小时无滴漏"})
    Defect.repaired([done])
    Defect.write([done], {'visit_method': 'phone',
            'visit_result': "业主确认已修好, 满意"})
    Defect.close([done])


def _assignments(pool, staff):
    """次日由管理员分配给责任人 (seed 004): this morning Garden Court's
    unfinished work of the earlier days has its responsible for the day,
    the technician it was assigned to or its department's head; the other
    site's list is still to assign"""
    Ticket = pool.get('property.ticket')
    Assignment = pool.get('property.ticket.assignment')
    site = staff['sites'][0]
    tickets = Ticket.search([('to_assign', '=', True),
            ('site', '=', site.id)])
    values = []
    for ticket in tickets:
        responsible = ticket.assignee or (ticket.category.department.head
            if ticket.category and ticket.category.department else None)
        if responsible:
            values.append({'ticket': ticket.id,
                    'responsible': responsible.id,
                    'note': "今日内完成并回复业主"})
    Assignment.create(values)


def _meetings(pool, staff):
    """会议制度 (seed 001): the last week's meetings of Garden Court, the
    morning meetings and the day's summaries of the working days (the last
    summary still waiting for the manager's review), and last Friday's
    weekly meeting, signed by every attendee and reviewed, whose action
    became a ticket; today's morning meeting is a draft"""
    Meeting = pool.get('property.meeting')
    Attendee = pool.get('property.meeting.attendee')
    Action = pool.get('property.meeting.action')
    Category = pool.get('property.ticket.category')
    site = staff['sites'][0]
    supervisor = staff['supervisor']
    clerks = list(staff['clerks'])
    head = staff['departments']['engineering'].head
    today = office_date(clock(), site.company)
    days = [today - dt.timedelta(days=n) for n in range(7, 0, -1)]
    workdays = [d for d in days if d.weekday() < 5]
    people = [{'employee': e.id} for e in [supervisor] + clerks]
    values = []
    for day in workdays:
        values.append({'site': site.id, 'kind': 'morning', 'date': day,
                'chair': supervisor.id,
                'attendees': [('create', people)],
                'minutes': "安排当日岗位: 前台接待、电话接听、巡楼各一人。",
                'decisions': "巡楼重点: 装修楼层、地下车库。"})
        values.append({'site': site.id, 'kind': 'daily_summary',
                'date': day, 'chair': supervisor.id,
                'attendees': [('create', people)],
                'minutes': "当日报修均已派工, 未完成事项列入日未处理"
                "工作盘点表。",
                'decisions': "次日晨会分配未完成事项的责任人。"})
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
    values.append({'site': site.id, 'kind': 'weekly', 'date': friday,
            'chair': (site.manager or supervisor).id,
            'attendees': [('create', people + (
                            [{'employee': head.id}] if head else []))],
            'minutes': "通报本周报修、投诉及回访情况; 工程部汇报 1 号楼"
            "门禁故障。",
            'decisions': "1 号楼大堂门禁闭门器下周一前更换; 投诉回访率"
            "须达到目标。",
            'actions': [('create', [{
                            'description': "1 号楼大堂门禁闭门器损坏, "
                            "更换",
                            'responsible': head.id if head else None,
                            'due_date': friday + dt.timedelta(days=3),
                            'category': Category.search(
                                [('code', '=', 'ELE')])[0].id}])]})
    values.append({'site': site.id, 'kind': 'morning', 'date': today,
            'chair': supervisor.id, 'attendees': [('create', people)]})
    meetings = Meeting.create(values)
    held = [m for m in meetings if m.date < today]
    Meeting.hold(held)
    Attendee.write([a for m in held if m.kind == 'weekly'
            for a in m.attendees], {'signed_at': clock()})
    weekly = [m for m in held if m.kind == 'weekly']
    Action.create_ticket([a for m in weekly for a in m.actions])
    last_summary = max((m for m in held if m.kind == 'daily_summary'),
        key=lambda m: m.date)
    reviewed = [m for m in held if m != last_summary]
    Meeting.write(weekly, {'review': "同意, 门禁更换完成后回访业主。"})
    Meeting.do_review(reviewed)
    return meetings


def _office_reports(pool, staff):
    """日报、周报、月报 (seeds 001, 004): Garden Court's daily report of
    yesterday, weekly report of last week and monthly report of last month,
    prepared by the front desk"""
    Report = pool.get('property.helpdesk.office_report')
    site = staff['sites'][0]
    clerk = staff['clerks'][0] if staff['clerks'] else None
    today = office_date(clock(), site.company)
    last_month = (today.replace(day=1) - dt.timedelta(days=1))
    return Report.create([{'site': site.id, 'period': period, 'date': date,
                'author': clerk.id if clerk else None, 'summary': summary}
            for period, date, summary in [
                ('daily', today - dt.timedelta(days=1),
                    "报修均已派工; 一户投诉噪音, 已电话回复。"),
                ('weekly', today - dt.timedelta(days=7),
                    "本周报修处理及时, 门禁故障已列入周例会待办事项。"),
                ('monthly', last_month,
                    "本月服务指标见下表, 投诉回访率低于目标, 下月加强"
                    "回访。")]])
