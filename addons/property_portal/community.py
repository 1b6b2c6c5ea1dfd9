# This file is part of the property-management suite.
"""With the community: the owners read the notices of their homes in the
portal (a read receipt the office sees on the notice) and vote on the
matters of their site's open owners' meeting (a ballot of the channel
Portal, under the assembly's own rules)"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_today)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import external_call
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

BALLOT_CHANNELS = [
    ('paper', "Paper Form"),
    ('portal', "Portal"),
    ]


def current_domain(date):
    "The lines (ownership, residence) current on the date"
    return ['AND',
        ['OR', ('from_date', '=', None), ('from_date', '<=', date)],
        ['OR', ('to_date', '=', None), ('to_date', '>=', date)],
        ]


def scope_domain(units):
    """The notices whose scope covers one of the homes: the company, the
    site, the building or the home itself"""
    return ['OR',
        [('scope', '=', 'company'),
            ('company', 'in', list({u.site.company.id for u in units}))],
        [('scope', '=', 'sites'),
            ('sites', 'in', list({u.site.id for u in units}))],
        [('scope', '=', 'buildings'),
            ('buildings', 'in', list({u.building.id for u in units
                        if u.building}))],
        [('scope', '=', 'units'), ('units', 'in', [u.id for u in units])],
        ]


class Notice(metaclass=PoolMeta):
    __name__ = 'property.community.notice'
    receipts = fields.One2Many('property.portal.notice.receipt', 'notice',
        "Read Receipts", readonly=True,
        help="Who read the notice in the portal, and when first.")
    households = fields.Function(fields.Integer("Households in Scope",
            help="The homes the notice is for with an owner or a resident "
            "today."), 'get_reading')
    households_read = fields.Function(fields.Integer("Households Read",
            help="The homes in scope of which an owner or a resident has "
            "read the notice in the portal."), 'get_reading')

    @classmethod
    def copy(cls, notices, default=None):
        default = dict(default or {})
        default.setdefault('receipts', None)
        return super().copy(notices, default=default)

    def scope_units_domain(self):
        "The domain of the homes the notice is for"
        if self.scope == 'company':
            return [('site.company', '=', self.company.id)]
        if self.scope == 'sites':
            return [('site', 'in', [s.id for s in self.sites])]
        if self.scope == 'buildings':
            return [('building', 'in', [b.id for b in self.buildings])]
        if self.scope == 'units':
            return [('id', 'in', [u.id for u in self.units])]
        return [('id', '=', -1)]

    @classmethod
    def get_reading(cls, notices, names):
        """The households (homes with an owner or a resident today) in the
        notice's scope, and those of them where one has read it"""
        pool = Pool()
        Ownership = pool.get('property.unit.ownership')
        Resident = pool.get('property.unit.resident')
        Receipt = pool.get('property.portal.notice.receipt')
        today = office_today()
        result = {n: {} for n in names}
        with without_check_access():
            for notice in notices:
                # (the homes in a sub-query: a notice to the company covers
                # thousands of them)
                units = ('unit', 'where', notice.scope_units_domain())
                people = {}
                for Model in [Ownership, Resident]:
                    for line in Model.search_read([units,
                                current_domain(today)],
                            fields_names=['unit', 'party']):
                        people.setdefault(line['unit'], set()).add(
                            line['party'])
                readers = {r['party'] for r in Receipt.search_read(
                        [('notice', '=', notice.id)],
                        fields_names=['party'])}
                if 'households' in names:
                    result['households'][notice.id] = len(people)
                if 'households_read' in names:
                    result['households_read'][notice.id] = sum(
                        1 for parties in people.values() if parties & readers)
        return result

    @classmethod
    def portal_notices(cls, units, date, domain=None):
        """The notices on the board on the date for one of the homes:
        published, not expired, their scope covering one of them; newest
        first"""
        if not units:
            return []
        return cls.search([
                ('state', '=', 'published'),
                ('publish_date', '<=', date),
                ['OR', ('expiry_date', '=', None),
                    ('expiry_date', '>=', date)],
                scope_domain(units),
                ] + (domain or []),
            order=[('publish_date', 'DESC'), ('id', 'DESC')])


class NoticeReceipt(CheckValuesMixin, site_from('unit'), ModelSQL,
        ModelView):
    "An owner or resident read a notice in the portal"
    __name__ = 'property.portal.notice.receipt'
    __string__ = "Notice Read Receipt"
    notice = fields.Many2One('property.community.notice', "Notice",
        required=True, readonly=True, ondelete='CASCADE')
    party = fields.Many2One('party.party', "Reader", required=True,
        readonly=True, ondelete='CASCADE')
    unit = fields.Many2One('property.unit', "Home", required=True,
        readonly=True, ondelete='CASCADE',
        help="The reader's home the notice is for.")
    read_at = fields.DateTime("First Read at", required=True,
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('notice_party_unique', Unique(t, t.notice, t.party),
                'property_portal.msg_notice_receipt_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.notice, Index.Range()),
                (t.party, Index.Range())))
        cls._order = [('read_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.party.rec_name}: {self.notice.rec_name}'

    @classmethod
    def record(cls, notice, party, unit):
        """The receipt of the party's reading of the notice: made the first
        time only (the first read is kept)"""
        receipts = cls.search([('notice', '=', notice.id),
                ('party', '=', party.id)], limit=1)
        if receipts:
            return receipts[0]
        receipt, = cls.create([{'notice': notice.id, 'party': party.id,
                    'unit': unit.id, 'read_at': clock()}])
        return receipt


class Ballot(metaclass=PoolMeta):
    __name__ = 'property.assembly.ballot'
    channel = fields.Selection(BALLOT_CHANNELS, "Channel", readonly=True,
        required=True,
        help="Cast by the owner in the portal, or keyed in by the front "
        "desk from the paper form.")
    channel_string = channel.translated('channel')

    @staticmethod
    def default_channel():
        return 'paper'

    @classmethod
    def create(cls, vlist):
        # a ballot of the portal is cast by the owner there only: the staff
        # key in paper forms
        if external_call() and any(
                v.get('channel', 'paper') != 'paper' for v in vlist):
            raise AccessError(gettext(
                    'property_portal.msg_ballot_portal_only'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        args = list(args)
        external = external_call()
        for i in range(1, len(args), 2):
            values = args[i]
            if external and values.get('channel', 'paper') != 'paper':
                raise AccessError(gettext(
                        'property_portal.msg_ballot_portal_only'))
            if 'choice' in values and 'channel' not in values:
                # a change keyed in from a paper form
                args[i] = {**values, 'channel': 'paper'}
        super().write(*args)

    @classmethod
    def cast(cls, matter, party, choice):
        """The owner's ballot on the matter cast or changed in the portal,
        under the assembly's rules of the paper ballots (open meeting,
        owner on the record date, one ballot per voter)"""
        ballots = cls.search([('matter', '=', matter.id),
                ('party', '=', party.id)], limit=1)
        if ballots:
            ballot, = ballots
            if ballot.choice != choice or ballot.channel != 'portal':
                cls.write([ballot], {'choice': choice, 'channel': 'portal'})
            else:
                # the same choice again: still refused after the close
                cls.check_open([matter])
            return ballot
        ballot, = cls.create([{'matter': matter.id, 'party': party.id,
                    'choice': choice, 'channel': 'portal'}])
        return ballot
