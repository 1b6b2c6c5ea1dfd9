# This file is part of the property-management suite.
"""The owners' portal: invitations and the web users of owners and residents

The front desk invites an owner or a resident from their party: a web user
(Tryton's web_user) linked to the party and an invitation code, which the
owner types on the portal's invitation page to set a password. The owner
then signs in with the e-mail or the mobile phone number of the party."""
import datetime as dt
import re
import secrets
from types import SimpleNamespace

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, fields)
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_today)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import StampMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

# The suite's default (no seed sets it): an invitation code is valid for
# 30 days; the portal's configuration changes it
INVITATION_DAYS = 30
INVITATION_DAYS_MAX = 365
# Letters and digits read over the phone without confusion (no 0/O, 1/I)
CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
CODE_LENGTH = 10
PLACEHOLDER_DOMAIN = 'mobile.portal.invalid'
INVITATION_STATES = [
    ('pending', "Pending"),
    ('accepted', "Accepted"),
    ('expired', "Expired"),
    ]


def normalize_phone(value):
    "The digits of a phone number, without a leading +86 / 0086"
    digits = re.sub(r'\D', '', value or '')
    for prefix in ('0086', '86'):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
    return digits


def home_units(party, date=None):
    """The units of the party's homes: those it owns (a share) or lives in
    on the date (the office's today by default)"""
    pool = Pool()
    Ownership = pool.get('property.unit.ownership')
    Resident = pool.get('property.unit.resident')
    if date is None:
        date = office_today()
    current = ['AND',
        ['OR', ('from_date', '=', None), ('from_date', '<=', date)],
        ['OR', ('to_date', '=', None), ('to_date', '>=', date)],
        ]
    with without_check_access():
        units = {o.unit for o in Ownership.search(
                [('party', '=', party.id), current])}
        units |= {r.unit for r in Resident.search(
                [('party', '=', party.id), current])}
    return sorted(units, key=lambda u: (u.site.code or '', u.code or ''))


class Configuration(CheckValuesMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'property.portal.configuration'
    __string__ = "Portal Configuration"
    invitation_days = fields.Integer("Invitation Validity (days)",
        required=True,
        help="How many days an invitation code (and its e-mailed link) "
        "works after the front desk invited the person.")

    @staticmethod
    def default_invitation_days():
        return INVITATION_DAYS

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if not (1 <= (record.invitation_days or 0)
                    <= INVITATION_DAYS_MAX):
                raise UserError(gettext(
                        'property_portal.msg_invitation_days',
                        days=record.invitation_days,
                        maximum=INVITATION_DAYS_MAX))


class Invitation(CheckValuesMixin, StampMixin, site_from('unit'), ModelSQL,
        ModelView):
    __name__ = 'property.portal.invitation'
    __string__ = "Portal Invitation"
    party = fields.Many2One('party.party', "Person", required=True,
        readonly=True, ondelete='CASCADE')
    unit = fields.Many2One('property.unit', "Home", required=True,
        readonly=True, ondelete='CASCADE',
        help="The home the person owns or lives in when invited.")
    web_user = fields.Many2One('web.user', "Portal User", required=True,
        readonly=True, ondelete='CASCADE')
    code = fields.Char("Invitation Code", required=True, readonly=True,
        strip=False,
        help="Typed by the person on the portal to set a password.")
    expires_at = fields.DateTime("Expires at", required=True, readonly=True)
    invited_by = fields.Many2One('res.user', "Invited by", readonly=True)
    invited_at = fields.DateTime("Invited at", readonly=True)
    accepted_at = fields.DateTime("Accepted at", readonly=True)
    state = fields.Function(fields.Selection(INVITATION_STATES, "State"),
        'get_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'property_portal.msg_invitation_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.party, Index.Range())))
        cls._order.insert(0, ('invited_at', 'DESC'))

    def get_state(self, name):
        if self.accepted_at:
            return 'accepted'
        if self.expires_at <= clock():
            return 'expired'
        return 'pending'

    def get_rec_name(self, name):
        return f'{self.party.rec_name} ({self.code})'

    @classmethod
    def new_code(cls):
        return ''.join(secrets.choice(CODE_ALPHABET)
            for _ in range(CODE_LENGTH))

    @classmethod
    def invite(cls, parties, send_email=True):
        """Give each party a portal user (one per party) and a new
        invitation code; the earlier codes of the party stop working.
        The link is e-mailed unless send_email is false (a person signing
        up at the counter, as the demo's owners: no mail is sent)"""
        pool = Pool()
        WebUser = pool.get('web.user')
        Configuration = pool.get('property.portal.configuration')
        now = clock()
        days = Configuration(1).invitation_days or INVITATION_DAYS
        to_create = []
        for party in parties:
            units = home_units(party)
            if not units:
                raise UserError(gettext(
                        'property_portal.msg_invite_no_home',
                        party=party.rec_name))
            email = party.email and party.email.strip().lower()
            mobile = normalize_phone(party.mobile)
            if not email and not mobile:
                raise UserError(gettext(
                        'property_portal.msg_invite_no_contact',
                        party=party.rec_name))
            users = WebUser.search([('party', '=', party.id)], limit=1)
            if users:
                user, = users
            else:
                if email and WebUser.search([('email', '=', email)]):
                    raise UserError(gettext(
                            'property_portal.msg_invite_email_taken',
                            party=party.rec_name, email=email))
                # web_user requires an e-mail of an active user: a party
                # with a mobile number only gets an address of the reserved
                # .invalid domain (RFC 2606) that no mail is ever sent to,
                # and signs in with the mobile number
                user = WebUser(party=party,
                    email=email or f'{mobile}@{PLACEHOLDER_DOMAIN}')
                user.save()
            cls.write(cls.search([('party', '=', party.id),
                        ('accepted_at', '=', None),
                        ('expires_at', '>', now)]),
                {'expires_at': now})
            to_create.append({'party': party.id, 'unit': units[0].id,
                    'web_user': user.id, 'code': cls.new_code(),
                    'expires_at': now + dt.timedelta(days=days),
                    })
        invitations = cls.create(to_create)
        cls.stamp(invitations, by='invited_by', at='invited_at')
        if send_email:
            cls.send_emails(invitations)
        return invitations

    @property
    def link(self):
        """The address of the portal's invitation page with the code: the
        host the clerk's client asked, or the server's name ([web]
        hostname), as Tryton builds its own links"""
        from urllib.parse import quote, urlencode

        from trytond.url import http_host
        database = Transaction().database.name
        return (f'{http_host()}/{quote(database)}/portal/invitation?'
            + urlencode({'code': self.code}))

    @classmethod
    def send_emails(cls, invitations):
        """E-mail the link of the invitation to each person with an e-mail
        address (not to a mobile-only one), in the person's language or
        the portal's (Chinese); Tryton's mail goes when the invitation is
        committed"""
        from email.message import EmailMessage

        from trytond import config
        from trytond.modules.property_base.common import to_office
        from trytond.sendmail import send_message_transactional
        from trytond.tools.email_ import set_from_header
        from_ = config.get('email', 'from')
        for invitation in invitations:
            user = invitation.web_user
            if not user.can_receive_email:
                continue
            party = invitation.party
            language = party.lang.code if party.lang else 'zh_CN'
            with Transaction().set_context(language=language):
                subject = gettext(
                    'property_portal.msg_invitation_email_subject')
                body = gettext('property_portal.msg_invitation_email_body',
                    name=party.rec_name, link=invitation.link,
                    code=invitation.code, date=to_office(
                        invitation.expires_at).strftime('%Y-%m-%d %H:%M'))
            message = EmailMessage()
            set_from_header(message, from_, from_)
            message['To'] = user.email
            message['Subject'] = subject
            message.set_content(body)
            send_message_transactional(message)

    @classmethod
    def find(cls, code):
        "The pending invitation of the code, or None"
        code = (code or '').strip().upper()
        if not code or len(code) > 64:
            return None
        invitations = cls.search([('code', '=', code),
                ('accepted_at', '=', None), ('expires_at', '>', clock())],
            limit=1)
        return invitations[0] if invitations else None

    def accept(self, password):
        """Set the password of the invitation's web user: it can sign in
        from now on; the code is used up"""
        pool = Pool()
        WebUser = pool.get('web.user')
        User = pool.get('res.user')
        user = self.web_user
        # Tryton's rules for passwords: length, forbidden list, not the
        # e-mail or the name
        User.validate_password(password, [user])
        with Transaction().set_user(0):
            WebUser.write([user], {'password': password,
                    'active': True})
        self.__class__.write([self], {'accepted_at': clock()})


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    portal_invitations = fields.One2Many('property.portal.invitation',
        'party', "Portal Invitations", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'portal_invite': {
                    'invisible': Eval('id', -1) < 0,
                    'depends': ['id'],
                    },
                })

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('portal_invitations', None)
        return super().copy(parties, default=default)

    @classmethod
    @ModelView.button
    def portal_invite(cls, parties):
        Pool().get('property.portal.invitation').invite(parties)


class FeeNotice(metaclass=PoolMeta):
    """The fee notice of billing prints the payer's pending invitation to
    the portal (invited by the front desk, not yet signed up): its code
    and, as a QR code, the link of the invitation page"""
    __name__ = 'property.fee.notice'

    @classmethod
    def get_context(cls, records, header, data):
        Invitation = Pool().get('property.portal.invitation')
        context = super().get_context(records, header, data)

        def portal_invitation(invoice):
            # (the finance staff printing the notices reads no invitation)
            with without_check_access():
                invitations = Invitation.search([
                        ('party', '=', invoice.party.id),
                        ('accepted_at', '=', None),
                        ('expires_at', '>', clock()),
                        ], order=[('expires_at', 'DESC')], limit=1)
                if not invitations:
                    return None
                invitation, = invitations
                return SimpleNamespace(code=invitation.code,
                    link=invitation.link, expires_at=invitation.expires_at)
        context['portal_invitation'] = portal_invitation
        return context


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    def get_email_reset_password_url(self, url=None):
        # the link of the e-mail opens the portal's page of the database
        # the owner asked from (the portal puts its address in the context)
        if url is None:
            url = Transaction().context.get('portal_reset_url')
        return super().get_email_reset_password_url(url=url)

    @property
    def can_receive_email(self):
        "Whether mail can reach the login e-mail (not a mobile-only user)"
        return bool(self.email) and not self.email.endswith(
            '@' + PLACEHOLDER_DOMAIN)

    @classmethod
    def find_by_login(cls, login):
        """The active web user of an owner or resident signing in with the
        e-mail or the mobile phone number of their party"""
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        login = (login or '').strip()
        if not login or len(login) > 254:
            return None
        if '@' in login:
            users = cls.search([('email', '=', login.lower())], limit=1)
            if users:
                return users[0]
            mechanisms = ContactMechanism.search([
                    ('type', '=', 'email'), ('value', 'ilike', login)])
        else:
            mobile = normalize_phone(login)
            if len(mobile) < 5:
                return None
            mechanisms = [m for m in ContactMechanism.search([
                        ('type', 'in', ['mobile', 'phone']),
                        ('value', 'like', f'%{mobile[-4:]}'),
                        ])
                if normalize_phone(m.value) == mobile]
        parties = list({m.party.id for m in mechanisms})
        if not parties:
            return None
        users = cls.search([('party', 'in', parties)], limit=2)
        if len(users) == 1:
            return users[0]
        return None


class Invoice(metaclass=PoolMeta):
    """Paying a bill online from the portal (with billing).

    Paying online needs a merchant account with a payment provider (WeChat
    Pay, Alipay, UnionPay, a bank): the suite ships none, so the Bills page
    shows how to pay (at the office or by transfer with the payment
    reference, also as a QR code). A module of a provider extends
    `portal_payment_links` to offer its own way on the page; its pages take
    the amount to pay and the payment reference, and when the provider
    confirms the payment it posts it through Tryton's accounting as the
    cashier counter does."""
    __name__ = 'account.invoice'

    def portal_payment_links(self, amounts):
        """The online payments the portal offers for this open fee invoice:
        a list of (label, url) in the visitor's language, url absolute or
        relative to the portal. `amounts` is what the fee notice prints
        (total due, payment reference). None without a provider."""
        return []
