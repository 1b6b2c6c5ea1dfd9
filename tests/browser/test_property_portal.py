"""Browser end-to-end test of the owners' portal (property_portal with
billing and helpdesk) on a phone-sized page (390x844): an owner signs in,
opens Bills and downloads the fee notice PDF of the month (read back with
pdftotext), reports a leak with a photo of the phone; the front desk finds
it in sao under the tickets' "From the Portal" tab and dispatches it to
the plumber; the owner sees the state and who is on it; once the plumber
resolved it, the owner confirms and rates it in the portal, and the front
desk sees the return visit (method App) on the ticket in sao."""
import datetime as dt
import os
import shutil
import struct
import time
import zlib

from .harness import (ARTIFACTS, STAFF, office_today, SUITE_MODULES, Browser,
    BrowserTestCase, TrytonServer, download_pdf, setup_staff)
from .test_property_billing import WANG
from .test_property_billing_print import SETUP_PRINT

CLERK = STAFF['front_desk'][0]
ENGINEER = STAFF['engineering'][0]
PLUMBER = STAFF['engineering'][1]
EMAIL = 'wang.e2e@example.com'
PASSWORD = 'owner-Wang-2026'
LEAK = "Water leaking from the bathroom ceiling"
RESOLUTION = "Pipe joint upstairs replaced"
COMMENT = "On time and tidy"
# the work order's appointment: the next day at 10:00 office time
APPOINTMENT = (office_today() + dt.timedelta(days=1)).strftime(
    '%Y-%m-%d 10:00')


def png(width=16, height=12, rgb=(40, 110, 200)):
    "A small valid PNG picture (a plain colour), as a phone's camera gives"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    rows = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0,
                0))
        + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


# The month billed by finance (the billing print flow's set-up), then the
# helpdesk's plumbing category with the plumber of engineering (a user of
# his own), the front desk, and Mrs Wang invited to the portal by the
# front desk; she set her password with the invitation's code
SETUP_PORTAL = SETUP_PRINT + f"""
as_user('admin')
Party = Model.get('party.party')
Employee = Model.get('company.employee')
wang = Party(result['wang'])
wang.contact_mechanisms.new(type='email', value={EMAIL!r})
wang.save()
plumber = Party(name={PLUMBER!r})
plumber.save()
technician = Employee(party=plumber)
technician.save()
Department = Model.get('property.department')
engineering = Department(name='Engineering')
engineering.employees.append(Employee(technician.id))
engineering.save()
Category = Model.get('property.ticket.category')
Category(name='Plumbing', code='PLB', department=engineering).save()
engineering.head = technician
engineering.save()
# (the supervisor's spot check is not this flow's: none selected)
Configuration = Model.get('property.helpdesk.configuration')
helpdesk = Configuration(1)
helpdesk.spot_check_share = 0
helpdesk.save()
employees = {{'engineering': technician}}
""" + setup_staff('front_desk', 'engineering', sites=['BG']) + f"""
as_user({CLERK!r})
Model.get('party.party')(result['wang']).click('portal_invite')
invitation, = Model.get('property.portal.invitation').find(
    [('party', '=', result['wang'])])
from proteus import config as _proteus
from trytond.pool import Pool as _Pool
from trytond.transaction import Transaction as _Transaction
with _Transaction().start(_proteus.get_config().database_name, 0):
    _Pool().get('property.portal.invitation')(invitation.id).accept(
        {PASSWORD!r})
Invoice = Model.get('account.invoice')
result.update({{'technician': technician.id,
    'amount': str(Invoice(result['invoice']).amount_to_pay)}})
"""

# The job, in the helpdesk's workflow: the front desk dispatches a work
# order to the plumber with an appointment tomorrow at 10:00 office time
# (the ticket starts); the plumber reports it done after his checks (he
# heads the team); the front desk resolves the ticket with his report
WORK = f"""
import datetime as dt
from trytond.modules.property_base.common import clock
as_user({CLERK!r})
Ticket = Model.get('property.ticket')
WorkOrder = Model.get('property.work_order')
order = WorkOrder(ticket=Ticket(TICKET))
order.technician = Model.get('company.employee')(TECHNICIAN)
# 10:00 in Shanghai is 02:00 UTC
order.appointment_at = (clock() + dt.timedelta(days=1)).replace(
    hour=2, minute=0, second=0, microsecond=0)
order.save()
order.click('dispatch')
# (a model's class is of the user who got it)
as_user({ENGINEER!r})
order = Model.get('property.work_order')(order.id)
order.report = {RESOLUTION!r}
order.save()
order.click('self_check')
order.click('leader_check')
order.click('finish')
as_user({CLERK!r})
ticket = Model.get('property.ticket')(TICKET)
ticket.resolution = {RESOLUTION!r}
ticket.save()
ticket.click('resolve')
result = [ticket.state, order.state]
"""

CHECK_TICKET = """
Ticket = Model.get('property.ticket')
Attachment = Model.get('ir.attachment')
ticket = Ticket(TICKET)
result = {
    'state': ticket.state, 'channel': ticket.channel, 'kind': ticket.kind,
    'unit': ticket.unit.id, 'reporter': ticket.reporter.id,
    'assignee': ticket.assignee.id, 'description': ticket.description,
    'visits': [(v.method, v.satisfaction, v.comments)
        for v in ticket.visits],
    'photos': [(a.name, bytes(a.data).hex()) for a in Attachment.find(
            [('resource', '=', 'property.ticket,%d' % ticket.id)])],
    'history': [(h.from_state, h.to_state,
            h.create_uid.login if h.create_uid else None)
        for h in sorted(ticket.state_changes, key=lambda h: h.id)],
    }
"""


class PropertyPortalBrowserTestCase(BrowserTestCase):
    "An owner's phone: the bill, a leak reported, followed and rated"

    def test_owner_bill_leak_dispatched_rated(self):
        timings = {}
        start = time.monotonic()
        photo = png()
        with TrytonServer(SUITE_MODULES, name='property_portal') as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_PORTAL)
            timings['setup'] = time.monotonic() - start - timings['server']
            invoice, number = fixtures['invoice'], fixtures['number']
            with Browser() as browser:
                t = time.monotonic()
                phone = browser.context.new_page()
                phone.set_viewport_size({'width': 390, 'height': 844})
                errors = []
                phone.on('pageerror', lambda exc: errors.append(str(exc)))
                portal = f'{server.url}{server.database}/portal/'
                folder = os.path.join(ARTIFACTS, 'property_portal-phone')
                shutil.rmtree(folder, ignore_errors=True)
                os.makedirs(folder)

                def shot(name):
                    phone.screenshot(path=os.path.join(folder, name + '.png'))

                try:
                    # in English (Chinese by default), then signs in
                    phone.goto(portal + 'lang/en')
                    phone.fill('#login', EMAIL)
                    phone.fill('#password', PASSWORD)
                    phone.click('form.card button[type="submit"]')
                    phone.wait_for_url('**/portal/homes')
                    # Bills: the open fee invoice and its notice
                    phone.click('nav.tabs a[href$="/bills"]')
                    bill = phone.locator(f'#bill-{invoice}')
                    self.assertIn(number, bill.inner_text())
                    amount = bill.locator('.amount').inner_text()
                    self.assertIn(fixtures['amount'], amount.replace(',', ''))
                    shot('bills')
                    link = bill.locator('a[href$="/notice.pdf"]')
                    notice = download_pdf(phone,
                        lambda: link.click(modifiers=['Alt']))
                    timings['bill'] = time.monotonic() - t
                    # Report a problem: a leak, with a photo of the camera
                    phone.click('nav.tabs a[href$="/tickets"]')
                    phone.click('a.button[href$="/tickets/new"]')
                    phone.select_option('#kind', value='repair_unit')
                    phone.select_option('#category', label='Plumbing')
                    phone.fill('#description', LEAK)
                    phone.set_input_files('#photos', files=[{
                                'name': 'leak.png', 'mimeType': 'image/png',
                                'buffer': photo}])
                    shot('report')
                    phone.click('form.card button[type="submit"]')
                    phone.wait_for_url('**/portal/tickets/*')
                    ticket = int(phone.url.rsplit('/', 1)[1])
                    self.assertEqual(
                        phone.inner_text('dd.state').strip(), 'Open')
                    shot('reported')
                    self.assertEqual(errors, [], "JavaScript errors")
                except BaseException:
                    shot('failure')
                    raise
                timings['report'] = time.monotonic() - t - timings['bill']
                number_ = server.query(
                    f"result = Model.get('property.ticket')({ticket}).number")

                # The front desk dispatches it in sao
                t = time.monotonic()
                sao = browser.open(server, 'property_portal')
                try:
                    sao.login_as(CLERK)
                    sao.open_menu('Property', 'Helpdesk', 'Tickets')
                    ticket_tab = sao.current_tab()
                    sao.show_domain('From the Portal', number_)
                    sao.open_record(number_)
                    self.assertEqual(sao.value('description'), LEAK)
                    sao.fill_many2one('assignee', PLUMBER)
                    sao.click_button('assign', state='assigned')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['dispatch'] = time.monotonic() - t

                # The owner sees who is on it
                t = time.monotonic()
                try:
                    phone.reload()
                    self.assertEqual(
                        phone.inner_text('dd.state').strip(), 'Assigned')
                    self.assertEqual(
                        phone.inner_text('dd.assignee').strip(), PLUMBER)
                    shot('assigned')
                except BaseException:
                    shot('failure')
                    raise
                # the plumber does the job, the front desk resolves it
                self.assertEqual(server.query(WORK.replace(
                            'TICKET', str(ticket)).replace('TECHNICIAN',
                            str(fixtures['technician']))),
                    ['resolved', 'done'])
                try:
                    # the owner confirms and rates it
                    phone.reload()
                    self.assertEqual(
                        phone.inner_text('dd.state').strip(), 'Resolved')
                    self.assertEqual(
                        phone.inner_text('dd.resolution').strip(), RESOLUTION)
                    self.assertEqual(phone.inner_text('dd.appointment'),
                        APPOINTMENT)
                    phone.select_option('#satisfaction', value='4')
                    phone.fill('#comment', COMMENT)
                    shot('rate')
                    phone.click('form.card button[type="submit"]')
                    phone.locator('p.info').wait_for(state='visible')
                    self.assertEqual(
                        phone.inner_text('dd.state').strip(), 'Visited')
                    shot('rated')
                    self.assertEqual(errors, [], "JavaScript errors")
                except BaseException:
                    shot('failure')
                    raise
                timings['rate'] = time.monotonic() - t

                # The front desk sees the return visit on the ticket
                t = time.monotonic()
                try:
                    sao.show_tab(ticket_tab)
                    sao.reload()
                    sao.wait_value('state', 'visited')
                    sao.tab.locator('.form .nav-tabs a').filter(
                        has_text='Resolution').first.click()
                    self.assertEqual(sao.row_count('visits'), 1)
                    # (sao draws the rows of a list once it is in view)
                    visits = sao.one2many('visits')
                    visits.scroll_into_view_if_needed()
                    row = visits.locator('tbody tr').filter(
                        has_text=COMMENT).first
                    row.wait_for(state='visible')
                    visit_row = row.inner_text()
                    sao.screenshot('visit')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['visit'] = time.monotonic() - t
            check = server.query(CHECK_TICKET.replace('TICKET', str(ticket)))
        self.assertTrue(notice.content.startswith(b'%PDF'),
            notice.content[:20])
        self.assertIn(number, notice.text)
        self.assertIn(WANG, notice.text)
        self.assertIn('B1-301', notice.text)
        self.assertIn(fixtures['amount'], notice.text.replace(',', ''))
        self.assertIn('App', visit_row)
        self.assertIn('4', visit_row)
        self.assertIn(COMMENT, visit_row)
        self.assertEqual((check['state'], check['channel'], check['kind'],
                check['unit'], check['reporter'], check['assignee'],
                check['description']), ('visited', 'app', 'repair_unit',
                fixtures['wang_home'], fixtures['wang'],
                fixtures['technician'], LEAK))
        self.assertEqual([tuple(v) for v in check['visits']],
            [('app', 4, COMMENT)])
        self.assertEqual([tuple(p) for p in check['photos']],
            [('photo-1.png', photo.hex())])
        # received from the portal (the web user is no staff: root), the
        # clerk's dispatch, the plumber's job, the owner's rating
        self.assertEqual([tuple(h)[:2] for h in check['history']], [
                (None, 'draft'), ('draft', 'open'), ('open', 'assigned'),
                ('assigned', 'in_progress'), ('in_progress', 'resolved'),
                ('resolved', 'visited')])
        self.assertEqual([h[2] for h in check['history']][2:5],
            [CLERK, CLERK, CLERK])
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
