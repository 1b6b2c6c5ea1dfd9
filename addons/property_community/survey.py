# This file is part of the property-management suite.
"""Satisfaction surveys of the owners (满意度调查)

A survey of a site and period has sections (overall, security, cleaning,
greening, repairs, community activities...) with their questions and a
target each. The manager opens it; each household (a unit) answers once,
on the paper form keyed in by the front desk (who keyed it and when) or,
later, in the portal, through `Answer.submit`; the manager closes it.

A score is 1 to 5; a satisfied score is 4 or 5 (the suite's default: the
seeds give targets, not a scale). The rate of a section is its satisfied
scores over its scores; it meets its target at exactly the target.

The targets are seed 004's 全年管理目标: owners' satisfaction 95 %
(业主满意度达到95%以上), public order (security) 90 %, cleaning 90 %,
greening 90 %, repairs 95 %, community activities 80 %. A site may set
its own (property.survey.target); a section takes its site's target when
it is created."""
from decimal import Decimal
from fractions import Fraction

from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import site_from, user_site
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, check_first)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

SURVEY_STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('closed', "Closed"),
    ]
SECTION_KINDS = [
    ('overall', "Overall Satisfaction"),
    ('security', "Security and Public Order"),
    ('cleaning', "Cleaning"),
    ('greening', "Greening"),
    ('repairs', "Repairs"),
    ('activities', "Community Activities"),
    ('other', "Other"),
    ]
# Seed 004, 全年管理目标 (1)-(8), in %; 'other' is the suite's default
SEED_TARGETS = {
    'overall': Decimal(95),
    'security': Decimal(90),
    'cleaning': Decimal(90),
    'greening': Decimal(90),
    'repairs': Decimal(95),
    'activities': Decimal(80),
    'other': Decimal(90),
    }
CHANNELS = [
    ('paper', "Paper Form"),
    ('portal', "Portal"),
    ('phone', "Phone"),
    ]
LOWEST, HIGHEST = 1, 5
# A satisfied score: 4 (satisfied) or 5 (very satisfied), the suite's
# default
SATISFIED = 4


def rate(satisfied, answers):
    "The rate in % as an exact fraction, None without answers"
    if not answers:
        return None
    return Fraction(satisfied * 100, answers)


def meets(satisfied, answers, target):
    """Whether the rate reaches the target (exactly at target is met);
    None without answers: nothing measured"""
    value = rate(satisfied, answers)
    if value is None:
        return None
    return value >= Fraction(Decimal(target))


def as_percent(value):
    "An exact rate as a Decimal in % with 2 places, for display"
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal('0.01'))


def check_targets(records):
    "A target is a share between 0 and 100 %"
    for record in records:
        if record.target is not None and not (0 <= record.target <= 100):
            raise ValidationError(gettext(
                    'property_community.msg_survey_target_range'))


def check_score(score, question):
    """A score is 1 to 5: refused before anything is written (the answer
    would be saved before its lines are validated)"""
    if isinstance(score, int) and not (LOWEST <= score <= HIGHEST):
        Question = Pool().get('property.survey.question')
        raise ValidationError(gettext(
                'property_community.msg_survey_score_range',
                question=(Question(question).rec_name
                    if isinstance(question, int) else ''),
                score=score))


def check_line_scores(values):
    "Check the scores of the lines created with an answer's values"
    for action in values.get('lines') or []:
        if action and action[0] == 'create':
            for line in action[1]:
                check_score(line.get('score'), line.get('question'))


class Target(CheckValuesMixin, ModelSQL, ModelView):
    "The satisfaction target of a site for a kind of section"
    __name__ = 'property.survey.target'
    __string__ = "Satisfaction Target"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(SECTION_KINDS, "Section", required=True)
    target = fields.Numeric("Target (%)", digits=(5, 2), required=True,
        help="The share of satisfied scores (4 or 5 of 5) the section should "
             "reach. Without a target of the site, the office's standard "
             "target is used (overall 95 %, security, cleaning and greening "
             "90 %, repairs 95 %, community activities 80 %).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_kind_unique', Unique(t, t.site, t.kind),
                'property_community.msg_survey_target_unique'),
            ]

    @classmethod
    def validate_fields(cls, targets, field_names):
        super().validate_fields(targets, field_names)
        check_targets(targets)

    @classmethod
    def default_site(cls):
        return user_site()

    @fields.depends('kind', 'target')
    def on_change_kind(self):
        if self.kind and self.target is None:
            self.target = SEED_TARGETS[self.kind]

    @classmethod
    def target_for(cls, site, kind):
        "The target of the site for the kind of section, else the seed's"
        targets = cls.search([('site', '=', site), ('kind', '=', kind)],
            limit=1)
        if targets:
            return targets[0].target
        return SEED_TARGETS.get(kind, SEED_TARGETS['other'])


class Survey(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Satisfaction survey of a site"
    __name__ = 'property.survey'
    __string__ = "Satisfaction Survey"
    _maintained_fields = ('opened_by', 'opened_at', 'closed_by',
        'closed_at')
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Title", required=True, states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    start_date = fields.Date("From", required=True, states=_states)
    end_date = fields.Date("To", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date'))])
    sections = fields.One2Many('property.survey.section', 'survey',
        "Sections", states=_states)
    answers = fields.One2Many('property.survey.answer', 'survey', "Answers",
        readonly=True)
    answer_count = fields.Function(fields.Integer("Households Answered"),
        'get_answer_count')
    below_target = fields.Function(fields.Integer("Sections below Target"),
        'get_below_target')
    opened_by = fields.Many2One('res.user', "Opened by", readonly=True,
        ondelete='RESTRICT')
    opened_at = fields.DateTime("Opened at", readonly=True)
    closed_by = fields.Many2One('res.user', "Closed by", readonly=True,
        ondelete='RESTRICT')
    closed_at = fields.DateTime("Closed at", readonly=True)
    state = fields.Selection(SURVEY_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.site, Index.Range()), (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_site(cls):
        return user_site()

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'site.name'))

    @classmethod
    def get_answer_count(cls, surveys, name):
        Answer = Pool().get('property.survey.answer')
        answer = Answer.__table__()
        cursor = Transaction().connection.cursor()
        result = {s.id: 0 for s in surveys}
        for sub_ids in grouped_slice(list(result)):
            cursor.execute(*answer.select(answer.survey, Count(answer.id),
                    where=answer.survey.in_(list(sub_ids)),
                    group_by=[answer.survey]))
            result.update(cursor)
        return result

    def get_below_target(self, name):
        return sum(1 for s in self.sections if s.below_target)

    @classmethod
    def copy(cls, surveys, default=None):
        default = dict(default or {})
        default.setdefault('answers', None)
        return super().copy(surveys, default=default)

    @classmethod
    def check_questions(cls, surveys):
        for survey in surveys:
            if not any(s.questions for s in survey.sections):
                raise UserError(gettext(
                        'property_community.msg_survey_no_question',
                        survey=survey.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    @check_first('check_questions')
    def open(cls, surveys):
        cls.stamp(surveys, by='opened_by', at='opened_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, surveys):
        cls.stamp(surveys, by='closed_by', at='closed_at')


class Section(CheckValuesMixin, site_from('survey'), ModelSQL, ModelView):
    """A section of a survey, with its questions and its target: its row
    is the section's result (answers, satisfied, rate against target)"""
    __name__ = 'property.survey.section'
    __string__ = "Survey Section"
    _states = {'readonly': Eval('survey_state') != 'draft'}
    survey = fields.Many2One('property.survey', "Survey", required=True,
        ondelete='CASCADE', states=_states)
    survey_state = fields.Function(fields.Selection(SURVEY_STATES,
            "Survey State"), 'on_change_with_survey_state')
    sequence = fields.Integer("Sequence", states=_states)
    kind = fields.Selection(SECTION_KINDS, "Kind", required=True,
        states=_states)
    kind_string = kind.translated('kind')
    name = fields.Char("Section", required=True, states=_states)
    target = fields.Numeric("Target (%)", digits=(5, 2), states=_states,
        help="Taken from the site's targets when the section is created, else "
             "from the office's standard targets (overall 95 %, security, "
             "cleaning and greening 90 %, repairs 95 %, community activities "
             "80 %).")
    questions = fields.One2Many('property.survey.question', 'section',
        "Questions", states=_states)
    answer_count = fields.Function(fields.Integer("Scores",
            help="The scores given to the section's questions."),
        'get_result')
    satisfied_count = fields.Function(fields.Integer("Satisfied",
            help="The scores of 4 or 5 of 5."), 'get_result')
    rate = fields.Function(fields.Numeric("Satisfaction (%)",
            digits=(5, 2)), 'get_result')
    below_target = fields.Function(fields.Boolean("Below Target",
            help="The rate is below the target; a section without "
            "answers is not measured."), 'get_result',
        searcher='search_below_target')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.survey, Index.Range())))
        cls._order = [('survey', 'DESC'), ('sequence', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'overall'

    @fields.depends('survey', '_parent_survey.state')
    def on_change_with_survey_state(self, name=None):
        return self.survey.state if self.survey else 'draft'

    @fields.depends('kind', 'survey', '_parent_survey.site')
    def on_change_kind(self):
        Target = Pool().get('property.survey.target')
        if self.kind and self.survey and self.survey.site:
            self.target = Target.target_for(self.survey.site.id, self.kind)
        elif self.kind:
            self.target = SEED_TARGETS[self.kind]

    def get_rec_name(self, name):
        return f'{self.survey.rec_name}: {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'survey.name'))

    @classmethod
    def validate_fields(cls, sections, field_names):
        super().validate_fields(sections, field_names)
        check_targets(sections)

    @classmethod
    def check_draft(cls, sections):
        for section in sections:
            if section.survey.state != 'draft':
                raise UserError(gettext(
                        'property_community.msg_survey_not_draft',
                        survey=section.survey.rec_name))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Survey = pool.get('property.survey')
        Target = pool.get('property.survey.target')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('target') is None and values.get('survey'):
                values['target'] = Target.target_for(
                    Survey(values['survey']).site.id,
                    values.get('kind') or cls.default_kind())
        sections = super().create(vlist)
        cls.check_draft(sections)
        return sections

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls.check_draft([s for r in args[::2] for s in r])

    @classmethod
    def delete(cls, sections):
        cls.check_draft(sections)
        super().delete(sections)

    @classmethod
    def search_below_target(cls, name, clause):
        "The sections (a few per survey) whose rate is below the target"
        _, operator, value = clause[:3]
        below = [s.id for s in cls.search([
                    ('survey.state', 'in', ['open', 'closed']),
                    ]) if s.below_target]
        wanted = bool(value) if operator == '=' else not value
        return [('id', 'in' if wanted else 'not in', below)]

    @classmethod
    def tally(cls, sections):
        "{section id: (scores, satisfied scores)} counted in the database"
        pool = Pool()
        Question = pool.get('property.survey.question')
        Line = pool.get('property.survey.answer.line')
        question = Question.__table__()
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {s.id: (0, 0) for s in sections}
        for sub_ids in grouped_slice(list(result)):
            cursor.execute(*line.join(question,
                    condition=line.question == question.id).select(
                    question.section, Count(line.id),
                    Sum(Case((line.score >= SATISFIED, 1), else_=0)),
                    where=question.section.in_(list(sub_ids)),
                    group_by=[question.section]))
            for section_id, count, satisfied in cursor:
                result[section_id] = (count, int(satisfied or 0))
        return result

    @classmethod
    def get_result(cls, sections, names):
        tallies = cls.tally(sections)
        result = {n: {} for n in names}
        for section in sections:
            count, satisfied = tallies[section.id]
            values = {
                'answer_count': count,
                'satisfied_count': satisfied,
                'rate': as_percent(rate(satisfied, count)),
                'below_target': (section.target is not None
                    and meets(satisfied, count, section.target) is False),
                }
            for name in names:
                result[name][section.id] = values[name]
        return result


class Question(CheckValuesMixin, site_from('section.survey'), ModelSQL,
        ModelView):
    "A question of a survey section, scored 1 to 5"
    __name__ = 'property.survey.question'
    __string__ = "Survey Question"
    section = fields.Many2One('property.survey.section', "Section",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    text = fields.Char("Question", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.section, Index.Range())))
        cls._order = [('section', 'ASC'), ('sequence', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        return self.text

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('text',))

    @classmethod
    def create(cls, vlist):
        Section = Pool().get('property.survey.section')
        questions = super().create(vlist)
        Section.check_draft([q.section for q in questions])
        return questions

    @classmethod
    def write(cls, *args):
        Section = Pool().get('property.survey.section')
        super().write(*args)
        Section.check_draft([q.section for r in args[::2] for q in r])

    @classmethod
    def delete(cls, questions):
        Section = Pool().get('property.survey.section')
        Section.check_draft([q.section for q in questions])
        super().delete(questions)


class Answer(StampMixin, CheckValuesMixin, site_from('survey'), ModelSQL,
        ModelView):
    """The answer of a household (a unit) to a survey: one per unit,
    keyed in by the front desk from the paper form or submitted in the
    portal (Answer.submit)"""
    __name__ = 'property.survey.answer'
    __string__ = "Survey Answer"
    survey = fields.Many2One('property.survey', "Survey", required=True,
        ondelete='CASCADE', domain=[('state', '=', 'open')],
        states={'readonly': Eval('id', -1) >= 0})
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0},
        domain=[('site', '=', Eval('site', -1))],
        help="The household answering: one answer per home and survey.")
    party = fields.Many2One('party.party', "Respondent",
        ondelete='RESTRICT', help="Who filled in the form, if signed.")
    channel = fields.Selection(CHANNELS, "Channel", required=True)
    comment = fields.Text("Comments and Suggestions")
    lines = fields.One2Many('property.survey.answer.line', 'answer',
        "Scores")
    keyed_by = fields.Many2One('res.user', "Keyed by", readonly=True,
        ondelete='RESTRICT')
    keyed_at = fields.DateTime("Keyed at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('survey_unit_unique', Unique(t, t.survey, t.unit),
                'property_community.msg_survey_answer_second'),
            ]
        cls._sql_indexes.add(Index(t, (t.survey, Index.Range())))
        cls._order = [('keyed_at', 'DESC NULLS FIRST'), ('id', 'DESC')]

    @staticmethod
    def default_channel():
        return 'paper'

    def get_rec_name(self, name):
        return f'{self.survey.rec_name}: {self.unit.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('unit.code', 'survey.name'))

    @classmethod
    def check_open(cls, surveys):
        for survey in surveys:
            if survey.state != 'open':
                raise UserError(gettext(
                        'property_community.msg_survey_answer_not_open',
                        survey=survey.rec_name,
                        state=survey.state_string))

    @classmethod
    def submit(cls, survey, unit, party, scores, comment=None,
            channel='portal'):
        """Record the answer of the household of unit to the survey:
        scores maps questions (records or ids) to a score from 1 to 5.
        Return the answer; raise a UserError (nothing saved) for a survey
        not open, a second answer of the home or a score out of range."""
        lines = [{'question': int(q), 'score': s}
            for q, s in scores.items()]
        values = {'survey': int(survey), 'unit': int(unit),
            'channel': channel, 'comment': comment,
            'lines': [('create', lines)]}
        if party:
            values['party'] = int(party)
        answer, = cls.create([values])
        return answer

    @classmethod
    def create(cls, vlist):
        """Refuse an answer to a survey not open and a second answer of
        a home (with a message, before the database's constraint)"""
        pool = Pool()
        Survey = pool.get('property.survey')
        Unit = pool.get('property.unit')
        vlist = [v.copy() for v in vlist]
        cls.check_open(Survey.browse(list({v['survey'] for v in vlist
                        if isinstance(v.get('survey'), int)})))
        pairs = {(v.get('survey'), v.get('unit')) for v in vlist}
        existing = {(a.survey.id, a.unit.id) for a in cls.search([
                    ('survey', 'in', [s for s, _ in pairs]),
                    ('unit', 'in', [u for _, u in pairs]),
                    ])}
        seen = set()
        for values in vlist:
            pair = (values.get('survey'), values.get('unit'))
            if pair in existing or pair in seen:
                raise UserError(gettext(
                        'property_community.msg_survey_answer_second',
                        unit=Unit(pair[1]).rec_name,
                        survey=Survey(pair[0]).rec_name))
            seen.add(pair)
            check_line_scores(values)
            values.pop('keyed_by', None)
            values.pop('keyed_at', None)
        answers = super().create(vlist)
        with Transaction().set_context(_answer_stamped=True):
            cls.stamp(answers, by='keyed_by', at='keyed_at')
        return answers

    @classmethod
    def write(cls, *args):
        stamping = Transaction().context.get('_answer_stamped')
        actions = iter(args)
        for answers, values in zip(actions, actions):
            cls.check_open([a.survey for a in answers])
            fixed = {'survey', 'unit'}
            if not stamping:
                fixed |= {'keyed_by', 'keyed_at'}
            if set(values) & fixed:
                raise UserError(gettext(
                        'property_community.msg_survey_answer_fixed'))
            check_line_scores(values)
        super().write(*args)

    @classmethod
    def delete(cls, answers):
        cls.check_open([a.survey for a in answers])
        super().delete(answers)


class AnswerLine(CheckValuesMixin, site_from('answer.survey'), ModelSQL,
        ModelView):
    "The score of a question in a household's answer"
    __name__ = 'property.survey.answer.line'
    __string__ = "Survey Score"
    answer = fields.Many2One('property.survey.answer', "Answer",
        required=True, ondelete='CASCADE')
    question = fields.Many2One('property.survey.question', "Question",
        required=True, ondelete='RESTRICT')
    score = fields.Integer("Score", required=True,
        help="1 very dissatisfied, 2 dissatisfied, 3 neutral, "
        "4 satisfied, 5 very satisfied.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('answer_question_unique', Unique(t, t.answer, t.question),
                'property_community.msg_survey_score_twice'),
            ]
        cls._sql_indexes.add(Index(t, (t.question, Index.Range())))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if not (LOWEST <= line.score <= HIGHEST):
                raise ValidationError(gettext(
                        'property_community.msg_survey_score_range',
                        question=line.question.rec_name, score=line.score))

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        for line in lines:
            if line.question.section.survey != line.answer.survey:
                raise ValidationError(gettext(
                        'property_community.msg_survey_question_other',
                        question=line.question.rec_name,
                        survey=line.answer.survey.rec_name))

    @classmethod
    def create(cls, vlist):
        Answer = Pool().get('property.survey.answer')
        Answer.check_open({a.survey for a in Answer.browse(list(
                        {v['answer'] for v in vlist
                            if isinstance(v.get('answer'), int)}))})
        for values in vlist:
            check_score(values.get('score'), values.get('question'))
        lines = super().create(vlist)
        Answer.check_open({l.answer.survey for l in lines})
        return lines

    @classmethod
    def write(cls, *args):
        Answer = Pool().get('property.survey.answer')
        actions = iter(args)
        for lines, values in zip(actions, actions):
            Answer.check_open({l.answer.survey for l in lines})
            check_score(values.get('score'),
                lines[0].question.id if lines else None)
        super().write(*args)
        Answer.check_open({l.answer.survey for r in args[::2] for l in r})

    @classmethod
    def delete(cls, lines):
        Answer = Pool().get('property.survey.answer')
        Answer.check_open({l.answer.survey for l in lines})
        super().delete(lines)


class Summary(HTMLReport):
    "Satisfaction Survey Summary (满意度调查结果)"
    __name__ = 'property.survey.summary'
