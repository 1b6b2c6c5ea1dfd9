# This file is part of the property-management suite.
from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    business_licence = fields.Char("Business Licence",
        help="The number of the contractor's business licence (营业执照).")
    qualification_number = fields.Char("Qualification Certificate",
        help="The number of the contractor's qualification certificate "
        "(资质证书).")
