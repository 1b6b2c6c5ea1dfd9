"""Browser end-to-end test of an incident report (事故报告单, seed 001): the
front desk writes the report of a burst pipe in sao, attaches the photo
taken on site from a file, files it and prints it from the toolbar's Print
menu; the PDF sao hands over has the report's text, the photo's caption
and the photo itself (read back with pdftotext and pdfimages)."""
import os
import tempfile
import time

from .harness import Browser, BrowserTestCase, TrytonServer, SUITE_MODULES
from .test_property_helpdesk import FRONT_DESK, SETUP_HELPDESK

TITLE = "B2 water main burst"
CAPTION = "Water in the B2 car park"


def photo_file(directory):
    "A photo as a phone would send it: a PNG file of 64 x 48 pixels"
    from PIL import Image
    path = os.path.join(directory, 'b2-burst.png')
    Image.new('RGB', (64, 48), (40, 90, 160)).save(path, format='PNG')
    return path


class PropertyHelpdeskIncidentBrowserTestCase(BrowserTestCase):
    "File an incident report with a photo and print it in the web client"

    def test_incident_report_with_photo(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES,
                name='property_helpdesk_incident') as server:
            server.query(SETUP_HELPDESK)
            timings['setup'] = time.monotonic() - start
            with Browser() as browser, \
                    tempfile.TemporaryDirectory() as directory:
                t = time.monotonic()
                sao = browser.open(server, 'property_helpdesk_incident')
                sao.login_as(FRONT_DESK)
                try:
                    sao.open_menu('Property', 'Helpdesk', 'Incident Reports')
                    sao.new()
                    sao.fill_many2one('site', 'E2E Helpdesk Garden')
                    sao.fill('location', "B2 car park, column 17")
                    sao.fill('title', TITLE)
                    sao.fill_many2one('reporter', 'E2E Service Supervisor')
                    sao.fill('description', "The water main burst at a "
                        "joint and flooded the car park.")
                    sao.fill('actions', "Closed the B2 valve, called "
                        "engineering.")
                    # the photo: a new row of the photos, its file chosen
                    photos = sao.one2many('photos')
                    sao.close_infobar()
                    photos.locator('button[data-e2e-button="new"]').click()
                    sao.page.wait_for_function(
                        "() => Sao.Tab.tabs.get_current().screen"
                        ".current_view.widgets.photos[0].screen.group"
                        ".length > 0")
                    sao.wait_idle()
                    photos.locator('input[type="file"]').first.set_input_files(
                        photo_file(directory))
                    sao.page.wait_for_function(
                        "() => !!Sao.Tab.tabs.get_current().screen"
                        ".current_view.widgets.photos[0].screen"
                        ".current_record.field_get('photo')")
                    caption = photos.locator(
                        'input[name="caption"]:visible').first
                    caption.click()
                    caption.fill(CAPTION)
                    caption.press('Tab')
                    sao.wait_idle()
                    sao.screenshot('incident-filled')
                    sao.save()
                    self.assertEqual(sao.row_count('photos'), 1)
                    sao.click_button('file', state='filed')
                    # Print > Incident Report: the PDF as a download
                    printed = sao.print_pdf('Incident Report', images=True)
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t
            filed = server.query("""
Incident = Model.get('property.incident')
incident, = Incident.find([])
result = {'state': incident.state, 'user': incident.filed_by.login,
    'photos': [(p.photo_name, p.caption, len(p.photo))
        for p in incident.photos]}
""")
        self.assertEqual((filed['state'], filed['user']),
            ('filed', FRONT_DESK))
        (_, caption, size), = filed['photos']
        self.assertEqual(caption, CAPTION)
        self.assertGreater(size, 0)
        self.assertTrue(printed.name.endswith('.pdf'), printed.name)
        self.assertTrue(printed.content.startswith(b'%PDF'),
            printed.content[:20])
        self.assertIn(TITLE, printed.text)
        self.assertIn(CAPTION, printed.text)
        # the photo is printed at its size (pdfimages: width and height)
        self.assertIn((64, 48), printed.images)
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
