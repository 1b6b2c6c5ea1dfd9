"""Browser end-to-end test of property_base: site, building and unit are
created through the sao forms and then checked in the database."""
import time
from decimal import Decimal

from .harness import SETUP_COMPANY, Browser, BrowserTestCase, TrytonServer


class PropertyBaseBrowserTestCase(BrowserTestCase):
    "Create a site, a building and a unit in sao"

    def test_site_building_unit(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(['property_base'], name='property_base') as server:
            timings['server'] = time.monotonic() - start
            # A site belongs to a company: create it (not the subject here)
            # before the browser session, so it is in the user's context.
            server.query(SETUP_COMPANY)
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_base')
                sao.login(server.login, server.password)

                sao.open_menu('Property', 'Sites')
                sao.new()
                sao.fill('name', 'E2E Garden')
                sao.fill('code', 'E2E')
                sao.screenshot('site-filled')
                sao.save()

                sao.open_menu('Property', 'Buildings')
                sao.new()
                sao.fill_many2one('site', 'E2E Garden')
                sao.fill('code', 'B7')
                sao.fill('name', 'Block 7')
                sao.select('type', value='office')
                sao.fill('floors', 18)
                sao.screenshot('building-filled')
                sao.save()

                sao.open_menu('Property', 'Units')
                sao.new()
                sao.fill_many2one('building', 'Block 7')
                sao.fill('floor', 12)
                sao.fill('number', '1203')
                # the code defaults to building code + number
                self.assertEqual(sao.value('code'), 'B7-1203')
                sao.select('type', value='office')
                sao.fill('area', '98.5')
                sao.fill('inner_area', '76.25')
                sao.screenshot('unit-filled')
                sao.save()
                self.assertEqual(sao.errors, [], "JavaScript errors")
                timings['browser'] = time.monotonic() - t

            units = server.query("""
Unit = Model.get('property.unit')
result = [{
        'site': u.site.code, 'building': u.building.code,
        'floor': u.floor, 'number': u.number, 'code': u.code,
        'type': u.type, 'area': str(u.area),
        'inner_area': str(u.inner_area), 'state': u.state,
        } for u in Unit.find([])]
""")
        self.assertEqual(len(units), 1, units)
        unit, = units
        self.assertEqual(unit['site'], 'E2E')
        self.assertEqual(unit['building'], 'B7')
        self.assertEqual(unit['floor'], 12)
        self.assertEqual(unit['number'], '1203')
        self.assertEqual(unit['code'], 'B7-1203')
        self.assertEqual(unit['type'], 'office')
        self.assertEqual(Decimal(unit['area']), Decimal('98.5'))
        self.assertEqual(Decimal(unit['inner_area']), Decimal('76.25'))
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
