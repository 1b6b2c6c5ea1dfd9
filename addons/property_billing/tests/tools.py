# This file is part of the property-management suite.
"An estate with accounts, fees and owners for the billing tests"
import datetime as dt
from decimal import Decimal

from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.tests.test_module import (
    set_invoice_sequences)
from trytond.modules.company.tests import set_company
from trytond.modules.property_base.tests.tools import (  # noqa: F401
    committed, create_company, office_today, pdf_fonts, pdf_qrcodes, pdf_text,
    set_chinese)
from trytond.pool import Pool
from trytond.transaction import Transaction

# The office's date: the tests' company is in the office's time zone
TODAY = office_today()
MONTH = TODAY.replace(day=1)

# The id of the company that AccountedCompanyTestMixin builds for the
# running test class; create_estate() without a company uses it
_shared = {}


class AccountedCompanyTestMixin:
    """Builds a company with its chart of accounts and an open fiscal year
    with periods once for the test class, committed after the modules are
    activated. create_estate() without a company returns an estate of it:
    each test rolls back what it adds, so the tests share a company as they
    would each have built it. (The chart of accounts took most of the time
    of a billing test.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def build():
            company = create_company()
            setup_accounts(company)
            return company.id
        _shared['company'] = committed(build, user=1)
        cls.addClassCleanup(_shared.pop, 'company', None)


def setup_accounts(company, today=TODAY):
    "Chart of accounts, an open fiscal year with its periods and sequences"
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    with set_company(company):
        create_chart(company)
        fiscalyear = set_invoice_sequences(get_fiscalyear(company, today))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    return fiscalyear


def create_products(company):
    "The service products of the fees, revenue on the chart's accounts"
    pool = Pool()
    Account = pool.get('account.account')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    revenue, = Account.search([
            ('type.revenue', '=', True), ('closed', '!=', True),
            ('company', '=', company.id)], limit=1)
    expense, = Account.search([
            ('type.expense', '=', True), ('closed', '!=', True),
            ('company', '=', company.id)], limit=1)
    category, = Category.create([{'name': "Fees", 'accounting': True,
                'account_revenue': revenue.id,
                'account_expense': expense.id}])
    uom = {s: Uom.search([('symbol', '=', s)], limit=1)[0]
        for s in ['u', 'm²', 'm³']}
    products = {}
    for code, name, symbol in [('PF', "Property fee", 'm²'),
            ('PK', "Parking fee", 'u'), ('WA', "Water", 'm³'),
            ('SV', "Paid service", 'u')]:
        template, = Template.create([{
                    'name': name, 'type': 'service',
                    'default_uom': uom[symbol].id,
                    'account_category': category.id,
                    'products': [('create', [{}])],
                    }])
        products[code] = template.products[0]
    return products


def create_estate(name="Garden Court", code='GC', company=None, extra=0):
    """A company with accounts, a site of two buildings, four units with
    owners since before the month (and extra homes), and fee types

    Without a company: the test class's company of AccountedCompanyTestMixin
    or else a new one"""
    pool = Pool()
    Site = pool.get('property.site')
    Building = pool.get('property.building')
    Unit = pool.get('property.unit')
    Party = pool.get('party.party')
    FeeType = pool.get('property.fee.type')
    if company is None and _shared.get('company'):
        company = pool.get('company.company')(_shared['company'])
    elif company is None:
        company = create_company()
        setup_accounts(company)
    with set_company(company):
        site, = Site.create([{'name': name, 'code': code,
                    'company': company.id}])
        b1, b2 = Building.create([
                {'site': site.id, 'code': '1', 'name': "Building 1",
                    'floors': 18},
                {'site': site.id, 'code': '2', 'name': "Building 2",
                    'floors': 18},
                ])
        units = Unit.create([
                {'building': b1.id, 'floor': 3, 'number': '301',
                    'area': Decimal('89.37')},
                {'building': b1.id, 'floor': 3, 'number': '302',
                    'area': Decimal('120.00')},
                {'building': b2.id, 'floor': 5, 'number': '501',
                    'area': Decimal('75.50')},
                {'building': b2.id, 'floor': 5, 'number': '502',
                    'area': Decimal('100.25')},
                ] + [{'building': b1.id, 'floor': 6 + i // 4,
                        'number': f'{6 + i // 4}{i % 4 + 1:02d}',
                        'area': Decimal(80 + i)} for i in range(extra)])
        owners = Party.create([{'name': n} for n in [
                    "Wang Fang", "Li Wei", "Zhang Min", "Liu Yang"]
                + [f"Owner {i}" for i in range(extra)]])
        since = MONTH - dt.timedelta(days=400)
        for unit, owner in zip(units, owners):
            Unit.write([unit], {'ownerships': [('create', [{
                                'party': owner.id, 'from_date': since}])]})
        Unit.hand_over(units, since)
        Unit.occupy(units)
        fee_types = FeeType.search([('company', '=', company.id)])
    if not fee_types:
        with set_company(company):
            fee_types = create_fee_types(company)
    return {
        'company': company, 'site': site, 'buildings': [b1, b2],
        'units': units, 'owners': owners,
        'fee_types': {f.code: f for f in fee_types},
        }


def create_fee_types(company):
    "Property fee by area, parking per unit, water metered, paid service"
    FeeType = Pool().get('property.fee.type')
    products = create_products(company)
    return FeeType.create([
                {'code': 'PF', 'name': "Property fee", 'company': company.id,
                    'product': products['PF'].id, 'method': 'area',
                    'vacant_discount': Decimal(30)},
                {'code': 'PK', 'name': "Parking", 'company': company.id,
                    'product': products['PK'].id, 'method': 'fixed',
                    'kind': 'parking', 'target_rate': Decimal(98)},
                {'code': 'WA', 'name': "Water", 'company': company.id,
                    'product': products['WA'].id, 'method': 'metered',
                    'timing': 'arrears', 'kind': 'utility',
                    'on_behalf': True, 'target_rate': Decimal(100)},
                {'code': 'SV', 'name': "Paid service",
                    'company': company.id, 'product': products['SV'].id,
                    'method': 'one_off', 'kind': 'service'},
                ])


def bill(run):
    "Process a run and its queued batches in this transaction"
    pool = Pool()
    Run = pool.get('property.billing.run')
    Batch = pool.get('property.billing.run.batch')
    with Transaction().set_context(company=run.company.id):
        if run.state == 'draft':
            Run.process([run])
        else:
            Run.resume([run])
        Batch.process(Batch.search([
                    ('run', '=', run.id), ('state', '=', 'pending')]))
    return Run(run.id)


