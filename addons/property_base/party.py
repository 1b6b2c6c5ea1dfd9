# This file is part of the property-management suite.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, record_cache_size

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
