# This file is part of the property-management suite.
import shutil
from collections import namedtuple
from decimal import Decimal
from types import SimpleNamespace

from trytond.model import Index, fields
from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import Pool, PoolMeta
from trytond.report import Report
from trytond.transaction import Transaction

from .prepayment import PREPAID_DOMAIN

StatementLine = namedtuple('StatementLine',
    ['date', 'document', 'debit', 'credit', 'balance', 'currency'])


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    property_unit = fields.Many2One('property.unit', "Unit",
        ondelete='RESTRICT', readonly=True,
        help="The unit whose fees the invoice bills.")
    property_site = fields.Many2One('property.site', "Site",
        ondelete='RESTRICT', readonly=True)
    property_period = fields.Date("Fee Month", readonly=True)
    property_lines = fields.One2Many('property.billing.line', 'invoice',
        "Billed Fees", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.property_site, Index.Range()),
                (t.property_period, Index.Range())))

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


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.billing.line']


class PdfWhenPossible:
    "Print as PDF when LibreOffice is on the machine, else as ODT"
    __slots__ = ()

    @classmethod
    def convert(cls, report, data, **kwargs):
        if (not report.extension
                or report.extension == report.template_extension) \
                and shutil.which('soffice'):
            report = SimpleNamespace(report_name=report.report_name,
                template_extension=report.template_extension,
                extension='pdf')
        return super().convert(report, data, **kwargs)


class DunningLetter(PdfWhenPossible, metaclass=PoolMeta):
    __name__ = 'account.dunning.letter'


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
        context['notice_text'] = lambda invoice: Configuration.get(
            company.id if company else None).fee_notice_text or ''
        context['balance'] = lambda party: party.receivable
        return context

    @classmethod
    def notice_amounts(cls, invoice):
        """What the payer owes with the notice: the earlier invoices still
        open, the money prepaid not yet used, the total due and the
        reference to pay it with"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        MoveLine = pool.get('account.move.line')
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
        total = max(to_pay + arrears - prepaid, Decimal(0))
        reference = ((invoice.customer_payment_reference
                if invoice.number else None) or invoice.number or '')
        due_dates = [l.maturity_date for l in invoice.lines_to_pay
            if l.maturity_date and not l.reconciliation]
        return SimpleNamespace(arrears=arrears, prepaid=prepaid,
            total=invoice.currency.round(total), reference=reference,
            due_date=min(due_dates) if due_dates else None)


class Statement(PdfWhenPossible, Report):
    "Statement of Account (业主对账单)"
    __name__ = 'property.statement'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company_id = Transaction().context.get('company')
        company = Company(company_id) if company_id else None
        context['company'] = company
        context['today'] = Date.today()
        context['statement'] = lambda party: cls.statement(party, company)
        context['balance'] = lambda party: party.receivable
        context['units'] = lambda party: ', '.join(sorted(
                {o.unit.rec_name for o in party.ownerships}))
        return context

    @classmethod
    def statement(cls, party, company):
        """The posted receivable lines of the owner, oldest first, with the
        running balance: invoices billed, payments received"""
        MoveLine = Pool().get('account.move.line')
        domain = [
            ('party', '=', party.id),
            ('account.type.receivable', '=', True),
            ('move.state', '=', 'posted'),
            ]
        if company:
            domain.append(('move.company', '=', company.id))
        balance = 0
        result = []
        for line in MoveLine.search(domain,
                order=[('date', 'ASC'), ('id', 'ASC')]):
            balance += line.debit - line.credit
            origin = line.move.origin
            document = (origin.rec_name if origin
                else line.description or line.move.rec_name)
            result.append(StatementLine(line.date, document, line.debit,
                    line.credit, balance, line.account.company.currency))
        return result
