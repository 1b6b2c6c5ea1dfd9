# This file is part of the property-management suite.
"Tests of the satisfaction surveys, mixed into the addon's test case"
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.property_base.tests.tools import (
    office_clock, pdf_text, set_chinese, with_transaction)
from trytond.modules.property_community.survey import (
    SEED_TARGETS, meets, rate)
from trytond.modules.property_frontdesk.tests.test_module import as_user
from trytond.pool import Pool


def draft_survey(office):
    """The manager's survey of the site for the second half of 2026: an
    overall section and a cleaning one, two questions each"""
    Survey = Pool().get('property.survey')
    with as_user(office['manager'], office['company']):
        survey, = Survey.create([{'name': "2026年下半年业主满意度调查",
                    'site': office['site'].id,
                    'start_date': dt.date(2026, 12, 1),
                    'end_date': dt.date(2026, 12, 31),
                    'sections': [('create', [{
                                    'sequence': 1, 'kind': 'overall',
                                    'name': "总体满意度",
                                    'questions': [('create', [
                                                {'text': "您对物业服务总体是否满意"},
                                                ])]}, {
                                    'sequence': 2, 'kind': 'cleaning',
                                    'name': "保洁服务",
                                    'questions': [('create', [
                                                {'text': "楼道清洁"},
                                                {'text': "垃圾清运"},
                                                ])]}])]}])
    return survey


class SurveyTestMixin:
    "Satisfaction surveys (满意度调查)"

    def test_survey_rate_against_target_004(self):
        """Seed 004's targets; a section meets its target exactly at it,
        not a score below; without answers nothing is measured"""
        self.assertEqual([SEED_TARGETS[k] for k in ['overall', 'security',
                        'cleaning', 'greening', 'repairs', 'activities']],
            [95, 90, 90, 90, 95, 80])
        # 19 satisfied of 20: exactly 95 %
        self.assertEqual(rate(19, 20), 95)
        self.assertIs(meets(19, 20, Decimal(95)), True)
        # 18 of 20: 90 %, below the overall target, at the cleaning one
        self.assertIs(meets(18, 20, SEED_TARGETS['overall']), False)
        self.assertIs(meets(18, 20, SEED_TARGETS['cleaning']), True)
        # 4 of 5 activities: exactly 80 %
        self.assertIs(meets(4, 5, SEED_TARGETS['activities']), True)
        # 94.99 % is below 95 %
        self.assertIs(meets(9499, 10000, Decimal(95)), False)
        self.assertIsNone(rate(0, 0))
        self.assertIsNone(meets(0, 0, Decimal(95)))

    @with_transaction()
    def test_survey_keyed_in_and_counted(self):
        """The manager opens the survey, the front desk keys in the paper
        forms (one per home, who keyed it and when), the manager closes
        it; each section's rate is held against the site's target or the
        seed's, the one below flagged, and the summary prints"""
        from .test_module import assembly_office
        pool = Pool()
        Survey = pool.get('property.survey')
        Answer = pool.get('property.survey.answer')
        Target = pool.get('property.survey.target')
        Section = pool.get('property.survey.section')
        office = assembly_office()
        units = office['units']
        with as_user(office['manager'], office['company']):
            # the site asks more of its cleaning than the seed
            Target.create([{'site': office['site'].id, 'kind': 'cleaning',
                        'target': Decimal('92.5')}])
        survey = draft_survey(office)
        overall, cleaning = survey.sections
        self.assertEqual(overall.target, Decimal(95))
        self.assertEqual(cleaning.target, Decimal('92.5'))
        with as_user(office['clerk'], office['company']):
            with self.assertRaises(AccessButtonError):
                Survey.open([survey])
        with as_user(office['manager'], office['company']):
            Survey.open([survey])
        q_all, = overall.questions
        q_floor, q_waste = cleaning.questions
        forms = [('101', 5, 5, 4), ('201', 4, 4, 3), ('301', 5, 3, 4),
            ('401', 4, 5, 5)]
        with as_user(office['clerk'], office['company']):
            with office_clock(dt.datetime(2026, 12, 8, 9, 30)) as utc:
                answers = [Answer.submit(survey, units[u],
                        office['owners']['甲'] if u == '101' else None,
                        {q_all: a, q_floor: b, q_waste: c},
                        comment="电梯间保洁要加强" if c < 4 else None,
                        channel='paper')
                    for u, a, b, c in forms]
        self.assertEqual({a.keyed_by for a in answers}, {office['clerk']})
        self.assertEqual({a.keyed_at for a in answers}, {utc})
        overall, cleaning = Section.browse([overall.id, cleaning.id])
        # 4 satisfied of 4
        self.assertEqual((overall.answer_count, overall.satisfied_count,
                overall.rate, overall.below_target),
            (4, 4, Decimal('100.00'), False))
        # 6 satisfied scores of 8: 75 % below 92.5 %
        self.assertEqual((cleaning.answer_count, cleaning.satisfied_count,
                cleaning.rate, cleaning.below_target),
            (8, 6, Decimal('75.00'), True))
        self.assertEqual(survey.answer_count, 4)
        self.assertEqual(survey.below_target, 1)
        with as_user(office['clerk'], office['company']):
            # the results list's tab of the sections below target
            self.assertEqual(Section.search([('below_target', '=', True)]),
                [cleaning])
        with as_user(office['manager'], office['company']):
            with office_clock(dt.datetime(2027, 1, 4, 9, 0)) as closed:
                Survey.close([survey])
        self.assertEqual((survey.state, survey.closed_by, survey.closed_at),
            ('closed', office['manager'], closed))
        set_chinese(('property_base', 'property_community'))
        Summary = pool.get('property.survey.summary', type='report')
        with as_user(office['manager'], office['company']):
            _, content, _, _ = Summary.execute([survey.id], {})
        text = pdf_text(content)
        for expected in ["满意度调查", "总体满意度", "保洁服务", "100.00",
                "75.00", "92.50", "低于目标"]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_survey_bad_answers_refused(self):
        """A second answer of a home, a score outside 1-5 and an answer to
        a survey not open or closed are refused, nothing saved"""
        from .test_module import assembly_office
        pool = Pool()
        Survey = pool.get('property.survey')
        Answer = pool.get('property.survey.answer')
        Line = pool.get('property.survey.answer.line')
        Section = pool.get('property.survey.section')
        office = assembly_office()
        unit = office['units']['101']
        survey = draft_survey(office)
        question = survey.sections[0].questions[0]
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'not open'):
                Answer.submit(survey, unit, None, {question: 5})
        with as_user(office['manager'], office['company']):
            Survey.open([survey])
            with self.assertRaisesRegex(UserError, 'cannot be added'):
                Section.create([{'survey': survey.id, 'kind': 'greening',
                            'name': "绿化"}])
        with as_user(office['clerk'], office['company']):
            for score in [0, 6]:
                with self.assertRaisesRegex(ValidationError, 'from 1'):
                    Answer.submit(survey, unit, None, {question: score})
            answer = Answer.submit(survey, unit, None, {question: 4})
            with self.assertRaisesRegex(UserError, 'already answered'):
                Answer.submit(survey, unit, None, {question: 2})
            with self.assertRaisesRegex(UserError, 'keeps its survey'):
                Answer.write([answer], {'unit': office['units']['201'].id})
        with as_user(office['manager'], office['company']):
            Survey.close([survey])
        with as_user(office['clerk'], office['company']):
            with self.assertRaisesRegex(UserError, 'not open'):
                Answer.submit(survey, office['units']['201'], None,
                    {question: 5})
            with self.assertRaisesRegex(UserError, 'not open'):
                Line.write(list(answer.lines), {'score': 1})
        self.assertEqual(Answer.search([], count=True), 1)
        self.assertEqual([l.score for l in Line.search([])], [4])
