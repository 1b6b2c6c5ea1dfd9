# This file is part of the property-management suite.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, record_cache_size, without_check_access)

CONTACT_CHANNELS = [
    (None, ""),
    ('phone', "Phone"),
    ('sms', "SMS"),
    ('email', "E-mail"),
    ('wechat', "WeChat"),
    ('letter', "Letter"),
    ('visit', "Visit"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    ownerships = fields.One2Many(
        'property.unit.ownership', 'party', "Owned Units")
    residences = fields.One2Many(
        'property.unit.resident', 'party', "Residences")
    # (lazy: a read of the party's other fields does not ask for it, so
    # the staff who may not read it still read the party)
    identity_number = fields.Char("Identity Document Number", strip=True,
        loading='lazy',
        help="Personal data: readable only by managers and archive keepers.")
    preferred_channel = fields.Selection(
        CONTACT_CHANNELS, "Preferred Contact Channel")
    is_owner = fields.Function(fields.Boolean("Owner"), 'get_is_owner',
        searcher='search_is_owner')
    homes = fields.Function(fields.Many2Many('property.unit', None, None,
            "Homes", help="The units the party owns or lives in today."),
        'get_homes')
    call_phone = fields.Function(fields.Char("Phone",
            help="The number to call: the first mobile, else the first "
            "phone."),
        'get_call_phone')

    @classmethod
    def call_phones(cls, party_ids):
        """The number to call of each party (its first mobile, else its
        first phone) by party id, read in one search per slice of
        parties for the lists"""
        ContactMechanism = Pool().get('party.contact_mechanism')
        phones = {}
        for ids in grouped_slice(list(party_ids),
                record_cache_size(Transaction())):
            # (ordered as the party's own contact_mechanism_get)
            for mechanism in ContactMechanism.search([
                        ('party', 'in', list(ids)),
                        ('type', 'in', ['mobile', 'phone']),
                        ('value', '!=', None),
                        ]):
                rank = 0 if mechanism.type == 'mobile' else 1
                best = phones.get(mechanism.party.id)
                if best is None or rank < best[0]:
                    phones[mechanism.party.id] = (rank, mechanism.value)
        return {p: v for p, (_, v) in phones.items()}

    @classmethod
    def get_call_phone(cls, parties, name):
        phones = cls.call_phones([p.id for p in parties])
        return {p.id: phones.get(p.id) for p in parties}

    @classmethod
    def get_homes(cls, parties, name):
        """The homes of today of all the parties, in a search per slice:
        those of the units the user may read (finance reads the units, not
        their ownership lines; a site's staff their own sites' units)"""
        pool = Pool()
        Unit = pool.get('property.unit')
        ModelAccess = pool.get('ir.model.access')
        Ownership = pool.get('property.unit.ownership')
        Resident = pool.get('property.unit.resident')
        today = pool.get('ir.date').today()
        current = [
            ['OR', ('from_date', '=', None), ('from_date', '<=', today)],
            ['OR', ('to_date', '=', None), ('to_date', '>=', today)],
            ]
        homes = {p.id: [] for p in parties}
        for ids in grouped_slice([p.id for p in parties],
                record_cache_size(Transaction())):
            ids = list(ids)
            lines = []
            with without_check_access():
                for Model in [Ownership, Resident]:
                    lines += [(line.party.id, line.unit.id)
                        for line in Model.search(
                            [('party', 'in', list(ids))] + current)]
            # (Tryton runs the getters without the user's rights: the
            # client would fail on a unit the user may not read)
            with check_access():
                readable = {u.id for u in Unit.search(
                        [('id', 'in', list({u for _, u in lines}))])} \
                    if ModelAccess.check(Unit.__name__, 'read',
                        raise_exception=False) else set()
            for party_id, unit_id in lines:
                if (unit_id in readable
                        and unit_id not in homes[party_id]):
                    homes[party_id].append(unit_id)
        return homes

    @classmethod
    def view_attributes(cls):
        # The property page comes first for owners and residents (and a
        # new party); other parties (suppliers...) open on the general page
        return super().view_attributes() + [
            ('//page[@id="property"]', 'states', {
                    'invisible': ((Eval('id', -1) >= 0)
                        & ~Bool(Eval('ownerships', []))
                        & ~Bool(Eval('residences', []))),
                    }),
            ]

    @classmethod
    def get_is_owner(cls, parties, name):
        return {p.id: bool(p.ownerships) for p in parties}

    @classmethod
    def search_is_owner(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('ownerships', '!=', None)]
        return [('ownerships', '=', None)]

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ownerships', None)
        default.setdefault('residences', None)
        default.setdefault('identity_number', None)
        return super().copy(parties, default=default)
