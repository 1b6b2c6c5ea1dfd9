# This file is part of the property-management suite.
"The decoration part of a company's billing policy"
import datetime as dt
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Configuration(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration'
    decoration_deposit_account = fields.Many2One('account.account',
        "Decoration Deposit Account", ondelete='RESTRICT',
        domain=[
            ('type.deposit', '=', True),
            ('company', '=', Eval('company', -1)),
            ],
        help="The deposit account (account_deposit) the renovation "
        "deposits (装修押金) are held on.")
    decoration_deposit = fields.Numeric("Decoration Deposit",
        digits=(16, 2), required=True,
        help="The deposit an approved renovation pays before its permit.")
    decoration_management_fee_type = fields.Many2One('property.fee.type',
        "Decoration Management Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ],
        help="The one-off fee the management fee is charged with, billed "
        "by the next billing run.")
    decoration_management_rate = fields.Numeric(
        "Management Fee per m²", digits=(16, 2), required=True)
    decoration_waste_fee_type = fields.Many2One('property.fee.type',
        "Waste Removal Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ],
        help="The one-off fee the waste removal (垃圾清运费) is charged with.")
    decoration_waste_fee = fields.Numeric("Waste Removal Amount",
        digits=(16, 2), required=True)
    decoration_deduction_account = fields.Many2One('account.account',
        "Deduction Account", ondelete='RESTRICT',
        domain=[
            ('type.revenue', '=', True),
            ('company', '=', Eval('company', -1)),
            ],
        help="The revenue account of the penalties and compensation "
        "deducted from deposits.")
    decoration_hours_from = fields.Time("Working Hours From", required=True)
    decoration_hours_to = fields.Time("Working Hours To", required=True)
    decoration_notice_days = fields.Integer("Rectification Days",
        required=True,
        help="Days a rectification notice gives by default.")

    @staticmethod
    def default_decoration_deposit():
        return Decimal(3000)

    @staticmethod
    def default_decoration_management_rate():
        return Decimal('2.00')

    @staticmethod
    def default_decoration_waste_fee():
        return Decimal(300)

    @staticmethod
    def default_decoration_hours_from():
        return dt.time(8, 0)

    @staticmethod
    def default_decoration_hours_to():
        return dt.time(18, 0)

    @staticmethod
    def default_decoration_notice_days():
        return 3
