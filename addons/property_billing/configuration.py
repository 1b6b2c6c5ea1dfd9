# This file is part of the property-management suite.
"""The billing policy: a configuration singleton whose values depend on the
company (Tryton's ModelSingleton with company value models, as the sale
configuration)"""
from decimal import Decimal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.modules.property_base.common import (
    CheckValuesMixin, SingletonRowMixin, copy_company_rows,
    give_companies_sequence, multivalue_default)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

# The policy's table of one row per company, kept aside by the migration
# (property_decoration copies its renovation columns from it too)
OLD_TABLE = 'property_billing_configuration_company'

batch_size = fields.Integer("Batch Size", required=True,
    help="Units billed per task of the queue; each batch is billed and "
    "posted in one transaction.")
reading_alert_factor = fields.Numeric("Reading Alert Factor",
    digits=(4, 1), required=True,
    help="A consumption above this multiple of the meter's average is "
    "flagged and held out of billing until reviewed.")
billing_day = fields.Integer("Billing Day", required=True,
    help="Day of the month the scheduled action bills the month.")
fee_notice_text = fields.Text("Fee Notice Text",
    help="The office's notice to the residents, printed in a block at "
    "the bottom of every fee notice.")

# Late fees (滞纳金): the seed manuals give no rate nor grace; these are the
# suite's defaults, set per company in the policy
late_fee_rate = fields.Numeric("Late Fee Daily Rate", digits=(6, 6),
    required=True,
    help="The share of the overdue amount charged as late fee for each "
    "day after the grace date (0.0005 = 0.05 % a day, the suite's "
    "default).")
late_fee_grace_days = fields.Integer("Late Fee Grace Days", required=True,
    help="The days after the due date without late fee (the suite's "
    "default: 15).")


def _counter_method(string, help):
    return fields.MultiValue(fields.Many2One(
            'account.invoice.payment.method', string, ondelete='RESTRICT',
        domain=[('company', '=', Eval('context', {}).get('company', -1))],
        help=help))


# the payment methods of the cashier counter (收费台), per way to pay
COUNTER_FIELDS = ('counter_cash_method', 'counter_bank_method',
    'counter_mobile_method')
counter_cash_method = _counter_method("Counter Cash",
    "The payment method (journal and account) of the cash taken at the "
    "cashier counter.")
counter_bank_method = _counter_method("Counter Bank",
    "The payment method of the bank transfers and cards taken at the "
    "cashier counter.")
counter_mobile_method = _counter_method("Counter Mobile Payment",
    "The payment method of the mobile payments (WeChat Pay, Alipay) "
    "taken at the cashier counter.")

POLICY_FIELDS = ('batch_size', 'reading_alert_factor', 'payment_term',
    'service_fee_type', 'billing_day', 'fee_notice_text')
LATE_FEE_FIELDS = ('late_fee_rate', 'late_fee_grace_days')


class Configuration(SingletonRowMixin, CheckValuesMixin,
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    __name__ = 'property.billing.configuration'
    __string__ = "Billing Policy"
    _company_rows_table = OLD_TABLE
    batch_size = fields.MultiValue(batch_size)
    reading_alert_factor = fields.MultiValue(reading_alert_factor)
    payment_term = fields.MultiValue(fields.Many2One(
            'account.invoice.payment_term', "Payment Term",
            help="Gives the due date of the fee invoices."))
    service_fee_type = fields.MultiValue(fields.Many2One(
            'property.fee.type', "Paid Service Fee",
            domain=[
                ('method', '=', 'one_off'),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The one-off fee finished paid work orders are billed "
            "with."))
    billing_day = fields.MultiValue(billing_day)
    fee_notice_text = fields.MultiValue(fee_notice_text)
    late_fee_rate = fields.MultiValue(late_fee_rate)
    late_fee_grace_days = fields.MultiValue(late_fee_grace_days)
    counter_cash_method = counter_cash_method
    counter_bank_method = counter_bank_method
    counter_mobile_method = counter_mobile_method
    receipt_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence.strict', "Receipt Sequence", required=True,
            domain=[
                ('sequence_type', '=', Id('property_billing',
                        'sequence_type_receipt')),
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ],
            help="Numbers the receipts (收据) of the payments, at their "
            "first print; without gaps, a number never given twice. Each "
            "company gets its own with it (SJ000001, SJ000002...)."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'receipt_sequence':
            return pool.get('property.billing.configuration.sequence')
        if (field in POLICY_FIELDS or field in COUNTER_FIELDS
                or field in LATE_FEE_FIELDS):
            return pool.get('property.billing.configuration.policy')
        return super().multivalue_model(field)

    default_batch_size = multivalue_default('batch_size')
    default_reading_alert_factor = multivalue_default('reading_alert_factor')
    default_billing_day = multivalue_default('billing_day')
    default_receipt_sequence = multivalue_default('receipt_sequence')
    default_late_fee_rate = multivalue_default('late_fee_rate')
    default_late_fee_grace_days = multivalue_default('late_fee_grace_days')


class ConfigurationPolicy(CheckValuesMixin, ModelSQL, CompanyValueMixin):
    __name__ = 'property.billing.configuration.policy'
    __string__ = "Billing Policy Values"
    batch_size = batch_size
    reading_alert_factor = reading_alert_factor
    payment_term = fields.Many2One('account.invoice.payment_term',
        "Payment Term", ondelete='RESTRICT')
    service_fee_type = fields.Many2One('property.fee.type',
        "Paid Service Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ])
    billing_day = billing_day
    fee_notice_text = fee_notice_text
    late_fee_rate = late_fee_rate
    late_fee_grace_days = late_fee_grace_days
    counter_cash_method = fields.Many2One(
        'account.invoice.payment.method', "Counter Cash",
        ondelete='RESTRICT')
    counter_bank_method = fields.Many2One(
        'account.invoice.payment.method', "Counter Bank",
        ondelete='RESTRICT')
    counter_mobile_method = fields.Many2One(
        'account.invoice.payment.method', "Counter Mobile Payment",
        ondelete='RESTRICT')

    @classmethod
    def __register__(cls, module):
        exist = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exist:
            copy_company_rows(cls, OLD_TABLE, POLICY_FIELDS)

    @staticmethod
    def default_batch_size():
        return 200

    @staticmethod
    def default_reading_alert_factor():
        return Decimal(3)

    @staticmethod
    def default_billing_day():
        return 1

    @staticmethod
    def default_late_fee_rate():
        return Decimal('0.0005')

    @staticmethod
    def default_late_fee_grace_days():
        return 15

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        for value in values:
            if not (1 <= value.batch_size <= 10000):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_batch_size'))
            if value.reading_alert_factor <= 1:
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_alert_factor'))
            if not (1 <= value.billing_day <= 28):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_billing_day'))
            if (value.late_fee_rate is not None
                    and not (0 <= value.late_fee_rate < 1)):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_late_fee_rate'))
            if (value.late_fee_grace_days is not None
                    and value.late_fee_grace_days < 0):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_late_fee_grace'))


class ConfigurationSequence(CheckValuesMixin, ModelSQL, CompanyValueMixin):
    __name__ = 'property.billing.configuration.sequence'
    __string__ = "Billing Policy Sequence"
    receipt_sequence = fields.Many2One('ir.sequence.strict',
        "Receipt Sequence", required=True, ondelete='RESTRICT',
        domain=[
            ('sequence_type', '=', Id('property_billing',
                    'sequence_type_receipt')),
            ('company', 'in', [Eval('company', -1), None]),
            ])

    @classmethod
    def __register__(cls, module):
        exist = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exist:
            # a company whose first receipt was not printed yet had none
            copy_company_rows(cls, OLD_TABLE, ['receipt_sequence'])
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.delete(
                    where=table.receipt_sequence == None))  # noqa: E711

    @classmethod
    def default_receipt_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('property_billing', 'sequence_receipt')
        except KeyError:
            return None


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    @classmethod
    def create(cls, vlist):
        """Each new company numbers its receipts with a strict sequence of
        its own"""
        companies = super().create(vlist)
        give_companies_sequence(companies,
            'property.billing.configuration', 'receipt_sequence',
            'ir.sequence.strict')
        return companies
