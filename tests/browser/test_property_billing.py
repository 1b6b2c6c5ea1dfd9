"""Browser end-to-end test of property_billing: finance runs the month's
billing from the Run Billing wizard in sao, sees the run done with its two
invoices and opens one of them, posted; the cashier then takes part of
that invoice at the cashier counter (收费台) by its number and the receipt
PDF is handed over. The run, its billed fees, the invoices and the
payment are then checked in the database."""
import datetime as dt
import time
from decimal import Decimal

from .harness import (OFFICE_TODAY, SETUP_COMPANY, STAFF, SUITE_MODULES,
    Browser, BrowserTestCase, TrytonServer, download_pdf, setup_staff)

FINANCE = STAFF['finance'][0]
CASHIER = STAFF['cashier'][0]

SITE = 'E2E Billing Garden'
WANG = 'E2E Owner Wang'
LI = 'E2E Owner Li'

# The accounts, the fee, the estate and its rate, created with proteus
# before the browser session (they are not the subject of this flow), as
# in the scenario of the module: two homes handed over a year ago, Mrs
# Wang lives in hers, Mr Li's stays empty and pays the vacant rate.
SETUP_BILLING = SETUP_COMPANY + OFFICE_TODAY + f"""
import datetime as dt
from decimal import Decimal
from dateutil.relativedelta import relativedelta
from trytond.modules.company.tests.tools import get_company
from trytond.modules.account.tests.tools import (
    create_chart, create_fiscalyear, get_accounts)
from trytond.modules.account_invoice.tests.tools import (
    set_fiscalyear_invoice_sequences)

month = office_today.replace(day=1)
company = get_company()
create_chart(company)
accounts = get_accounts(company)
fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear(company,
        (month - relativedelta(months=1), month + relativedelta(months=3))))
fiscalyear.click('create_period')

Category = Model.get('product.category')
fees = Category(name='Fees', accounting=True,
    account_revenue=accounts['revenue'])
fees.save()
Uom = Model.get('product.uom')
m2, = Uom.find([('symbol', '=', 'm²')])
Template = Model.get('product.template')
template = Template(name='Property fee', type='service', default_uom=m2,
    account_category=fees)
template.save()
FeeType = Model.get('property.fee.type')
property_fee = FeeType(code='PF', name='Property fee',
    product=template.products[0], method='area',
    vacant_discount=Decimal(30))
property_fee.save()

Site = Model.get('property.site')
site = Site(name={SITE!r}, code='BG')
site.save()
Building = Model.get('property.building')
building = Building(site=site, code='B1', name='Block 1', floors=12)
building.save()
Unit = Model.get('property.unit')
Party = Model.get('party.party')
Move = Model.get('property.move')
homes, moves = [], []
for number, area, name in [
        ('301', Decimal('89.37'), {WANG!r}),
        ('302', Decimal('120.00'), {LI!r})]:
    owner = Party(name=name)
    owner.save()
    unit = Unit(building=building, number=number, area=area)
    unit.ownerships.new(party=owner,
        from_date=month - relativedelta(years=1))
    unit.save()
    move = Move(kind='move_in', unit=unit)
    move.save()
    for line in move.lines:
        # the fee step is finance's (below)
        line.done = line.step != 'initial_fees'
    move.save()
    homes.append(unit)
    moves.append(move.id)

Assignment = Model.get('property.fee.assignment')
Assignment(fee_type=property_fee, site=site, rate=Decimal('1.85'),
    start_date=month - relativedelta(months=1)).save()
""" + setup_staff('finance', 'cashier', sites=['BG']) + f"""
# finance signs the first fees off (paid at the cashier, no invoice)
as_user({FINANCE!r})
for move in moves:
    Model.get('property.move')(move).click('sign_off_fees')
as_user('admin')
for move in moves:
    Model.get('property.move')(move).click('complete')
wang_home, li_home = [Model.get('property.unit')(u.id) for u in homes]
wang_home.click('occupy')
wang_home.reload()
assert (wang_home.state, li_home.state) == ('occupied', 'handed_over'), (
    wang_home.state, li_home.state)
result = {{'month': month, 'fee_type': property_fee.id,
    'wang_home': wang_home.id, 'li_home': li_home.id,
    'wang': wang_home.ownerships[0].party.id,
    'li': li_home.ownerships[0].party.id}}
"""

CHECK_BILLING = """
Run = Model.get('property.billing.run')
Invoice = Model.get('account.invoice')
result = {
    'runs': [{
            'month': r.month, 'invoice_date': r.invoice_date,
            'site': r.site.id if r.site else None, 'state': r.state,
            'units_total': r.units_total, 'units_billed': r.units_billed,
            'invoice_count': r.invoice_count, 'amount': str(r.amount),
            'done_at': bool(r.done_at),
            'created_by': r.create_uid.login,
            'batches': [b.state for b in r.batches],
            'lines': [{
                    'unit': l.unit.id, 'party': l.party.id,
                    'fee_type': l.fee_type.id, 'service_start': l.service_start,
                    'service_end': l.service_end,
                    'quantity': str(l.quantity),
                    'unit_price': str(l.unit_price),
                    'discount': str(l.discount), 'amount': str(l.amount),
                    'invoice': l.invoice.id if l.invoice else None,
                    } for l in r.lines],
            } for r in Run.find([])],
    'invoices': [{
            'id': i.id, 'number': i.number, 'state': i.state,
            'created_by': i.create_uid.login,
            'party': i.party.id, 'invoice_date': i.invoice_date,
            'property_unit': i.property_unit.id if i.property_unit else None,
            'total_amount': str(i.total_amount),
            'move_state': i.move.state if i.move else None,
            'lines': [(str(l.quantity), str(l.unit_price), str(l.amount))
                for l in i.lines],
            } for i in Invoice.find([], order=[('id', 'ASC')])],
    }
"""

# The counter's cash: Tryton's cash journal and the chart's cash account
SETUP_COUNTER = """
Journal = Model.get('account.journal')
cash_journal, = Journal.find([('type', '=', 'cash')])
Method = Model.get('account.invoice.payment.method')
cash = Method(name='Cash', journal=cash_journal,
    credit_account=accounts['cash'], debit_account=accounts['cash'])
cash.save()
Configuration = Model.get('property.billing.configuration')
config = Configuration(1)
config.counter_cash_method = cash
config.save()
"""

CHECK_COUNTER = """
Payment = Model.get('property.counter.payment')
Invoice = Model.get('account.invoice')
result = {
    'payments': [(p.cashier.login, p.method, str(p.amount),
            [m.state for m in p.moves], p.receipts)
        for p in Payment.find([])],
    'to_pay': {i.number: str(i.amount_to_pay) for i in Invoice.find([])},
    }
"""

# Mrs Wang: 89.37 m² × 1.85 = 165.33; Mr Li's empty home: 120.00 m² ×
# 1.85 less 30 % = 120.00 × 1.2950 = 155.40
WANG_AMOUNT = Decimal('165.33')
LI_AMOUNT = Decimal('155.40')

# The number of records of the active tab's list
COUNT = '() => Sao.Tab.tabs.get_current().screen.group.length'


def dialog_fill(sao, dialog, name, value):
    """Type a value in field ``name`` of the wizard ``dialog`` (the
    harness's fill works in the active tab only); commits on Tab"""
    entry = dialog.locator(
        f'[name="{name}"]:is(input, select, textarea):visible').first
    entry.click()
    entry.fill(str(value))
    entry.press('Tab')
    sao.wait_idle()
    return entry.input_value()


class PropertyBillingBrowserTestCase(BrowserTestCase):
    "Run a month's billing from the wizard and open a posted invoice"

    def test_run_billing(self):
        from playwright.sync_api import TimeoutError as WaitTimeout
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES,
                name='property_billing') as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_BILLING + SETUP_COUNTER)
            timings['setup'] = time.monotonic() - start - timings['server']
            month = dt.date.fromisoformat(fixtures['month'])
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_billing')
                # Finance runs the month
                sao.login_as(FINANCE)

                try:
                    # No run yet: the list of the billing runs is empty
                    sao.open_menu('Property', 'Fees and Billing',
                        'Billing Runs')
                    self.assertEqual(sao.page.evaluate(COUNT), 0)
                    sao.close_tab()

                    # Run Billing is a wizard in a dialog, which open_menu
                    # does not wait for (it waits for a new tab): its
                    # entry is visible in the expanded menu.
                    entry = sao.page.locator(
                        '#menu div.column-char[title="Run Billing"]').first
                    wizard = sao.page.locator('.wizard-dialog').first
                    for attempt in range(5):
                        entry.click()
                        try:
                            # sao adds it before it asks the server
                            wizard.wait_for(state='attached', timeout=3000)
                            break
                        except WaitTimeout:
                            pass  # a lost click: retry
                    else:
                        raise TimeoutError("Run Billing did not open")
                    dialog = sao.page.locator(
                        '.wizard-dialog .modal-dialog:visible').last
                    dialog.locator('[name="month"]:visible').wait_for()
                    sao.wait_idle()
                    sao.screenshot('open-run-billing')
                    self.assertEqual(dialog.locator(
                            '[name="company"]:visible').input_value(),
                        'E2E Property Services Co.')
                    # The dates as the user's language writes them
                    text = sao.page.evaluate(
                        '([y, m, d]) => Sao.Date(y, m - 1, d)'
                        '.format(Sao.common.date_format())',
                        [month.year, month.month, month.day])
                    self.assertEqual(
                        dialog_fill(sao, dialog, 'month', text), text)
                    self.assertEqual(
                        dialog_fill(sao, dialog, 'invoice_date', text), text)
                    sao.screenshot('run-billing-filled')
                    tabs = sao.page.locator('#tablist li').count()
                    dialog.locator('.modal-footer button').filter(
                        has_text='Bill').click()
                    # The wizard bills (the queued batches run right after
                    # the request without a worker) and opens the run
                    sao.page.wait_for_function(
                        '(n) => document.querySelectorAll("#tablist li")'
                        '.length > n', arg=tabs)
                    wizard.wait_for(state='detached')
                    sao.wait_idle()
                    sao.screenshot('run-opened')
                    sao.wait_value('state', 'done')
                    sao.wait_value('invoice_count', 2)
                    sao.wait_value('units_billed', 2)
                    self.assertEqual(sao.value('month'), text)
                    self.assertEqual(sao.value('invoice_count'), '2')
                    self.assertEqual(Decimal(sao.value('amount')),
                        WANG_AMOUNT + LI_AMOUNT)
                    state = sao.field('state')
                    self.assertEqual(state.evaluate(
                            '(e) => e.options[e.selectedIndex].text'),
                        'Done')
                    sao.screenshot('run-done')

                    # Its invoices, posted
                    tabs = sao.page.locator('#tablist li').count()
                    sao.click_button('open_invoices')
                    sao.page.wait_for_function(
                        '(n) => document.querySelectorAll("#tablist li")'
                        '.length > n', arg=tabs)
                    sao.wait_idle()
                    sao.screenshot('invoices')
                    self.assertEqual(sao.page.evaluate(COUNT), 2)
                    sao.open_record(WANG)
                    sao.wait_value('state', 'posted')
                    state = sao.field('state')
                    self.assertEqual(state.evaluate(
                            '(e) => e.options[e.selectedIndex].text'),
                        'Posted')
                    number = sao.value('number')
                    self.assertTrue(number, "no invoice number")
                    self.assertEqual(sao.value('party'), WANG)
                    self.assertEqual(Decimal(sao.value('total_amount')),
                        WANG_AMOUNT)
                    sao.screenshot('invoice-posted')

                    # The cashier takes 100.00 of it at the counter
                    sao.login_as(CASHIER)
                    sao.open_menu('Property', 'Fees and Billing',
                        'Counter Payments')
                    self.assertEqual(sao.page.evaluate(COUNT), 0)
                    sao.close_tab()
                    entry = sao.page.locator('#menu div.column-char'
                        '[title="Cashier Counter"]').first
                    for attempt in range(5):
                        entry.click()
                        try:
                            wizard.wait_for(state='attached', timeout=3000)
                            break
                        except WaitTimeout:
                            pass  # a lost click: retry
                    else:
                        raise TimeoutError("Cashier Counter did not open")
                    dialog = sao.page.locator(
                        '.wizard-dialog .modal-dialog:visible').last
                    dialog.locator('[name="reference"]:visible').wait_for()
                    sao.wait_idle()
                    # the invoice's number typed as on the fee notice
                    dialog_fill(sao, dialog, 'reference', number)
                    home = dialog.locator('[name="unit"]:visible').first
                    sao.page.wait_for_function(
                        '(e) => e.value.includes("301")',
                        arg=home.element_handle())
                    self.assertEqual(Decimal(dialog.locator(
                                '[name="total_due"]:visible').first
                            .input_value()), WANG_AMOUNT)
                    self.assertEqual(dialog.locator(
                            '.treeview tbody tr').filter(
                            has_text=number).count(), 1)
                    dialog_fill(sao, dialog, 'amount', '100.00')
                    sao.screenshot('counter-filled')
                    receipt = download_pdf(sao.page, dialog.locator(
                            '.modal-footer button').filter(
                            has_text='Pay and Print Receipt').click)
                    wizard.wait_for(state='detached')
                    sao.wait_idle()
                    sao.screenshot('counter-paid')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t

            result = server.query(CHECK_BILLING)
            counter = server.query(CHECK_COUNTER)
        self.assertTrue(receipt.name.endswith('.pdf'), receipt.name)
        self.assertTrue(receipt.content.startswith(b'%PDF'),
            receipt.content[:20])
        for expected in [number, WANG, '100.00', 'E2E Cashier Sun']:
            self.assertIn(expected, receipt.text)
        (cashier, method, amount, states, receipt_number), = \
            counter['payments']
        self.assertEqual((cashier, method, Decimal(amount), states),
            (CASHIER, 'cash', Decimal('100.00'), ['posted']))
        self.assertIn(receipt_number, receipt.text)
        self.assertEqual(Decimal(counter['to_pay'][number]),
            WANG_AMOUNT - 100)
        self.assertEqual(len(result['runs']), 1, result['runs'])
        run, = result['runs']
        lines = run.pop('lines')
        self.assertEqual(Decimal(run.pop('amount')), WANG_AMOUNT + LI_AMOUNT)
        self.assertEqual(run, {
                'created_by': FINANCE,
                'month': str(month), 'invoice_date': str(month),
                'site': None, 'state': 'done', 'units_total': 2,
                'units_billed': 2, 'invoice_count': 2, 'done_at': True,
                'batches': ['done'],
                })
        invoices = {i['id']: i for i in result['invoices']}
        self.assertEqual(len(invoices), 2, result['invoices'])
        self.assertEqual(len(lines), 2, lines)
        expected = {
            fixtures['wang_home']: (fixtures['wang'], '89.37', '1.8500',
                '0', WANG_AMOUNT),
            fixtures['li_home']: (fixtures['li'], '120.00', '1.2950',
                '30', LI_AMOUNT),
            }
        for line in lines:
            party, quantity, unit_price, discount, amount = expected.pop(
                line['unit'])
            self.assertEqual(line['party'], party)
            self.assertEqual(line['fee_type'], fixtures['fee_type'])
            self.assertEqual(line['service_start'], str(month))
            self.assertEqual(dt.date.fromisoformat(line['service_end']),
                (month + dt.timedelta(days=32)).replace(day=1)
                - dt.timedelta(days=1))
            self.assertEqual(Decimal(line['quantity']), Decimal(quantity))
            self.assertEqual(Decimal(line['unit_price']),
                Decimal(unit_price))
            self.assertEqual(Decimal(line['discount']), Decimal(discount))
            self.assertEqual(Decimal(line['amount']), amount)
            invoice = invoices.pop(line['invoice'])
            self.assertEqual(invoice['state'], 'posted')
            self.assertEqual(invoice['created_by'], FINANCE)
            self.assertEqual(invoice['move_state'], 'posted')
            self.assertTrue(invoice['number'])
            self.assertEqual(invoice['party'], party)
            self.assertEqual(invoice['property_unit'], line['unit'])
            self.assertEqual(invoice['invoice_date'], str(month))
            self.assertEqual(Decimal(invoice['total_amount']), amount)
            (i_quantity, i_price, i_amount), = invoice['lines']
            self.assertEqual(Decimal(i_quantity), Decimal(quantity))
            self.assertEqual(Decimal(i_price), Decimal(unit_price))
            self.assertEqual(Decimal(i_amount), amount)
            if party == fixtures['wang']:
                self.assertEqual(invoice['number'], number)
        self.assertEqual(expected, {})
        self.assertEqual(invoices, {})
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
