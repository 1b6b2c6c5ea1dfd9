# This file is part of the property-management suite.
"""Mail and parcels received for the homes (邮件、包裹的收发与转交, seed 001
前台岗位职责 3; letters kept for the residents, seed 000)"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, OverdueReminderMixin, clock, office_date,
    rec_name_domain, start_of_office_day)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.mail import send_notification_email
from trytond.modules.property_base.site import UnitSiteMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

PARCEL_KINDS = [
    ('parcel', "Parcel"),
    ('letter', "Letter"),
    ('registered', "Registered Mail"),
    ('newspaper', "Newspaper"),
    ]
PARCEL_STATES = [
    ('waiting', "Waiting"),
    ('collected', "Collected"),
    ('returned', "Returned"),
    ]
# The suite's default: a parcel waiting this many days is listed
PARCEL_REMINDER_DAYS = 3


class Site(metaclass=PoolMeta):
    __name__ = 'property.site'
    parcel_reminder_days = fields.Integer(
        "Parcels Uncollected after (days)", required=True,
        domain=[('parcel_reminder_days', '>', 0)],
        help="A parcel or letter still waiting at the desk this many days "
        "after it was received is listed as uncollected and reminded.")

    @staticmethod
    def default_parcel_reminder_days():
        return PARCEL_REMINDER_DAYS


class Parcel(UnitSiteMixin, StampMixin, OverdueReminderMixin,
        WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'property.parcel'
    __string__ = "Mail and Parcel"
    _overdue_field = 'uncollected'
    _overdue_action = 'property_frontdesk.act_parcel_uncollected'
    _overdue_message = (
        'property_frontdesk.msg_parcel_uncollected_reminder')
    _maintained_fields = ('received_at', 'received_by', 'notified_at',
        'notified_to', 'collected_at', 'handed_over_by', 'reminded_on')
    _states = {'readonly': Eval('state') != 'waiting'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('site', '=', Eval('site', -1))])
    recipient = fields.Many2One('party.party', "Recipient",
        ondelete='RESTRICT', states=_states,
        help="The resident named on the item; empty: the home's "
        "residents are notified.")
    kind = fields.Selection(PARCEL_KINDS, "Kind", required=True,
        states=_states)
    kind_string = kind.translated('kind')
    carrier = fields.Char("Carrier", states=_states,
        help="The courier or the post.")
    tracking = fields.Char("Tracking Number", states=_states)
    description = fields.Char("Description", states=_states)
    received_at = fields.DateTime("Received at", readonly=True)
    received_by = fields.Many2One('res.user', "Received by", readonly=True,
        ondelete='RESTRICT')
    notified_at = fields.DateTime("Notified at", readonly=True)
    notified_to = fields.Char("Notified to", readonly=True,
        help="The e-mail addresses the notice went to; empty: nobody could "
        "be e-mailed, call the residents.")
    notice_recipients = fields.Function(fields.Many2Many(
            'party.party', None, None, "Notice Recipients",
            help="Whom the item is for, who have an e-mail address: its "
            "recipient, or the home's owners and residents of today."),
        'get_notice_recipients')
    collector = fields.Char("Collected by", states=_states,
        help="Who collected the item: the resident or whom they sent.")
    collected_at = fields.DateTime("Collected at", readonly=True)
    handed_over_by = fields.Many2One('res.user', "Handed over by",
        readonly=True, ondelete='RESTRICT')
    uncollected = fields.Function(fields.Boolean("Uncollected"),
        'get_uncollected', searcher='search_uncollected')
    state = fields.Selection(PARCEL_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'waiting'),
                })
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('waiting', 'collected'),
            ('waiting', 'returned'),
            }
        cls._buttons.update({
                'notify': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-email',
                    'depends': ['state'],
                    },
                'collect': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'waiting'

    @staticmethod
    def default_kind():
        return 'parcel'


    def get_rec_name(self, name):
        return ' '.join(filter(None,
                [self.kind_string, self.unit.rec_name, self.tracking]))

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('tracking', 'unit.code',
                'recipient.name', 'collector'))

    @classmethod
    def _uncollected_domain(cls, sites=None):
        "Per site, the items waiting longer than the site's days"
        pool = Pool()
        Site = pool.get('property.site')
        today = pool.get('ir.date').today()
        if sites is None:
            sites = Site.search([])
        domain = ['OR']
        for site in sites:
            limit = today - dt.timedelta(days=site.parcel_reminder_days - 1)
            domain.append([
                    ('site', '=', site.id),
                    ('received_at', '<', start_of_office_day(limit)),
                    ])
        if len(domain) == 1:
            return [('id', '=', -1)]
        return [('state', '=', 'waiting'), domain]

    @classmethod
    def get_uncollected(cls, parcels, name):
        today = Pool().get('ir.date').today()
        return {p.id: (p.state == 'waiting'
                and (today - office_date(p.received_at)).days
                >= p.site.parcel_reminder_days)
            for p in parcels}

    @classmethod
    def search_uncollected(cls, name, clause):
        _, operator, value = clause
        domain = cls._uncollected_domain()
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        now = clock()
        for values in vlist:
            values['received_at'] = now
            values['received_by'] = Transaction().user or None
        parcels = super().create(vlist)
        cls.notify_residents(parcels)
        return parcels

    def get_notice_recipients(self, name):
        """Whom the item is for, who have an e-mail address: the recipient,
        or the home's owners and residents of today (one party for each
        address)"""
        today = Pool().get('ir.date').today()
        if self.recipient:
            parties = [self.recipient]
        else:
            parties = [o.party for o in self.unit.current_ownerships(today)]
            parties += [r.party for r in self.unit.residents
                if r.is_current]
        recipients, addresses = [], set()
        for party in parties:
            if party.email and party.email not in addresses:
                addresses.add(party.email)
                recipients.append(party.id)
        return recipients

    def notice_addresses(self):
        "The e-mail addresses of whom the item is for"
        return [p.email for p in self.notice_recipients]

    @classmethod
    def notify_residents(cls, parcels):
        """Tell the residents an item waits for them at the desk: by e-mail
        (the notification 'Parcel Waiting') when the company has an address
        to send from and they have one"""
        now = clock()
        for parcel in parcels:
            sender = parcel.site.company.party.email
            addresses = parcel.notice_addresses() if sender else []
            parcel.notified_at = now if addresses else None
            parcel.notified_to = ', '.join(addresses) or None
        cls.save(parcels)
        for parcel in parcels:
            if parcel.notified_to:
                send_notification_email(
                    'property_frontdesk.notification_parcel_waiting',
                    parcel, parcel.site.company.party.email)

    @classmethod
    @ModelView.button
    def notify(cls, parcels):
        for parcel in parcels:
            if parcel.state != 'waiting':
                raise UserError(gettext(
                        'property_frontdesk.msg_parcel_not_waiting',
                        parcel=parcel.rec_name, state=parcel.state_string))
        cls.notify_residents(parcels)

    @classmethod
    @ModelView.button
    @Workflow.transition('collected')
    def collect(cls, parcels):
        for parcel in parcels:
            if not parcel.collector:
                raise UserError(gettext(
                        'property_frontdesk.msg_parcel_no_collector',
                        parcel=parcel.rec_name))
        cls.stamp(parcels, by='handed_over_by', at='collected_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, parcels):
        cls.stamp(parcels, by='handed_over_by', at='collected_at')

    @classmethod
    def remind_uncollected(cls):
        "Scheduled action: list to the front desk the items still waiting"
        return cls.remind_overdue()


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.parcel|remind_uncollected',
                "Remind Uncollected Mail and Parcels"))
        cls._notifications.add('property.parcel|remind_uncollected')


class ParcelSlip(HTMLReport):
    "Mail and Parcel Receipt (邮件、包裹签收单)"
    __name__ = 'property.parcel.slip'
