# This file is part of the property-management suite.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction, without_check_access
from trytond.modules.property_base.common import CheckValuesMixin


class Configuration(CheckValuesMixin, ModelSQL, ModelView):
    "Billing Policy"
    __name__ = 'property.billing.configuration'
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    batch_size = fields.Integer("Batch Size", required=True,
        help="Units billed per task of the queue; each batch is billed and "
        "posted in one transaction.")
    reading_alert_factor = fields.Numeric("Reading Alert Factor",
        digits=(4, 1), required=True,
        help="A consumption above this multiple of the meter's average is "
        "flagged and held out of billing until reviewed.")
    payment_term = fields.Many2One('account.invoice.payment_term',
        "Payment Term", ondelete='RESTRICT',
        help="Gives the due date of the fee invoices.")
    service_fee_type = fields.Many2One('property.fee.type',
        "Paid Service Fee", ondelete='RESTRICT',
        domain=[
            ('method', '=', 'one_off'),
            ('company', '=', Eval('company', -1)),
            ],
        help="The one-off fee finished paid work orders are billed with.")
    billing_day = fields.Integer("Billing Day", required=True,
        help="Day of the month the scheduled action bills the month.")
    fee_notice_text = fields.Text("Fee Notice Text",
        help="The office's notice to the residents, printed in a block at "
        "the bottom of every fee notice.")
    receipt_sequence = fields.Many2One('ir.sequence.strict',
        "Receipt Sequence", ondelete='RESTRICT',
        domain=[
            ('sequence_type', '=', Id('property_billing',
                    'sequence_type_receipt')),
            ('company', 'in', [Eval('company', -1), None]),
            ],
        help="Numbers the receipts (收据) of the payments, at their first "
        "print; without gaps, a number never given twice. Left empty, the "
        "first receipt creates one (SJ000001, SJ000002...).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_unique', Unique(t, t.company),
                'property_billing.msg_configuration_company_unique'),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_batch_size():
        return 200

    @staticmethod
    def default_reading_alert_factor():
        return Decimal(3)

    @staticmethod
    def default_billing_day():
        return 1

    @classmethod
    def get(cls, company=None):
        "Return the policy of the company, created with defaults if missing"
        if company is None:
            company = Transaction().context.get('company')
        company = int(company) if company is not None else None
        configs = cls.search([('company', '=', company)], limit=1)
        if configs:
            return configs[0]
        if company is not None:
            # first creation serialized, as for the helpdesk policy
            cls.lock()
            configs = cls.search([('company', '=', company)], limit=1)
            if configs:
                return configs[0]
        config = cls(company=company)
        for name in cls._fields:
            default = getattr(cls, 'default_' + name, None)
            if default and name != 'company':
                setattr(config, name, default())
        if company is not None:
            config.save()
        return config

    @classmethod
    def validate_fields(cls, configs, field_names):
        super().validate_fields(configs, field_names)
        for config in configs:
            if not (1 <= config.batch_size <= 10000):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_batch_size'))
            if config.reading_alert_factor <= 1:
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_alert_factor'))
            if not (1 <= config.billing_day <= 28):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_billing_day'))

    def get_receipt_sequence(self):
        """The sequence of the company's receipts; the suite's default,
        SJ and six digits, created at the first receipt if none is set"""
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        ModelData = pool.get('ir.model.data')
        if self.receipt_sequence:
            return self.receipt_sequence
        with without_check_access():
            self.__class__.lock([self])
            config = self.__class__(self.id)
            if not config.receipt_sequence:
                sequence = Sequence(name=gettext(
                        'property_billing.msg_receipt_sequence_name'),
                    sequence_type=ModelData.get_id('property_billing',
                        'sequence_type_receipt'),
                    company=config.company, prefix='SJ', padding=6)
                sequence.save()
                config.receipt_sequence = sequence
                config.save()
            self.receipt_sequence = config.receipt_sequence
        return self.receipt_sequence
