# This file is part of the property-management suite.
"""Demo billing: accounts, fees and rates, water meters, three billed
months with a realistic share paid, and accounts in dunning"""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.transaction import Transaction

# Share of each billed month paid by today: the oldest month nearly all
# (the seed target is 95 %), the current month only begun.
PAID_SHARE = [0.93, 0.86, 0.45]


def build(pool, company, rng, log):
    FeeType = pool.get('property.fee.type')
    if FeeType.search([], limit=1):
        log("billing demo already loaded")
        return
    Date = pool.get('ir.date')
    today = Date.today()
    months = [today.replace(day=1) - relativedelta(months=n)
        for n in (2, 1, 0)]
    _accounts(pool, company, months[0], today)
    methods = _payment_methods(pool, company)
    fee_types = _fee_types(pool, company)
    _rates(pool, company, fee_types, months[0])
    meters = _meters(pool, company, rng, fee_types['WA'], months[0], today)
    log(f"billing: accounts, {len(fee_types)} fee types, {len(meters)} "
        "water meters with readings")
    shared = _shared_meter(pool, company, rng, fee_types['WA'], meters)
    log(f"billing: the master water meter of {shared.building.rec_name} "
        "(公摊), its common water shared by area")
    finance = _users(pool, company)
    pending = _move_in_in_progress(pool, company, finance, fee_types['WA'],
        today)
    log(f"billing: {pending} move-in in progress with its base meter "
        "reading, its fees signed off by finance")
    prepaid = _prepayments(pool, company, rng, methods, months[0])
    log(f"billing: {prepaid} owners left money in advance (预存款)")
    spaces, contracts, vehicles = _parking(pool, company, methods,
        fee_types['PK'], months[0])
    log(f"billing: {spaces} parking spaces, {contracts} rent contracts "
        f"billed monthly, {vehicles} residents' vehicles (车位/车辆)")
    for month, share in zip(months, PAID_SHARE):
        run = _bill(pool, company, month)
        paid = _pay(pool, rng, run, share, methods, today)
        log(f"billing: {month:%Y-%m} billed {run.invoice_count} invoices, "
            f"{run.amount} CNY; {paid} paid")
    openings = _opening_balances(pool, company, finance, months[0], rng)
    log(f"billing: finance imported {openings} homes' opening balances "
        "(期初欠费) from before the first billed month")
    _late_fee(pool, company)
    Dunning = pool.get('account.dunning')
    Dunning.generate_dunnings(date=today)
    dunnings = Dunning.search([])
    # finance processes the dunnings: the levels charge the late fees
    with Transaction().set_user(finance.id), \
            Transaction().set_context(company=company.id):
        Dunning.process([d for d in dunnings if d.state == 'draft'])
    log(f"billing: {len(dunnings)} overdue fees in dunning")
    charged, waived = _waive_late_fee(pool, company)
    log(f"billing: {charged} late fees (滞纳金) charged, {waived} waived "
        "by the manager")
    taken = _counter(pool, company, rng, methods)
    log(f"billing: the cashier of 锦绣花园 took {taken} payments at the "
        "counter today (收费台)")
    consenting = _bills_by_email(pool, company, rng)
    log(f"billing: {consenting} payers agreed to receive their bills by "
        "e-mail")
    entries, posted = _gate(pool, company, rng, today)
    log(f"billing: {entries} vehicles at the gates since yesterday, "
        f"yesterday's takings posted ({posted} CNY)")
    ended, credited = _end_contract(pool, company, finance)
    log(f"billing: {ended} parking rent contract ended today, its "
        f"{credited} CNY billed for the rest of the month credited")
    alerts = pool.get('property.prepayment.alert').raise_monthly(today)
    log(f"billing: {len(alerts)} prepaid balances below next month's fees "
        "(预存不足提醒)")
    _collection(pool, company, today, finance, log)


def _bills_by_email(pool, company, rng):
    """A few payers of the fee invoices agreed to bills by e-mail and gave
    their e-mail address at the front desk (the demo's owners signed up
    with a mobile number only). Payers of 滨河苑: the portal's demo logins
    (property_portal) are owners of 锦绣花园 who sign up with an address of
    their own. Chosen evenly by id, so that the random draws of the later
    parts stay as they were."""
    Invoice = pool.get('account.invoice')
    Party = pool.get('party.party')
    ContactMechanism = pool.get('party.contact_mechanism')
    in_gc = {}
    for invoice in Invoice.search([
                ('company', '=', company.id),
                ('type', '=', 'out'),
                ('property_unit', '!=', None),
                ]):
        in_gc[invoice.party] = (in_gc.get(invoice.party, False)
            or invoice.property_site.code == 'GC')
    size = Transaction().context.get('demo_size') or 'full'
    wanted = 5 if size == 'full' else 2
    payers = sorted((p for p in in_gc if not in_gc[p]), key=lambda p: p.id)
    if len(payers) < wanted:
        payers = sorted(in_gc, key=lambda p: (in_gc[p], p.id))
    chosen = payers[::max(1, len(payers) // wanted)][:wanted]
    ContactMechanism.create([{'party': p.id, 'type': 'email',
                'value': f'bills{n}@demo.example'}
            for n, p in enumerate(chosen, 1) if not p.email])
    if chosen:
        Party.write(chosen, {'bills_by_email': True})
    return len(chosen)


def _accounts(pool, company, first_month, today):
    "The minimal chart of accounts, fiscal years with invoice sequences"
    from trytond.modules.account.tests import create_chart, get_fiscalyear
    from trytond.modules.account_invoice.tests.test_module import (
        set_invoice_sequences)
    FiscalYear = pool.get('account.fiscalyear')
    # in English: Tryton's test tools look the chart's template and the
    # sequence types up by their English names (the demo writes in 中文)
    with Transaction().set_context(language='en'):
        create_chart(company)
        years = range(first_month.year, today.year + 2)
        for year in years:
            fiscalyear = set_invoice_sequences(get_fiscalyear(company,
                    today=dt.date(year, 6, 30)))
            fiscalyear.save()
            FiscalYear.create_period([fiscalyear])


def _payment_methods(pool, company):
    "Cash at the service centre, bank transfer and mobile payment"
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    Method = pool.get('account.invoice.payment.method')
    PaymentTerm = pool.get('account.invoice.payment_term')
    Configuration = pool.get('property.billing.configuration')
    cash, = Account.search([('code', '=', '1.1.1'),
            ('company', '=', company.id)])
    bank, mobile = Account.copy([cash, cash], default={'code': None})
    Account.write([bank], {'name': "银行存款", 'code': '1.1.2'},
        [mobile], {'name': "移动支付待结算", 'code': '1.1.3'})
    Account.write([cash], {'name': "库存现金"})
    cash_journal, = Journal.search([('type', '=', 'cash')], limit=1)
    bank_journal, mobile_journal = Journal.create([
            {'name': "银行", 'code': 'BANK', 'type': 'cash'},
            {'name': "移动支付", 'code': 'MOB', 'type': 'cash'},
            ])
    methods = Method.create([
            {'name': "现金", 'company': company.id,
                'journal': cash_journal.id,
                'debit_account': cash.id, 'credit_account': cash.id},
            {'name': "银行转账", 'company': company.id,
                'journal': bank_journal.id,
                'debit_account': bank.id, 'credit_account': bank.id},
            {'name': "微信/支付宝", 'company': company.id,
                'journal': mobile_journal.id,
                'debit_account': mobile.id, 'credit_account': mobile.id},
            ])
    term, = PaymentTerm.create([{'name': "15 天",
                'lines': [('create', [{'type': 'remainder',
                                'relativedeltas': [('create', [
                                            {'days': 15}])]}])]}])
    config = Configuration(1)
    config.set_multivalue('payment_term', term.id, company=company.id)
    config.set_multivalue('batch_size', 100, company=company.id)
    # the cashier counter's cash, bank and mobile payment methods
    for field, method in zip(['counter_cash_method', 'counter_bank_method',
                'counter_mobile_method'], methods):
        config.set_multivalue(field, method.id, company=company.id)
    return methods


def _fee_types(pool, company):
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    FeeType = pool.get('property.fee.type')
    Configuration = pool.get('property.billing.configuration')
    revenue, = Account.search([('type.revenue', '=', True),
            ('closed', '!=', True), ('company', '=', company.id)], limit=1)
    expense, = Account.search([('type.expense', '=', True),
            ('closed', '!=', True), ('company', '=', company.id)], limit=1)
    Account.write([revenue], {'name': "物业服务收入"})
    category, = Category.create([{'name': "物业收费", 'accounting': True,
                'account_revenue': revenue.id,
                'account_expense': expense.id}])
    uom = {s: Uom.search([('symbol', '=', s)], limit=1)[0]
        for s in ['u', 'm²', 'm³']}
    plans = [
        # code, name, uom, values
        ('PF', "物业服务费", 'm²', {'method': 'area',
                'vacant_discount': Decimal(30)}),
        ('PK', "车位管理费", 'u', {'method': 'fixed', 'kind': 'parking',
                'target_rate': Decimal(98)}),
        ('WA', "水费（代收）", 'm³', {'method': 'metered',
                'timing': 'arrears', 'kind': 'utility', 'on_behalf': True,
                'target_rate': Decimal(100)}),
        ('SV', "有偿维修服务", 'u', {'method': 'one_off', 'kind': 'service',
                'target_rate': Decimal(100)}),
        ]
    fee_types = {}
    for code, name, symbol, values in plans:
        template, = Template.create([{'name': name, 'type': 'service',
                    'default_uom': uom[symbol].id,
                    'account_category': category.id,
                    'products': [('create', [{'code': code}])]}])
        fee_type, = FeeType.create([dict(values, code=code, name=name,
                    company=company.id, product=template.products[0].id)])
        fee_types[code] = fee_type
    Configuration(1).set_multivalue('service_fee_type', fee_types['SV'].id,
        company=company.id)
    return fee_types


def _rates(pool, company, fee_types, start):
    "Property fee per m² and month by site, villas and shops dearer"
    Site = pool.get('property.site')
    Assignment = pool.get('property.fee.assignment')
    values = []
    for site in Site.search([('company', '=', company.id)]):
        rate = {'GC': Decimal('2.20'), 'RV': Decimal('1.80')}[site.code]
        values.append({'fee_type': fee_types['PF'].id, 'site': site.id,
                'rate': rate, 'start_date': start - relativedelta(years=1)})
        values.append({'fee_type': fee_types['WA'].id, 'site': site.id,
                'rate': Decimal('4.20'),
                'start_date': start - relativedelta(years=1)})
        for building in site.buildings:
            special = {'villa': Decimal('3.50'), 'commercial': Decimal('4.00'),
                'parking': Decimal(0)}.get(building.type)
            if special is not None:
                values.append({'fee_type': fee_types['PF'].id,
                        'site': site.id, 'building': building.id,
                        'rate': special,
                        'start_date': start - relativedelta(years=1)})
            if building.type == 'parking':
                values.append({'fee_type': fee_types['PK'].id,
                        'site': site.id, 'building': building.id,
                        'rate': Decimal(300 if site.code == 'GC' else 150),
                        'start_date': start - relativedelta(years=1)})
    Assignment.create(values)


def _meters(pool, company, rng, fee_type, first_month, today):
    "A water meter per lived-in home, read on the 25th of every month"
    Unit = pool.get('property.unit')
    Meter = pool.get('property.meter')
    Reading = pool.get('property.meter.reading')
    units = Unit.search([('site.company', '=', company.id),
            ('state', 'in', ['occupied', 'let']),
            ('type', '!=', 'parking')])
    meters = Meter.create([{'unit': u.id, 'fee_type': fee_type.id,
                'number': f'W{u.id:06d}'} for u in units])
    days = []
    day = (first_month - relativedelta(months=4)).replace(day=25)
    while day <= today:
        days.append(day)
        day += relativedelta(months=1)
    flagged = rng.choice(meters)
    for meter in meters:
        value = Decimal(rng.randint(100, 900))
        values = []
        for i, day in enumerate(days):
            if i:
                use = Decimal(rng.randint(6, 18))
                # one burst pipe last month: flagged for review
                if meter == flagged and i == len(days) - 1:
                    use *= 6
                value += use
            values.append({'meter': meter.id, 'date': day, 'value': value})
        # readings one by one: each is checked against the previous ones
        for value in values:
            Reading.create([value])
    return meters


def _users(pool, company):
    "The finance clerk runs billing and posts for both sites"
    User = pool.get('res.user')
    Group = pool.get('res.group')
    Site = pool.get('property.site')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    ModelData = pool.get('ir.model.data')
    party, = Party.create([{'name': "钱会计"}])
    employee, = Employee.create([{'party': party.id, 'company': company.id,
                'start_date': dt.date(2020, 3, 1)}])
    groups = [Group(ModelData.get_id('property_billing',
                'group_property_finance')),
        Group(ModelData.get_id('account', 'group_account'))]
    user, = User.create([{'name': party.name, 'login': 'finance',
                'password': 'demo-finance',
                'groups': [('add', [g.id for g in groups])],
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'property_sites': [('add', [s.id for s in Site.search([
                                    ('company', '=', company.id)])])],
                }])
    return user


def _move_in_in_progress(pool, company, finance, fee_type, today):
    """The move-in in progress at the front desk: the home's water meter,
    read by the developer a month ago, is read at the handover (its base
    reading, seed 001 客服部 2.2: 核验水电表底); the owner paid the first fees at the
    cashier, finance signs them off on the move (财务签名确认)"""
    Move = pool.get('property.move')
    Meter = pool.get('property.meter')
    Reading = pool.get('property.meter.reading')
    moves = Move.search([('state', '=', 'draft'), ('kind', '=', 'move_in'),
            ('unit.site.company', '=', company.id)])
    for move in moves:
        meter, = Meter.create([{'unit': move.unit.id,
                    'fee_type': fee_type.id,
                    'number': f'W{move.unit.id:06d}'}])
        Reading.create([{'meter': meter.id,
                    'date': move.date - dt.timedelta(days=30),
                    'value': Decimal('8')}])
        Reading.create([{'meter': meter.id, 'date': move.date,
                    'value': Decimal('11.5'), 'move': move.id}])
    with Transaction().set_user(finance.id):
        Move.sign_off_fees(moves)
    return len(moves)


def _prepayments(pool, company, rng, methods, first_month):
    "A few owners prepay at the counter before the first billed month"
    from .prepayment import receive_prepayment
    Ownership = pool.get('property.unit.ownership')
    owners = sorted({o.party for o in Ownership.search([
                    ('unit.site.company', '=', company.id),
                    ('unit.state', '=', 'occupied'),
                    ])}, key=lambda p: p.id)
    size = Transaction().context.get('demo_size') or 'full'
    chosen = rng.sample(owners, min(12 if size == 'full' else 3, len(owners)))
    for party in chosen:
        receive_prepayment(company, party,
            Decimal(rng.choice([200, 300, 500, 1000])), methods[0],
            first_month - dt.timedelta(days=rng.randint(1, 10)))
    return len(chosen)


def _bill(pool, company, month):
    Run = pool.get('property.billing.run')
    Batch = pool.get('property.billing.run.batch')
    run, = Run.create([{'company': company.id, 'month': month,
                'invoice_date': month}])
    Run.process([run])
    # The demo runs in one transaction: the batches queued for the
    # workers are billed here.
    Batch.process(Batch.search([('run', '=', run.id),
                ('state', '=', 'pending')]))
    return Run(run.id)


def _pay(pool, rng, run, share, methods, today):
    "Pay a share of the run's invoices, a few of them only in part"
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    invoices = Invoice.search([('property_lines.run', '=', run.id)],
        order=[('id', 'ASC')])
    paid = 0
    for invoice in invoices:
        if rng.random() > share:
            continue
        if invoice.state != 'posted' or not invoice.amount_to_pay:
            continue   # paid from a prepaid balance
        date = min(today, run.invoice_date
            + dt.timedelta(days=rng.randint(0, 25)))
        method = rng.choices(methods, weights=[2, 3, 5])[0]
        amount = invoice.amount_to_pay
        if rng.random() < 0.05:
            amount = (amount / 2).quantize(Decimal('0.01'))
        lines = invoice.pay_invoice(amount, method, date)
        if amount == invoice.total_amount:
            MoveLine.reconcile(list(invoice.lines_to_pay) + lines)
        paid += 1
    Invoice.process(invoices)
    return paid


def _counter(pool, company, rng, methods):
    """The cashier of the first site (收银员) takes today's payments of a
    few homes at the counter: one home pays all it owes, others a part,
    paid oldest first; the receipts are printed"""
    from trytond.modules.property_billing.counter import (
        take_payment, unpaid_invoices)
    User = pool.get('res.user')
    Group = pool.get('res.group')
    Site = pool.get('property.site')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Unit = pool.get('property.unit')
    Receipt = pool.get('property.receipt', type='report')
    ModelData = pool.get('ir.model.data')
    site, = Site.search([('company', '=', company.id), ('code', '=', 'GC')])
    party, = Party.create([{'name': "孙收银"}])
    employee, = Employee.create([{'party': party.id, 'company': company.id,
                'start_date': dt.date(2021, 5, 1)}])
    group = Group(ModelData.get_id('property_billing',
            'group_property_cashier'))
    cashier, = User.create([{'name': party.name, 'login': 'cashier.gc',
                'password': 'demo-cashier-gc',
                'groups': [('add', [group.id])],
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'property_sites': [('add', [site.id])],
                }])
    units = Unit.search([('site', '=', site.id)], order=[('id', 'ASC')])
    taken = 0
    with Transaction().set_user(cashier.id), \
            Transaction().set_context(company=company.id):
        for unit in units:
            if taken >= 4:
                break
            dues = unpaid_invoices(unit)
            if not dues:
                continue
            due = sum(i.amount_to_pay for i in dues)
            amount = due if taken % 2 == 0 else (
                due / 2).quantize(Decimal('0.01'))
            method = ['cash', 'mobile', 'bank', 'mobile'][taken]
            payment = take_payment(company, unit, amount, method)
            Receipt.execute([m.id for m in payment.moves],
                {'model': 'account.move'})
            taken += 1
    return taken


def _late_fee(pool, company):
    """The late fee (滞纳金) on every level of the fee procedure: the
    billing policy's daily rate after its grace days (the suite's
    defaults)"""
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Journal = pool.get('account.journal')
    Fee = pool.get('account.dunning.fee')
    Level = pool.get('account.dunning.level')
    ModelData = pool.get('ir.model.data')
    revenue, = Account.search([('type.revenue', '=', True),
            ('closed', '!=', True), ('company', '=', company.id)], limit=1)
    expense, = Account.search([('type.expense', '=', True),
            ('closed', '!=', True), ('company', '=', company.id)], limit=1)
    category, = Category.create([{'name': "滞纳金", 'accounting': True,
                'account_revenue': revenue.id,
                'account_expense': expense.id}])
    unit, = Uom.search([('symbol', '=', 'u')], limit=1)
    template, = Template.create([{'name': "滞纳金", 'type': 'service',
                'default_uom': unit.id, 'account_category': category.id,
                'products': [('create', [{}])]}])
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)
    fee, = Fee.create([{'name': "滞纳金",
                'product': template.products[0].id, 'journal': journal.id,
                'compute_method': 'property_late_fee'}])
    Level.write(Level.search([('procedure', '=', ModelData.get_id(
                        'property_billing', 'dunning_procedure_fee'))]),
        {'fee': fee.id})
    return fee


def _waive_late_fee(pool, company):
    """The manager of 锦绣花园 waives the late fee of one home (the owner was
    in hospital); the number of late fees and of waivers"""
    User = pool.get('res.user')
    FeeLevel = pool.get('account.dunning.fee.dunning_level')
    Waiver = pool.get('property.late_fee.waiver')
    fees = FeeLevel.search([
            ('level.fee.compute_method', '=', 'property_late_fee')],
        order=[('id', 'ASC')])
    manager = User.search([('login', '=', 'manager.gc')], limit=1)
    if not manager:
        return len(fees), 0
    manager, = manager
    theirs = [f for f in fees if f.property_unit
        and f.property_unit.site in manager.property_sites]
    if not theirs:
        return len(fees), 0
    with Transaction().set_user(manager.id), \
            Transaction().set_context(company=company.id):
        waiver, = Waiver.create([{'company': company.id,
                    'fee': theirs[0].id, 'amount': theirs[0].amount,
                    'reason': "业主住院期间逾期，经理批准全额减免滞纳金"}])
        Waiver.waive([waiver])
    return len(fees), 1


def _shared_meter(pool, company, rng, fee_type, meters):
    """The master water meter of the building with the most home meters,
    read with them on the 25th: the homes' water plus 6 to 12 % for the
    common areas (garden taps, cleaning), last month 18 % (a leak): that
    month is held for review (the loss limit, 15 %, is our default)"""
    Template = pool.get('product.template')
    FeeType = pool.get('property.fee.type')
    Assignment = pool.get('property.fee.assignment')
    Shared = pool.get('property.meter.shared')
    SharedReading = pool.get('property.meter.shared.reading')
    Reading = pool.get('property.meter.reading')
    water = fee_type.product.template
    template, = Template.create([{'name': "公摊水费", 'type': 'service',
                'default_uom': water.default_uom.id,
                'account_category': water.account_category.id,
                'products': [('create', [{'code': 'SW'}])]}])
    shared_fee, = FeeType.create([{'code': 'SW', 'name': "公摊水费",
                'company': company.id, 'product': template.products[0].id,
                'method': 'metered', 'timing': 'arrears', 'kind': 'utility',
                'on_behalf': True, 'target_rate': Decimal(100)}])
    by_building = {}
    for meter in meters:
        by_building.setdefault(meter.unit.building, []).append(meter)
    building = max(by_building, key=lambda b: (len(by_building[b]), -b.id))
    start = min(r.date for m in meters for r in m.readings)
    Assignment.create([{'fee_type': shared_fee.id,
                'site': building.site.id, 'rate': Decimal('4.20'),
                'start_date': start}])
    shared, = Shared.create([{'company': company.id,
                'building': building.id, 'number': f'M{building.id:04d}',
                'name': "公共区域用水（总表）", 'fee_type': fee_type.id,
                'share_fee_type': shared_fee.id, 'method': 'area'}])
    used = {}
    for reading in Reading.search([
                ('meter', 'in', [m.id for m in by_building[building]])]):
        used[reading.date] = used.get(reading.date, Decimal(0)) + (
            reading.consumption or Decimal(0))
    days = sorted(used)
    value = Decimal(rng.randint(5000, 9000))
    for i, day in enumerate(days):
        if i:
            common = Decimal('0.18') if i == len(days) - 1 else (
                Decimal(rng.randint(6, 12)) / 100)
            # the common water is that share of the master's
            value += (used[day] / (1 - common)).quantize(Decimal('0.01'))
        SharedReading.create([{'meter': shared.id, 'date': day,
                    'value': value}])
    return shared
def _opening_balances(pool, company, finance, first_month, rng):
    """The arrears of a few lived-in homes from the two months before the
    suite's first billed month, imported by finance from the office's
    spreadsheet (期初欠费): a posted opening invoice each, credited to the
    chart's equity; the number of homes"""
    Account = pool.get('account.account')
    Configuration = pool.get('property.billing.configuration')
    Ownership = pool.get('property.unit.ownership')
    Opening = pool.get('property.billing.opening')
    equity, = Account.search([('code', '=', '3.4.4'),
            ('company', '=', company.id)])
    Account.write([equity], {'name': "期初余额过渡"})
    Configuration(1).set_multivalue('opening_account', equity.id,
        company=company.id)
    ownerships = Ownership.search([
            ('unit.site.company', '=', company.id),
            ('unit.state', '=', 'occupied'),
            ('from_date', '<', first_month - relativedelta(months=2)),
            ('to_date', '=', None),
            ], order=[('id', 'ASC')])
    size = Transaction().context.get('demo_size') or 'full'
    chosen = rng.sample(ownerships, min(5 if size == 'full' else 2,
            len(ownerships)))
    rows = ['单元编号,缴费人,收费项目,月份,金额']
    for ownership in chosen:
        unit = ownership.unit
        for n in rng.choice([(2, 1), (1,)]):
            month = first_month - relativedelta(months=n)
            amount = (unit.area * Decimal('2.20')).quantize(Decimal('0.01'))
            rows.append(f'{unit.rec_name},{ownership.party.name},PF,'
                f'{month:%Y-%m},{amount}')
    data = ('\ufeff' + '\r\n'.join(rows) + '\r\n').encode('utf-8')
    with Transaction().set_user(finance.id), \
            Transaction().set_context(company=company.id):
        account = Configuration(1).get_multivalue('opening_account',
            company=company.id)
        invoices = Opening.import_csv(company, data, account)
    return len(invoices)
def _collection(pool, company, today, finance, log):
    """催缴: two collectors (a building each), follow-up calls with one
    promise broken and reminded, one payer on hold"""
    from .collection import amounts_due
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Building = pool.get('property.building')
    Invoice = pool.get('account.invoice')
    Collector = pool.get('property.collection.collector')
    FollowUp = pool.get('property.collection.followup')
    Hold = pool.get('property.collection.hold')
    buildings = Building.search([('site.company', '=', company.id)],
        order=[('site', 'ASC'), ('id', 'ASC')])[:2]
    parties = Party.create([{'name': n} for n in ["周强", "吴刚"]])
    collectors = Employee.create([{'party': p.id, 'company': company.id,
                'start_date': dt.date(2023, 4, 1)} for p in parties])
    # the oldest unpaid bills, one per payer who still owes (a prepaid
    # balance may cover a posted bill)
    debtors = {}
    for invoice in Invoice.search([
                ('company', '=', company.id), ('type', '=', 'out'),
                ('state', '=', 'posted'),
                ('property_unit', '!=', None),
                ], order=[('invoice_date', 'ASC'), ('id', 'ASC')]):
        if (invoice.party not in debtors and invoice.amount_to_pay > 0
                and amounts_due(company, invoice.property_site,
                    [invoice.party])[invoice.party.id] > 0):
            debtors[invoice.party] = invoice
        if len(debtors) == 4:
            break
    debtors = list(debtors.values())
    transaction = Transaction()
    with transaction.set_user(finance.id), \
            transaction.set_context(company=company.id):
        Collector.create([{'company': company.id,
                    'site': b.site.id, 'building': b.id, 'employee': e.id}
                for b, e in zip(buildings, collectors)])
        # the debtors of the other buildings are 吴刚's own
        Collector.create([{'company': company.id,
                    'site': i.property_site.id, 'party': i.party.id,
                    'employee': collectors[1].id}
                for i in debtors if not Collector.collector_of(
                    i.party, i.property_site, i.property_unit)])
        if len(debtors) < 3:
            log("billing: no debtors to follow up")
            return
        # the promise to break: made yesterday for yesterday by a payer
        # who has paid nothing since
        def paid_since(invoice, days):
            return FollowUp(company=company, party=invoice.party,
                date=today - dt.timedelta(days=days)).paid_since()
        debtors.sort(key=lambda i: paid_since(i, 1) > 0)
        values = []
        for invoice, (days, outcome, promise) in zip(debtors, [
                    (1, 'promised', 1), (2, 'promised', -5),
                    (3, 'refused', None), (1, 'unreachable', None)]):
            value = {'company': company.id,
                'site': invoice.property_site.id,
                'party': invoice.party.id,
                'unit': invoice.property_unit.id,
                'collector': Collector.collector_of(invoice.party,
                    invoice.property_site, invoice.property_unit).id,
                'kind': 'call', 'date': today - dt.timedelta(days=days),
                'outcome': outcome}
            if promise is not None:
                value['promised_date'] = today - dt.timedelta(days=promise)
                value['promised_amount'] = invoice.amount_to_pay
            values.append(value)
        followups = FollowUp.create(values)
        FollowUp.do(followups)
        refused = debtors[2]
        Hold.create([{'company': company.id,
                    'site': refused.property_site.id,
                    'party': refused.party.id,
                    'reason': "长期拒缴物业费，经催缴仍拒不缴纳：暂停有偿服务"}])
    todos = FollowUp.remind_promises(today)
    log(f"billing: 2 collectors (催缴), {len(followups)} follow-up calls, "
        f"{len(todos)} broken promise reminded, 1 payer on hold")
def _parking(pool, company, methods, fee_type, first_month):
    """Parking spaces of each site, a third sold to owners, the others let
    (a few with monthly rent contracts from the first billed month, one
    from its middle), residents' vehicles; the gate's takings go to the
    cash journal and a revenue account of their own"""
    Site = pool.get('property.site')
    Ownership = pool.get('property.unit.ownership')
    Space = pool.get('property.parking.space')
    Contract = pool.get('property.parking.contract')
    Vehicle = pool.get('property.parking.vehicle')
    Account = pool.get('account.account')
    Configuration = pool.get('property.billing.configuration')
    revenue = fee_type.product.account_revenue_used
    parking_revenue, = Account.copy([revenue], default={'code': None})
    Account.write([parking_revenue], {'name': "临时停车收入"})
    config = Configuration(1)
    config.set_multivalue('parking_payment_method', methods[0].id,
        company=company.id)
    config.set_multivalue('parking_revenue_account', parking_revenue.id,
        company=company.id)
    letters = {'GC': '沪A', 'RV': '沪B'}
    spaces_count = contracts_count = vehicles_count = 0
    for site in Site.search([('company', '=', company.id)],
            order=[('code', 'ASC')]):
        owners = [o for o in Ownership.search([('unit.site', '=', site.id),
                    ('unit.building.type', '=', 'residential')],
                order=[('unit', 'ASC'), ('id', 'ASC')])
            if o.to_date is None]
        size = 24 if site.code == 'GC' else 12
        values = []
        for i in range(1, size + 1):
            sold = i % 3 == 0 and i // 3 < len(owners)
            values.append({'site': site.id, 'code': f'B1-{i:03d}',
                    'level': "地下一层" + ("北区" if i <= size // 2
                        else "南区"),
                    'kind': 'sold' if sold else 'let',
                    'owner': owners[i // 3].party.id if sold else None})
        spaces = Space.create(values)
        spaces_count += len(spaces)
        let = [s for s in spaces if s.kind == 'let']
        tenants = owners[len(spaces) // 3 + 1:]
        rent = Decimal(300 if site.code == 'GC' else 150)
        contracts = Contract.create([{'company': company.id,
                    'space': space.id, 'tenant': owner.party.id,
                    'unit': owner.unit.id, 'fee_type': fee_type.id,
                    'rent': rent,
                    'start_date': first_month + dt.timedelta(
                        days=14 if n == 0 else 0)}
                for n, (space, owner) in enumerate(
                    zip(let, tenants[:4 if site.code == 'GC' else 2]))])
        Contract.run(contracts)
        contracts_count += len(contracts)
        sold = [s for s in spaces if s.kind == 'sold']
        vehicles = []
        for n, owner in enumerate(owners[:10 if site.code == 'GC' else 5]):
            space = sold[n] if n < len(sold) else None
            vehicles.append({'plate': f'{letters[site.code]}·D{n + 1:04d}',
                    'party': owner.party.id, 'unit': owner.unit.id,
                    'space': space.id if space else None,
                    'description': ["白色大众朗逸", "黑色丰田凯美瑞",
                        "银色比亚迪秦", "红色特斯拉Model 3"][n % 4]})
        vehicles_count += len(Vehicle.create(vehicles))
    return spaces_count, contracts_count, vehicles_count


def _gate(pool, company, rng, today):
    """Yesterday's and today's vehicles at the gates: residents' cars
    (free) and visitors paying the tariff, a few still in; one visitor's
    car without a registration came again and again this month (a repeat
    offender); yesterday's takings posted as the scheduled action does"""
    from trytond.modules.property_base.common import to_utc
    Site = pool.get('property.site')
    Entry = pool.get('property.parking.entry')
    Vehicle = pool.get('property.parking.vehicle')
    Posting = pool.get('property.parking.posting')
    yesterday = today - dt.timedelta(days=1)
    values = []
    for site in Site.search([('company', '=', company.id)],
            order=[('code', 'ASC')]):
        residents = [v.plate for v in Vehicle.search([
                    ('unit.site', '=', site.id)])]
        for n in range(30 if site.code == 'GC' else 12):
            day = yesterday if n % 5 else today
            hour = 7 + rng.randrange(13)
            entered = dt.datetime.combine(day, dt.time(hour,
                    rng.randrange(60)))
            stay = dt.timedelta(minutes=rng.randrange(10, 6 * 60))
            left = entered + stay
            if day == today or left.date() != day:
                left = None
            plate = (residents[n % len(residents)]
                if residents and n % 3 == 0
                else f'苏E{rng.randrange(10000, 99999)}')
            values.append({'company': company.id, 'site': site.id,
                    'plate': plate, 'entered_at': to_utc(entered, company),
                    'left_at': to_utc(left, company)})
        if site.code == 'GC':
            for days in range(2, 28, 4):
                entered = dt.datetime.combine(
                    today - dt.timedelta(days=days), dt.time(19, 30))
                values.append({'company': company.id, 'site': site.id,
                        'plate': '浙A·77777',
                        'entered_at': to_utc(entered, company),
                        'left_at': to_utc(
                            entered + dt.timedelta(hours=2), company)})
    Entry.create(values)
    postings = Posting.post_daily(today)
    return len(values), sum(p.amount for p in postings
        if p.date == yesterday)


def _end_contract(pool, company, finance):
    """Finance ends a rent contract today, after this month's run billed
    the whole month: the rest of the month is credited to the tenant
    (a credit note paying part of the month's invoice); the number ended
    and the amount credited"""
    Contract = pool.get('property.parking.contract')
    contracts = Contract.search([('company', '=', company.id),
            ('state', '=', 'running')], order=[('id', 'DESC')], limit=1)
    if not contracts:
        return 0, Decimal(0)
    with Transaction().set_user(finance.id), \
            Transaction().set_context(company=company.id):
        Contract.end(contracts)
    contract, = Contract.browse(contracts)
    credit = contract.credit_note
    return 1, -credit.total_amount if credit else Decimal(0)
