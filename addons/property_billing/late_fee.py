# This file is part of the property-management suite.
"""Late fees (滞纳金) with Tryton's account_dunning_fee

A fee invoice still unpaid after its due date is dunned (dunning.xml). The
levels of the fee procedure carry the late fee, an account.dunning.fee
whose compute method is the daily late fee: when finance processes a
dunning at a level, the fee is the billing policy's daily rate on the
overdue amount for each office day after the grace date (the due date
plus the policy's grace days), never more in all than the overdue amount
itself, less what the earlier levels of the same dunning charged.
account_dunning_fee posts it as its own move (receivable of the payer to
the late fee product's revenue, on the fee's journal): no invoice, as
Tryton's module does it.

Only the manager waives a late fee, in part or whole, with a reason: a
waiver posts the reverse move and keeps who, when, why and how much.

The cashier counter takes the late fee's money (counter.py): its line
crediting the payer's receivable has the late fee as origin. What is due
of a late fee is its amount less what was waived and paid; a late fee
nothing is left of is reconciled with the waivers and payments that
settled it."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.currency.fields import Monetary
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

LATE_FEE = 'property_late_fee'


def grace_date(due_date, grace_days):
    "The last day of grace: no late fee is due for it or before it"
    return due_date + dt.timedelta(days=grace_days)


def late_days(due_date, grace_days, date):
    "The office days after the grace date up to date"
    return max((date - grace_date(due_date, grace_days)).days, 0)


def late_fee(principal, rate, days):
    """The late fee of days at the daily rate on the principal, to the
    cent, never above the principal"""
    if principal <= 0 or days <= 0:
        return Decimal(0)
    amount = (principal * rate * days).quantize(Decimal('0.01'))
    return min(amount, principal)


def _invoice(dunning):
    origin = dunning.line.move.origin
    if getattr(origin, '__name__', None) == 'account.invoice':
        return origin


def late_fees_due(party, company):
    """The late fees (滞纳金) charged to the party by the company, less
    what was waived, not yet settled: a figure of the payer's fee notice
    (and of the owner portal's bills page), whoever may read the notice"""
    FeeDunningLevel = Pool().get('account.dunning.fee.dunning_level')
    due = Decimal(0)
    with without_check_access():
        fees = FeeDunningLevel.search([
                ('dunning.party', '=', party.id),
                ('dunning.company', '=', company.id),
                ('level.fee.compute_method', '=', LATE_FEE),
                ])
        for fee in fees:
            line = fee.receivable_line()
            if (line and not line.reconciliation
                    and line.move.state == 'posted'):
                due += fee.property_due
    return due


class Fee(metaclass=PoolMeta):
    __name__ = 'account.dunning.fee'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('property_late_fee', "Daily Late Fee")
        if selection not in cls.compute_method.selection:
            cls.compute_method.selection.append(selection)
        cls.compute_method.help = (
            "Method to compute the fee amount; the daily late fee takes "
            "the billing policy's daily rate and grace days.")

    def property_late_fee(self, dunning, exclude=None):
        """What the late fee of the dunning is today (the office's date):
        the overdue principal, the grace date, the days late, the fee due
        in all and the amount still to charge (less what the dunning's
        other fees, but exclude, charged)"""
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('property.billing.configuration')
        FeeDunningLevel = pool.get('account.dunning.fee.dunning_level')
        company = dunning.company
        with Transaction().set_context(company=company.id):
            today = Date.today()
        rate = Configuration.get_value('late_fee_rate', company) or 0
        grace = Configuration.get_value('late_fee_grace_days', company) or 0
        due = dunning.maturity_date or dunning.line.date
        principal = dunning.amount
        days = late_days(due, grace, today)
        total = late_fee(principal, rate, days)
        charged = sum((f.amount or 0 for f in FeeDunningLevel.search([
                        ('dunning', '=', dunning.id),
                        ('id', '!=', exclude.id if exclude else -1),
                        ])), Decimal(0))
        return {
            'principal': principal,
            'grace_date': grace_date(due, grace),
            'days': days,
            'total': total,
            'amount': company.currency.round(max(total - charged, 0)),
            }

    def get_amount(self, dunning):
        if self.compute_method == LATE_FEE:
            return (self.property_late_fee(dunning)['amount'],
                dunning.company.currency)
        return super().get_amount(dunning)


class FeeDunningLevel(metaclass=PoolMeta):
    __name__ = 'account.dunning.fee.dunning_level'
    property_unit = fields.Many2One('property.unit', "Unit", readonly=True,
        ondelete='RESTRICT',
        help="The home of the overdue fee invoice.")
    property_principal = Monetary("Overdue Amount", currency='currency',
        digits='currency', readonly=True,
        help="The overdue amount the late fee is computed on.")
    property_grace_date = fields.Date("Grace Date", readonly=True,
        help="The last day without late fee: the due date plus the grace "
        "days of the billing policy.")
    property_days = fields.Integer("Days Late", readonly=True,
        help="The office days after the grace date up to the day the "
        "level was processed.")
    property_waivers = fields.One2Many('property.late_fee.waiver', 'fee',
        "Waivers", readonly=True)
    property_waived = fields.Function(Monetary("Waived",
            currency='currency', digits='currency'), 'get_property_amounts')
    property_due = fields.Function(Monetary("Due", currency='currency',
            digits='currency',
            help="The late fee less what was waived and paid."),
        'get_property_amounts')
    party = fields.Function(fields.Many2One('party.party', "Party"),
        'get_party', searcher='search_party')
    invoice = fields.Function(fields.Many2One('account.invoice',
            "Invoice"), 'get_invoice')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]

    @classmethod
    def get_property_amounts(cls, fees, names):
        result = {n: {} for n in names}
        paid = cls.property_paid(fees)
        for fee in fees:
            waived = sum((w.amount for w in fee.property_waivers
                    if w.state == 'waived'), Decimal(0))
            if 'property_waived' in names:
                result['property_waived'][fee.id] = waived
            if 'property_due' in names:
                result['property_due'][fee.id] = (
                    (fee.amount or 0) - waived - paid[fee.id])
        return result

    @classmethod
    def property_payment_lines(cls, fees):
        "The posted lines that pay the late fees (their origin)"
        Line = Pool().get('account.move.line')
        if not fees:
            return []
        with without_check_access():
            return Line.search([
                    ('origin', 'in', [str(f) for f in fees]),
                    ('move.state', '=', 'posted'),
                    ])

    @classmethod
    def property_paid(cls, fees):
        "What was paid of each late fee: {id: amount}"
        paid = {f.id: Decimal(0) for f in fees}
        for line in cls.property_payment_lines(fees):
            paid[line.origin.id] += line.credit - line.debit
        return paid

    @classmethod
    def property_settle(cls, fees):
        """Reconcile the receivable line of each late fee, nothing being
        left of them, with the waivers' and payments' lines that settled
        it"""
        Line = Pool().get('account.move.line')
        for fee in cls.browse([f.id for f in fees]):
            line = fee.receivable_line()
            if not line or line.reconciliation:
                continue
            credits = [l for w in fee.property_waivers if w.move
                for l in w.move.lines if l.account == line.account
                and l.credit and not l.reconciliation]
            credits += [l for l in cls.property_payment_lines([fee])
                if l.account == line.account and not l.reconciliation]
            Line.reconcile([line] + credits)

    def get_party(self, name):
        return self.dunning.party.id if self.dunning.party else None

    @classmethod
    def search_party(cls, name, clause):
        return [('dunning.' + clause[0], *clause[1:])]

    def get_invoice(self, name):
        invoice = _invoice(self.dunning)
        return invoice.id if invoice else None

    @classmethod
    def process(cls, fees):
        "Keep what a late fee was computed on; charge nothing for nothing"
        late = [f for f in fees if f.level.fee
            and f.level.fee.compute_method == LATE_FEE]
        for fee in late:
            values = fee.level.fee.property_late_fee(fee.dunning,
                exclude=fee)
            fee.property_principal = values['principal']
            fee.property_grace_date = values['grace_date']
            fee.property_days = values['days']
            invoice = _invoice(fee.dunning)
            fee.property_unit = (invoice.property_unit
                if invoice and invoice.property_unit else None)
        cls.save(late)
        nothing = [f for f in late if not f.amount]
        if nothing:
            cls.delete(nothing)
        super().process([f for f in fees if f not in nothing])

    def get_move_process(self):
        move = super().get_move_process()
        if self.level.fee.compute_method == LATE_FEE:
            invoice = _invoice(self.dunning)
            move.description = gettext(
                'property_billing.msg_late_fee_move_description',
                fee=self.level.fee.name,
                invoice=(invoice.number if invoice
                    else self.dunning.line.rec_name),
                days=self.property_days or 0)
        return move

    def receivable_line(self):
        "The late fee's line on the payer's receivable account"
        for move in self.moves:
            for line in move.lines:
                if line.account == self.dunning.line.account and line.debit:
                    return line


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.late_fee.waiver']


class MoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    @classmethod
    def _get_origin(cls):
        # the counter's payment of a late fee
        return super()._get_origin() + [
            'account.dunning.fee.dunning_level']


WAIVER_STATES = [
    ('draft', "Draft"),
    ('waived', "Waived"),
    ]


class Waiver(CheckValuesMixin, site_from('fee.property_unit'),
        WorkflowGuardMixin, StateAuditMixin, StampMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'property.late_fee.waiver'
    __string__ = "Late Fee Waiver"
    _maintained_fields = ('waived_by', 'waived_at', 'move')
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    fee = fields.Many2One('account.dunning.fee.dunning_level', "Late Fee",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[
            ('dunning.company', '=', Eval('company', -1)),
            ('level.fee.compute_method', '=', LATE_FEE),
            ],
        help="The late fee charged at a level of a dunning.")
    party = fields.Function(fields.Many2One('party.party', "Payer",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'on_change_with_party')
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, states=_states,
        help="The part of the late fee waived: at most what is left of it.")
    reason = fields.Text("Reason", required=True, states=_states,
        help="Why the office waives it (kept with the waiver).")
    state = fields.Selection(WAIVER_STATES, "State", readonly=True,
        required=True, sort=False)
    waived_by = fields.Many2One('res.user', "Waived by", readonly=True,
        ondelete='RESTRICT')
    waived_at = fields.DateTime("Waived at", readonly=True)
    move = fields.Many2One('account.move', "Move", readonly=True,
        ondelete='RESTRICT')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('draft', 'waived')}
        cls._buttons.update({
                'waive': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('fee', '_parent_fee.dunning')
    def on_change_with_party(self, name=None):
        if self.fee and self.fee.dunning and self.fee.dunning.party:
            return self.fee.dunning.party

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        if self.company:
            return self.company.currency

    def get_rec_name(self, name):
        return f'{self.fee.rec_name} −{self.amount}'

    @classmethod
    def validate_fields(cls, waivers, field_names):
        super().validate_fields(waivers, field_names)
        if field_names and 'amount' not in field_names:
            return
        for waiver in waivers:
            if waiver.amount is not None and waiver.amount <= 0:
                raise ValidationError(gettext(
                        'property_billing.msg_late_fee_waiver_positive',
                        waiver=waiver.rec_name))

    @classmethod
    def check_modification(cls, mode, waivers, values=None, external=False):
        super().check_modification(
            mode, waivers, values=values, external=external)
        if mode == 'delete':
            for waiver in waivers:
                if waiver.state == 'waived':
                    raise AccessError(gettext(
                            'property_billing.msg_late_fee_waiver_delete',
                            waiver=waiver.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('waived')
    def waive(cls, waivers):
        """Post the reverse of the waived part of the late fee, stamped
        with the manager and the time; a waiver above what is left of the
        fee is refused and nothing is posted"""
        pool = Pool()
        Move = pool.get('account.move')
        FeeDunningLevel = pool.get('account.dunning.fee.dunning_level')
        lefts = {}
        for waiver in waivers:
            fee = waiver.fee
            if fee not in lefts:
                lefts[fee] = fee.property_due
            left = lefts[fee]
            if waiver.amount > left or not fee.moves:
                raise UserError(gettext(
                        'property_billing.msg_late_fee_waiver_above_fee',
                        amount=waiver.amount, fee=fee.rec_name, left=left))
            lefts[fee] = left - waiver.amount
        moves = [w.get_move() for w in waivers]
        Move.save(moves)
        Move.post(moves)
        for waiver, move in zip(waivers, moves):
            waiver.move = move
        cls.save(waivers)
        cls.stamp(waivers, by='waived_by', at='waived_at')
        # a late fee nothing is left of is settled on the payer's account
        FeeDunningLevel.property_settle(
            [f for f, left in lefts.items() if not left])

    def get_move(self):
        "The reverse of the waived part of the late fee"
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Date = pool.get('ir.date')
        Period = pool.get('account.period')
        fee = self.fee
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        move = Move(company=self.company, journal=fee.level.fee.journal,
            date=today, period=Period.find(self.company, date=today),
            origin=self,
            description=gettext(
                'property_billing.msg_late_fee_waiver_description',
                fee=fee.level.fee.name, reason=self.reason))
        receivable = Line(credit=self.amount, debit=0,
            account=fee.dunning.line.account, party=fee.dunning.party)
        # back to the account the late fee was posted to
        account, = {l.account for m in fee.moves for l in m.lines
            if l.credit}
        revenue = Line(debit=self.amount, credit=0, account=account)
        if revenue.account and revenue.account.party_required:
            revenue.party = fee.dunning.party
        move.lines = [receivable, revenue]
        return move
