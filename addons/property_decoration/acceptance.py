# This file is part of the property-management suite.
"Acceptance of finished renovations (装修验收) and the deposit deductions"
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

from .application import settlement

# The acceptance checklist, in the order of the walk through the unit
CHECKLIST = [
    ('water_test', "24-hour closed-water test of wet areas (闭水试验)"),
    ('structure', "Load-bearing walls, beams and columns intact"),
    ('electrical', "Circuits within the permitted load, no loose wiring"),
    ('gas', "Gas lines and appliances unchanged"),
    ('drains', "Floor drains and drain pipes clear"),
    ('facade', "Windows, balcony, railings and façade unchanged"),
    ('fire', "Fire equipment in place, extinguisher provided"),
    ('flue', "Flues and exhaust vents intact"),
    ('intelligent', "Intercom and smart systems intact"),
    ('public', "Waste removed, public areas and green spaces restored"),
    ]


class Acceptance(site_from('application.unit'), StampMixin, WorkflowGuardMixin,
        StateAuditMixin, CheckValuesMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.decoration.acceptance'
    __string__ = "Renovation Acceptance"
    _maintained_fields = ('deductions_approved_by',)
    _states = {'readonly': Eval('state') != 'draft'}
    application = fields.Many2One('property.decoration.application',
        "Job", required=True, ondelete='CASCADE', states=_states,
        domain=[('state', '=', 'completed')])
    date = fields.Date("Date", required=True, states=_states)
    inspector = fields.Many2One('res.user', "Inspector", required=True,
        ondelete='RESTRICT', states=_states)
    lines = fields.One2Many('property.decoration.acceptance.line',
        'acceptance', "Checklist", states=_states)
    deductions = fields.One2Many('property.decoration.deduction',
        'acceptance', "Deductions",
        states={'readonly': Eval('state') != 'draft'})
    total_deductions = fields.Function(fields.Numeric("Total Deductions",
            digits=(16, 2)), 'get_total_deductions')
    deposit = fields.Function(fields.Numeric("Deposit Held",
            digits=(16, 2)), 'get_deposit')
    shortfall = fields.Function(fields.Numeric("Shortfall",
            digits=(16, 2)), 'get_amounts')
    refund = fields.Function(fields.Numeric("Refund", digits=(16, 2)),
        'get_amounts')
    invoice_shortfall = fields.Boolean("Invoice the Shortfall",
        states=_states,
        help="Deductions above the deposit are invoiced to the owner.")
    deductions_approved_by = fields.Many2One('res.user',
        "Deductions Approved by", readonly=True, ondelete='RESTRICT')
    note = fields.Text("Note", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('accepted', "Accepted"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'accepted'),
            ('draft', 'failed'),
            ('failed', 'draft'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'fail': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'failed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'approve_deductions': {
                    'invisible': (Eval('state') != 'draft')
                    | Bool(Eval('deductions_approved_by')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'deductions_approved_by'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_inspector():
        return Transaction().user

    @staticmethod
    def default_invoice_shortfall():
        return False

    @staticmethod
    def default_lines():
        return [{'item': code, 'passed': False} for code, _ in CHECKLIST]

    def get_rec_name(self, name):
        return f'{self.application.rec_name} {self.date}'

    def get_total_deductions(self, name):
        return sum((d.amount for d in self.deductions), Decimal(0))

    def get_deposit(self, name):
        return self.application.deposit_balance

    @classmethod
    def get_amounts(cls, acceptances, names):
        result = {n: {} for n in names}
        for acceptance in acceptances:
            _, shortfall, refund = settlement(
                acceptance.deposit, acceptance.total_deductions)
            if 'shortfall' in result:
                result['shortfall'][acceptance.id] = shortfall
            if 'refund' in result:
                result['refund'][acceptance.id] = refund
        return result

    @fields.depends('application', 'deductions')
    def on_change_application(self):
        "Propose a deduction for each violation of the job with a penalty"
        Deduction = Pool().get('property.decoration.deduction')
        if not self.application or self.deductions:
            return
        self.deductions = [Deduction(violation=v,
                description=v.type.name, amount=v.penalty)
            for v in self.application.violations
            if v.state != 'cancelled' and v.penalty]

    @classmethod
    def delete(cls, acceptances):
        for acceptance in acceptances:
            if acceptance.state == 'accepted':
                raise AccessError(gettext(
                        'property_decoration.msg_acceptance_delete',
                        acceptance=acceptance.rec_name))
        super().delete(acceptances)

    def check_deductions(self, deposit=None):
        "Refuse deductions above the deposit that nobody will pay"
        if deposit is None:
            deposit = self.deposit
        if self.deductions and not self.deductions_approved_by:
            raise ValidationError(gettext(
                    'property_decoration.msg_deductions_not_approved',
                    acceptance=self.rec_name))
        _, shortfall, _ = settlement(deposit, self.total_deductions)
        if shortfall and not self.invoice_shortfall:
            raise ValidationError(gettext(
                    'property_decoration.msg_deduction_above_deposit',
                    acceptance=self.rec_name,
                    deductions=self.total_deductions,
                    deposit=deposit, shortfall=shortfall))

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, acceptances):
        for acceptance in acceptances:
            failed = [l.item_string for l in acceptance.lines
                if not l.passed]
            if failed:
                raise ValidationError(gettext(
                        'property_decoration.msg_acceptance_items',
                        acceptance=acceptance.rec_name,
                        items='; '.join(failed)))
            others = [a for a in acceptance.application.acceptances
                if a.state == 'accepted' and a != acceptance]
            if others:
                raise ValidationError(gettext(
                        'property_decoration.msg_acceptance_twice',
                        application=acceptance.application.rec_name))
            acceptance.check_deductions()

    @classmethod
    @ModelView.button
    @Workflow.transition('failed')
    def fail(cls, acceptances):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, acceptances):
        pass

    @classmethod
    @ModelView.button
    def approve_deductions(cls, acceptances):
        "The site manager approves the amounts deducted (经理同意)"
        for acceptance in acceptances:
            if acceptance.state != 'draft':
                raise ValidationError(gettext(
                        'property_decoration.msg_acceptance_not_draft',
                        acceptance=acceptance.rec_name))
        cls.stamp(acceptances, by='deductions_approved_by')


class AcceptanceLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.acceptance.line'
    __string__ = "Acceptance Check"
    acceptance = fields.Many2One('property.decoration.acceptance',
        "Acceptance", required=True, ondelete='CASCADE')
    item = fields.Selection(CHECKLIST, "Item", required=True, sort=False)
    item_string = item.translated('item')
    passed = fields.Boolean("Passed")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'ASC'))


class Deduction(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.deduction'
    __string__ = "Deposit Deduction"
    acceptance = fields.Many2One('property.decoration.acceptance',
        "Acceptance", required=True, ondelete='CASCADE')
    violation = fields.Many2One('property.decoration.violation',
        "Violation", ondelete='RESTRICT',
        domain=[('application', '=',
                Eval('_parent_acceptance', {}).get('application', -1))])
    description = fields.Char("Description", required=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)

    @fields.depends('violation', 'description', 'amount')
    def on_change_violation(self):
        if self.violation:
            if not self.description:
                self.description = self.violation.type.name
            if not self.amount:
                self.amount = self.violation.penalty

    @classmethod
    def validate_fields(cls, deductions, field_names):
        super().validate_fields(deductions, field_names)
        for deduction in deductions:
            if deduction.amount <= 0:
                raise ValidationError(gettext(
                        'property_decoration.msg_deduction_positive',
                        description=deduction.description))

    @classmethod
    def _unapprove(cls, deductions):
        "Changed deductions need the manager's approval again"
        Acceptance = Pool().get('property.decoration.acceptance')
        acceptances = {d.acceptance for d in deductions}
        for acceptance in acceptances:
            if acceptance.state != 'draft':
                raise AccessError(gettext(
                        'property_decoration.msg_acceptance_not_draft',
                        acceptance=acceptance.rec_name))
        approved = [a for a in acceptances if a.deductions_approved_by]
        if approved:
            Acceptance.write(approved, {'deductions_approved_by': None})

    @classmethod
    def create(cls, vlist):
        deductions = super().create(vlist)
        cls._unapprove(deductions)
        return deductions

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._unapprove(sum(args[0::2], []))

    @classmethod
    def delete(cls, deductions):
        cls._unapprove(deductions)
        super().delete(deductions)
