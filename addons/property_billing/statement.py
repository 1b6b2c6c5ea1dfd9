# This file is part of the property-management suite.
"""The owner's statement of account (业主对账单) over a period: the balance
owed at its start, the invoices billed and the payments received in it,
the balance at its end"""
from decimal import Decimal
from types import SimpleNamespace

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.printing import HTMLReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard


class Statement(HTMLReport):
    "Statement of Account (业主对账单)"
    __name__ = 'property.statement'

    @classmethod
    def _company(cls, data):
        Company = Pool().get('company.company')
        company_id = (data or {}).get('company') or Transaction().context.get(
            'company')
        return Company(company_id) if company_id else None

    @classmethod
    def header_key(cls, record, data):
        # a party belongs to no company: the company printing it
        return (('company', cls._company(data)),)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company = context.get('company')
        data = data or {}
        from_date = data.get('from_date')
        to_date = data.get('to_date') or Date.today()
        context['statement'] = lambda party: cls.statement(
            party, company, from_date, to_date)
        context['today'] = Date.today()
        return context

    @classmethod
    def statement(cls, party, company, from_date, to_date):
        """The posted receivable lines of the owner dated in the period,
        oldest first, with the running balance, and the balances at both
        ends (positive: owed; negative: paid in advance)"""
        MoveLine = Pool().get('account.move.line')
        domain = [
            ('party', '=', party.id),
            ('account.type.receivable', '=', True),
            ('move.state', '=', 'posted'),
            ]
        if company:
            domain.append(('move.company', '=', company.id))
        opening = Decimal(0)
        if from_date:
            for line in MoveLine.search(domain + [('date', '<', from_date)]):
                opening += line.debit - line.credit
        period = [('date', '<=', to_date)]
        if from_date:
            period.append(('date', '>=', from_date))
        balance = opening
        billed = paid = Decimal(0)
        lines = []
        for line in MoveLine.search(domain + period,
                order=[('date', 'ASC'), ('id', 'ASC')]):
            balance += line.debit - line.credit
            billed += line.debit
            paid += line.credit
            lines.append(SimpleNamespace(date=line.date,
                    document=cls.document(line),
                    description=cls.description(line),
                    late_fee=cls.late_fee(line),
                    debit=line.debit, credit=line.credit, balance=balance))
        homes = sorted({o.unit.rec_name for o in party.ownerships})
        currency = company.currency if company else None
        return SimpleNamespace(from_date=from_date, to_date=to_date,
            opening=opening, lines=lines, billed=billed, paid=paid,
            closing=balance, homes=', '.join(homes), currency=currency)

    @classmethod
    def document(cls, line):
        "The number the owner knows the line by"
        move = line.move
        origin = move.origin
        if getattr(move, 'property_receipt', None):
            return move.property_receipt
        if (origin and getattr(origin, '__name__', None) == 'account.invoice'
                and line.debit):
            return origin.number or origin.rec_name
        return move.number or move.rec_name

    @classmethod
    def late_fee(cls, line):
        """What a late fee's line is: ('charged', invoice, days) or
        ('waived', reason), else None"""
        origin = line.move.origin
        name = getattr(origin, '__name__', None)
        if name == 'account.dunning.fee.dunning_level':
            invoice = origin.invoice
            return SimpleNamespace(kind='charged',
                invoice=invoice.number if invoice else '',
                days=origin.property_days or 0)
        if name == 'property.late_fee.waiver':
            return SimpleNamespace(kind='waived', reason=origin.reason)

    @classmethod
    def description(cls, line):
        "What the line is: the fees of a month of a home, a payment..."
        move = line.move
        origin = move.origin
        if origin and getattr(origin, '__name__', None) == 'account.invoice' \
                and line.debit:
            if origin.description:
                return origin.description
            parts = [origin.property_unit.rec_name
                if origin.property_unit else '',
                origin.property_month.strftime('%Y-%m')
                if origin.property_month else '']
            return ' '.join(p for p in parts if p)
        return line.description or move.description or move.journal.rec_name


class StatementStart(ModelView):
    __name__ = 'property.statement.print.start'
    __string__ = "Print Statement of Account"
    from_date = fields.Date("From", required=True,
        domain=[('from_date', '<=', Eval('to_date'))])
    to_date = fields.Date("To", required=True)

    @staticmethod
    def default_to_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_from_date():
        # the suite's default: the year to date
        return Pool().get('ir.date').today().replace(month=1, day=1)


class StatementPrint(Wizard):
    "Print Statement of Account"
    __name__ = 'property.statement.print'
    start = StateView('property.statement.print.start',
        'property_billing.statement_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('property.statement')

    def do_print_(self, action):
        if self.start.from_date > self.start.to_date:
            raise ValidationError(gettext(
                    'property_billing.msg_statement_period'))
        return action, {
            'ids': [r.id for r in self.records],
            'model': 'party.party',
            'company': Transaction().context.get('company'),
            'from_date': self.start.from_date,
            'to_date': self.start.to_date,
            }

    def transition_print_(self):
        return 'end'
