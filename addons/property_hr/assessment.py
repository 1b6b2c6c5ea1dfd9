# This file is part of the property-management suite.
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.modules.property_base.common import CheckValuesMixin

KINDS = [
    ('session', "Session Exam"),
    ('monthly', "Monthly Exam"),
    ]


class Assessment(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.assessment'
    __string__ = "Assessment"
    _states = {'readonly': Eval('state') != 'draft'}
    course = fields.Many2One('property.training.course', "Course",
        required=True, ondelete='RESTRICT', states=_states)
    session = fields.Many2One('property.training.session', "Session",
        ondelete='SET NULL', states=_states,
        domain=[('course', '=', Eval('course', -1))])
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    max_score = fields.Integer("Maximum Score", required=True,
        states=_states)
    pass_mark = fields.Integer("Pass Mark", required=True, states=_states)
    lines = fields.One2Many('property.assessment.line', 'assessment',
        "Scores", states=_states)
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
                'confirm': {
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

    @staticmethod
    def default_kind():
        return 'session'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_max_score():
        return 100

    @staticmethod
    def default_pass_mark():
        return 60

    @fields.depends('course', 'max_score', 'pass_mark',
        '_parent_course.max_score', '_parent_course.pass_mark')
    def on_change_course(self):
        if self.course:
            self.max_score = self.course.max_score
            self.pass_mark = self.course.pass_mark

    @fields.depends('session', 'course', 'site', 'date', 'lines',
        '_parent_session.course', '_parent_session.site',
        '_parent_session.date', '_parent_session.lines',
        methods=['on_change_course'])
    def on_change_session(self):
        "Score sheet of the session's attendees"
        Line = Pool().get('property.assessment.line')
        if not self.session:
            return
        self.course = self.session.course
        self.on_change_course()
        self.site = self.session.site
        self.date = self.session.date
        if not self.lines:
            self.lines = [Line(employee=l.employee)
                for l in self.session.lines if l.attended]

    def get_rec_name(self, name):
        return f'{self.course.rec_name} {self.date}'

    @classmethod
    def validate_fields(cls, assessments, field_names):
        super().validate_fields(assessments, field_names)
        for assessment in assessments:
            if not (0 < assessment.max_score
                    and 0 <= assessment.pass_mark <= assessment.max_score):
                raise ValidationError(gettext(
                        'property_hr.msg_assessment_pass_mark'))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, assessments):
        "Record the results: passes count for the employees' posts"
        pool = Pool()
        Line = pool.get('property.assessment.line')
        lines = [l for a in assessments for l in a.lines]
        for line in lines:
            previous = Line.search([
                    ('employee', '=', line.employee.id),
                    ('assessment.course', '=', line.assessment.course.id),
                    ('assessment.state', '=', 'done'),
                    ('id', '!=', line.id),
                    ], count=True)
            line.attempt = previous + 1
            line.passed = line.score >= line.assessment.pass_mark
        Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, assessments):
        pass


class AssessmentLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.assessment.line'
    __string__ = "Assessment Score"
    assessment = fields.Many2One('property.assessment', "Assessment",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT')
    score = fields.Numeric("Score", digits=(6, 1), required=True)
    passed = fields.Boolean("Passed", readonly=True,
        help="The score reaches the pass mark; set when the assessment is "
        "confirmed.")
    attempt = fields.Integer("Attempt", readonly=True,
        help="1 for the first sitting, 2 for the first retake…")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('assessment_employee_unique',
                Unique(t, t.assessment, t.employee),
                'property_hr.msg_assessment_employee_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range())))

    @staticmethod
    def default_passed():
        return False

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            maximum = line.assessment.max_score
            if line.score is not None and not (0 <= line.score <= maximum):
                raise ValidationError(gettext(
                        'property_hr.msg_assessment_score_range',
                        employee=line.employee.rec_name,
                        score=line.score, maximum=maximum))
