"""Browser end-to-end test of property_frontdesk: the front desk clerk
receives a parcel for a home in the sao form (the home's owner is e-mailed),
and hands it over to the resident who collects it, recorded with who
collected it and when. The parcel is then checked in the database."""
import time

from .harness import (SETUP_COMPANY, STAFF, SUITE_MODULES, Browser,
    BrowserTestCase, TrytonServer, setup_staff)

CLERK = STAFF['front_desk'][0]
SITE = 'E2E Parcel Garden'
OWNER = 'E2E Owner Wang'

# The estate, the home's owner (with an e-mail address) and the clerk,
# created with proteus before the browser session (not the subject here)
SETUP_DESK = SETUP_COMPANY + f"""
import datetime as dt
from decimal import Decimal
company.party.email = 'office@example.com'
company.party.save()
Site = Model.get('property.site')
site = Site(name={SITE!r}, code='PG')
site.save()
Building = Model.get('property.building')
building = Building(site=site, code='P1', name='Parcel Block 1', floors=6)
building.save()
Unit = Model.get('property.unit')
unit = Unit(building=building, floor=3, number='301', area=Decimal(90))
Party = Model.get('party.party')
owner = Party(name={OWNER!r})
owner.contact_mechanisms.new(type='email', value='wang@example.com')
owner.save()
unit.ownerships.new(party=owner, share=Decimal(100),
    from_date=dt.date(2024, 1, 1))
unit.save()
""" + setup_staff('front_desk', sites=['PG']) + """
result = {'unit': unit.id, 'code': unit.code, 'owner': owner.id}
"""

CHECK_DESK = """
Parcel = Model.get('property.parcel')
result = [{
        'unit': p.unit.id, 'state': p.state, 'carrier': p.carrier,
        'tracking': p.tracking, 'collector': p.collector,
        'received_by': p.received_by.login,
        'handed_over_by': p.handed_over_by.login if p.handed_over_by
            else None,
        'notified_to': p.notified_to,
        'received': bool(p.received_at), 'collected': bool(p.collected_at),
        } for p in Parcel.find([])]
"""


class PropertyFrontdeskBrowserTestCase(BrowserTestCase):
    "A parcel received and collected at the front desk in sao"

    def test_parcel_received_and_collected(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES, name='property_frontdesk') \
                as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_DESK)
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_frontdesk')
                sao.login_as(CLERK)
                try:
                    # The courier leaves a parcel for home 301
                    sao.open_menu('Property', 'Front Desk',
                        'Mail and Parcels')
                    sao.new()
                    # the clerk's only site is the default
                    self.assertEqual(sao.value('site'), SITE)
                    sao.fill_many2one('unit', fixtures['code'])
                    sao.fill('carrier', 'SF Express')
                    sao.fill('tracking', 'SF1234567890')
                    sao.screenshot('parcel-received')
                    sao.save()
                    # the residents were e-mailed when it was saved
                    sao.wait_value('notified_to', 'wang@example.com')
                    self.assertEqual(sao.record_value('state'), 'waiting')

                    # The owner comes to collect it: the clerk writes
                    # who collected it and hands it over (the button saves
                    # the record first, as sao does before any button)
                    sao.fill('collector', OWNER)
                    self.assertEqual(sao.record_value('collector'), OWNER)
                    sao.click_button('collect', state='collected')
                    self.assertEqual(sao.value('collector'), OWNER)
                    sao.screenshot('parcel-collected')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t

            parcels = server.query(CHECK_DESK)
        self.assertEqual(parcels, [{
                    'unit': fixtures['unit'], 'state': 'collected',
                    'carrier': 'SF Express', 'tracking': 'SF1234567890',
                    'collector': OWNER, 'received_by': CLERK,
                    'handed_over_by': CLERK,
                    'notified_to': 'wang@example.com',
                    'received': True, 'collected': True,
                    }])
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
