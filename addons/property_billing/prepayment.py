# This file is part of the property-management suite.
"""Prepaid balances (预存款): money an owner leaves at the counter ahead of
the bills, typically for water and electricity, kept on the owner's
receivable account and used up by the next fee invoices"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


def receive_prepayment(company, party, amount, method, date,
        description=None):
    """Post the money received: the method's account debited, the owner's
    receivable credited"""
    pool = Pool()
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    if amount <= 0:
        raise ValidationError(gettext(
                'property_billing.msg_prepayment_amount'))
    period = Period.find(company, date=date)
    move = Move(company=company, journal=method.journal, period=period,
        date=date, description=description or gettext(
            'property_billing.msg_prepayment_description'))
    move.lines = [
        Line(account=method.debit_account, debit=amount, credit=0),
        Line(account=party.account_receivable_used, party=party,
            debit=0, credit=amount),
        ]
    move.save()
    Move.post([move])
    return move


# The money a payer prepaid and has not used yet: receivable credits that
# pay no invoice and come from no document (the prepayment moves)
PREPAID_DOMAIN = [
    ('account.type.receivable', '=', True),
    ('reconciliation', '=', None),
    ('move.state', '=', 'posted'),
    ('invoice_payments', '=', None),
    ('move_origin', '=', None),
    ('credit', '>', 0),
    ]


def apply_prepayments(invoices):
    """Pay the posted invoices from their payers' prepaid balances, oldest
    money first; a prepayment larger than what is due is split by a
    transfer on the receivable account, its rest staying prepaid"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    invoices = [i for i in invoices if i.state == 'posted' and i.type == 'out']
    if not invoices:
        return
    credits = Line.search([
            ('party', 'in', list({i.party.id for i in invoices})),
            ('account', 'in', list({i.account.id for i in invoices})),
            ] + PREPAID_DOMAIN, order=[('date', 'ASC'), ('id', 'ASC')])
    if not credits:
        return
    available = {}
    for line in credits:
        available.setdefault((line.party.id, line.account.id), []).append(
            [line, line.credit - line.debit])
    to_reconcile = []
    paid = []
    for invoice in invoices:
        lines = available.get((invoice.party.id, invoice.account.id))
        if not lines:
            continue
        to_pay = invoice.amount_to_pay
        payments = []
        while lines and to_pay > 0:
            line, amount = lines[0]
            if amount <= to_pay:
                payments.append(line)
                to_pay -= amount
                lines.pop(0)
                continue
            # split: the whole prepayment moved back out, the invoice's
            # part and the rest credited again
            move = Move(company=invoice.company, journal=line.move.journal,
                period=invoice.move.period, date=invoice.move.date,
                description=gettext(
                    'property_billing.msg_prepayment_transfer',
                    invoice=invoice.rec_name))
            move.save()
            back = Line(move=move, account=line.account, party=line.party,
                debit=amount, credit=0)
            used = Line(move=move, account=line.account, party=line.party,
                debit=0, credit=to_pay)
            rest = Line(move=move, account=line.account, party=line.party,
                debit=0, credit=amount - to_pay)
            Line.save([back, used, rest])
            Move.post([move])
            to_reconcile.append([line, back])
            payments.append(used)
            lines[0] = [rest, amount - to_pay]
            to_pay = Decimal(0)
        if payments:
            Invoice.write([invoice], {
                    'payment_lines': [('add', [p.id for p in payments])],
                    })
            if not to_pay:
                paid.append(invoice)
    for lines in to_reconcile:
        Line.reconcile(lines)
    for invoice in Invoice.browse(paid):
        Line.reconcile(list(invoice.lines_to_pay)
            + list(invoice.payment_lines))
    if paid:
        Invoice.process(Invoice.browse(paid))


class ReceivePrepaymentStart(ModelView):
    __name__ = 'property.prepayment.receive.start'
    __string__ = "Receive Prepayment"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    party = fields.Many2One('party.party', "Owner", required=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    payment_method = fields.Many2One('account.invoice.payment.method',
        "Payment Method", required=True,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True)
    description = fields.Char("Description")
    balance = fields.Function(fields.Numeric("Balance", digits=(16, 2),
            help="Due when positive, prepaid when negative."),
        'on_change_with_balance')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @fields.depends('party')
    def on_change_with_balance(self, name=None):
        return self.party.receivable if self.party else None


class ReceivePrepayment(Wizard):
    "Receive Prepayment"
    __name__ = 'property.prepayment.receive'
    start = StateView('property.prepayment.receive.start',
        'property_billing.prepayment_receive_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Receive", 'receive', 'tryton-ok', default=True),
            ])
    receive = StateTransition()

    def default_start(self, fields):
        values = {}
        if self.model and self.model.__name__ == 'party.party' \
                and self.record:
            values['party'] = self.record.id
        return values

    def transition_receive(self):
        start = self.start
        # The wizard is given to the counter's groups only; the move it
        # posts is the accounting of that counter operation.
        with without_check_access():
            receive_prepayment(start.company, start.party, start.amount,
                start.payment_method, start.date, start.description)
        return 'end'
