"""Browser end-to-end test of property_maintenance: the month's fire
equipment round (seed 004: 消防设施设备的检查由秩序维护员进行检查) is entered in
sao by the building manager's team, one extinguisher failing; the round
done, the failed item is a repair ticket of the common areas. Checked in
the database after."""
import time

from .harness import (SETUP_COMPANY, STAFF, SUITE_MODULES, Browser,
    BrowserTestCase, TrytonServer, setup_staff)

BUILDING = STAFF['building_manager'][0]
SITE = 'E2E Fire Garden'

# The site's fire equipment and the ticket category of its repairs, set up
# by the administrator with proteus (not the subject of the flow)
SETUP_FIRE = SETUP_COMPANY + f"""
Site = Model.get('property.site')
site = Site(name={SITE!r}, code='FG')
site.save()
Party = Model.get('party.party')
Employee = Model.get('company.employee')
party = Party(name='E2E Technician Wu')
party.save()
technician = Employee(party=party, company=company)
technician.save()
Department = Model.get('property.department')
engineering = Department(name='E2E Engineering')
engineering.employees.append(Employee(technician.id))
engineering.save()
TicketCategory = Model.get('property.ticket.category')
fire = TicketCategory(code='E2EFIRE', name='E2E Fire equipment',
    department=engineering)
fire.save()
Category = Model.get('property.equipment.category')
extinguishers = Category(code='E2EEXT', name='Extinguisher',
    kind='fire_extinguisher')
extinguishers.save()
hydrants = Category(code='E2EHYD', name='Hydrant', kind='fire_hydrant')
hydrants.save()
Equipment = Model.get('property.equipment')
extinguisher = Equipment(site=site, code='MHQ-301', name='Extinguisher 3F',
    category=extinguishers, location='Floor 3 corridor')
extinguisher.save()
hydrant = Equipment(site=site, code='XHS-101', name='Hydrant lobby',
    category=hydrants, location='Lobby')
hydrant.save()
""" + setup_staff('building_manager', sites=['FG']) + """
result = {'site': site.id, 'extinguisher': extinguisher.id,
    'hydrant': hydrant.id, 'category': fire.id}
"""

CHECK_FIRE = """
FireCheck = Model.get('property.fire.check')
result = [{
        'site': c.site.id, 'state': c.state,
        'created_by': c.create_uid.login,
        'done_by': c.write_uid.login,
        'lines': sorted([{
                'equipment': l.equipment.id, 'result': l.result,
                'note': l.note,
                'ticket': l.ticket and {
                    'state': l.ticket.state, 'kind': l.ticket.kind,
                    'category': l.ticket.category.id,
                    'site': l.ticket.site.id,
                    'description': l.ticket.description,
                    },
                } for l in c.lines], key=lambda l: l['equipment']),
        } for c in FireCheck.find([])]
"""


class PropertyMaintenanceBrowserTestCase(BrowserTestCase):
    "A fire equipment round with a failed item, entered in sao"

    def test_fire_check_round_failed_item(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES, name='property_maintenance'
                ) as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_FIRE)
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_maintenance')
                sao.login_as(BUILDING)
                try:
                    sao.open_menu('Property', 'Maintenance',
                        'Fire Equipment Checks')
                    sao.new()
                    sao.fill_many2one('site', SITE)
                    sao.add_row('lines', {
                            'equipment': 'MHQ-301',
                            'result': 'Problem',
                            'category': 'E2E Fire equipment',
                            'note': 'Pressure gauge in the red',
                            })
                    self.assertEqual(sao.add_row('lines', {
                                'equipment': 'XHS-101',
                                'result': 'OK',
                                }), 2)
                    sao.screenshot('round-filled')
                    sao.save()
                    sao.click_button('do', state='done')
                    self.assertEqual(sao.record_value('failed'), 1)
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t
            result = server.query(CHECK_FIRE)
        check, = result
        self.assertEqual((check['site'], check['state'],
                check['created_by'], check['done_by']),
            (fixtures['site'], 'done', BUILDING, BUILDING))
        failed, ok = check['lines']
        self.assertEqual((failed['equipment'], failed['result'],
                ok['equipment'], ok['result'], ok['ticket']),
            (fixtures['extinguisher'], 'fail', fixtures['hydrant'], 'ok',
                None))
        ticket = failed['ticket']
        self.assertEqual((ticket['state'], ticket['kind'],
                ticket['category'], ticket['site']),
            ('open', 'repair_common', fixtures['category'],
                fixtures['site']))
        self.assertIn('Pressure gauge in the red', ticket['description'])
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
