# This file is part of the property-management suite.
"""Guests registered in the portal by an owner or a resident: a pass with
a QR code for one day, checked at the gate (with the front desk: Check
Guest Pass, which lets the guest in on the visitors' register)"""
import secrets
from io import BytesIO

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_today)
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.transaction import Transaction

from .portal import CODE_ALPHABET

PASS_CODE_LENGTH = 12
# The code a gate scanner types starts with this, to tell a guest pass
# from a renovation worker's pass number
PASS_PREFIX = 'G-'
# The suite's default: a guest is registered at most 30 days ahead
GUEST_DAYS_AHEAD = 30
GUEST_PEOPLE_MAX = 20


def read_guest_code(text):
    """The pass code in what the gate typed: by hand (any case, with or
    without the prefix) or as a scanner types the QR code's text, with the
    spaces or line end it may add"""
    code = (text or '').strip().upper()
    if code.startswith(PASS_PREFIX):
        code = code[len(PASS_PREFIX):]
    return code


def qrcode_png(text):
    "A PNG of the QR code of the text (a pixel per module, scaled by CSS)"
    import qrcode
    from qrcode.image.pil import PilImage
    image = qrcode.make(text, image_factory=PilImage, box_size=8, border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M)
    output = BytesIO()
    image.save(output)
    return output.getvalue()


class GuestPass(CheckValuesMixin, site_from('unit'), ModelSQL, ModelView):
    __name__ = 'property.portal.guest'
    __string__ = "Guest Pass"
    unit = fields.Many2One('property.unit', "Home", required=True,
        readonly=True, ondelete='CASCADE')
    host = fields.Many2One('party.party', "Host", required=True,
        readonly=True, ondelete='CASCADE',
        help="The owner or resident who registered the guest.")
    name = fields.Char("Guest", required=True, readonly=True)
    phone = fields.Char("Phone", readonly=True)
    people = fields.Integer("People", required=True, readonly=True,
        domain=[('people', '>', 0)])
    date = fields.Date("Date", required=True, readonly=True,
        help="The only day the pass lets the guest in.")
    code = fields.Char("Pass Code", required=True, readonly=True,
        strip=False)
    registered_at = fields.DateTime("Registered at", readonly=True)
    admitted_at = fields.DateTime("Admitted at", readonly=True,
        help="When the gate first let the guest in with the pass.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'property_portal.msg_guest_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Range()), (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_people():
        return 1

    def get_rec_name(self, name):
        return f'{self.name} → {self.unit.rec_name} ({self.date})'

    @classmethod
    def new_code(cls):
        return ''.join(secrets.choice(CODE_ALPHABET)
            for _ in range(PASS_CODE_LENGTH))

    @property
    def qr_text(self):
        "The text of the pass's QR code"
        return PASS_PREFIX + self.code

    @classmethod
    def check_pass(cls, text, date=None):
        """Check a guest pass by what the gate read: (valid, message, pass
        or None); valid on its date only (the office's today by default)"""
        Rule = Pool().get('ir.rule')
        code = read_guest_code(text)
        if date is None:
            date = office_today()
        guests = []
        if code and len(code) <= 64:
            domain = [('code', '=', code)]
            # the gate of a site knows the passes of its own sites only
            with Transaction().set_context(_check_access=True):
                rule = Rule.domain_get(cls.__name__, mode='read')
            if rule:
                domain.append(rule)
            guests = cls.search(domain, limit=1)
        if not guests:
            return False, gettext('property_portal.msg_guest_pass_unknown',
                code=(text or '').strip()[:64]), None
        guest, = guests
        if guest.date != date:
            return False, gettext('property_portal.msg_guest_pass_date',
                guest=guest.name, date=guest.date), guest
        return True, gettext('property_portal.msg_guest_pass_valid',
            guest=guest.name, people=guest.people,
            unit=guest.unit.rec_name), guest
