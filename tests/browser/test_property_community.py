"""Browser end-to-end test of an owners' meeting (property_community with
property_portal): an owner, invited by the front desk, sets a password and
votes "for" in the portal on a phone-sized page; the site manager closes
the meeting in sao and prints the vote result sheet, whose PDF counts the
owner's ballot with the clerk's paper one (read back with pdftotext)."""
import os
import shutil
import time

from .harness import (ARTIFACTS, OFFICE_TODAY, SETUP_COMPANY, STAFF,
    SUITE_MODULES, Browser, BrowserTestCase, TrytonServer, setup_staff)

MANAGER = STAFF['manager'][0]
CLERK = STAFF['front_desk'][0]
SITE = 'E2E Vote Garden'
MEETING = 'E2E Owners Meeting 2026'
MATTER = 'Renew the property service contract'
WANG, LI, ZHANG = 'E2E Owner Wang', 'E2E Owner Li', 'E2E Owner Zhang'
PASSWORD = 'owner-Wang-2026'

# The estate (3 homes of 100, 100 and 50 m², one owner each), the manager
# and the clerk; the manager opens a meeting with one ordinary matter, the
# clerk keys in Li's paper ballot and invites Wang to the portal
SETUP_VOTE = SETUP_COMPANY + OFFICE_TODAY + f"""
import datetime as dt
from decimal import Decimal
Site = Model.get('property.site')
site = Site(name={SITE!r}, code='VG')
site.save()
Building = Model.get('property.building')
building = Building(site=site, code='V1', name='Vote Block 1', floors=6)
building.save()
Party = Model.get('party.party')
Unit = Model.get('property.unit')
owners = {{}}
for name, number, area in [({WANG!r}, '101', 100), ({LI!r}, '102', 100),
        ({ZHANG!r}, '201', 50)]:
    owner = Party(name=name)
    if name == {WANG!r}:
        owner.contact_mechanisms.new(type='email', value='wang@example.com')
    owner.save()
    owners[name] = owner.id
    unit = Unit(building=building, floor=int(number[0]), number=number,
        area=Decimal(area))
    unit.ownerships.new(party=owner, share=Decimal(100),
        from_date=dt.date(2024, 1, 1))
    unit.save()
""" + setup_staff('manager', 'front_desk', sites=['VG']) + f"""
config = as_user({MANAGER!r})
Assembly = Model.get('property.assembly')
meeting = Assembly(name={MEETING!r}, record_date=office_today)
meeting.matters.new(sequence=1, kind='manager', name={MATTER!r})
meeting.save()
meeting.click('open')
matter = meeting.matters[0].id
config = as_user({CLERK!r})
Party = Model.get('party.party')
Ballot = Model.get('property.assembly.ballot')
Ballot(matter=Model.get('property.assembly.matter')(matter),
    party=Party(owners[{LI!r}]), choice='for').save()
Party(owners[{WANG!r}]).click('portal_invite')
invitation, = Model.get('property.portal.invitation').find(
    [('party', '=', owners[{WANG!r}])])
result = {{'meeting': meeting.id, 'matter': matter,
    'code': invitation.code}}
"""

CHECK_BALLOTS = """
Ballot = Model.get('property.assembly.ballot')
result = sorted((b.party.name, b.choice, b.channel)
    for b in Ballot.find([]))
"""


class PropertyCommunityBrowserTestCase(BrowserTestCase):
    "An owner votes in the portal; the manager closes and prints the result"

    def test_vote_in_portal_close_and_print(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES, name='property_community') \
                as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_VOTE)
            meeting, matter = fixtures['meeting'], fixtures['matter']
            timings['setup'] = time.monotonic() - start - timings['server']
            with Browser() as browser:
                t = time.monotonic()
                # The owner's phone
                phone = browser.context.new_page()
                phone.set_viewport_size({'width': 390, 'height': 844})
                errors = []
                phone.on('pageerror', lambda exc: errors.append(str(exc)))
                portal = f'{server.url}{server.database}/portal/'
                # (its screenshots: the sao page's folder is emptied when
                # it opens)
                folder = os.path.join(ARTIFACTS, 'property_community-phone')
                shutil.rmtree(folder, ignore_errors=True)
                os.makedirs(folder)
                try:
                    # the invitation's code sets the password, then the
                    # owner signs in (the login is filled in)
                    phone.goto(portal + 'invitation?code=' + fixtures['code'])
                    phone.fill('#password', PASSWORD)
                    phone.fill('#password2', PASSWORD)
                    phone.click('form.card button[type="submit"]')
                    phone.wait_for_selector('form.card input#login')
                    self.assertEqual(phone.input_value('#login'),
                        'wang@example.com')
                    phone.fill('#password', PASSWORD)
                    phone.click('form.card button[type="submit"]')
                    phone.click('nav.tabs a[href$="/meetings"]')
                    phone.click(f'#meeting-{meeting} a')
                    section = phone.locator(f'#matter-{matter}')
                    self.assertIn(MATTER, section.inner_text())
                    section.locator(
                        'input[name="choice"][value="for"]').check()
                    phone.screenshot(
                        path=os.path.join(folder, 'vote.png'))
                    section.locator('button[type="submit"]').click()
                    # back on the meeting: the ballot is shown as recorded
                    phone.wait_for_url('**?voted=1*')
                    section.locator('p.ballot').wait_for(state='visible')
                    self.assertTrue(section.locator(
                            'input[name="choice"][value="for"]').is_checked())
                    phone.screenshot(
                        path=os.path.join(folder, 'voted.png'))
                    self.assertEqual(errors, [], "JavaScript errors")
                except BaseException:
                    phone.screenshot(
                        path=os.path.join(folder, 'failure.png'))
                    raise
                self.assertEqual(server.query(CHECK_BALLOTS), [
                        [LI, 'for', 'paper'], [WANG, 'for', 'portal']])
                timings['portal'] = time.monotonic() - t

                # The manager closes the meeting and prints the result
                t = time.monotonic()
                sao = browser.open(server, 'property_community')
                sao.login_as(MANAGER)
                try:
                    sao.open_menu('Property', 'Community',
                        "Owners' Meetings")
                    sao.show_domain('Open', MEETING)
                    sao.open_record(MEETING)
                    sao.click_button('close', state='closed')
                    printed = sao.print_pdf('Vote Result Sheet')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['sao'] = time.monotonic() - t
        self.assertTrue(printed.name.endswith('.pdf'), printed.name)
        self.assertTrue(printed.content.startswith(b'%PDF'),
            printed.content[:20])
        text = printed.text
        lines = [' '.join(line.split()) for line in text.splitlines()]
        self.assertIn(MEETING, text)
        self.assertIn(MATTER, text)
        # 3 voters of 250 m²: Wang (portal) and Li (paper) took part with
        # 200 m², both for: the ordinary matter passed
        self.assertIn('Voters 3 250.00', lines)
        self.assertIn('Took part 2 (66.67 %) 200.00 (80.00 %) '
            '≥ 2/3 of heads and of area', lines)
        self.assertIn('Result: Passed', lines)
        self.assertTrue(any(line.startswith('For 2 (100.00 %) 200.00')
                for line in lines), text)
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
