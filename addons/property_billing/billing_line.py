# This file is part of the property-management suite.
"""Billed fees: one line per fee a run billed, and the invoice line it
becomes"""
from decimal import Decimal

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from trytond.modules.property_base.common import CheckValuesMixin


class Line(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.billing.line'
    __string__ = "Billed Fee"
    run = fields.Many2One('property.billing.run', "Run", required=True,
        ondelete='RESTRICT', readonly=True)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', readonly=True)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', readonly=True)
    building = fields.Many2One('property.building', "Building",
        required=True, ondelete='RESTRICT', readonly=True)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', readonly=True)
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT', readonly=True)
    party = fields.Many2One('party.party', "Payer", required=True,
        ondelete='RESTRICT', readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    service_start = fields.Date("From", required=True, readonly=True)
    service_end = fields.Date("To", required=True, readonly=True)
    service_key = fields.Date("Service Period", readonly=True,
        help="The first day of the service period of a periodic fee (the "
        "key that bills it once); empty for charges.")
    charge = fields.Many2One('property.fee.charge', "Charge",
        ondelete='RESTRICT', readonly=True)
    month = fields.Date("Month", required=True, readonly=True,
        help="The month of the run that billed the fee.")
    description = fields.Char("Description", readonly=True)
    quantity = fields.Numeric("Quantity", digits=(16, 2), readonly=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4),
        readonly=True)
    days = fields.Integer("Days", readonly=True)
    service_days = fields.Integer("Service Days", readonly=True,
        help="The days of the fee's whole service period; Days are those "
        "billed of them.")
    discount = fields.Numeric("Discount (%)", digits=(5, 2), readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice",
        ondelete='RESTRICT', readonly=True)
    invoice_state = fields.Function(fields.Selection(
            'get_invoice_states', "Invoice State"), 'get_invoice_state')

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        # Migration: a fee's days were called "period_*"
        for name in ['start', 'end', 'key', 'days']:
            table_h.column_rename(f'period_{name}', f'service_{name}')
        super().__register__(module_name)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # The exactly-once guarantee: see the module docstring.
            ('fee_period_unique',
                Unique(t, t.unit, t.fee_type, t.service_key, t.party),
                'property_billing.msg_line_fee_period_unique'),
            ('charge_unique', Unique(t, t.charge),
                'property_billing.msg_line_charge_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.run, Index.Range())),
                Index(t, (t.invoice, Index.Range())),
                Index(t, (t.site, Index.Range()), (t.month, Index.Range())),
                })
        cls._order = [('unit', 'ASC'), ('fee_type', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_invoice_states(cls):
        Invoice = Pool().get('account.invoice')
        return [(None, '')] + Invoice.fields_get(['state'])['state'][
            'selection']

    def get_invoice_state(self, name):
        return self.invoice.state if self.invoice else None

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.fee_type.rec_name} ' \
            f'{self.service_start}'

    @classmethod
    def _group_invoice_key(cls, values):
        """The invoice a fee (values of a billed line) goes on, as pairs
        of field name and value: one invoice per unit and payer"""
        return (('unit', values['unit']), ('party', values['party']))

    @classmethod
    def get_invoice_line(cls, values, product, currency):
        """The values of the invoice line of a fee (values of a billed
        line), with the fee type's product values (FeeType.
        get_invoice_product) and its amount in the currency"""
        quantity = float(values['quantity'])
        amount = currency.round(
            Decimal(str(quantity)) * values['unit_price'])
        return dict(product,
            type='line',
            description=values['description'],
            quantity=quantity,
            unit_price=values['unit_price'],
            amount=amount)
