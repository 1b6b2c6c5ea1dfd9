"""Browser end-to-end test of property_decoration: the front desk submits
an owner's renovation application in sao and the site manager approves it,
which posts its deposit invoice; once the deposit is paid at finance's
counter the front desk issues the permit, and the building manager records
and confirms a building inspection that finds a prohibited practice,
which records the violation; each logged in as themselves. The application, its deposit invoice, the
inspection and the violation are then checked in the database."""
import time
from decimal import Decimal

from .harness import (OFFICE_TODAY, SETUP_COMPANY, STAFF, SUITE_MODULES,
    Browser, BrowserTestCase, TrytonServer, office_today, setup_staff)

FRONT_DESK = STAFF['front_desk'][0]
MANAGER = STAFF['manager'][0]
BUILDING = STAFF['building_manager'][0]
FINANCE = STAFF['finance'][0]

SITE = 'E2E Renovation Garden'
OWNER = 'E2E Owner Zhang'
CONTRACTOR = 'E2E Jiayi Decoration Co.'
# A prohibited practice of the module's catalogue (violation_type.xml):
# carrying materials in the lift, sanctioned by a penalty of 200
PRACTICE = 'V25'
FINDING = 'Tiles carried up in the passenger lift'

# The accounts, the billing policy's decoration part, the estate, the
# contractor and the staff, created with proteus before the browser session
# (they are not the subject of this flow), as in the module's
# tests/tools.py; the front desk enters the owner's application with all
# of its documents received (over RPC, as that clerk).
SETUP_DECORATION = SETUP_COMPANY + OFFICE_TODAY + f"""
import datetime as dt
from decimal import Decimal
from trytond.modules.company.tests.tools import get_company
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, get_accounts)
from trytond.modules.account_deposit.tests.tools import add_deposit_accounts
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)

today = office_today
company = get_company()
create_chart(company)
# the chart's 'Deposit' account of account_deposit
accounts = add_deposit_accounts(get_accounts(company), company)
fiscalyear = set_fiscalyear_invoice_sequences(
    create_fiscalyear(company, today))
fiscalyear.click('create_period')

# The one-off fees the approval charges
Category = Model.get('product.category')
fees = Category(name='Fees', accounting=True,
    account_revenue=accounts['revenue'])
fees.save()
Uom = Model.get('product.uom')
unit_uom, = Uom.find([('symbol', '=', 'u')])
Template = Model.get('product.template')
template = Template(name='Renovation service', type='service',
    default_uom=unit_uom, account_category=fees)
template.save()
FeeType = Model.get('property.fee.type')
management = FeeType(code='DM', name='Decoration management',
    product=template.products[0], method='one_off', kind='service')
management.save()
waste = FeeType(code='DW', name='Waste removal',
    product=template.products[0], method='one_off', kind='service')
waste.save()

# The renovation policy
Configuration = Model.get('property.decoration.configuration')
config = Configuration(1)
config.decoration_deposit_account = accounts['deposit']
config.decoration_deduction_account = accounts['revenue']
config.decoration_management_fee_type = management
config.decoration_waste_fee_type = waste
config.save()

# Cash, to pay the deposit with
Journal = Model.get('account.journal')
cash_journal, = Journal.find([('type', '=', 'cash')], limit=1)
Method = Model.get('account.invoice.payment.method')
cash = Method(name='Cash', journal=cash_journal,
    credit_account=accounts['cash'], debit_account=accounts['cash'])
cash.save()

Site = Model.get('property.site')
site = Site(name={SITE!r}, code='RG')
site.save()
Building = Model.get('property.building')
building = Building(site=site, code='R1', name='Block R1', floors=18)
building.save()
Party = Model.get('party.party')
owner = Party(name={OWNER!r})
owner.save()
Unit = Model.get('property.unit')
unit = Unit(building=building, floor=3, number='301',
    area=Decimal('89.37'))
unit.ownerships.new(party=owner, from_date=today - dt.timedelta(days=400))
unit.save()
contractor = Party(name={CONTRACTOR!r},
    business_licence='91370100MA3C1234X', qualification_number='D237010001')
contractor.save()
""" + setup_staff('front_desk', 'manager', 'building_manager', 'finance',
    sites=['RG']) + f"""
as_user({FRONT_DESK!r})
Unit = Model.get('property.unit')
Party = Model.get('party.party')
unit = Unit(unit.id)
owner = Party(owner.id)
Application = Model.get('property.decoration.application')
job = Application(unit=unit, contractor=Party(contractor.id),
    planned_start=today, planned_end=today + dt.timedelta(days=60))
assert job.owner == owner, job.owner
assert job.documents, "no document to receive"
for document in job.documents:
    document.received = True
job.scope_items.new(kind='floors', description='Wooden floor, living room',
    quantity='35 m²')
job.scope_items.new(kind='kitchen_bath',
    description='Bathroom tiles and waterproofing', quantity='6 m²')
job.save()
assert job.state == 'draft', job.state
result = {{'job': job.id, 'number': job.number, 'owner': owner.id,
    'unit': unit.id, 'deposit': job.deposit,
    'management_fee': job.management_fee, 'waste_fee': job.waste_fee,
    'deposit_account': accounts['deposit'].id, 'cash': cash.id}}
"""

# Right after the approval in sao: the application and its deposit invoice
CHECK_APPROVED = """
Application = Model.get('property.decoration.application')
job = Application(%(job)d)
invoice = job.deposit_invoice
result = {
    'state': job.state,
    'approved_by': job.approved_by.login if job.approved_by else None,
    'invoice': invoice.id if invoice else None,
    'invoice_state': invoice.state if invoice else None,
    'invoice_number': invoice.number if invoice else None,
    'invoice_party': invoice.party.id if invoice else None,
    'invoice_total': str(invoice.total_amount) if invoice else None,
    'move_state': invoice.move.state if invoice and invoice.move else None,
    'invoice_accounts': [l.account.id for l in invoice.lines]
        if invoice else [],
    'charges': sorted((c.fee_type.code, str(c.amount)) for c in job.charges),
    }
"""

# Then the owner pays the deposit at the counter (not the subject of this
# flow): run after CHECK_APPROVED, in the same query
PAY_DEPOSIT = """
approved = result
Method = Model.get('account.invoice.payment.method')
pay = invoice.click('pay')
pay.form.payment_method = Method(%(cash)d)
pay.execute('choice')
invoice.reload()
job.reload()
result = {'approved': approved, 'paid': {'invoice_state': invoice.state,
        'deposit_received': bool(job.deposit_received)}}
"""

CHECK_DECORATION = """
Application = Model.get('property.decoration.application')
Inspection = Model.get('property.decoration.inspection')
Violation = Model.get('property.decoration.violation')
job = Application(%(job)d)
result = {
    'job': {
        'state': job.state,
        'approved_by': job.approved_by.login if job.approved_by else None,
        'permit_number': job.permit_number,
        'actual_start': job.actual_start,
        'deposit_invoice': job.deposit_invoice.id,
        'deposit_invoice_state': job.deposit_invoice.state,
        'deposit_balance': str(job.deposit_balance),
        'stopped': bool(job.stopped),
        'changes': [(c.from_state, c.to_state,
                c.user.login if c.user else None)
            for c in sorted(job.state_changes, key=lambda c: c.id)],
        },
    'inspections': [{
            'id': i.id, 'application': i.application.id, 'date': i.date,
            'inspector': i.inspector.login, 'state': i.state,
            'created_by': i.create_uid.login,
            'result': i.result,
            'lines': [(l.type.code, l.description, l.sanction)
                for l in i.lines],
            } for i in Inspection.find([])],
    'violations': [{
            'application': v.application.id,
            'inspection': v.inspection.id if v.inspection else None,
            'type': v.type.code, 'date': v.date,
            'description': v.description, 'severity': v.severity,
            'sanction': v.sanction, 'penalty': str(v.penalty),
            'state': v.state, 'created_by': v.create_uid.login,
            } for v in Violation.find([])],
    }
"""

# The number of records of the active tab's list
COUNT = '() => Sao.Tab.tabs.get_current().screen.group.length'


def selection_text(sao, name):
    "The label shown by the selection field ``name`` of the form"
    return sao.field(name).evaluate(
        '(e) => e.options[e.selectedIndex].text')


class PropertyDecorationBrowserTestCase(BrowserTestCase):
    """Approve a renovation application and record an inspection that
    finds a prohibited practice"""

    def test_approve_and_inspect(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES,
                name='property_decoration') as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_DECORATION)
            timings['setup'] = time.monotonic() - start - timings['server']
            number = fixtures['number']
            deposit = Decimal(fixtures['deposit'])
            approved = None
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_decoration')

                try:
                    # The front desk hands in the owner's application
                    sao.login_as(FRONT_DESK)
                    sao.open_menu('Property', 'Renovations',
                        'Renovation Applications')
                    sao.show_domain('Draft', number)
                    sao.open_record(number)
                    self.assertEqual(selection_text(sao, 'state'), 'Draft')
                    sao.click_button('submit', state='submitted')
                    sao.close_tab()

                    # The application waits for the manager under the
                    # Submitted tab
                    sao.login_as(MANAGER)
                    sao.open_menu('Property', 'Renovations',
                        'Renovation Applications')
                    sao.show_domain('Submitted', number)
                    self.assertEqual(sao.page.evaluate(COUNT), 1)
                    sao.screenshot('submitted-applications')
                    sao.open_record(number)
                    self.assertEqual(sao.value('number'), number)
                    self.assertEqual(sao.value('owner'), OWNER)
                    self.assertEqual(sao.value('contractor'), CONTRACTOR)
                    self.assertEqual(sao.value('contractor_licence'),
                        '91370100MA3C1234X')
                    self.assertEqual(selection_text(sao, 'state'),
                        'Submitted')
                    self.assertFalse(sao.record_value('deposit_invoice'))

                    # The manager approves: the deposit invoice is posted
                    sao.click_button('approve', state='approved')
                    self.assertEqual(selection_text(sao, 'state'),
                        'Approved')
                    self.assertTrue(sao.record_value('deposit_invoice'),
                        "no deposit invoice")
                    self.assertFalse(sao.record_value('deposit_received'))
                    sao.close_tab()
                    # (checked, then paid at finance's counter, in one
                    # query as finance)
                    approved = server.query(
                        (CHECK_APPROVED + PAY_DEPOSIT) % fixtures,
                        user=FINANCE)
                    approved, paid = approved['approved'], approved['paid']
                    self.assertEqual(approved['state'], 'approved')
                    self.assertEqual(approved['invoice_state'], 'posted')

                    # The deposit paid lets the permit be issued
                    self.assertEqual(paid, {'invoice_state': 'paid',
                            'deposit_received': True})
                    sao.login_as(FRONT_DESK)
                    sao.open_menu('Property', 'Renovations',
                        'Renovation Applications')
                    sao.show_domain('Approved', number)
                    sao.open_record(number)
                    sao.wait_value('deposit_received', True)
                    sao.click_button('start', state='in_progress')
                    self.assertEqual(selection_text(sao, 'state'),
                        'In Progress')
                    permit = sao.record_value('permit_number')
                    self.assertTrue(permit, "no permit number")
                    sao.close_tab()

                    # The building manager's round finds tiles in the lift
                    sao.login_as(BUILDING)
                    sao.open_menu('Property', 'Renovations', 'Inspections')
                    self.assertEqual(sao.page.evaluate(COUNT), 0)
                    sao.new()
                    sao.fill_many2one('application', number)
                    self.assertEqual(sao.record_value('application'),
                        fixtures['job'])
                    rows = sao.add_row('lines', {
                            'type': PRACTICE,
                            'description': FINDING,
                            })
                    self.assertEqual(rows, 1)
                    self.assertTrue(sao.row_value('lines', 'type'))
                    # the practice's sanction by default
                    self.assertEqual(sao.row_value('lines', 'sanction'),
                        'penalty')
                    self.assertEqual(sao.row_value('lines', 'description'),
                        FINDING)
                    sao.screenshot('inspection-filled')
                    sao.save()
                    self.assertEqual(selection_text(sao, 'result'),
                        'Violations Found')
                    sao.click_button('confirm', state='done')
                    self.assertEqual(selection_text(sao, 'state'), 'Done')
                    self.assertEqual(sao.row_count('violations'), 1)
                    sao.screenshot('inspection-done')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t

            result = server.query(CHECK_DECORATION % fixtures)
        today = str(office_today())

        # Approved by the manager in sao: the deposit invoice posted on the
        # deposit account, the fees charged for the next billing run
        self.assertEqual(approved['approved_by'], MANAGER)
        self.assertTrue(approved['invoice_number'])
        self.assertEqual(approved['move_state'], 'posted')
        self.assertEqual(approved['invoice_party'], fixtures['owner'])
        self.assertEqual(Decimal(approved['invoice_total']), deposit)
        self.assertEqual(approved['invoice_accounts'],
            [fixtures['deposit_account']])
        self.assertEqual(
            [(code, Decimal(amount))
                for code, amount in approved['charges']],
            [('DM', Decimal(fixtures['management_fee'])),
                ('DW', Decimal(fixtures['waste_fee']))])

        job = result['job']
        self.assertEqual(job.pop('changes'), [
                [None, 'draft', FRONT_DESK],
                ['draft', 'submitted', FRONT_DESK],
                ['submitted', 'approved', MANAGER],
                ['approved', 'in_progress', FRONT_DESK],
                ])
        self.assertTrue(job.pop('permit_number'))
        self.assertEqual(Decimal(job.pop('deposit_balance')), deposit)
        self.assertEqual(job, {
                'state': 'in_progress', 'approved_by': MANAGER,
                'actual_start': today,
                'deposit_invoice': approved['invoice'],
                'deposit_invoice_state': 'paid', 'stopped': False,
                })

        inspection, = result['inspections']
        self.assertEqual(inspection, {
                'id': inspection['id'], 'application': fixtures['job'],
                'date': today, 'inspector': BUILDING, 'state': 'done',
                'created_by': BUILDING,
                'result': 'violations',
                'lines': [[PRACTICE, FINDING, 'penalty']],
                })
        violation, = result['violations']
        self.assertEqual(Decimal(violation.pop('penalty')), Decimal(200))
        self.assertEqual(violation, {
                'application': fixtures['job'],
                'inspection': inspection['id'], 'type': PRACTICE,
                'date': today, 'description': FINDING,
                'severity': 'minor', 'sanction': 'penalty', 'state': 'open',
                'created_by': BUILDING,
                })
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
