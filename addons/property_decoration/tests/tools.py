# This file is part of the property-management suite.
"An estate with a renovation policy for the decoration tests"
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.modules.property_base.tests.tools import office_today
from trytond.modules.property_billing.tests.tools import (
    create_estate, create_products)
from trytond.pool import Pool
from trytond.transaction import Transaction

TODAY = office_today()


def setup_decoration(estate):
    """The renovation policy: deposit and deduction accounts, management
    and waste removal fees, and a cash payment method"""
    pool = Pool()
    Account = pool.get('account.account')
    Configuration = pool.get('property.decoration.configuration')
    FeeType = pool.get('property.fee.type')
    Journal = pool.get('account.journal')
    Method = pool.get('account.invoice.payment.method')
    company = estate['company']
    with set_company(company):
        deposit, = Account.search([('type.deposit', '=', True),
                ('company', '=', company.id)], limit=1)
        revenue, = Account.search([('type.revenue', '=', True),
                ('closed', '!=', True), ('company', '=', company.id)],
            limit=1)
        products = create_products(company)
        management, waste = FeeType.create([
                {'code': 'DM', 'name': "Decoration management",
                    'company': company.id,
                    'product': products['SV'].id, 'method': 'one_off',
                    'kind': 'service'},
                {'code': 'DW', 'name': "Waste removal",
                    'company': company.id,
                    'product': products['SV'].id, 'method': 'one_off',
                    'kind': 'service'},
                ])
        config = Configuration(1)
        config.decoration_deposit_account = deposit
        config.decoration_deduction_account = revenue
        config.decoration_management_fee_type = management
        config.decoration_waste_fee_type = waste
        config.save()
        cash, = Account.search([('code', '=', '1.1.1'),
                ('company', '=', company.id)])
        journal, = Journal.search([('type', '=', 'cash')], limit=1)
        method, = Method.create([{'name': "Cash", 'company': company.id,
                    'journal': journal.id, 'credit_account': cash.id,
                    'debit_account': cash.id}])
        contractor = pool.get('party.party')(name="Jiayi Decoration Co.",
            business_licence='91370100MA3C1234X',
            qualification_number='D237010001')
        contractor.save()
    return dict(estate, deposit_account=deposit, deduction_account=revenue,
        cash=method, contractor=contractor, config=config)


def create_env(**kwargs):
    return setup_decoration(create_estate(**kwargs))


def new_job(env, unit=0, owner=None, received=True, **values):
    "A draft application on the estate's unit, its documents received"
    Application = Pool().get('property.decoration.application')
    owner = owner or env['owners'][unit]
    unit = env['units'][unit]
    with set_company(env['company']):
        values.setdefault('planned_start', TODAY)
        values.setdefault('planned_end', TODAY + dt.timedelta(days=60))
        job = Application(company=env['company'], unit=unit, owner=owner,
            contractor=env['contractor'], **values)
        job.on_change_unit()
        job.documents = [dict(d, received=received)
            for d in Application.default_documents()]
        job.scope_items = [
            {'kind': 'floors', 'description': "Wooden floor, living room",
                'quantity': '35 m²'},
            {'kind': 'kitchen_bath', 'description': "Bathroom tiles and "
                "waterproofing", 'quantity': '6 m²'},
            ]
        job.save()
    return job


def pay(env, invoice, amount=None, date=TODAY):
    "Pay (or refund, for a credit note) the invoice in cash"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    invoice = Invoice(invoice.id)
    if amount is None:
        amount = invoice.amount_to_pay
    full = amount == invoice.amount_to_pay
    with set_company(env['company']):
        lines = invoice.pay_invoice(amount, env['cash'], date)
        if full:
            MoveLine.reconcile(list(invoice.lines_to_pay) + lines)
        Invoice.process([invoice])
    return Invoice(invoice.id)


def approve_and_start(env, job):
    "Submit, approve, receive the deposit and issue the permit"
    Application = Pool().get('property.decoration.application')
    with set_company(env['company']):
        Application.submit([job])
        Application.approve([job])
        job = Application(job.id)
        if job.deposit_invoice:
            pay(env, job.deposit_invoice)
        Application.start([Application(job.id)])
    return Application(job.id)


def inspect(env, job, findings=(), date=None):
    "An inspection of the job with a finding per violation type code"
    pool = Pool()
    Inspection = pool.get('property.decoration.inspection')
    Type = pool.get('property.decoration.violation.type')
    with set_company(env['company']):
        inspection, = Inspection.create([{
                    'application': job.id,
                    'date': date or TODAY,
                    'lines': [('create', [{
                                    'type': Type.search(
                                        [('code', '=', code)])[0].id,
                                    'description': description,
                                    } for code, description in findings])],
                    }])
        Inspection.confirm([inspection])
    return inspection


def accept(env, job, deductions=None, invoice_shortfall=False,
        approve=True):
    "Finish the works and accept them with the deductions given"
    pool = Pool()
    Application = pool.get('property.decoration.application')
    Acceptance = pool.get('property.decoration.acceptance')
    with set_company(env['company']):
        if job.state == 'in_progress':
            Application.complete([job])
        lines = [dict(l, passed=True) for l in Acceptance.default_lines()]
        values = {'application': job.id,
            'lines': [('create', lines)],
            'invoice_shortfall': invoice_shortfall}
        if deductions is None:
            deductions = [{'violation': v.id, 'description': v.type.name,
                    'amount': v.penalty}
                for v in Application(job.id).violations if v.penalty]
        if deductions:
            values['deductions'] = [('create', deductions)]
        acceptance, = Acceptance.create([values])
        if approve and deductions:
            Acceptance.approve_deductions([acceptance])
    return acceptance


@contextmanager
def savepoint():
    """Roll back what the block wrote, as the server rolls back the request
    that raised: the tests then check nothing was left behind"""
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT bad_input')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT bad_input')
        Transaction().cache.clear()


def deposit_of(party, account):
    "The party's balance on the deposit account (credit - debit)"
    return -party.get_deposit_balance(account)


def in_company(env):
    return Transaction().set_context(company=env['company'].id)


D = Decimal
