# This file is part of the property-management suite.
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from trytond.model import Index, fields
from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, record_cache_size, without_check_access)

from .late_fee import late_fees_due
from .prepayment import PREPAID_DOMAIN


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    property_unit = fields.Many2One('property.unit', "Unit",
        ondelete='RESTRICT', readonly=True,
        help="The unit whose fees the invoice bills.")
    property_site = fields.Many2One('property.site', "Site",
        ondelete='RESTRICT', readonly=True)
    property_month = fields.Date("Fee Month", readonly=True)
    property_lines = fields.One2Many('property.billing.line', 'invoice',
        "Billed Fees", readonly=True)
    property_fees = fields.Function(fields.Char("Fees",
            help="The fees the invoice bills."), 'get_property_fees')

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        # Migration: the fee month was called "property_period"
        table_h.column_rename('property_period', 'property_month')
        super().__register__(module_name)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.property_site, Index.Range()),
                (t.property_month, Index.Range())))

    @classmethod
    def get_property_fees(cls, invoices, name):
        """The names of the fees billed, read for the whole list at once
        (the fee types are the invoice's to whoever reads the invoice)"""
        Line = Pool().get('property.billing.line')
        fees = defaultdict(list)
        with without_check_access():
            for ids in grouped_slice([i.id for i in invoices],
                    record_cache_size(Transaction())):
                for line in Line.search([('invoice', 'in', list(ids))],
                        order=[('id', 'ASC')]):
                    fee = line.fee_type.name
                    if fee not in fees[line.invoice.id]:
                        fees[line.invoice.id].append(fee)
        return {i.id: ', '.join(fees.get(i.id, [])) or None
            for i in invoices}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('property_unit') and 'property_site' not in values:
            Unit = Pool().get('property.unit')
            values['property_site'] = Unit(values['property_unit']).site.id
        return values

    @classmethod
    def copy(cls, invoices, default=None):
        default = dict(default or {})
        default.setdefault('property_lines', None)
        return super().copy(invoices, default=default)

    @classmethod
    def property_invoice_parties(cls, units):
        """The parties (the ids of units: a unit of each party's by the
        party's id) ready to be invoiced by the suite: those without an
        address get their unit as invoice address; by id"""
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Unit = pool.get('property.unit')
        parties = Party.browse(list(units))
        missing = [p for p in parties if not p.addresses]
        if missing:
            records = {u.id: u for u in Unit.browse(
                    [units[p.id] for p in missing])}
            Address.save([Address(party=p,
                        street=records[units[p.id]].rec_name,
                        city=records[units[p.id]].site.rec_name)
                    for p in missing])
            parties = Party.browse(list(units))
        return {p.id: p for p in parties}

    @classmethod
    def property_invoice_defaults(cls, company, invoice_date):
        """What the suite's customer invoices of the company dated
        invoice_date share: the journal (Tryton's set_journal), the
        currency and the billing policy's payment term"""
        Configuration = Pool().get('property.billing.configuration')
        invoice = cls(company=company, type='out')
        invoice.set_journal()
        return {
            'company': company.id,
            'type': 'out',
            'journal': invoice.journal.id if invoice.journal else None,
            'currency': company.currency.id,
            'invoice_date': invoice_date,
            'payment_term': Configuration.get_value(
                'payment_term', company),
            }

    @classmethod
    def property_invoice_values(cls, defaults, party, unit, description,
            month=None, account=None):
        """The values of a customer invoice of the suite (the fees of a
        billing run, a renovation settlement) to the party (with an
        address: property_invoice_parties) for the unit, from the
        defaults (property_invoice_defaults): the party's invoice address
        and tax identifier, the receivable account (the party's, current
        at the invoice date, unless its id is given), the policy's payment
        term else the party's; month: the fee month billed"""
        address = party.address_get(type='invoice')
        if account is None:
            account = party.account_receivable_used
            if account:
                account = account.current(date=defaults['invoice_date'])
            account = account.id if account else None
        return dict(defaults,
            party=party.id,
            party_tax_identifier=(party.tax_identifier.id
                if party.tax_identifier else None),
            invoice_address=address.id if address else None,
            account=account,
            payment_term=(defaults['payment_term']
                or party.customer_payment_term),
            description=description,
            property_unit=unit.id,
            property_site=unit.site.id,
            property_month=month)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.billing.line']


class FeeNotice(HTMLReport):
    "Fee Notice (缴费通知单)"
    __name__ = 'property.fee.notice'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Configuration = pool.get('property.billing.configuration')
        context = super().get_context(records, header, data)
        company = context.get('company')
        context['notice_amounts'] = cls.notice_amounts
        # the office's text, read once for the batch of notices
        texts = {}

        def notice_text(invoice):
            if 'text' not in texts:
                texts['text'] = Configuration.get_value(
                    'fee_notice_text', company) or ''
            return texts['text']
        context['notice_text'] = notice_text
        context['balance'] = lambda party: party.receivable
        # a hook for the owners' portal (property_portal): the invitation
        # to print for the payer, none without the portal
        context['portal_invitation'] = lambda invoice: None
        return context

    @classmethod
    def notice_amounts(cls, invoice):
        """What the payer owes with the notice: the earlier invoices still
        open, the money prepaid not yet used, the total due and the
        reference to pay it with"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        MoveLine = pool.get('account.move.line')
        # The payer's figures, whoever prints the notice: the report
        # checked that the user may read the invoice (the front desk of its
        # site prints it for the owner at the desk without reading the
        # accounting's move lines nor the invoices of other sites)
        with without_check_access():
            earlier = Invoice.search([
                    ('company', '=', invoice.company.id),
                    ('party', '=', invoice.party.id),
                    ('type', '=', 'out'),
                    ('state', '=', 'posted'),
                    ('id', '!=', invoice.id),
                    ('invoice_date', '<=', invoice.invoice_date),
                    ])
            arrears = sum((i.amount_to_pay for i in earlier), Decimal(0))
            credits = MoveLine.search([
                    ('party', '=', invoice.party.id),
                    ('move.company', '=', invoice.company.id),
                    ] + PREPAID_DOMAIN)
            prepaid = sum((l.credit - l.debit for l in credits), Decimal(0))
            to_pay = invoice.amount_to_pay if invoice.state in {
                'posted', 'paid'} else invoice.total_amount
            late_fees = late_fees_due(invoice.party, invoice.company)
            total = max(to_pay + arrears + late_fees - prepaid, Decimal(0))
            reference = ((invoice.customer_payment_reference
                    if invoice.number else None) or invoice.number or '')
            due_dates = [l.maturity_date
                for l in Invoice(invoice.id).lines_to_pay
                if l.maturity_date and not l.reconciliation]
        return SimpleNamespace(arrears=arrears, prepaid=prepaid,
            late_fees=late_fees,
            total=invoice.currency.round(total), reference=reference,
            due_date=min(due_dates) if due_dates else None)
