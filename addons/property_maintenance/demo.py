# This file is part of the property-management suite.
"""Demo part of property_maintenance: Garden Court's equipment register,
the lifts' inspection certificates (one expiring within the month, one
expired), maintenance plans (the lifts every 15 days by their contractor,
the pumps monthly, the generator quarterly) whose jobs of the last two
months were done, one on time and one late, and one left overdue and
escalated; the storeroom (Tryton's warehouse) counted in with an
inventory, materials issued to done jobs, and its minimum quantities with
one product to reorder. engineering.gc keeps the storeroom (Tryton's Stock
group); this month's fire equipment round with a failed extinguisher
turned into a repair ticket; the patrol route of Garden Court with its
check points, yesterday's day rounds walked and its night round missed
(alerted); with billing, a paid repair in a home whose seal from the
storeroom is charged to its owner with the service; the engineering KPIs
of last month and of this month to yesterday. Called by scripts/demo.py."""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.modules.property_helpdesk.demo import check_repair

CATEGORIES = [
    ('LIFT', "电梯", 'lift', True),
    ('PUMP', "生活水泵", 'water_pump', False),
    ('GEN', "柴油发电机", 'generator', False),
    ('EXT', "灭火器", 'fire_extinguisher', False),
    ('HYD', "消火栓", 'fire_hydrant', False),
    ('FAP', "火灾报警控制器", 'fire_alarm', False),
    ('CCTV', "监控摄像机", 'cctv', False),
    ('ACC', "门禁", 'access_control', False),
    ('LGT', "公共照明", 'lighting', False),
    ]
LIFT_CHECKLIST = ["曳引机及制动器", "钢丝绳", "门锁回路", "轿厢照明及对讲",
    "限速器", "底坑清洁"]
PUMP_CHECKLIST = ["轴承及润滑", "机械密封", "压力表读数", "控制柜"]
GENERATOR_CHECKLIST = ["空载试运行 15 分钟", "蓄电池电压", "燃油液位"]
# The storeroom's materials: name, cost, counted, minimum
MATERIALS = [
    ("轴承 6205", '12.50', 20, 8),
    ("机械密封 CR32", '86.00', 4, 2),
    ("电梯门锁触点", '35.00', 6, 4),
    ("黄油 1kg", '18.00', 10, 3),
    ("LED 灯管 T8 18W", '9.80', 30, 40),
    ]


def build(pool, company, rng, log):
    Category = pool.get('property.equipment.category')
    if Category.search([], limit=1):
        log("maintenance demo already loaded")
        return
    Equipment = pool.get('property.equipment')
    Certificate = pool.get('property.equipment.certificate')
    Plan = pool.get('property.maintenance.plan')
    WorkOrder = pool.get('property.work_order')
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Department = pool.get('property.department')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    from trytond.modules.property_base.common import to_utc
    today = pool.get('ir.date').today()

    categories = {code: c for (code, *_), c in zip(CATEGORIES,
            Category.create([{'code': code, 'name': name, 'kind': kind,
                        'certified': certified}
                    for code, name, kind, certified in CATEGORIES]))}
    site, = Site.search([('code', '=', 'GC')])
    buildings = Building.search([('site', '=', site.id),
            ('type', '=', 'residential')], order=[('code', 'ASC')])
    otis, = Party.create([{'name': "奥的斯电梯（中国）维保分公司"}])
    install = today - relativedelta(years=6, month=5, day=18)
    values = []
    for building in buildings:
        for n in (1, 2):
            values.append({'site': site.id, 'building': building.id,
                    'code': f'DT-{building.code}-{n}',
                    'name': f'{building.name}{n}号电梯',
                    'category': categories['LIFT'].id,
                    'location': f'{building.name}电梯井',
                    'make': "奥的斯", 'model': "GeN2-MRL",
                    'serial_number': f'OT{2020000 + len(values):07d}',
                    'contractor': otis.id, 'criticality': 'critical',
                    'install_date': install,
                    'warranty_end': install + relativedelta(years=2)})
        for n in range(1, 5):
            values.append({'site': site.id, 'building': building.id,
                    'code': f'MHQ-{building.code}-{n:02d}',
                    'name': f'{building.name}{n * 3}层灭火器',
                    'category': categories['EXT'].id,
                    'location': f'{building.name}{n * 3}层消防箱',
                    'make': "淮海", 'model': "MFZ/ABC4",
                    'criticality': 'high', 'install_date': install})
        values.append({'site': site.id, 'building': building.id,
                'code': f'XHS-{building.code}', 'name': f'{building.name}消火栓',
                'category': categories['HYD'].id,
                'location': f'{building.name}首层大堂',
                'criticality': 'high', 'install_date': install})
    values += [
        {'site': site.id, 'code': 'SB-1', 'name': "生活水泵1号",
            'category': categories['PUMP'].id, 'location': "地下一层水泵房",
            'make': "格兰富", 'model': "CR 32-4", 'serial_number': 'GF88231',
            'criticality': 'critical', 'install_date': install},
        {'site': site.id, 'code': 'SB-2', 'name': "生活水泵2号（备用）",
            'category': categories['PUMP'].id, 'location': "地下一层水泵房",
            'make': "格兰富", 'model': "CR 32-4", 'serial_number': 'GF88232',
            'criticality': 'high', 'install_date': install},
        {'site': site.id, 'code': 'FDJ-1', 'name': "备用柴油发电机",
            'category': categories['GEN'].id, 'location': "地下一层发电机房",
            'make': "康明斯", 'model': "C250D5", 'criticality': 'critical',
            'install_date': install},
        {'site': site.id, 'code': 'BJ-1', 'name': "火灾报警控制器",
            'category': categories['FAP'].id, 'location': "消防控制室",
            'make': "海湾", 'model': "JB-QB-GST200",
            'criticality': 'critical', 'install_date': install},
        {'site': site.id, 'code': 'JK-1', 'name': "南门监控摄像机",
            'category': categories['CCTV'].id, 'location': "南门岗",
            'make': "海康威视", 'model': "DS-2CD3T46", 'criticality': 'medium',
            'install_date': install},
        {'site': site.id, 'code': 'MJ-1', 'name': "南门人行门禁",
            'category': categories['ACC'].id, 'location': "南门岗",
            'criticality': 'medium', 'install_date': install},
        {'site': site.id, 'code': 'ZM-1', 'name': "中心花园庭院灯",
            'category': categories['LGT'].id, 'location': "中心花园",
            'criticality': 'low', 'install_date': install},
        ]
    equipment = Equipment.create(values)
    lifts = [e for e in equipment if e.category == categories['LIFT']]
    # The camera waits for a part
    Equipment.stop([e for e in equipment if e.code == 'JK-1'])

    # The lifts' periodic inspection certificates (定期检验合格证): valid for
    # a year; the first lift's expires within the month, the last one's
    # has expired (the lift shows out of service until renewed)
    certificates = []
    for i, lift in enumerate(lifts):
        if i == 0:
            expiry = today + dt.timedelta(days=20)
        elif i == len(lifts) - 1:
            expiry = today - dt.timedelta(days=3)
        else:
            expiry = today + dt.timedelta(days=60 + 25 * i)
        certificates.append({'equipment': lift.id,
                'name': "电梯定期检验合格证",
                'authority': "市特种设备检验研究院",
                'number': f'TS{today.year - 1}-{3100 + i}',
                'issue_date': expiry - relativedelta(years=1),
                'expiry_date': expiry})
    Certificate.create(certificates)

    engineering, = Department.search([('name', '=', "工程部")], limit=1)
    start = today - dt.timedelta(days=59)
    pumps = [e for e in equipment if e.category == categories['PUMP']]
    generator, = [e for e in equipment if e.category == categories['GEN']]
    Plan.create([{
                'name': "电梯半月保养", 'site': site.id,
                'category': categories['LIFT'].id,
                'frequency': 'days', 'interval': 15, 'start_date': start,
                'department': engineering.id, 'contractor': otis.id,
                'description': "按《电梯维护保养规则》每 15 日维保一次",
                'items': [('create', [{'sequence': i, 'name': n}
                            for i, n in enumerate(LIFT_CHECKLIST)])],
                }] + [{
                'name': f'{pump.name}月度保养', 'site': site.id,
                'equipment': pump.id, 'frequency': 'monthly',
                'start_date': start + dt.timedelta(days=5),
                'department': engineering.id,
                'items': [('create', [{'sequence': i, 'name': n}
                            for i, n in enumerate(PUMP_CHECKLIST)])],
                } for pump in pumps] + [{
                'name': "发电机季度保养", 'site': site.id,
                'equipment': generator.id, 'frequency': 'quarterly',
                'start_date': start + dt.timedelta(days=10),
                'department': engineering.id,
                'items': [('create', [{'sequence': i, 'name': n}
                            for i, n in enumerate(GENERATOR_CHECKLIST)])],
                }])
    jobs = WorkOrder.browse(Plan.create_jobs(today))
    technician = engineering.head or Employee.search([], limit=1)[0]
    # The jobs due before the last week were done, on their day, but one
    # lift's a day late; the last lift's job of the week before is left
    # undone (overdue)
    done = [j for j in jobs if j.due_date < today - dt.timedelta(days=7)]
    late = done[:1]
    undone = [j for j in jobs if j.due_date < today and j not in done][-1:]
    WorkOrder.write(jobs, {'technician': technician.id})
    WorkOrder.write(done, {'checks': [('write',
                    [c.id for j in done for c in j.checks],
                    {'result': 'ok'})]})
    WorkOrder.dispatch(done + undone)
    WorkOrder.finish(done)
    for job in done:
        day = job.due_date + dt.timedelta(days=1 if job in late else 0)
        job.done_at = to_utc(dt.datetime.combine(day, dt.time(15, 30)))
        job.dispatched_at = to_utc(dt.datetime.combine(day, dt.time(8, 30)))
    WorkOrder.save(done)
    WorkOrder.escalate_overdue(today)
    products = _storeroom(pool, site, done, rng)
    _fire_check(pool, site, engineering, today)
    _patrols(pool, site, today)
    _paid_materials(pool, site, engineering, technician, products)
    KPI = pool.get('property.maintenance.kpi')
    KPI.compute(today.replace(day=1))
    KPI.compute(today)
    log(f"{len(equipment)} pieces of equipment, {len(jobs)} planned jobs")


def _storeroom(pool, site, done, rng):
    """The storeroom counted in with Tryton's inventory, materials issued
    to the done jobs, minimum quantities"""
    from decimal import Decimal
    Location = pool.get('stock.location')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Inventory = pool.get('stock.inventory')
    Material = pool.get('property.work_order.material')
    Minimum = pool.get('property.stock.minimum')
    User = pool.get('res.user')
    Group = pool.get('res.group')
    ModelData = pool.get('ir.model.data')
    warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
    site.storeroom = warehouse
    site.save()
    # by its XML id: its name reads in the demo's language (中文)
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    templates = Template.create([{'name': name, 'type': 'goods',
                'default_uom': unit.id, 'products': [('create', [{}])]}
            for name, *_ in MATERIALS])
    products = [t.products[0] for t in templates]
    for product, (_, cost, *_) in zip(products, MATERIALS):
        product.cost_price = Decimal(cost)
    pool.get('product.product').save(products)
    inventory, = Inventory.create([{
                'location': warehouse.storage_location.id,
                'lines': [('create', [{'product': p.id, 'quantity': counted}
                            for p, (_, _, counted, _) in zip(
                                products, MATERIALS)])]}])
    Inventory.confirm([inventory])
    Minimum.create([{'warehouse': warehouse.id, 'product': p.id,
                'minimum': minimum}
            for p, (*_, minimum) in zip(products, MATERIALS)])
    # the pumps' jobs used bearings and grease
    pumps = [j for j in done if j.equipment.category.kind == 'water_pump']
    materials = Material.create([{'work_order': j.id,
                'product': products[i].id, 'quantity': 1}
            for j in pumps for i in (0, 3)])
    Material.issue(materials)
    # the head of engineering keeps the storeroom
    users = User.search([('login', '=', 'engineering.gc')])
    if users:
        User.write(users, {'groups': [('add', [Group(ModelData.get_id(
                                'stock', 'group_stock')).id])]})
    return products


def _paid_materials(pool, site, engineering, technician, products):
    """With billing: a paid repair (有偿服务) in an owner's home, its seal
    issued from the storeroom and charged to the owner with the service"""
    try:
        Configuration = pool.get('property.billing.configuration')
    except KeyError:
        return
    Unit = pool.get('property.unit')
    Ticket = pool.get('property.ticket')
    TicketCategory = pool.get('property.ticket.category')
    WorkOrder = pool.get('property.work_order')
    Material = pool.get('property.work_order.material')
    if not Configuration.get_value('service_fee_type', site.company):
        return
    homes = [u for u in Unit.search([('site', '=', site.id)],
            order=[('id', 'ASC')]) if u.owners]
    categories = TicketCategory.search([('code', '=', 'PLB')], limit=1)
    if not homes or not categories:
        return
    home = homes[0]
    ticket, = Ticket.create([{'company': site.company.id,
                'site': site.id, 'unit': home.id,
                'reporter': home.owners[0].id, 'channel': 'phone',
                'kind': 'repair_unit', 'category': categories[0].id,
                'description': "厨房增压泵漏水, 业主要求有偿维修"}])
    order, = WorkOrder.create([{'ticket': ticket.id,
                'department': engineering.id, 'technician': technician.id,
                'description': "更换增压泵机械密封",
                'paid_service': True, 'amount': Decimal('60')}])
    WorkOrder.dispatch([order])
    materials = Material.create([{'work_order': order.id,
                'product': products[1].id, 'quantity': 1}])
    Material.issue(materials)
    order.report = "已更换机械密封, 业主确认"
    order.save()
    check_repair(pool, order)
    WorkOrder.finish([order])


def _fire_check(pool, site, engineering, today):
    "This month's round, every item checked, one extinguisher failed"
    FireCheck = pool.get('property.fire.check')
    TicketCategory = pool.get('property.ticket.category')
    Employee = pool.get('company.employee')
    fire, = TicketCategory.create([{'code': 'FIR', 'name': "消防设施",
                'department': engineering.id, 'default_level': '2'}])
    guards = Employee.search([('party.name', '=', "郑大伟")], limit=1)
    check, = FireCheck.create_monthly(today)
    lines = list(check.lines)
    for line in lines:
        line.result = 'ok'
    lines[1].result = 'fail'
    lines[1].category = fire
    lines[1].note = "压力表指针在红区，需充装"
    check.lines = lines
    check.inspector = guards[0] if guards else None
    check.save()
    FireCheck.do([check])


def _patrols(pool, site, today):
    "The route, yesterday's two day rounds walked, the night round missed"
    from trytond.modules.property_base.common import to_utc
    PatrolPlan = pool.get('property.patrol.plan')
    Patrol = pool.get('property.patrol')
    Employee = pool.get('company.employee')
    plan, = PatrolPlan.create([{'name': "锦绣花园全区巡查路线",
                'site': site.id, 'rounds_day': 2, 'rounds_night': 1,
                'points': [('create', [
                            {'sequence': 1, 'name': "南门岗",
                                'items': "道闸及岗亭\n消防通道畅通"},
                            {'sequence': 2, 'name': "中心花园",
                                'items': "庭院灯\n儿童游乐设施"},
                            {'sequence': 3, 'name': "地下车库",
                                'items': "排水沟\n应急照明"},
                            {'sequence': 4, 'name': "水泵房",
                                'items': "门已上锁\n水泵运行声音正常"},
                            ])]}])
    inspector = (Employee.search([('party.name', '=', "王志刚")], limit=1)
        or Employee.search([], limit=1))[0]
    yesterday = today - dt.timedelta(days=1)
    patrols = []
    for hour in (9, 15):
        patrol = Patrol(site=site, inspector=inspector, plan=plan,
            date=to_utc(dt.datetime.combine(yesterday, dt.time(hour))))
        patrol.on_change_plan()
        patrols.append(patrol)
    Patrol.save(patrols)
    Patrol.do(patrols)
