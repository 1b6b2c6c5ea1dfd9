# This file is part of the property-management suite.
from trytond.model import fields
from trytond.pool import PoolMeta

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
