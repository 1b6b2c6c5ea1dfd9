# This file is part of the property-management suite.
"Collection reports (收费率, 欠费账龄), computed by the database"
import datetime as dt
from decimal import Decimal

from sql import Column, Literal, Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp, Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


def invoice_payments():
    "Per invoice, the amount of its payment lines"
    pool = Pool()
    payment = pool.get('account.invoice-account.move.line').__table__()
    move_line = pool.get('account.move.line').__table__()
    return payment.join(move_line,
        condition=payment.line == move_line.id
        ).select(payment.invoice.as_('invoice'),
            Sum(move_line.credit - move_line.debit).as_('amount'),
            group_by=[payment.invoice])


def month_index(date):
    "The months since year 0 of a date column: compares months in SQL"
    return Extract('YEAR', date) * 12 + Extract('MONTH', date)


def paid_by_month_end(invoice, month):
    """What was paid of the invoice by the end of the month (the month's
    first day, a column): its payment lines dated (office dates, as the
    counter and the pay wizard date them) in the month or before, or all
    of it when it was paid (its receivable reconciled) by then"""
    pool = Pool()
    payment = pool.get('account.invoice-account.move.line').__table__()
    move_line = pool.get('account.move.line').__table__()
    move = pool.get('account.move').__table__()
    to_pay = pool.get('account.move.line').__table__()
    reconciliation = pool.get('account.move.reconciliation').__table__()
    # (a move line's date is its move's)
    paid_lines = payment.join(move_line,
        condition=payment.line == move_line.id
        ).join(move, condition=move_line.move == move.id
        ).select(Sum(move_line.credit - move_line.debit),
            where=(payment.invoice == invoice.id)
            & (month_index(move.date) <= month_index(month)))
    reconciled = to_pay.join(reconciliation,
        condition=to_pay.reconciliation == reconciliation.id
        ).select(Max(reconciliation.date),
            where=(to_pay.move == invoice.move)
            & (to_pay.account == invoice.account))
    return Case(
        ((invoice.state == 'paid')
            & (month_index(reconciled) <= month_index(month)),
            invoice.total_amount_cache),
        else_=Coalesce(paid_lines, 0))


def collected_lines(by_month_end=False):
    """Billed fees with the part of each collected so far (by_month_end:
    collected by the end of the fee's month, see paid_by_month_end): an
    invoice's payments spread over its fees pro rata; cancelled invoices
    left out"""
    pool = Pool()
    line = pool.get('property.billing.line').__table__()
    invoice = pool.get('account.invoice').__table__()
    payments = invoice_payments()
    total = invoice.total_amount_cache
    if by_month_end:
        paid = paid_by_month_end(invoice, line.month)
    else:
        paid = Case(
            (invoice.state == 'paid', total),
            else_=Coalesce(payments.amount, 0))
    # Multiplied before divided: SQLite divides integers as integers.
    collected = Case(
        (total > 0, line.amount * paid / total),
        else_=Case((invoice.state == 'paid', line.amount), else_=0))
    query = line.join(invoice, condition=line.invoice == invoice.id
        ).join(payments, 'LEFT', condition=payments.invoice == invoice.id)
    where = invoice.state.in_(['posted', 'paid'])
    return query, line, collected, where


class _RateMixin:
    __slots__ = ()
    _group_by = ()
    # The sums as the database gives them (floats in SQLite, long numerics
    # in PostgreSQL), shown rounded to the cent.
    billed_sum = fields.Numeric("Billed Sum")
    collected_sum = fields.Numeric("Collected Sum")
    billed = fields.Function(fields.Numeric("Billed", digits=(16, 2)),
        'get_rate')
    collected = fields.Function(fields.Numeric("Collected", digits=(16, 2)),
        'get_rate')
    outstanding = fields.Function(fields.Numeric("Outstanding",
            digits=(16, 2)), 'get_rate')
    rate = fields.Function(fields.Float("Collection Rate (%)",
            digits=(5, 1)), 'get_rate')

    def get_rate(self, name):
        cent = Decimal('0.01')
        billed = Decimal(str(self.billed_sum or 0)).quantize(cent)
        collected = Decimal(str(self.collected_sum or 0)).quantize(cent)
        if name == 'billed':
            return billed
        if name == 'collected':
            return collected
        if name == 'outstanding':
            return (billed - collected).quantize(Decimal('0.01'))
        if not billed:
            return None
        return round(float(100 * collected / billed), 1)

    @classmethod
    def table_query(cls):
        "Billed and collected per company, month and the _group_by fields"
        query, line, collected, where = collected_lines()
        groups = [Column(line, name) for name in cls._group_by]
        return query.select(
            Min(line.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            line.company.as_('company'),
            line.month.as_('month'),
            *(column.as_(name)
                for column, name in zip(groups, cls._group_by)),
            Sum(line.amount).as_('billed_sum'),
            Sum(collected).as_('collected_sum'),
            where=where,
            group_by=[line.company, line.month, *groups])


class _TargetMixin:
    "The fee type's collection target, and whether the rate reaches it"
    __slots__ = ()
    target = fields.Function(fields.Float("Target (%)", digits=(5, 1)),
        'get_target')
    on_target = fields.Function(fields.Boolean("On Target"), 'get_target')

    def get_target(self, name):
        target = float(self.fee_type.target_rate)
        if name == 'target':
            return target
        return self.rate is not None and self.rate >= target


class CollectionRate(_TargetMixin, _RateMixin, ModelSQL, ModelView):
    __name__ = 'property.collection.rate'
    __string__ = "Collection Rate"
    _group_by = ('site', 'building', 'fee_type')
    company = fields.Many2One('company.company', "Company")
    month = fields.Date("Month")
    site = fields.Many2One('property.site', "Site")
    building = fields.Many2One('property.building', "Building")
    fee_type = fields.Many2One('property.fee.type', "Fee Type")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'),
            ('building', 'ASC'), ('fee_type', 'ASC'), ('id', 'ASC')]


class CollectionRateSite(_RateMixin, ModelSQL, ModelView):
    __name__ = 'property.collection.rate.site'
    __string__ = "Collection Rate per Site"
    _group_by = ('site',)
    company = fields.Many2One('company.company', "Company")
    month = fields.Date("Month")
    site = fields.Many2One('property.site', "Site")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'ASC')]


class CollectionRateFee(_TargetMixin, _RateMixin, ModelSQL, ModelView):
    __name__ = 'property.collection.rate.fee'
    __string__ = "Collection Rate per Fee Type"
    _group_by = ('fee_type',)
    company = fields.Many2One('company.company', "Company")
    month = fields.Date("Month")
    fee_type = fields.Many2One('property.fee.type', "Fee Type")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('fee_type', 'ASC'), ('id', 'ASC')]


class ArrearsAgeing(ModelSQL, ModelView):
    __name__ = 'property.arrears.ageing'
    __string__ = "Arrears Ageing"
    company = fields.Many2One('company.company', "Company")
    site = fields.Many2One('property.site', "Site")
    unit = fields.Many2One('property.unit', "Unit")
    party = fields.Many2One('party.party', "Payer",
        context={'company': Eval('company', -1)}, depends={'company'})
    not_due = fields.Numeric("Not Due", digits=(16, 2))
    days_30 = fields.Numeric("1-30 Days", digits=(16, 2))
    days_60 = fields.Numeric("31-60 Days", digits=(16, 2))
    days_90 = fields.Numeric("61-90 Days", digits=(16, 2))
    days_over_90 = fields.Numeric("Over 90 Days", digits=(16, 2))
    total = fields.Numeric("Total", digits=(16, 2))
    oldest_due = fields.Date("Oldest Due Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('total', 'DESC'), ('unit', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        invoice = pool.get('account.invoice').__table__()
        due_line = pool.get('account.move.line').__table__()
        today = Transaction().context.get('date') or Date.today()

        payments = invoice_payments()
        dues = due_line.select(due_line.move.as_('move'),
            Min(due_line.maturity_date).as_('maturity'),
            where=due_line.debit > 0,
            group_by=[due_line.move])
        open_ = invoice.join(payments, 'LEFT',
            condition=payments.invoice == invoice.id
            ).join(dues, 'LEFT', condition=dues.move == invoice.move
            ).select(invoice.id.as_('id'), invoice.company.as_('company'),
                invoice.property_site.as_('site'),
                invoice.property_unit.as_('unit'),
                invoice.party.as_('party'),
                Coalesce(dues.maturity, invoice.invoice_date).as_('maturity'),
                (invoice.total_amount_cache
                    - Coalesce(payments.amount, 0)).as_('due'),
                where=(invoice.state == 'posted')
                & (invoice.type == 'out')
                & (invoice.property_unit != Null))

        def bucket(condition):
            return Sum(Case((condition, open_.due), else_=0))
        days = [today - dt.timedelta(days=d) for d in (30, 60, 90)]
        return open_.select(
            Min(open_.id).as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            open_.company.as_('company'), open_.site.as_('site'),
            open_.unit.as_('unit'), open_.party.as_('party'),
            bucket(open_.maturity >= today).as_('not_due'),
            bucket((open_.maturity < today) & (open_.maturity >= days[0])
                ).as_('days_30'),
            bucket((open_.maturity < days[0]) & (open_.maturity >= days[1])
                ).as_('days_60'),
            bucket((open_.maturity < days[1]) & (open_.maturity >= days[2])
                ).as_('days_90'),
            bucket(open_.maturity < days[2]).as_('days_over_90'),
            Sum(open_.due).as_('total'),
            Min(open_.maturity).as_('oldest_due'),
            where=open_.due != 0,
            group_by=[open_.company, open_.site, open_.unit, open_.party])
