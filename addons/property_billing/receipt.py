# This file is part of the property-management suite.
"""Receipts (收据): the paper the cashier hands an owner for money received

A payment is recorded as Tryton records it: the invoice's Pay wizard (or
the Receive Prepayment wizard) posts a move that debits the money's account
and credits the payer's receivable. The receipt prints from that move (or
from the invoice it pays) and gets its own number from the company's
receipt sequence, given once at its first print and kept on the move: a
reprint shows the same number and no number is used twice."""
from decimal import Decimal
from types import SimpleNamespace

from trytond.i18n import gettext
from trytond.exceptions import UserError
from trytond.model import Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.workflow import external_call
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import without_check_access

from .capitals import chinese_capitals


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'
    property_receipt = fields.Char("Receipt Number", readonly=True,
        help="The number of the receipt printed for the payment, given at "
        "its first print from the company's receipt sequence.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude.add('property_receipt')
        t = cls.__table__()
        cls._sql_constraints += [
            ('property_receipt_unique',
                Unique(t, t.company, t.property_receipt),
                'property_billing.msg_receipt_number_unique'),
            ]

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.counter.payment']

    @classmethod
    def _guard_receipt(cls, vlist):
        if external_call() and any(
                'property_receipt' in values for values in vlist):
            raise AccessError(gettext(
                    'property_billing.msg_receipt_number_maintained'))

    @classmethod
    def create(cls, vlist):
        cls._guard_receipt(vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._guard_receipt(args[1::2])
        super().write(*args)

    @classmethod
    def copy(cls, moves, default=None):
        default = dict(default or {})
        default.setdefault('property_receipt', None)
        return super().copy(moves, default=default)


def payment_lines(move):
    """The lines of the move that credit a payer's receivable with money
    received, or [] if the move receives no money (an invoice, a transfer
    of a prepayment)"""
    if move.state != 'posted':
        return []
    receivable = [l for l in move.lines
        if l.party and l.account.type and l.account.type.receivable]
    money = [l for l in move.lines if l.debit > 0
        and not (l.account.type and l.account.type.receivable)]
    amount = sum((l.credit - l.debit for l in receivable), Decimal(0))
    if (not receivable or not money or amount <= 0
            or len({l.party for l in receivable}) != 1):
        return []
    return receivable


class Receipt(HTMLReport):
    "Receipt (收据)"
    __name__ = 'property.receipt'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the first print numbers the receipt
        cls.__rpc__['execute'] = RPC(False)

    @classmethod
    def payment_moves(cls, ids, model):
        "The payment moves to print, checked"
        Move = Pool().get('account.move')
        moves = Move.browse(ids)
        for move in moves:
            if not payment_lines(move):
                raise UserError(gettext(
                        'property_billing.msg_receipt_not_payment',
                        move=move.rec_name))
        return moves

    @classmethod
    def _get_records(cls, ids, model, data):
        moves = cls.payment_moves(ids, model)
        cls.number(moves)
        return super()._get_records([m.id for m in moves], 'account.move',
            data)

    @classmethod
    def number(cls, moves):
        """Give the receipts not numbered yet their number, in the order
        they were received; a number is never given twice"""
        pool = Pool()
        Move = pool.get('account.move')
        Configuration = pool.get('property.billing.configuration')
        if all(m.property_receipt for m in moves):
            return
        # the numbers are the suite's: the cashier may print the receipt,
        # not write its number
        with without_check_access():
            Move.lock(moves)
            moves = [m for m in Move.browse([m.id for m in moves])
                if not m.property_receipt]
            for move in sorted(moves, key=lambda m: (m.date, m.id)):
                sequence = Configuration.get_value(
                    'receipt_sequence', move.company)
                Move.write([move], {'property_receipt': sequence.get()})

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['receipt'] = cls.receipt
        context['capitals'] = chinese_capitals
        return context

    @classmethod
    def receipt(cls, move):
        """What the receipt shows: number, date, payer, amount, the fees it
        pays (home, fee type, month), the method and the cashier"""
        lines = payment_lines(move)
        amount = sum((l.credit - l.debit for l in lines), Decimal(0))
        fees = []
        invoices = []
        for line in lines:
            paid = line.credit - line.debit
            invoice = line.invoice_payment
            late_fee = line.origin if getattr(line.origin, '__name__',
                None) == 'account.dunning.fee.dunning_level' else None
            if late_fee:
                # a late fee paid at the counter: the invoice it was
                # charged on, its home and month
                charged = late_fee.invoice
                fees.append(SimpleNamespace(prepaid=False, part=False,
                        invoice=charged.number if charged else '',
                        home=(late_fee.property_unit.rec_name
                            if late_fee.property_unit else ''),
                        fee=late_fee.level.fee.name,
                        days_late=late_fee.property_days or 0,
                        month=charged.property_month if charged else None,
                        amount=paid))
                if charged:
                    invoices.append(charged)
                continue
            if not invoice:
                fees.append(SimpleNamespace(prepaid=True, part=False, invoice='',
                        home='', fee='', month=None, amount=paid))
                continue
            invoices.append(invoice)
            billed = Decimal(0)
            for fee in sorted(invoice.property_lines,
                    key=lambda f: (f.month, f.fee_type.code or '', f.id)):
                fees.append(SimpleNamespace(prepaid=False, part=False,
                        invoice=invoice.number or '',
                        home=fee.unit.rec_name, fee=fee.fee_type.name,
                        month=fee.month, amount=fee.amount))
                billed += fee.amount
            if not invoice.property_lines:
                for invoice_line in invoice.lines:
                    fees.append(SimpleNamespace(prepaid=False, part=False,
                            invoice=invoice.number or '', home=(
                                invoice.property_unit.rec_name
                                if invoice.property_unit else ''),
                            fee=invoice_line.description or '',
                            month=invoice.property_month,
                            amount=invoice_line.amount))
                billed = invoice.total_amount
            if paid != billed:
                fees.append(SimpleNamespace(prepaid=False, part=True,
                        invoice=invoice.number or '', home='', fee='',
                        month=None, amount=paid))
        for fee in fees:
            # the days late of a late fee paid, 0 for the other rows
            vars(fee).setdefault('days_late', 0)
        sites = [i.property_site for i in invoices if i.property_site]
        currency = move.company.currency
        return SimpleNamespace(number=move.property_receipt, date=move.date,
            party=lines[0].party, amount=currency.round(amount),
            capitals=chinese_capitals(currency.round(amount)),
            fees=fees, method=move.journal.rec_name,
            cashier=move.create_uid.rec_name if move.create_uid else '',
            site=sites[0] if sites else None, currency=currency,
            description=move.description or '')


class InvoiceReceipt(Receipt):
    "Receipts of the payments of an invoice"
    __name__ = 'property.invoice.receipt'

    @classmethod
    def payment_moves(cls, ids, model):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        moves = {}
        for invoice in Invoice.browse(ids):
            found = [l.move for l in invoice.payment_lines
                if payment_lines(l.move)]
            if not found:
                raise UserError(gettext(
                        'property_billing.msg_receipt_no_payment',
                        invoice=invoice.rec_name))
            moves.update((m.id, m) for m in found)
        return sorted(moves.values(), key=lambda m: (m.date, m.id))
