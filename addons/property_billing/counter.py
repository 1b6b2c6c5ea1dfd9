# This file is part of the property-management suite.
"""The cashier counter (收费台): a home's unpaid fee invoices paid at the
counter, and the day's takings the cashiers hand over

The cashier chooses the home (or types or scans the payment reference
printed on its fee notice), sees every unpaid fee invoice of its payers
and their open late fees (滞纳金, late_fee.py) and takes the money in cash,
by bank or by mobile payment. The money is posted as the suite's other
payments are (prepayment.py): a move of the method's journal debits the
method's account and credits each invoice's receivable, the lines are the
invoices' payments, the invoices fully paid are reconciled and marked
paid; a late fee's line credits the payer's receivable with the late fee
as origin and the late fee paid whole is reconciled. The amount pays
oldest first (a late fee after the invoice it was charged on) unless the
cashier chose what; the receipt (收据) prints from the moves. Each payment
taken is recorded with its cashier and time: the takings of an office day
(in the company's time zone) add them up per cashier and method."""
from collections import defaultdict
from decimal import Decimal
from itertools import groupby
from types import SimpleNamespace

from sql.aggregate import Count, Min, Sum

from trytond.i18n import gettext
from trytond.exceptions import UserError
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, office_date, to_office)
from trytond.modules.property_base.printing import HTMLReport
from .late_fee import LATE_FEE
from trytond.modules.property_base.workflow import external_call
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateTransition, StateView, \
    Wizard

METHODS = [
    ('cash', "Cash"),
    ('bank', "Bank"),
    ('mobile', "Mobile Payment"),
    ]
# the billing policy's field of the payment method of each way to pay
METHOD_FIELDS = {
    'cash': 'counter_cash_method',
    'bank': 'counter_bank_method',
    'mobile': 'counter_mobile_method',
    }


LATE_FEE_MODEL = 'account.dunning.fee.dunning_level'


def is_late_fee(item):
    "Whether the item due is a late fee (else a fee invoice)"
    return getattr(item, '__name__', None) == LATE_FEE_MODEL


def oldest_first(item):
    """The order the counter pays a home's invoices and late fees in: the
    oldest first, a late fee just after the invoice it was charged on"""
    if is_late_fee(item):
        invoice = item.invoice
        if invoice:
            return oldest_first(invoice)[:-1] + (1, item.id)
        date = item.dunning.line.date
        return (date, date, '', 0, 1, item.id)
    return (item.property_month or item.invoice_date,
        item.invoice_date, item.number or '', item.id, 0, 0)


def amount_due(item):
    "What is still to pay of an invoice or a late fee"
    return item.property_due if is_late_fee(item) else item.amount_to_pay


def allocate(items, amount):
    """The amount paid split over the invoices and late fees oldest first:
    a list of (item, amount paid); the last one paid may be paid in part.
    The amount is more than 0 and at most what the items owe."""
    allocation = []
    rest = amount
    for item in sorted(items, key=oldest_first):
        if rest <= 0:
            break
        paid = min(rest, amount_due(item))
        if paid > 0:
            allocation.append((item, paid))
            rest -= paid
    return allocation


def unpaid_invoices(unit):
    "The posted fee invoices of the home still to pay, oldest first"
    Invoice = Pool().get('account.invoice')
    invoices = Invoice.search([
            ('property_unit', '=', unit.id),
            ('type', '=', 'out'),
            ('state', '=', 'posted'),
            ])
    return sorted([i for i in invoices if i.amount_to_pay > 0],
        key=oldest_first)


def unpaid_late_fees(unit):
    """The late fees charged on the home's fee invoices still to pay
    (not waived nor paid whole), oldest first"""
    FeeDunningLevel = Pool().get(LATE_FEE_MODEL)
    # the counter's groups see a home's late fees with its invoices
    with without_check_access():
        fees = FeeDunningLevel.search([
                ('property_unit', '=', unit.id),
                ('level.fee.compute_method', '=', LATE_FEE),
                ])
        due = []
        for fee in fees:
            line = fee.receivable_line()
            if (line and not line.reconciliation
                    and line.move.state == 'posted'
                    and fee.property_due > 0):
                due.append(fee)
    return sorted(FeeDunningLevel.browse(due), key=oldest_first)


class CounterPayment(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.counter.payment'
    __string__ = "Counter Payment"
    _rec_name = 'invoices'
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    site = fields.Many2One('property.site', "Site", required=True,
        readonly=True, ondelete='RESTRICT')
    unit = fields.Many2One('property.unit', "Unit", required=True,
        readonly=True, ondelete='RESTRICT')
    cashier = fields.Many2One('res.user', "Cashier", required=True,
        readonly=True, ondelete='RESTRICT')
    taken_at = fields.DateTime("Taken At", required=True, readonly=True)
    date = fields.Date("Office Day", required=True, readonly=True,
        help="The day of the payment in the company's time zone.")
    method = fields.Selection(METHODS, "Method", required=True,
        readonly=True)
    method_string = method.translated('method')
    payment_method = fields.Many2One('account.invoice.payment.method',
        "Payment Method", required=True, readonly=True,
        ondelete='RESTRICT')
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        readonly=True)
    moves = fields.One2Many('account.move', 'origin', "Moves",
        readonly=True)
    receipts = fields.Function(fields.Char("Receipts"), 'get_receipts')
    invoices = fields.Char("Invoices", readonly=True,
        help="The numbers of the invoices the payment paid.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.date, Index.Range()),
                (t.site, Index.Range())))
        cls._order = [('taken_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return '%s %s' % (self.unit.rec_name, self.amount)

    def get_receipts(self, name):
        return ', '.join(m.property_receipt for m in self.moves
            if m.property_receipt)

    @classmethod
    def _guard(cls):
        # the counter records its payments; nobody writes them by hand
        if external_call():
            raise AccessError(gettext(
                    'property_billing.msg_counter_payment_maintained'))

    @classmethod
    def create(cls, vlist):
        cls._guard()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._guard()
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._guard()
        super().delete(records)

    @classmethod
    def copy(cls, records, default=None):
        cls._guard()
        return super().copy(records, default=default)


class Takings(ModelSQL, ModelView):
    __name__ = 'property.counter.takings'
    __string__ = "Counter Takings"
    company = fields.Many2One('company.company', "Company")
    site = fields.Many2One('property.site', "Site")
    date = fields.Date("Office Day")
    cashier = fields.Many2One('res.user', "Cashier")
    method = fields.Selection(METHODS, "Method")
    method_string = method.translated('method')
    payment_method = fields.Many2One('account.invoice.payment.method',
        "Payment Method")
    count = fields.Integer("Payments")
    amount = fields.Numeric("Amount", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('cashier', 'ASC'),
            ('method', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Payment = Pool().get('property.counter.payment')
        payment = Payment.__table__()
        return payment.select(
            Min(payment.id).as_('id'),
            payment.company, payment.site, payment.date, payment.cashier,
            payment.method, payment.payment_method,
            Count(payment.id).as_('count'),
            Sum(payment.amount).as_('amount'),
            group_by=[payment.company, payment.site, payment.date,
                payment.cashier, payment.method, payment.payment_method])

    def payments(self):
        "The counter payments the row adds up"
        Payment = Pool().get('property.counter.payment')
        return Payment.search([
                ('company', '=', self.company.id),
                ('site', '=', self.site.id),
                ('date', '=', self.date),
                ('cashier', '=', self.cashier.id),
                ('method', '=', self.method),
                ('payment_method', '=', self.payment_method.id),
                ], order=[('taken_at', 'ASC'), ('id', 'ASC')])


class TakingsSheet(HTMLReport):
    "Takings hand-over sheet (交班收款汇总)"
    __name__ = 'property.counter.takings.sheet'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['sheets'] = cls.sheets
        return context

    @classmethod
    def sheets(cls, records):
        """The takings by office day, site and cashier: each with its rows
        per method, the payments taken and the total"""
        def key(row):
            return (row.date, row.site.id, row.cashier.id)
        sheets = []
        for _, rows in groupby(sorted(records,
                    key=lambda r: (key(r), r.method)), key=key):
            rows = list(rows)
            payments = sorted((p for r in rows for p in r.payments()),
                key=lambda p: (p.taken_at, p.id))
            sheets.append(SimpleNamespace(date=rows[0].date,
                    site=rows[0].site, cashier=rows[0].cashier,
                    rows=rows, payments=payments,
                    time=lambda p: to_office(p.taken_at, p.company),
                    count=sum(r.count for r in rows),
                    total=sum((r.amount for r in rows), Decimal(0)),
                    currency=rows[0].company.currency))
        return sheets


class CounterStart(ModelView):
    __name__ = 'property.counter.start'
    __string__ = "Cashier Counter"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    reference = fields.Char("Payment Reference", strip=True,
        help="The payment reference (or the invoice number) printed on the "
        "fee notice: typed or scanned, it finds the home.")
    unit = fields.Many2One('property.unit', "Home",
        states={'required': ~Eval('reference')})
    dues = fields.Many2Many('account.invoice', None, None, "Unpaid Fees",
        readonly=True,
        help="Every unpaid fee invoice of the home, oldest first.")
    chosen = fields.Many2Many('account.invoice', None, None,
        "Invoices Paid",
        domain=[('id', 'in', Eval('dues', []))],
        help="The invoices the payer pays; leave empty to pay the oldest "
        "first.")
    late_fees = fields.Many2Many(LATE_FEE_MODEL, None, None,
        "Unpaid Late Fees", readonly=True,
        help="The late fees (滞纳金) charged on the home's fee invoices "
        "still to pay, with their invoice and days late.")
    chosen_late_fees = fields.Many2Many(LATE_FEE_MODEL, None, None,
        "Late Fees Paid",
        domain=[('id', 'in', Eval('late_fees', []))],
        help="The late fees the payer pays; leave both lists empty to pay "
        "the oldest first, each late fee after its invoice.")
    total_due = fields.Numeric("Total Due", digits=(16, 2), readonly=True)
    amount = fields.Numeric("Amount Received", digits=(16, 2),
        required=True)
    method = fields.Selection(METHODS, "Method", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_method(cls):
        return 'cash'

    @fields.depends('reference', 'unit', 'dues', 'late_fees', 'total_due',
        methods=['on_change_with_dues', 'on_change_with_late_fees',
            'on_change_with_total_due'])
    def on_change_reference(self):
        if not self.reference:
            return
        invoice = find_by_reference(self.reference)
        if invoice and invoice.property_unit:
            self.unit = invoice.property_unit
            self.dues = self.on_change_with_dues()
            self.late_fees = self.on_change_with_late_fees()
            self.total_due = self.on_change_with_total_due()

    @fields.depends('unit')
    def on_change_with_late_fees(self):
        if not self.unit:
            return []
        return [f.id for f in unpaid_late_fees(self.unit)]

    @fields.depends('unit')
    def on_change_with_dues(self):
        if not self.unit:
            return []
        return [i.id for i in unpaid_invoices(self.unit)]

    @fields.depends('unit', methods=['on_change_with_dues'])
    def on_change_with_total_due(self):
        Invoice = Pool().get('account.invoice')
        if not self.unit:
            return Decimal(0)
        return (sum((i.amount_to_pay for i in Invoice.browse(
                        self.on_change_with_dues())), Decimal(0))
            + sum((f.property_due for f in unpaid_late_fees(self.unit)),
                Decimal(0)))


def find_by_reference(reference):
    "The fee invoice with the payment reference (or number), if any"
    Invoice = Pool().get('account.invoice')
    reference = reference.strip()
    invoices = Invoice.search(['OR',
            ('number', '=', reference),
            ('customer_payment_reference', '=', reference),
            ], limit=10)
    # (a text that is no payment reference searches no reference at all)
    def normal(text):
        return ''.join((text or '').split()).upper()
    for invoice in invoices:
        if normal(reference) in {normal(invoice.number),
                normal(invoice.customer_payment_reference)}:
            return invoice


class Counter(Wizard):
    "Cashier Counter"
    __name__ = 'property.counter'
    start = StateView('property.counter.start',
        'property_billing.counter_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Pay and Print Receipt", 'pay', 'tryton-ok',
                default=True),
            ])
    pay = StateTransition()
    print_ = StateReport('property.receipt')

    def transition_pay(self):
        start = self.start
        unit = start.unit
        if not unit:
            invoice = (find_by_reference(start.reference)
                if start.reference else None)
            if not invoice or not invoice.property_unit:
                raise UserError(gettext(
                        'property_billing.msg_counter_reference_unknown',
                        reference=start.reference or ''))
            unit = invoice.property_unit
        self.payment = take_payment(start.company, unit, start.amount,
            start.method, chosen=list(start.chosen or [])
            + list(start.chosen_late_fees or []))
        return 'print_'

    def do_print_(self, action):
        Payment = Pool().get('property.counter.payment')
        payment = Payment(self.payment.id)
        return action, {'ids': [m.id for m in payment.moves],
            'model': 'account.move'}

    def transition_print_(self):
        return 'end'


def take_payment(company, unit, amount, method, chosen=None):
    """Take the amount paid for the home's invoices and late fees at the
    counter: those chosen (else all the home's unpaid ones) paid oldest
    first,
    with the payment method of the billing policy for the method; the
    counter payment recorded (cashier, time, office day). Nothing is
    posted when the amount is not more than 0, above what is due, the
    home owes nothing or the method has no payment method configured."""
    pool = Pool()
    Configuration = pool.get('property.billing.configuration')
    Payment = pool.get('property.counter.payment')
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    transaction = Transaction()
    if amount is None or amount <= 0:
        raise UserError(gettext('property_billing.msg_counter_amount'))
    FeeDunningLevel = pool.get(LATE_FEE_MODEL)
    dues = unpaid_invoices(unit) + unpaid_late_fees(unit)
    if not dues:
        raise UserError(gettext('property_billing.msg_counter_nothing_due',
                unit=unit.rec_name))
    if chosen:
        due_ids = {(is_late_fee(i), i.id) for i in dues}
        for item in chosen:
            if (is_late_fee(item), item.id) not in due_ids:
                raise UserError(gettext(
                        'property_billing.msg_counter_not_due',
                        invoice=item.rec_name, unit=unit.rec_name))
        chosen_ids = {(is_late_fee(c), c.id) for c in chosen}
        dues = [i for i in dues if (is_late_fee(i), i.id) in chosen_ids]
    total = sum((amount_due(i) for i in dues), Decimal(0))
    if amount > total:
        raise UserError(gettext('property_billing.msg_counter_above_due',
                amount=amount, due=total))
    payment_method = Configuration.get_value(METHOD_FIELDS[method], company)
    if not payment_method:
        raise UserError(gettext('property_billing.msg_counter_no_method',
                method=dict(Payment.fields_get(['method'])['method'][
                        'selection'])[method]))
    taken_at = clock()
    date = office_date(taken_at, company)
    allocation = allocate(dues, amount)
    # the counter's groups may take a payment: the moves it posts are the
    # accounting of that counter operation (as the prepayments)
    with without_check_access():
        payment, = Payment.create([{
                    'company': company.id,
                    'site': unit.site.id,
                    'unit': unit.id,
                    'cashier': transaction.user,
                    'taken_at': taken_at,
                    'date': date,
                    'method': method,
                    'payment_method': payment_method.id,
                    'amount': amount,
                    'invoices': ', '.join(paid_name(i) for i, _
                        in allocation),
                    }])
        period = Period.find(company, date=date)
        debit_account = payment_method.debit_account.current(date=date)
        by_party = defaultdict(list)
        for item, paid in allocation:
            party = item.dunning.party if is_late_fee(item) else item.party
            by_party[party].append((item, paid))
        moves, lines, credits = [], [], []
        for party, paid_items in by_party.items():
            move = Move(company=company, journal=payment_method.journal,
                period=period, date=date, origin=payment,
                description=gettext(
                    'property_billing.msg_counter_move_description',
                    unit=unit.rec_name))
            moves.append(move)
            debit = Line(move=move, account=debit_account,
                debit=sum(p for _, p in paid_items), credit=0)
            if debit_account.party_required:
                debit.party = party
            lines.append(debit)
            for item, paid in paid_items:
                if is_late_fee(item):
                    # the late fee's receivable, the late fee as origin
                    lines.append(Line(move=move,
                            account=item.dunning.line.account, party=party,
                            debit=0, credit=paid, origin=item))
                    continue
                line = Line(move=move, account=item.account, party=party,
                    debit=0, credit=paid)
                lines.append(line)
                credits.append((item, line))
        Move.save(moves)
        Line.save(lines)
        Move.post(moves)
        if credits:
            Invoice.add_payment_lines({invoice: [line]
                    for invoice, line in credits})
        paid = []
        for invoice in Invoice.browse([i.id for i, _ in allocation
                    if not is_late_fee(i)]):
            if invoice.amount_to_pay == 0:
                Line.reconcile(list(invoice.lines_to_pay)
                    + list(invoice.payment_lines))
                paid.append(invoice)
        if paid:
            Invoice.process(paid)
        fees = FeeDunningLevel.browse([i.id for i, _ in allocation
                if is_late_fee(i)])
        FeeDunningLevel.property_settle(
            [f for f in fees if not f.property_due])
    return payment


def paid_name(item):
    "How a counter payment names an invoice or a late fee it paid"
    if is_late_fee(item):
        return gettext('property_billing.msg_counter_late_fee_paid',
            invoice=item.invoice.number if item.invoice else item.rec_name)
    return item.number or ''
