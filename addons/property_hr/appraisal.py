# This file is part of the property-management suite.
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, MonthMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

# The sources of an appraisal criterion's score: a selection of a method,
# which Tryton does not translate, so their names are messages
SOURCES = ['manual', 'exam', 'rewards']
# The score of the rewards and penalties criterion in a month without any:
# the suite's default; approved rewards add their points, penalties take
# theirs off, between 0 and 100
REWARDS_BASE = 90


def source_names(sources):
    "The selection of the sources, each named in the user's language"
    return [(source, gettext(f'property_hr.msg_source_{source}'))
        for source in sources]


def check_weights(record, lines):
    total = sum((l.weight or 0 for l in lines), Decimal(0))
    if lines and total != 100:
        raise ValidationError(gettext('property_hr.msg_appraisal_weights',
                record=record.rec_name, total=format(total.normalize(), 'f')))


class Template(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.appraisal.template'
    __string__ = "Appraisal Template"
    name = fields.Char("Name", required=True, translate=True)
    post = fields.Many2One('property.post', "Post", required=True,
        ondelete='CASCADE')
    lines = fields.One2Many('property.appraisal.template.line', 'template',
        "Criteria")

    @classmethod
    def validate(cls, templates):
        super().validate(templates)
        for template in templates:
            check_weights(template, template.lines)


class CriterionMixin:
    "A weighted criterion of an appraisal or of its template"
    __slots__ = ()
    sequence = fields.Integer("Sequence")
    weight = fields.Numeric("Weight (%)", digits=(5, 2), required=True)
    source = fields.Selection('get_sources', "Source", required=True,
        help="Where the score comes from: entered by the reviewer, the "
        "month's exams, or the helpdesk figures of the employee.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @staticmethod
    def default_source():
        return 'manual'

    @classmethod
    def get_sources(cls):
        return Pool().get('property.appraisal').get_sources()


class TemplateLine(CheckValuesMixin, CriterionMixin, ModelSQL, ModelView):
    __name__ = 'property.appraisal.template.line'
    __string__ = "Appraisal Criterion"
    template = fields.Many2One('property.appraisal.template', "Template",
        required=True, ondelete='CASCADE')
    name = fields.Char("Criterion", required=True, translate=True)


class Appraisal(CheckValuesMixin, StampMixin, WorkflowGuardMixin,
        StateAuditMixin, MonthMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.appraisal'
    __string__ = "Monthly Appraisal"
    _maintained_fields = ('reviewed_by',)
    _states = {'readonly': Eval('state') != 'draft'}
    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    month = fields.Date("Month", required=True, states=_states)
    template = fields.Many2One('property.appraisal.template', "Template",
        required=True, ondelete='RESTRICT', states=_states)
    lines = fields.One2Many('property.appraisal.line', 'appraisal',
        "Criteria", states=_states)
    total = fields.Function(fields.Numeric("Total", digits=(5, 2)),
        'get_total')
    rank = fields.Function(fields.Integer("Rank",
            help="Place among the appraisals of the site and month."),
        'get_rank')
    star = fields.Function(fields.Boolean("Service Star",
            help="The best appraisal of the site and month."), 'get_rank')
    comment = fields.Text("Reviewer's Comment", states=_states)
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('reviewed', "Reviewed"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('employee_month_unique', Unique(t, t.employee, t.month),
                'property_hr.msg_appraisal_unique'),
            ]
        cls._order = [('month', 'DESC'), ('site', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('draft', 'reviewed'), ('reviewed', 'draft')}
        cls._buttons.update({
                'fill': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'review': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'reviewed',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def get_sources(cls):
        return source_names(SOURCES)

    @fields.depends('employee', 'template', 'site',
        '_parent_employee.property_post', '_parent_employee.property_sites')
    def on_change_employee(self):
        Template = Pool().get('property.appraisal.template')
        if not self.employee:
            return
        if not self.template and self.employee.property_post:
            templates = Template.search([
                    ('post', '=', self.employee.property_post.id)], limit=1)
            if templates:
                self.template, = templates
        if not self.site and self.employee.property_sites:
            self.site = self.employee.property_sites[0]

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} {self.month:%Y-%m}'

    def get_total(self, name):
        return sum((l.weight * (l.score or 0) / 100 for l in self.lines),
            Decimal(0)).quantize(Decimal('0.01'))

    @classmethod
    def get_rank(cls, appraisals, names):
        result = {n: {} for n in names}
        groups = {(a.site.id, a.month) for a in appraisals}
        for site_id, month in groups:
            others = cls.search([('site', '=', site_id),
                    ('month', '=', month)])
            ranked = sorted(others, key=lambda a: a.total, reverse=True)
            for appraisal in appraisals:
                if (appraisal.site.id, appraisal.month) != (site_id, month):
                    continue
                rank = 1 + sum(1 for o in ranked
                    if o.total > appraisal.total)
                if 'rank' in names:
                    result['rank'][appraisal.id] = rank
                if 'star' in names:
                    result['star'][appraisal.id] = (
                        rank == 1 and appraisal.total > 0)
        return result

    @classmethod
    def validate(cls, appraisals):
        super().validate(appraisals)
        for appraisal in appraisals:
            check_weights(appraisal, appraisal.lines)

    def source_score(self, source):
        "The score (0-100) of the source for the employee and month"
        pool = Pool()
        Line = pool.get('property.assessment.line')
        if source == 'rewards':
            points = sum(r.signed_points
                for r in self.rewards_penalties('approved'))
            return Decimal(max(0, min(100, REWARDS_BASE + points)))
        if source == 'exam':
            end = self.month + relativedelta(months=1)
            lines = Line.search([
                    ('employee', '=', self.employee.id),
                    ('assessment.state', '=', 'done'),
                    ('assessment.date', '>=', self.month),
                    ('assessment.date', '<', end),
                    ])
            if lines:
                return sum(Decimal(100) * l.score / l.assessment.max_score
                    for l in lines) / len(lines)
        return None

    @classmethod
    @ModelView.button
    def fill(cls, appraisals):
        "Take the criteria of the template and the computed scores"
        Line = Pool().get('property.appraisal.line')
        to_save = []
        for appraisal in appraisals:
            lines = list(appraisal.lines)
            if not lines:
                lines = [Line(appraisal=appraisal, sequence=t.sequence,
                        name=t.name, weight=t.weight, source=t.source)
                    for t in appraisal.template.lines]
            for line in lines:
                if line.source != 'manual':
                    score = appraisal.source_score(line.source)
                    if score is not None:
                        line.score = Decimal(score).quantize(Decimal('0.1'))
            to_save.extend(lines)
        Line.save(to_save)

    def rewards_penalties(self, state):
        "The rewards and penalties of the employee in the month"
        RewardPenalty = Pool().get('property.reward_penalty')
        return RewardPenalty.search([
                ('employee', '=', self.employee.id),
                ('state', '=', state),
                ('date', '>=', self.month),
                ('date', '<', self.month + relativedelta(months=1)),
                ])

    @classmethod
    @ModelView.button
    @Workflow.transition('reviewed')
    def review(cls, appraisals):
        """Reviewed once every reward and penalty of the month is approved
        or cancelled: an unapproved one is not counted (奖惩经经理批准)"""
        for appraisal in appraisals:
            pending = appraisal.rewards_penalties('draft')
            if pending:
                raise UserError(gettext(
                        'property_hr.msg_appraisal_rewards_pending',
                        appraisal=appraisal.rec_name,
                        records=', '.join(r.rec_name for r in pending)))
        cls.stamp(appraisals, by='reviewed_by')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, appraisals):
        pass


class AppraisalLine(CheckValuesMixin, CriterionMixin, ModelSQL, ModelView):
    __name__ = 'property.appraisal.line'
    __string__ = "Appraisal Score"
    appraisal = fields.Many2One('property.appraisal', "Appraisal",
        required=True, ondelete='CASCADE')
    name = fields.Char("Criterion", required=True)
    score = fields.Numeric("Score", digits=(5, 1),
        help="From 0 to 100.")

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.score is not None and not (0 <= line.score <= 100):
                raise ValidationError(gettext(
                        'property_hr.msg_appraisal_score_range',
                        criterion=line.name, score=line.score))
            if line.weight is not None and line.weight < 0:
                raise ValidationError(gettext(
                        'property_hr.msg_appraisal_weights',
                        record=line.appraisal.rec_name, total=line.weight))
