"""Browser end-to-end test of printing in property_billing: finance opens
a posted fee invoice in sao, prints its fee notice from the toolbar's
Print menu, and the file sao hands over is a PDF with the invoice's number
and payer in it (read back with pdftotext). Finance then imports the
homes' opening balances (期初欠费): downloads the wizard's template, uploads
a file with a wrong line and reads the error listed by its line number,
goes back and uploads the corrected file, and the opening invoices open
in the fee invoice list."""
import datetime as dt
import time

from dateutil.relativedelta import relativedelta

from .harness import Browser, BrowserTestCase, TrytonServer, SUITE_MODULES
from .test_property_billing import (
    COUNT, FINANCE, LI, SETUP_BILLING, WANG)

# The month billed as in the billing flow, with the wizard, by finance
SETUP_PRINT = SETUP_BILLING + f"""
as_user({FINANCE!r})
run_billing = Wizard('property.billing.run.create')
run_billing.form.month = month
run_billing.form.invoice_date = month
run_billing.execute('bill')
Invoice = Model.get('account.invoice')
invoice, = Invoice.find([('party.name', '=', {WANG!r})])
assert invoice.state == 'posted', invoice.state
result.update({{'number': invoice.number, 'invoice': invoice.id}})
# the opening balances are credited to the chart's equity
as_user('admin')
Account = Model.get('account.account')
equity, = Account.find([('code', '=', '3.4.4')])
Configuration = Model.get('property.billing.configuration')
config = Configuration(1)
config.opening_account = equity
config.save()
result['codes'] = [u.rec_name for u in homes]
"""

# CHECK_OPENING: the opening invoices of the import, posted by finance
CHECK_OPENING = """
Invoice = Model.get('account.invoice')
result = sorted((i.party.name, str(i.total_amount), i.state,
        i.create_uid.login, len(i.lines))
    for i in Invoice.find([('property_openings', '!=', None)]))
"""


class PropertyBillingPrintBrowserTestCase(BrowserTestCase):
    "Print a fee notice from an invoice in the web client"

    def _import_opening(self, sao, fixtures):
        """Finance's Import Opening Balances in sao: the template's bytes,
        the errors listed for a file with a wrong line, the number of
        invoices shown once the corrected file is imported, the seconds
        it took"""
        from playwright.sync_api import TimeoutError as WaitTimeout
        t = time.monotonic()
        wang_home, li_home = fixtures['codes']
        month = dt.date.fromisoformat(fixtures['month'])
        before = [f'{month - relativedelta(months=n):%Y-%m}' for n in (2, 1)]
        rows = [
            'unit_code,payer,fee_type,month,amount',
            f'{wang_home},{WANG},PF,{before[0]},165.33',
            f'{wang_home},{WANG},PF,{before[1]},165.33',
            f'{li_home},{LI},PF,{before[1]},155.40',
            ]
        wrong = rows[:2] + [rows[2].replace('165.33', '165.333')] + rows[3:]
        entry = sao.page.locator(
            '#menu div.column-char[title="Import Opening Balances"]').first
        wizard = sao.page.locator('.wizard-dialog').first
        sao.close_infobar()
        for attempt in range(5):
            entry.click()
            try:
                wizard.wait_for(state='attached', timeout=3000)
                break
            except WaitTimeout:
                pass  # a lost click: retry
        else:
            raise TimeoutError("Import Opening Balances did not open")
        dialog = sao.page.locator('.wizard-dialog .modal-dialog:visible').last
        dialog.locator('[name="file"]:visible').wait_for()
        sao.wait_idle()

        def binary(name):
            return dialog.locator('.form-binary').filter(
                has=sao.page.locator(f'[name="{name}"]'))
        with sao.page.expect_download() as download_info:
            binary('template').locator('button[title="Save As..."]').click()
        with open(download_info.value.path(), 'rb') as fp:
            template = fp.read()

        def upload(lines):
            binary('file').locator('input[type="file"]').set_input_files({
                    'name': 'opening.csv', 'mimeType': 'text/csv',
                    'buffer': ('\r\n'.join(lines) + '\r\n').encode()})
            sao.wait_idle()
            dialog.locator('.modal-footer button').filter(
                has_text='Import').click()
        upload(wrong)
        errors = dialog.locator('[name="errors"]:visible')
        errors.wait_for()
        sao.wait_idle()
        sao.screenshot('opening-errors')
        listed = errors.input_value().splitlines()
        dialog.locator('.modal-footer button').filter(
            has_text='Back').click()
        dialog.locator('[name="file"]:visible').wait_for()
        sao.wait_idle()
        tabs = sao.page.locator('#tablist li').count()
        upload(rows)
        sao.page.wait_for_function(
            '(n) => document.querySelectorAll("#tablist li").length > n',
            arg=tabs)
        wizard.wait_for(state='detached')
        sao.wait_idle()
        sao.screenshot('opening-invoices')
        count = sao.page.evaluate(COUNT)
        for payer in [WANG, LI]:
            self.assertEqual(sao.tab.locator('tbody tr').filter(
                    has_text=payer).count(), 1, payer)
        return template, listed, count, time.monotonic() - t

    def test_print_fee_notice(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES,
                name='property_billing_print') as server:
            fixtures = server.query(SETUP_PRINT)
            number = fixtures['number']
            timings['setup'] = time.monotonic() - start
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_billing_print')
                sao.login_as(FINANCE)
                try:
                    sao.open_menu('Property', 'Fees and Billing',
                        'Billing Runs')
                    sao.open_record('Done')
                    tabs = sao.page.locator('#tablist li').count()
                    sao.click_button('open_invoices')
                    sao.page.wait_for_function(
                        '(n) => document.querySelectorAll("#tablist li")'
                        '.length > n', arg=tabs)
                    sao.wait_idle()
                    sao.open_record(WANG)
                    sao.wait_value('number', number)
                    sao.screenshot('invoice')
                    # Print > Fee Notice: sao asks the server for the
                    # report and hands the file over as a download
                    printed = sao.print_pdf('Fee Notice')
                    opening = self._import_opening(sao, fixtures)
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t
            invoices = server.query(CHECK_OPENING)
        self.assertEqual(invoices, [
                [LI, '155.40', 'posted', FINANCE, 1],
                [WANG, '330.66', 'posted', FINANCE, 2]])
        template, errors, count, timings['opening'] = opening
        self.assertEqual(template.decode('utf-8-sig').splitlines(),
            ['unit_code,payer,fee_type,month,amount'])
        self.assertEqual(len(errors), 1, errors)
        self.assertTrue(errors[0].startswith('Line 3:'), errors)
        self.assertEqual(count, 2)
        self.assertTrue(printed.name.endswith('.pdf'), printed.name)
        self.assertTrue(printed.content.startswith(b'%PDF'),
            printed.content[:20])
        self.assertIn(number, printed.text)
        self.assertIn(WANG, printed.text)
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
