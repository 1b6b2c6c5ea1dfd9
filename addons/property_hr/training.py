# This file is part of the property-management suite.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.property_base.common import CheckValuesMixin, MonthMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin

COURSE_KINDS = [
    ('onboarding', "Onboarding"),
    ('in_service', "In-service"),
    ('contest', "Skill Contest"),
    ]
# The departments that train (seed 004, 十二、6)
DEPARTMENTS = [
    ('customer_service', "Customer Service"),
    ('repair', "Repair"),
    ('environment', "Environment"),
    ('public_order', "Public Order"),
    ]


class Course(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.training.course'
    __string__ = "Training Course"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    kind = fields.Selection(COURSE_KINDS, "Kind", required=True)
    hours = fields.Numeric("Hours", digits=(6, 1))
    content = fields.Text("Content")
    max_score = fields.Integer("Maximum Score", required=True)
    pass_mark = fields.Integer("Pass Mark", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'property_hr.msg_course_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'onboarding'

    @staticmethod
    def default_max_score():
        return 100

    @staticmethod
    def default_pass_mark():
        return 60


class Plan(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin, MonthMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.training.plan'
    __string__ = "Training Plan"
    name = fields.Char("Name", required=True)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    department = fields.Char("Department")
    month = fields.Date("Month", required=True,
        help="The first day of the month the plan covers.")
    sessions = fields.One2Many('property.training.session', 'plan',
        "Sessions")
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'approved'), ('approved', 'draft')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'approved',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, plans):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, plans):
        pass


class Session(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.training.session'
    __string__ = "Training Session"
    plan = fields.Many2One('property.training.plan', "Plan",
        ondelete='SET NULL')
    course = fields.Many2One('property.training.course', "Course",
        required=True, ondelete='RESTRICT')
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", required=True)
    department = fields.Selection([(None, "")] + DEPARTMENTS, "Department",
        help="The department trained: its sessions count towards its rhythm.")
    trainer = fields.Many2One('company.employee', "Trainer",
        ondelete='RESTRICT')
    location = fields.Char("Location")
    lines = fields.One2Many('property.training.session.line', 'session',
        "Attendees")
    attendance_rate = fields.Function(fields.Float("Attendance (%)",
            digits=(5, 1)), 'get_attendance_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_trainer():
        return Transaction().context.get('employee')

    @fields.depends('plan', 'site', '_parent_plan.site')
    def on_change_plan(self):
        if self.plan and not self.site:
            self.site = self.plan.site

    def get_rec_name(self, name):
        return f'{self.course.rec_name} {self.date}'

    def get_attendance_rate(self, name):
        if self.lines:
            return round(100.0 * sum(1 for l in self.lines if l.attended)
                / len(self.lines), 1)


class SessionLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.training.session.line'
    __string__ = "Training Attendee"
    session = fields.Many2One('property.training.session', "Session",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT')
    attended = fields.Boolean("Attended")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('session_employee_unique', Unique(t, t.session, t.employee),
                'property_hr.msg_session_employee_unique'),
            ]

    @staticmethod
    def default_attended():
        return True
