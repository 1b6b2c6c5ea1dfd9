# This file is part of the property-management suite.
"""The renovation policy: a configuration singleton whose values depend on
the company (Tryton's ModelSingleton with company value models), owned by
the people who run renovations"""
import datetime as dt
from decimal import Decimal

from trytond import backend
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.modules.property_base.common import (
    CheckValuesMixin, SingletonRowMixin, column_exist, copy_company_rows,
    multivalue_default)
from trytond.modules.property_billing.configuration import OLD_TABLE
from trytond.pool import Pool
from trytond.pyson import Eval

# OLD_TABLE: the billing policy's table of one row per company, where the
# renovation settings were kept before they moved here (property_billing
# keeps it aside when it becomes a singleton)

decoration_deposit = fields.Numeric("Decoration Deposit",
    digits=(16, 2), required=True,
    help="The deposit an approved renovation pays before its permit.")
decoration_management_rate = fields.Numeric(
    "Management Fee per m²", digits=(16, 2), required=True)
decoration_waste_fee = fields.Numeric("Waste Removal Amount",
    digits=(16, 2), required=True)
decoration_hours_from = fields.Time("Working Hours From", required=True)
decoration_hours_to = fields.Time("Working Hours To", required=True)
decoration_notice_days = fields.Integer("Rectification Days",
    required=True,
    help="Days a rectification notice gives by default.")

POLICY_FIELDS = (
    'decoration_deposit_account', 'decoration_deposit',
    'decoration_management_fee_type', 'decoration_management_rate',
    'decoration_waste_fee_type', 'decoration_waste_fee',
    'decoration_deduction_account', 'decoration_hours_from',
    'decoration_hours_to', 'decoration_notice_days')


class Configuration(SingletonRowMixin, CheckValuesMixin,
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    __name__ = 'property.decoration.configuration'
    __string__ = "Renovation Policy"
    decoration_deposit_account = fields.MultiValue(fields.Many2One(
            'account.account', "Decoration Deposit Account",
            domain=[
                ('type.deposit', '=', True),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The deposit account the renovation deposits (装修押金) are held "
                 "on."))
    decoration_deposit = fields.MultiValue(decoration_deposit)
    decoration_management_fee_type = fields.MultiValue(fields.Many2One(
            'property.fee.type', "Decoration Management Fee",
            domain=[
                ('method', '=', 'one_off'),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The one-off fee the management fee is charged with, "
            "billed by the next billing run."))
    decoration_management_rate = fields.MultiValue(
        decoration_management_rate)
    decoration_waste_fee_type = fields.MultiValue(fields.Many2One(
            'property.fee.type', "Waste Removal Fee",
            domain=[
                ('method', '=', 'one_off'),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The one-off fee the waste removal (垃圾清运费) is charged "
            "with."))
    decoration_waste_fee = fields.MultiValue(decoration_waste_fee)
    decoration_deduction_account = fields.MultiValue(fields.Many2One(
            'account.account', "Deduction Account",
            domain=[
                ('type.revenue', '=', True),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The revenue account of the penalties and compensation "
            "deducted from deposits."))
    decoration_hours_from = fields.MultiValue(decoration_hours_from)
    decoration_hours_to = fields.MultiValue(decoration_hours_to)
    decoration_notice_days = fields.MultiValue(decoration_notice_days)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in POLICY_FIELDS:
            return pool.get('property.decoration.configuration.policy')
        return super().multivalue_model(field)

    default_decoration_deposit = multivalue_default('decoration_deposit')
    default_decoration_management_rate = multivalue_default(
        'decoration_management_rate')
    default_decoration_waste_fee = multivalue_default('decoration_waste_fee')
    default_decoration_hours_from = multivalue_default('decoration_hours_from')
    default_decoration_hours_to = multivalue_default('decoration_hours_to')
    default_decoration_notice_days = multivalue_default('decoration_notice_days')


class ConfigurationPolicy(CheckValuesMixin, ModelSQL, CompanyValueMixin):
    __name__ = 'property.decoration.configuration.policy'
    __string__ = "Renovation Policy Values"
    decoration_deposit_account = fields.Many2One('account.account',
        "Decoration Deposit Account", ondelete='RESTRICT',
        domain=[
            ('type.deposit', '=', True),
            ('company', '=', Eval('company', -1)),
            ])
    decoration_deposit = decoration_deposit
    decoration_management_fee_type = fields.Many2One('property.fee.type',
        "Decoration Management Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ])
    decoration_management_rate = decoration_management_rate
    decoration_waste_fee_type = fields.Many2One('property.fee.type',
        "Waste Removal Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ])
    decoration_waste_fee = decoration_waste_fee
    decoration_deduction_account = fields.Many2One('account.account',
        "Deduction Account", ondelete='RESTRICT',
        domain=[
            ('type.revenue', '=', True),
            ('company', '=', Eval('company', -1)),
            ])
    decoration_hours_from = decoration_hours_from
    decoration_hours_to = decoration_hours_to
    decoration_notice_days = decoration_notice_days

    @classmethod
    def __register__(cls, module):
        # Migration from the renovation settings of the billing policy rows
        exist = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exist and column_exist(OLD_TABLE, 'decoration_deposit'):
            copy_company_rows(cls, OLD_TABLE, POLICY_FIELDS)

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
