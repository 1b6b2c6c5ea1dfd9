"""Browser end-to-end test of printing in property_billing: finance opens
a posted fee invoice in sao, prints its fee notice from the toolbar's
Print menu, and the file sao hands over is a PDF with the invoice's number
and payer in it (read back with pdftotext)."""
import os
import subprocess
import tempfile
import time

from .harness import Browser, BrowserTestCase, TrytonServer, SUITE_MODULES
from .test_property_billing import FINANCE, SETUP_BILLING, WANG

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
"""


class PropertyBillingPrintBrowserTestCase(BrowserTestCase):
    "Print a fee notice from an invoice in the web client"

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
                    sao.close_infobar()
                    sao.tab.locator('button#print').first.click()
                    entry = sao.tab.locator(
                        'a[role="menuitem"]').filter(has_text='Fee Notice')
                    entry.first.wait_for(state='visible')
                    sao.screenshot('print-menu')
                    with sao.page.expect_download(
                            timeout=120 * 1000) as download_info:
                        entry.first.click()
                    download = download_info.value
                    sao.wait_idle()
                    sao.screenshot('printed')
                    name = download.suggested_filename
                    with tempfile.TemporaryDirectory() as directory:
                        path = os.path.join(directory, name)
                        download.save_as(path)
                        with open(path, 'rb') as fp:
                            content = fp.read()
                        text = subprocess.run(
                            ['pdftotext', '-layout', '-enc', 'UTF-8',
                                path, '-'], check=True,
                            capture_output=True).stdout.decode('utf-8')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t
        self.assertTrue(name.endswith('.pdf'), name)
        self.assertTrue(content.startswith(b'%PDF'), content[:20])
        self.assertIn(number, text)
        self.assertIn(WANG, text)
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
