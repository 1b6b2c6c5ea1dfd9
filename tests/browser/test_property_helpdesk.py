"""Browser end-to-end test of property_helpdesk: a phone repair ticket is
taken, opened, dispatched, resolved, visited and closed in the sao forms,
then its dates, return visit and history are checked in the database."""
import time

from .harness import SETUP_COMPANY, Browser, BrowserTestCase, TrytonServer

# The estate and the engineering staff, created with proteus before the
# browser session (they are not the subject of this flow).
SETUP_HELPDESK = SETUP_COMPANY + """
from decimal import Decimal
Party = Model.get('party.party')
Employee = Model.get('company.employee')

def employee(name):
    party = Party(name=name)
    party.save()
    record = Employee(party=party)
    record.save()
    return record

manager = employee('E2E Site Manager')
supervisor = employee('E2E Service Supervisor')
technician = employee('E2E Plumber Zhao')

Site = Model.get('property.site')
site = Site(name='E2E Helpdesk Garden', code='HG', manager=manager,
    supervisor=supervisor)
site.save()
Building = Model.get('property.building')
building = Building(site=site, code='H1', name='Tower H1', floors=18)
building.save()
Unit = Model.get('property.unit')
unit = Unit(building=building, number='1201', area=Decimal('89.50'))
unit.save()

owner = Party(name='E2E Owner Wang')
owner.contact_mechanisms.new(type='mobile', value='13912345678')
owner.save()
Resident = Model.get('property.unit.resident')
Resident(unit=unit, party=owner, role='owner').save()

Department = Model.get('property.department')
engineering = Department(name='Engineering')
engineering.employees.append(Employee(technician.id))
engineering.save()
Category = Model.get('property.ticket.category')
Category(name='Plumbing', code='PLB', department=engineering).save()
result = {'unit': unit.rec_name, 'owner': owner.id,
    'technician': technician.id}
"""

PHONE = '13912345678'
DESCRIPTION = "Water leaking under the kitchen sink"

CHECK_TICKET = """
Ticket = Model.get('property.ticket')
result = [{
        'number': t.number, 'state': t.state, 'channel': t.channel,
        'kind': t.kind, 'unit': t.unit.code if t.unit else None,
        'site': t.site.code, 'category': t.category.name,
        'reporter': t.reporter.id if t.reporter else None,
        'contact_phone': t.contact_phone,
        'description': t.description,
        'assignee': t.assignee.id if t.assignee else None,
        'replied_at': t.replied_at, 'resolved_at': t.resolved_at,
        'closed_at': t.closed_at,
        'visits': [(v.satisfaction, v.method) for v in t.visits],
        'history': [(h.from_state, h.to_state)
            for h in sorted(t.history, key=lambda h: h.id)],
        } for t in Ticket.find([])]
"""


class PropertyHelpdeskBrowserTestCase(BrowserTestCase):
    "Walk a repair ticket from its receipt to its close in sao"

    def test_ticket_to_close(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(['property_helpdesk'],
                name='property_helpdesk') as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_HELPDESK)
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_helpdesk')
                sao.login(server.login, server.password)

                try:
                    # The clerk takes the phone call
                    sao.open_menu('Property', 'Helpdesk', 'Tickets')
                    ticket_tab = sao.current_tab()
                    sao.new()
                    sao.select('channel', value='phone')
                    sao.select('kind', value='repair_unit')
                    sao.fill_many2one('unit', 'H1-1201')
                    # the reporter and her phone come from the unit
                    sao.wait_value('reporter', fixtures['owner'])
                    self.assertEqual(sao.value('contact_phone'), PHONE)
                    sao.fill_many2one('category', 'Plumbing')
                    sao.fill('description', DESCRIPTION)
                    sao.screenshot('ticket-filled')
                    sao.save()
                    number = sao.value('number')
                    self.assertTrue(number.startswith('BX'), number)

                    # Buttons by name: Open, Dispatch, Resolve
                    sao.click_button('open', state='open')
                    sao.fill_many2one('assignee', 'E2E Plumber Zhao')
                    sao.screenshot('assignee-filled')
                    sao.click_button('assign', state='assigned')
                    sao.click_button('resolve', state='resolved')

                    # The return visit, in its own form
                    sao.open_menu('Property', 'Helpdesk', 'Return Visits')
                    sao.new()
                    sao.fill_many2one('ticket', number)
                    sao.fill('satisfaction', 5)
                    sao.screenshot('visit-filled')
                    sao.save()

                    # Back to the ticket, which the visit moved on
                    sao.show_tab(ticket_tab)
                    sao.reload()
                    sao.wait_value('state', 'visited')
                    sao.screenshot('ticket-visited')
                    sao.click_button('close', state='closed')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t

            tickets = server.query(CHECK_TICKET)
        self.assertEqual(len(tickets), 1, tickets)
        ticket, = tickets
        self.assertEqual(ticket['number'], number)
        self.assertEqual(ticket['state'], 'closed')
        self.assertEqual(ticket['channel'], 'phone')
        self.assertEqual(ticket['kind'], 'repair_unit')
        self.assertEqual(ticket['site'], 'HG')
        self.assertEqual(ticket['unit'], 'H1-1201')
        self.assertEqual(ticket['category'], 'Plumbing')
        self.assertEqual(ticket['reporter'], fixtures['owner'])
        self.assertEqual(ticket['contact_phone'], PHONE)
        self.assertEqual(ticket['description'], DESCRIPTION)
        self.assertEqual(ticket['assignee'], fixtures['technician'])
        for name in ['replied_at', 'resolved_at', 'closed_at']:
            self.assertTrue(ticket[name], name)
        self.assertLessEqual(ticket['replied_at'], ticket['resolved_at'])
        self.assertLessEqual(ticket['resolved_at'], ticket['closed_at'])
        # (JSON turned the pairs into lists)
        self.assertEqual(
            [tuple(v) for v in ticket['visits']], [(5, 'phone')])
        self.assertEqual([tuple(h) for h in ticket['history']], [
                (None, 'draft'),
                ('draft', 'open'),
                ('open', 'assigned'),
                ('assigned', 'resolved'),
                ('resolved', 'visited'),
                ('visited', 'closed'),
                ])
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
