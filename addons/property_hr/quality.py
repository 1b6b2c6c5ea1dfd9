# This file is part of the property-management suite.
"""Daily quality checks of the staff and the rewards and penalties register
(日检查, 奖惩, seed 001: 培训后还进行了笔试和日检查的形式进行考核 ... 根据
平时成绩到月底进行奖惩; 根据质检检查情况奖优罚劣): a supervisor checks the
staff on duty (uniform, post, attitude, records) and notes the findings;
rewards and penalties count in the month's appraisal once the manager has
approved them"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

ITEMS = [
    ('uniform', "Uniform and Appearance"),
    ('post', "At the Post"),
    ('attitude', "Service Attitude"),
    ('records', "Records Kept"),
    ]


class QualityCheck(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL,
        ModelView):
    __name__ = 'property.quality.check'
    __string__ = "Daily Quality Check"
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    checker = fields.Many2One('company.employee', "Checked by",
        required=True, ondelete='RESTRICT', states=_states)
    lines = fields.One2Many('property.quality.check.line', 'check',
        "Findings", states=_states)
    findings = fields.Function(fields.Integer("Items Not Up to Standard"),
        'get_findings')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done'), ('done', 'draft')}
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'done',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_checker(cls):
        User = Pool().get('res.user')
        user = Transaction().user
        employee = User(user).employee if user else None
        return employee.id if employee else None

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.date}'

    def get_findings(self, name):
        return sum(1 for l in self.lines if l.result == 'finding')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, checks):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, checks):
        pass


class QualityCheckLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.quality.check.line'
    __string__ = "Quality Check Item"
    check = fields.Many2One('property.quality.check', "Check", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='RESTRICT')
    item = fields.Selection(ITEMS, "Item", required=True)
    result = fields.Selection([
            ('ok', "Up to Standard"),
            ('finding', "Not Up to Standard"),
            ], "Result", required=True)
    finding = fields.Char("Finding",
        states={'required': Eval('result') == 'finding'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('check', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_result():
        return 'ok'

    def get_rec_name(self, name):
        return (f'{self.check.rec_name} {self.employee.rec_name} '
            f'{self.finding or ""}').strip()


class RewardPenalty(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.reward_penalty'
    __string__ = "Reward or Penalty"
    _maintained_fields = ('approved_by', 'approved_at')
    _states = {'readonly': Eval('state') != 'draft'}
    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    kind = fields.Selection([
            ('reward', "Reward"),
            ('penalty', "Penalty"),
            ], "Kind", required=True, states=_states)
    description = fields.Char("What", required=True, states=_states)
    points = fields.Integer("Points", required=True, states=_states,
        help="Added to (reward) or taken from (penalty) the month's "
        "appraisal score.")
    amount = fields.Numeric("Amount", digits=(12, 2), states=_states,
        help="The money paid (reward) or withheld (penalty), if any.")
    check_line = fields.Many2One('property.quality.check.line',
        "Quality Check Finding", ondelete='SET NULL', states=_states)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'approved'), ('draft', 'cancelled')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'penalty'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('check_line', 'employee', 'site', 'description',
        '_parent_check_line.employee', '_parent_check_line.finding',
        '_parent_check_line.check')
    def on_change_check_line(self):
        if self.check_line:
            self.employee = self.check_line.employee
            self.site = self.check_line.check.site
            if not self.description:
                self.description = self.check_line.finding

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {self.date} {self.description}'

    @property
    def signed_points(self):
        return self.points if self.kind == 'reward' else -self.points

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if (record.points is not None and record.points < 0) or (
                    record.amount is not None and record.amount < 0):
                raise ValidationError(gettext(
                        'property_hr.msg_reward_penalty_negative',
                        record=record.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, records):
        "The manager approves: from then on it counts in the appraisal"
        cls.stamp(records, by='approved_by', at='approved_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        pass
