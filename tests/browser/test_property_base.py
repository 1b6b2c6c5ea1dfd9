"""Browser end-to-end test of property_base: the administrator registers
a site (only administration creates sites, docs/ACCESS.md) and gives it to
its manager, who registers a building and a unit of it through the sao
forms; they are then checked in the database, with who made them."""
import time
from decimal import Decimal

from .harness import (SETUP_COMPANY, STAFF, SUITE_MODULES, Browser,
    BrowserTestCase, TrytonServer, setup_staff)

MANAGER = STAFF['manager'][0]


# The parts of the manager's estate board with the whole suite activated
BOARD_TITLES = sorted(['Taken Over and Vacant Units', 'Occupancy per Site',
    'Open Tickets per Site', 'Overdue Tickets',
    "This Month's Collection against Target", 'Arrears by Age',
    "Today's Visitors", 'Renovations in Progress'])


class PropertyBaseBrowserTestCase(BrowserTestCase):
    "Create a site, a building and a unit in sao"

    def _board_titles(self, sao):
        "The titles of the active tab's board, once each part has loaded"
        sao.page.wait_for_function("""(count) => {
            const parts = jQuery('#tabcontent .tab-pane.active '
                + '.board-action');
            return parts.length === count && parts.toArray().every(
                p => jQuery(p).find('.panel-heading').text().trim());
            }""", arg=len(BOARD_TITLES))
        sao.wait_idle()
        # the parts of each addon, in the order of the addons
        return sorted(t.strip() for t in sao.tab.locator(
                '.board-action > .panel-heading').all_inner_texts())

    def test_site_building_unit(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES, name='property_base') as server:
            timings['server'] = time.monotonic() - start
            # A site belongs to a company: create it (not the subject here)
            # before the browser session, so it is in the user's context.
            # The site's manager works on no site yet.
            server.query(SETUP_COMPANY + setup_staff('manager'))
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_base')
                # The administrator registers the site …
                sao.login_as(server.login)

                sao.open_menu('Property', 'Sites')
                sao.new()
                sao.fill('name', 'E2E Garden')
                sao.fill('code', 'E2E')
                sao.screenshot('site-filled')
                sao.save()
                sao.close_tab()
                # … and puts its manager on it (set-up, server side)
                server.query(f"""
User = Model.get('res.user')
Site = Model.get('property.site')
manager, = User.find([('login', '=', {MANAGER!r})])
manager.property_sites.extend(Site.find([('code', '=', 'E2E')]))
manager.save()
""")

                # The manager registers the building and its units; the
                # login opens the manager's home board (issue 21)
                sao.login_as(MANAGER)
                t_board = time.monotonic()
                self.assertEqual(self._board_titles(sao), BOARD_TITLES)
                timings['board'] = time.monotonic() - t_board
                sao.screenshot('estate-board-at-login')
                sao.close_tab()
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

                # The board shows the new site's home, vacant
                sao.open_menu('Property', 'Boards', 'Estate Board')
                self._board_titles(sao)
                occupancy = sao.tab.locator('.board-action').filter(
                    has_text='Occupancy per Site')
                row = occupancy.locator('tbody tr').filter(
                    has_text='E2E Garden')
                row.first.wait_for(state='visible')
                # site, units, taken over, vacant, occupancy
                self.assertEqual([c.strip() for c in row.first.locator(
                                'td').all_inner_texts() if c.strip()][:5],
                    ['E2E Garden', '1', '0', '1', '0.0'])
                sao.screenshot('estate-board-new-home')
                self.assertEqual(sao.errors, [], "JavaScript errors")
                timings['browser'] = time.monotonic() - t

            units = server.query("""
Unit = Model.get('property.unit')
result = [{
        'site': u.site.code, 'building': u.building.code,
        'created_by': [r.create_uid.login
            for r in [u.site, u.building, u]],
        'floor': u.floor, 'number': u.number, 'code': u.code,
        'type': u.type, 'area': str(u.area),
        'inner_area': str(u.inner_area), 'state': u.state,
        } for u in Unit.find([])]
""")
        self.assertEqual(len(units), 1, units)
        unit, = units
        # site by the administrator, building and unit by the manager
        self.assertEqual(unit['created_by'], [server.login, MANAGER, MANAGER])
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
