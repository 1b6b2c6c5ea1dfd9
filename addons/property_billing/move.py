# This file is part of the property-management suite.
"""The moves of the homes with billing installed (seed 001 入住手续 6):
the move-in's fee step is finance's, signed when the home's fee invoices
are paid (or signed off by finance), and the meters read at the handover
are the meters' readings of the move (a move-in's are their base)."""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.property_base.workflow import StampMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The checklist step the finance office signs (seed 001 入住手续 6)
FEE_STEP = 'initial_fees'


def is_finance():
    "Whether the user is of the finance office"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    finance = ModelData.get_id('property_billing', 'group_property_finance')
    return finance in User.get_groups()


class Move(metaclass=PoolMeta):
    __name__ = 'property.move'
    meter_readings = fields.One2Many('property.meter.reading', 'move',
        "Meter Readings",
        domain=[('meter.unit', '=', Eval('unit', -1))],
        states={
            'readonly': (Eval('state') != 'draft') | ~Eval('unit'),
            },
        help="The home's meters read at the handover with the resident. "
        "At an owner's move-in they are the meters' base readings: the "
        "metered fees count from them.")
    fee_invoices = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Fee Invoices",
            help="The home's fee invoices of the party, but drafts and "
            "cancelled ones."),
        'get_fee_invoices')
    fees_paid = fields.Function(fields.Boolean("Fees Paid",
            help="The home's fee invoices of the party are all paid."),
        'get_fees_paid')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        states = {
            'invisible': ((Eval('state') != 'draft')
                | (Eval('kind') != 'move_in')),
            'depends': ['state', 'kind'],
            }
        cls._buttons.update({
                'sign_fees': dict(states, icon='tryton-ok'),
                'sign_off_fees': dict(states, icon='tryton-ok'),
                })

    # Read by the groups that read the invoices (move.xml: field access);
    # engineering and the archive keeper read the moves, not the invoices
    def get_fee_invoices(self, name=None):
        Invoice = Pool().get('account.invoice')
        if not self.unit or not self.party:
            return []
        return [i.id for i in Invoice.search([
                    ('type', '=', 'out'),
                    ('property_unit', '=', self.unit.id),
                    ('party', '=', self.party.id),
                    ('state', 'not in', ['draft', 'cancelled']),
                    ], order=[('invoice_date', 'ASC'), ('id', 'ASC')])]

    def get_fees_paid(self, name=None):
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.browse(self.get_fee_invoices())
        return bool(invoices) and all(i.state == 'paid' for i in invoices)


    def fee_lines(self):
        return [l for l in self.lines if l.step == FEE_STEP]

    @classmethod
    @ModelView.button
    def sign_fees(cls, moves):
        """Finance signs the fee step: the home's fee invoices of the
        party are paid"""
        Line = Pool().get('property.move.line')
        Line.write(sum((m.fee_lines() for m in moves), []), {'done': True})

    @classmethod
    @ModelView.button
    def sign_off_fees(cls, moves):
        """Finance signs the fee step off: the initial fees are settled
        though the invoices do not show it (who and when are recorded)"""
        Line = Pool().get('property.move.line')
        Line.stamp(sum((m.fee_lines() for m in moves), []),
            by='fees_signed_off_by', at='fees_signed_off_at',
            fees_signed_off=True, done=True)


SIGN_OFF_FIELDS = ('fees_signed_off', 'fees_signed_off_by',
    'fees_signed_off_at')


class MoveLine(StampMixin, metaclass=PoolMeta):
    __name__ = 'property.move.line'
    fees_signed_off = fields.Boolean("Signed off by Finance",
        readonly=True, states={'invisible': Eval('step') != FEE_STEP},
        help="Finance confirms the initial fees are settled though the "
        "home's invoices do not show them paid (e.g. paid at the cashier "
        "before they were invoiced); the step can then be signed.")
    fees_signed_off_by = fields.Many2One('res.user', "Signed off by",
        readonly=True, states={'invisible': ~Eval('fees_signed_off')})
    fees_signed_off_at = fields.DateTime("Signed off at", readonly=True,
        states={'invisible': ~Eval('fees_signed_off')})
    fees_paid = fields.Function(fields.Boolean("Fees Paid",
            states={'invisible': Eval('step') != FEE_STEP}),
        'get_fees_paid')

    @staticmethod
    def default_fees_signed_off():
        return False

    def get_fees_paid(self, name):
        if self.step != FEE_STEP:
            return False
        return self.move.get_fees_paid()

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            # the sign-off, with who and when, is the button's (Sign Off
            # Fees), never values sent over RPC
            if mode == 'write':
                sent = values and any(n in values for n in SIGN_OFF_FIELDS)
            else:
                sent = mode == 'create' and any(getattr(l, n)
                    for l in lines for n in SIGN_OFF_FIELDS)
            if sent:
                raise UserError(gettext(
                        'property_billing.msg_move_fee_signoff_button',
                        move=lines[0].move.rec_name))
        if mode == 'create':
            for line in lines:
                if line.step == FEE_STEP and (
                        line.done or line.fees_signed_off):
                    line.check_fee_step(line.done, line.fees_signed_off)
        elif mode == 'write' and values and (
                values.get('done') or 'fees_signed_off' in values):
            for line in lines:
                if line.step == FEE_STEP:
                    line.check_fee_step(
                        values.get('done', line.done),
                        values.get('fees_signed_off', line.fees_signed_off))

    def check_fee_step(self, done, signed_off):
        """The fee step is signed by finance (seed 001 入住手续 6: 财务在
        《手续办理单》上签名确认), once the home's fee invoices are paid
        or finance signed them off. The suite itself (root: the demo's
        history, the data migrations) is not a person signing."""
        if Transaction().user == 0:
            return
        if not is_finance():
            raise UserError(gettext(
                    'property_billing.msg_move_fee_step_finance',
                    move=self.move.rec_name, step=self.step_string))
        if done and not signed_off and not self.move.get_fees_paid():
            Invoice = Pool().get('account.invoice')
            unpaid = [i for i in Invoice.browse(self.move.get_fee_invoices())
                if i.state != 'paid']
            if unpaid:
                raise UserError(gettext(
                        'property_billing.msg_move_fee_step_unpaid',
                        move=self.move.rec_name,
                        invoices=', '.join(i.rec_name for i in unpaid)))
            raise UserError(gettext(
                    'property_billing.msg_move_fee_step_no_invoice',
                    move=self.move.rec_name))
