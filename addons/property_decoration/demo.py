# This file is part of the property-management suite.
"""Demo part of property_decoration: the renovation policy, decoration
companies and the renovations of both sites in every state - applications
waiting at the front desk, one rejected, one waiting for its deposit, jobs
in progress with their workers' passes and daily inspections, two
violations with rectification notices (one rectified, one overdue and
escalated to a stop-work order), a job awaiting a second acceptance, one
settled with a deduction and its deposit refunded, two closed.

Called by scripts/demo.py with the demo company in the context. The jobs
go through the module's own workflow, each step as the clerk of the step
(front desk, manager, building manager, finance) on the day it happened:
ir.date gives that day while the step runs, so that permits, inspections,
invoices and payments carry it, and the state changes recorded are set
back to it afterwards.

The deposit and settlement invoices share the numbering of the fee
invoices, which must follow the invoice dates: a renovation step that
invoices cannot be dated before the last fee invoice (the 1st of the month
billed by the billing demo). The days of the jobs are counted back from
today and brought forward to that date when earlier."""
import datetime as dt
from contextlib import contextmanager, nullcontext
from decimal import Decimal

from trytond.modules.property_base.common import to_utc

CONTRACTORS = [
    # name, business licence, qualification certificate, phone
    ("济南匠心装饰工程有限公司", '91370102MA3C2K7L5X', 'D237010231',
        '0531-86012345'),
    ("山东美居装饰设计有限公司", '91370100MA3D8P2Q1M', 'D237000158',
        '0531-88123456'),
    ("济南华艺建筑装饰有限公司", '91370105MA3F4R9T6N', 'D237010877',
        '0531-85567890'),
    ("济南安居家装服务有限公司", '91370112MA3H1W5E3K', None,
        '0531-87765432'),
    ]
WORKERS = ("赵德胜 钱广平 孙建军 李长青 周永利 吴国华 郑金龙 王振东 冯德海 "
    "陈立新 褚宝山 卫东升 蒋红旗 沈开明 韩玉林 杨春生 朱大勇 秦海波 尤志刚 "
    "许满仓 何庆丰 吕文斌 施长江 张铁柱").split()
TRADES = ["水电工", "瓦工", "木工", "油漆工", "杂工", "防水工"]
SCOPES = [
    ('walls', "客厅及卧室墙面刮腻子、刷乳胶漆", "86 m²"),
    ('floors', "客厅、卧室铺设实木复合地板", "58 m²"),
    ('ceiling', "客厅、餐厅石膏板吊顶", "28 m²"),
    ('electrical', "全屋电路改造（不增加用电负荷）", "1 套"),
    ('plumbing', "厨房、卫生间给水管更换", "2 间"),
    ('waterproofing', "卫生间防水层重做及 24 小时闭水试验", "6 m²"),
    ('kitchen_bath', "厨房橱柜、卫生间洁具更换", "2 间"),
    ('doors_windows', "室内木门更换（不改变入户门及外窗）", "4 樘"),
    ('air_conditioning', "空调室外机在指定位置安装", "3 台"),
    ]
DESCRIPTIONS = ["新房精装修", "二手房翻新", "局部改造：厨卫翻新",
    "墙面、地面翻新", "儿童房改造"]
NOTES = ["施工正常，材料堆放整齐", "工人均持出入证，现场配有灭火器",
    "装修垃圾已袋装，按时清运", "施工时间符合规定", "电路改造已拍照留底"]

# The jobs: key, site, contractor (index in CONTRACTORS, None: the owner's
# own workers), workers, then the steps as (days before today, step,
# arguments), in the order of the procedure
# The oldest step is planned this many days before today
PLANNED_DAYS = 60
JOBS = [
    ('closed', 'GC', 0, 3, [
            (58, 'apply', {}), (58, 'submit', {}), (57, 'approve', {}),
            (56, 'pay_deposit', {}), (55, 'start', {}),
            (54, 'inspect', {}), (47, 'inspect', {}), (40, 'inspect', {}),
            (33, 'inspect', {}), (26, 'inspect', {}),
            (22, 'complete', {}), (21, 'accept', {}), (20, 'settle', {}),
            (20, 'refund', {}), (19, 'close', {})]),
    ('closed_own', 'RV', None, 2, [
            (50, 'apply', {}), (50, 'submit', {}), (49, 'approve', {}),
            (49, 'pay_deposit', {}), (48, 'start', {}),
            (45, 'inspect', {}), (38, 'inspect', {}), (31, 'inspect', {}),
            (24, 'complete', {}), (23, 'accept', {}), (22, 'settle', {}),
            (21, 'refund', {}), (21, 'close', {})]),
    ('settled', 'GC', 1, 3, [
            (45, 'apply', {}), (45, 'submit', {}), (44, 'approve', {}),
            (43, 'pay_deposit', {}), (42, 'start', {}),
            (40, 'inspect', {}),
            (35, 'inspect', {'findings': [
                        ('V25', "工人未经预约用客梯运送瓷砖，轿厢壁板划伤")]}),
            (35, 'notify', {}), (34, 'rectify', {}),
            (28, 'inspect', {}), (21, 'inspect', {}), (14, 'inspect', {}),
            (10, 'complete', {}), (9, 'accept', {}), (8, 'settle', {}),
            (7, 'refund', {})]),
    ('completed', 'RV', 2, 3, [
            (40, 'apply', {}), (40, 'submit', {}), (39, 'approve', {}),
            (38, 'pay_deposit', {}), (37, 'start', {}),
            (30, 'inspect', {}), (23, 'inspect', {}), (16, 'inspect', {}),
            (9, 'inspect', {}), (2, 'complete', {}),
            (1, 'accept', {'fail': 'water_test'})]),
    ('in_progress', 'GC', 0, 4, [
            (30, 'apply', {}), (30, 'submit', {}), (29, 'approve', {}),
            (28, 'pay_deposit', {}), (27, 'start', {})]
        + [(n, 'inspect', {}) for n in range(6, -1, -1)]),
    ('stopped', 'GC', 3, 3, [
            (20, 'apply', {}), (20, 'submit', {}), (19, 'approve', {}),
            (18, 'pay_deposit', {}), (16, 'start', {}),
            (6, 'inspect', {}),
            (5, 'inspect', {'findings': [
                        ('V27', "20:30 仍在切割瓷砖，楼下邻居投诉噪音")]}),
            (5, 'notify', {}), (4, 'inspect', {}), (3, 'inspect', {}),
            (2, 'inspect', {}), (1, 'inspect', {}), (0, 'complaint', {})]),
    ('uninspected', 'RV', 1, 2, [
            (14, 'apply', {}), (14, 'submit', {}), (13, 'approve', {}),
            (12, 'pay_deposit', {}), (10, 'start', {})]
        + [(n, 'inspect', {}) for n in range(5, 0, -1)]),
    ('just_started', 'GC', 2, 2, [
            (6, 'apply', {}), (6, 'submit', {}), (5, 'approve', {}),
            (4, 'pay_deposit', {}), (3, 'start', {}),
            (2, 'inspect', {}), (1, 'inspect', {}), (0, 'inspect', {})]),
    ('approved', 'GC', 1, 0, [
            (4, 'apply', {}), (4, 'submit', {}), (2, 'approve', {})]),
    ('submitted', 'GC', 0, 0, [(2, 'apply', {}), (1, 'submit', {})]),
    ('submitted_missing', 'RV', 2, 0, [
            (1, 'apply', {'missing': ['qualification']}),
            (0, 'submit', {})]),
    ('draft', 'GC', None, 0, [
            (0, 'apply', {'missing': ['worker_identity', 'drawings']})]),
    ('rejected', 'GC', 3, 0, [
            (12, 'apply', {}), (12, 'submit', {}),
            (11, 'reject', {'reason': "施工方案拟拆除卫生间与卧室之间的承重墙"
                    "（剪力墙），违反《住宅室内装饰装修管理办法》，不予批准；"
                    "请修改方案后重新申请。"})]),
    ]


def build(pool, company, rng, log):
    Application = pool.get('property.decoration.application')
    if Application.search([], limit=1):
        log("decoration demo already loaded")
        return
    office = Office(pool, company, rng)
    office.policy()
    office.contractors()
    log(f"decoration: renovation policy, {len(office.contractor_parties)} "
        "decoration companies")
    office.run(JOBS)
    overdue = office.escalate()
    Notice = pool.get('property.decoration.notice')
    states = {}
    for job in Application.search([]):
        states[job.state] = states.get(job.state, 0) + 1
    log("decoration: " + ", ".join(f"{n} {s}" for s, n in sorted(
                states.items())) + " renovations; "
        f"{len(pool.get('property.decoration.worker').search([]))} "
        "workers' passes, "
        f"{len(pool.get('property.decoration.inspection').search([]))} "
        f"inspections, {len(Notice.search([]))} rectification notices "
        f"({overdue} overdue)")


class Office:

    def __init__(self, pool, company, rng):
        self.pool = pool
        self.company = company
        self.rng = rng
        self.today = pool.get('ir.date').today()
        self.floor = self._floor()
        self.jobs = {}
        self.minutes = {}
        self.identities = {}
        User = pool.get('res.user')
        self.users = {u.login: u for u in User.search([('login', 'in', [
                            'admin', 'front.desk.gc', 'front.desk.rv',
                            'manager.gc', 'manager.rv', 'building.gc',
                            'finance'])])}

    def get(self, name):
        return self.pool.get(name)

    def _floor(self):
        "The date of the last fee invoice: no renovation invoice before it"
        Invoice = self.get('account.invoice')
        invoices = Invoice.search([
                ('company', '=', self.company.id),
                ('type', '=', 'out'),
                ('number', '!=', None),
                ], order=[('invoice_date', 'DESC')], limit=1)
        if invoices:
            return min(invoices[0].invoice_date, self.today)
        return self.today - dt.timedelta(days=60)

    def day(self, days):
        """The day of a step planned the days before today: the last week
        as planned, the earlier weeks compressed to begin after the last
        fee invoice"""
        span = (self.today - self.floor).days
        if span < PLANNED_DAYS:
            recent = min(7, span // 2)
            if days > recent:
                days = recent + round((days - recent) * (span - recent)
                    / (PLANNED_DAYS - recent))
        return max(self.today - dt.timedelta(days=days), self.floor)

    def user(self, role, site):
        "The user of the role at the site (the administrator if none)"
        logins = {
            'front_desk': f'front.desk.{site.lower()}',
            'manager': f'manager.{site.lower()}',
            'building': 'building.gc' if site == 'GC'
            else f'manager.{site.lower()}',
            'finance': 'finance',
            }
        return self.users.get(logins[role]) or self.users.get('admin')

    @contextmanager
    def working_day(self, key, day, user):
        """Work as the user on the day: ir.date gives the day, and the
        state changes recorded meanwhile are dated then"""
        from trytond.transaction import Transaction
        Date = self.get('ir.date')
        StateChange = self.get('property.state.change')
        last = StateChange.search([], order=[('id', 'DESC')], limit=1)
        own = Date.__dict__.get('today')
        Date.today = staticmethod(lambda timezone=None: day)
        try:
            with (Transaction().set_user(user.id) if user
                    else nullcontext()):
                yield
        finally:
            if own is None:
                del Date.today
            else:
                Date.today = own
        # One step after the other through the office day
        minutes = self.minutes.get((key, day), 8 * 60 + 30)
        minutes += self.rng.randint(15, 50)
        self.minutes[(key, day)] = minutes
        changes = StateChange.search([('id', '>', last[0].id if last else 0)])
        if changes:
            # office hours, stored in UTC
            StateChange.write(changes, {'date': to_utc(dt.datetime.combine(
                            day, dt.time(min(minutes // 60, 21),
                                minutes % 60)), self.company)})

    # -- the policy ----------------------------------------------------------

    def policy(self):
        "Deposit and deduction accounts, the fees, as the finance clerk"
        Account = self.get('account.account')
        Category = self.get('product.category')
        Template = self.get('product.template')
        Uom = self.get('product.uom')
        FeeType = self.get('property.fee.type')
        Configuration = self.get('property.decoration.configuration')
        Method = self.get('account.invoice.payment.method')
        company = self.company
        deposit, = Account.search([('type.deposit', '=', True),
                ('closed', '!=', True), ('company', '=', company.id)],
            limit=1)
        Account.write([deposit], {'name': "装修押金"})
        revenue, = Account.search([('type.revenue', '=', True),
                ('closed', '!=', True), ('company', '=', company.id)],
            order=[('code', 'ASC'), ('id', 'ASC')], limit=1)
        deduction, = Account.copy([revenue], default={'code': None})
        Account.write([deduction], {'name': "装修违约金及赔偿收入"})
        categories = Category.search([('name', '=', "物业收费"),
                ('accounting', '=', True)], limit=1)
        if categories:
            category, = categories
        else:
            category, = Category.create([{'name': "物业收费",
                        'accounting': True,
                        'account_revenue': revenue.id}])
        uom, = Uom.search([('symbol', '=', 'u')], limit=1)
        fee_types = []
        for code, name in [('DM', "装修管理费"), ('DW', "装修垃圾清运费")]:
            template, = Template.create([{'name': name, 'type': 'service',
                        'default_uom': uom.id,
                        'account_category': category.id,
                        'products': [('create', [{'code': code}])]}])
            fee_types += FeeType.create([{'code': code, 'name': name,
                        'company': company.id,
                        'product': template.products[0].id,
                        'method': 'one_off', 'kind': 'service',
                        'target_rate': Decimal(100)}])
        config = Configuration(1)
        for name, value in [
                ('decoration_deposit_account', deposit.id),
                ('decoration_deduction_account', deduction.id),
                ('decoration_management_fee_type', fee_types[0].id),
                ('decoration_waste_fee_type', fee_types[1].id),
                ('decoration_deposit', Decimal(3000)),
                ('decoration_management_rate', Decimal('2.00')),
                ('decoration_waste_fee', Decimal(300)),
                ('decoration_hours_from', dt.time(8, 0)),
                ('decoration_hours_to', dt.time(18, 0)),
                ('decoration_notice_days', 3),
                ]:
            config.set_multivalue(name, value, company=company.id)
        methods = Method.search([('company', '=', company.id)],
            order=[('id', 'ASC')])
        cash = [m for m in methods if m.name == "现金"]
        self.methods = methods
        self.cash = cash[0] if cash else methods[0]

    def contractors(self):
        Party = self.get('party.party')
        self.contractor_parties = Party.create([{
                    'name': name,
                    'business_licence': licence,
                    'qualification_number': qualification,
                    'contact_mechanisms': [('create', [{
                                    'type': 'phone', 'value': phone}])],
                    } for name, licence, qualification, phone
                in CONTRACTORS])

    # -- the jobs ------------------------------------------------------------

    def run(self, plans):
        "Run the steps of all jobs in the order of their days"
        Unit = self.get('property.unit')
        units = {}
        for site in ['GC', 'RV']:
            homes = Unit.search([('site.code', '=', site),
                    ('site.company', '=', self.company.id),
                    ('type', 'in', ['apartment', 'duplex', 'villa']),
                    ('state', 'in', ['handed_over', 'occupied', 'let']),
                    ], order=[('id', 'ASC')])
            homes = [u for u in homes if u.current_ownerships(
                    self.day(60))]
            units[site] = self.rng.sample(homes, min(len(homes), 12))
        events = []
        for number, (key, site, contractor, workers, steps) in enumerate(
                plans):
            self.jobs[key] = job = {'site': site, 'unit': units[site].pop(),
                'contractor': (self.contractor_parties[contractor]
                    if contractor is not None else None),
                'workers': workers, 'id': None}
            # Planned as the works went, the unfinished ones a while more
            days = {step: self.day(n) for n, step, _ in steps}
            job['planned_start'] = days.get('start', days['apply']
                + dt.timedelta(days=self.rng.randint(3, 7)))
            job['planned_end'] = days['complete'] + dt.timedelta(
                days=self.rng.randint(0, 7)) if 'complete' in days \
                else job['planned_start'] + dt.timedelta(
                    days=self.rng.choice([30, 45, 60]))
            seen = set()
            for order, (days, step, args) in enumerate(steps):
                day = self.day(days)
                if step == 'inspect' and not args and (day in seen):
                    continue    # one inspection a day
                if step == 'inspect':
                    seen.add(day)
                events.append((day, number, order, key, step, args))
        events.sort(key=lambda e: e[:3])
        for day, _, _, key, step, args in events:
            getattr(self, step)(key, day, **args)

    def application(self, key):
        return self.get('property.decoration.application')(
            self.jobs[key]['id'])

    def apply(self, key, day, missing=()):
        "The owner applies at the front desk with the documents"
        Application = self.get('property.decoration.application')
        job = self.jobs[key]
        unit = job['unit']
        rng = self.rng
        owner = unit.current_ownerships(day)[0].party
        with self.working_day(key, day, self.user('front_desk', job['site'])):
            scopes = rng.sample(SCOPES, rng.randint(3, 5))
            application, = Application.create([{
                        'company': self.company.id,
                        'unit': unit.id,
                        'owner': owner.id,
                        'phone': owner.phone,
                        'contractor': (job['contractor'].id
                            if job['contractor'] else None),
                        'date': day,
                        'planned_start': job['planned_start'],
                        'planned_end': job['planned_end'],
                        'description': rng.choice(DESCRIPTIONS),
                        'scope_items': [('create', [{
                                        'kind': kind, 'description': text,
                                        'quantity': quantity}
                                    for kind, text, quantity in scopes])],
                        'documents': [('create', self.documents(
                                        job['contractor'], day, missing))],
                        }])
        job['id'] = application.id

    def documents(self, contractor, day, missing):
        """The documents of the application, received but the missing
        ones; the contractor's only with a contractor, its qualification
        certificate only if it has one"""
        Application = self.get('property.decoration.application')
        documents = []
        for document in Application.default_documents():
            kind = document['kind']
            if kind in {'business_licence', 'qualification'}:
                if not contractor:
                    continue
                if (kind == 'qualification'
                        and not contractor.qualification_number):
                    documents.append(dict(document, required=False,
                            note="无资质证书，仅承接不涉及结构、水电的简单装修"))
                    continue
            received = kind not in missing
            documents.append(dict(document, received=received,
                    received_date=day if received else None))
        return documents

    def submit(self, key, day):
        Application = self.get('property.decoration.application')
        with self.working_day(key, day,
                self.user('front_desk', self.jobs[key]['site'])):
            Application.submit([self.application(key)])

    def approve(self, key, day):
        "The manager approves: the deposit is invoiced, the fees charged"
        Application = self.get('property.decoration.application')
        with self.working_day(key, day,
                self.user('manager', self.jobs[key]['site'])):
            Application.approve([self.application(key)])

    def reject(self, key, day, reason):
        Application = self.get('property.decoration.application')
        with self.working_day(key, day,
                self.user('manager', self.jobs[key]['site'])):
            job = self.application(key)
            Application.write([job], {'rejection_reason': reason})
            Application.reject([job])

    def _pay(self, invoice, day, method):
        Invoice = self.get('account.invoice')
        MoveLine = self.get('account.move.line')
        invoice = Invoice(invoice.id)
        lines = invoice.pay_invoice(invoice.amount_to_pay, method, day)
        MoveLine.reconcile(list(invoice.lines_to_pay) + lines)
        Invoice.process([invoice])

    def pay_deposit(self, key, day):
        "The owner pays the deposit at the counter or by transfer"
        with self.working_day(key, day,
                self.user('finance', self.jobs[key]['site'])):
            method = self.rng.choice([self.cash] + self.methods)
            self._pay(self.application(key).deposit_invoice, day, method)

    def start(self, key, day):
        "The permit is issued, a pass to each worker"
        Application = self.get('property.decoration.application')
        Worker = self.get('property.decoration.worker')
        job = self.jobs[key]
        rng = self.rng
        with self.working_day(key, day, self.user('front_desk', job['site'])):
            application = self.application(key)
            Application.start([application])
            names = rng.sample(WORKERS, job['workers'])
            Worker.create([{
                        'application': application.id,
                        'name': name,
                        'identity_number': self.identity(name),
                        'phone': self.phone(),
                        'trade': trade,
                        } for name, trade in zip(names,
                        rng.sample(TRADES, job['workers']))])

    def identity(self, name):
        "The identity number of the worker: workers go from job to job"
        rng = self.rng
        if name not in self.identities:
            self.identities[name] = '3701%02d%d%02d%02d%03d%s' % (
                rng.randint(1, 12), rng.randint(1965, 2000),
                rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 999),
                rng.choice('0123456789X'))
        return self.identities[name]

    def phone(self):
        return '1' + self.rng.choice('3589') + ''.join(
            self.rng.choice('0123456789') for _ in range(9))

    def inspect(self, key, day, findings=()):
        "The daily round of the building manager"
        Inspection = self.get('property.decoration.inspection')
        Type = self.get('property.decoration.violation.type')
        job = self.jobs[key]
        user = self.user('building', job['site'])
        with self.working_day(key, day, user):
            application = self.application(key)
            inspection, = Inspection.create([{
                        'application': application.id,
                        'date': day,
                        'inspector': user.id,
                        'workers_present': self.rng.randint(
                            1, max(len(application.workers), 1)),
                        'note': (None if findings
                            else self.rng.choice(NOTES)),
                        'lines': [('create', [{
                                        'type': Type.search([
                                                ('code', '=', code)])[0].id,
                                        'description': description,
                                        } for code, description
                                    in findings])],
                        }])
            Inspection.confirm([inspection])

    def notify(self, key, day):
        "A rectification notice for each open violation of the job"
        Violation = self.get('property.decoration.violation')
        job = self.jobs[key]
        with self.working_day(key, day, self.user('building', job['site'])):
            violations = [v for v in self.application(key).violations
                if v.state == 'open']
            notices = Violation.issue_notices(violations)
            Notice = self.get('property.decoration.notice')
            Notice.write(notices, {'requirements': "立即停止违规行为，"
                    "限期整改并恢复原状；逾期未整改的，"
                    "管理处将责令停工并从装修押金中扣除违约金。"})

    def rectify(self, key, day):
        Violation = self.get('property.decoration.violation')
        job = self.jobs[key]
        with self.working_day(key, day, self.user('building', job['site'])):
            Violation.rectify([v for v in self.application(key).violations
                    if v.state == 'open'])

    def complete(self, key, day):
        Application = self.get('property.decoration.application')
        job = self.jobs[key]
        with self.working_day(key, day, self.user('building', job['site'])):
            Application.complete([self.application(key)])

    def accept(self, key, day, fail=None):
        """The acceptance walk: the penalties of the violations deducted
        once the manager approves them; or an item failed"""
        Acceptance = self.get('property.decoration.acceptance')
        job = self.jobs[key]
        user = self.user('building', job['site'])
        with self.working_day(key, day, user):
            application = self.application(key)
            lines = []
            for line in Acceptance.default_lines():
                line = dict(line, passed=line['item'] != fail)
                if line['item'] == fail:
                    line['note'] = "闭水试验 24 小时后楼下卫生间顶棚渗水"
                lines.append(line)
            deductions = [{'violation': v.id,
                    'description': v.type.name, 'amount': v.penalty}
                for v in application.violations
                if v.state != 'cancelled' and v.penalty]
            acceptance, = Acceptance.create([{
                        'application': application.id,
                        'date': day,
                        'inspector': user.id,
                        'lines': [('create', lines)],
                        'deductions': [('create', deductions)],
                        'note': ("防水层需返工，整改后重新验收" if fail
                            else None),
                        }])
        if fail:
            with self.working_day(key, day, user):
                Acceptance.fail([acceptance])
            return
        if deductions:
            with self.working_day(key, day, self.user('manager',
                        job['site'])):
                Acceptance.approve_deductions([acceptance])
        with self.working_day(key, day, user):
            Acceptance.accept([acceptance])

    def settle(self, key, day):
        "The deposit less the deductions is refunded by a credit note"
        Application = self.get('property.decoration.application')
        job = self.jobs[key]
        with self.working_day(key, day, self.user('finance', job['site'])):
            Application.settle([self.application(key)])

    def refund(self, key, day):
        job = self.jobs[key]
        with self.working_day(key, day, self.user('finance', job['site'])):
            self._pay(self.application(key).settlement_invoice, day,
                self.cash)

    def close(self, key, day):
        Application = self.get('property.decoration.application')
        job = self.jobs[key]
        with self.working_day(key, day, self.user('finance', job['site'])):
            Application.close([self.application(key)])

    def complaint(self, key, day):
        "With the helpdesk: a neighbour's complaint about the job"
        try:
            Ticket = self.get('property.ticket')
            Category = self.get('property.ticket.category')
        except KeyError:
            return
        if 'decoration' not in Ticket._fields:
            return
        Ownership = self.get('property.unit.ownership')
        job = self.jobs[key]
        unit = job['unit']
        # the helpdesk demo's own renovation category links to jobs too
        Category.write(Category.search([('code', '=', 'DEC')]),
            {'renovation': True})
        categories = Category.search([('code', '=', 'DECO')], limit=1)
        neighbours = [o.party for o in Ownership.search([
                    ('unit.building', '=', unit.building.id),
                    ('unit', '!=', unit.id),
                    ], order=[('id', 'ASC')], limit=1)]
        if not categories or not neighbours:
            return
        user = self.user('front_desk', job['site'])
        with self.working_day(key, day, user):
            ticket, = Ticket.create([{
                        'company': self.company.id,
                        'site': unit.site.id,
                        'unit': unit.id,
                        'reporter': neighbours[0].id,
                        'contact_phone': neighbours[0].phone,
                        'channel': 'phone',
                        'kind': 'complaint',
                        'complaint_type': 'effective',
                        'category': categories[0].id,
                        'property_responsibility': False,
                        'description': f"{unit.rec_name} 装修夜间施工噪音"
                        "扰民，已被通知整改仍未停止",
                        'first_receiver': (user.employee.id
                            if user.employee else None),
                        'received_at': to_utc(dt.datetime.combine(
                                day - dt.timedelta(days=1),
                                dt.time(21, 10)), self.company),
                        }])
            Ticket.open([ticket])

    def escalate(self):
        """The scheduled action of today: the notices past their deadline
        become overdue and their jobs are stopped"""
        Notice = self.get('property.decoration.notice')
        notices = Notice.search([('state', '=', 'issued'),
                ('deadline', '>=', self.today)])
        # A notice issued yesterday or earlier gets at least its day
        for notice in notices:
            if (notice.violation.application.id
                    == self.jobs['stopped']['id']
                    and notice.date < self.today):
                Notice.write([notice], {
                        'deadline': self.today - dt.timedelta(days=1)})
        return len(Notice.escalate(date=self.today))
