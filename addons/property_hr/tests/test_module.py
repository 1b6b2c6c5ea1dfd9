# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_employee
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    office_to_utc, office_today, open_notifications, run_cron,
    with_transaction)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase
from trytond.transaction import Transaction

TODAY = office_today()
MONTH = TODAY.replace(day=1)


def create_hr():
    "A site, the receptionist post requiring two onboarding courses"
    pool = Pool()
    Site = pool.get('property.site')
    Course = pool.get('property.training.course')
    Post = pool.get('property.post')
    company = create_company()
    site, = Site.create([{'name': "Garden Court", 'code': 'GC',
                'company': company.id}])
    rules, fire = Course.create([
            {'name': "Company rules", 'code': 'ON-RULES'},
            {'name': "Fire safety", 'code': 'ON-FIRE', 'pass_mark': 80},
            ])
    post, = Post.create([{'name': "Receptionist", 'code': 'REC',
                'requirements': [('create', [
                            {'course': rules.id},
                            {'course': fire.id, 'validity_months': 12},
                            ])]}])
    employee = create_employee(company, "Chen Jing")
    employee.property_post = post
    employee.property_sites = [site]
    employee.save()
    return dict(company=company, site=site, rules=rules, fire=fire,
        post=post, employee=employee)


def assess(env, course, scores, date=TODAY, confirm=True):
    Assessment = Pool().get('property.assessment')
    assessment, = Assessment.create([{'course': course.id,
                'site': env['site'].id, 'date': date,
                'pass_mark': course.pass_mark,
                'lines': [('create', [{'employee': e.id, 'score': s}
                            for e, s in scores])]}])
    if confirm:
        Assessment.confirm([assessment])
    return assessment


def shift(code):
    return Pool().get('property.shift').search([('code', '=', code)])[0]


class PropertyHrTestCase(
        SuiteModuleTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test Property HR module"
    module = 'property_hr'
    extras = ['property_helpdesk']

    @with_transaction()
    def test_qualification_gating(self):
        "An employee is qualified once every required course is passed"
        env = create_hr()
        employee = env['employee']
        self.assertFalse(employee.qualified)
        self.assertIn('not passed', employee.qualification)
        assess(env, env['rules'], [(employee, 75)])
        # Failed fire safety (pass mark 80), then passed at the retake
        first = assess(env, env['fire'], [(employee, 70)],
            date=TODAY - dt.timedelta(days=7))
        self.assertEqual(
            [(l.passed, l.attempt) for l in first.lines], [(False, 1)])
        self.assertFalse(employee.__class__(employee.id).qualified)
        retake = assess(env, env['fire'], [(employee, 85)])
        self.assertEqual(
            [(l.passed, l.attempt) for l in retake.lines], [(True, 2)])
        self.assertTrue(employee.__class__(employee.id).qualified)

    @with_transaction()
    def test_qualification_expires(self):
        "A pass older than the course's validity no longer qualifies"
        env = create_hr()
        employee = env['employee']
        assess(env, env['rules'], [(employee, 90)],
            date=TODAY - relativedelta(years=3))
        assess(env, env['fire'], [(employee, 90)],
            date=TODAY - relativedelta(months=13))
        problems = employee.qualification_problems()
        (course, expiry), = problems
        self.assertEqual(course, env['fire'])
        self.assertEqual(expiry, TODAY - relativedelta(months=1))
        # It was valid a month and a half ago
        self.assertEqual(employee.qualification_problems(
                date=TODAY - relativedelta(months=1, days=15)), [])

    @with_transaction()
    def test_score_range(self):
        "A score above the maximum or below zero is refused"
        env = create_hr()
        for score in [101, -1]:
            with self.subTest(score=score):
                with self.assertRaisesRegex(ValidationError, 'between 0'):
                    assess(env, env['rules'], [(env['employee'], score)],
                        confirm=False)

    def _roster(self, env, month=None):
        Roster = Pool().get('property.roster')
        roster, = Roster.create([{'site': env['site'].id,
                    'post': env['post'].id, 'month': month or MONTH}])
        return roster

    def _qualify(self, env, employee):
        assess(env, env['rules'], [(employee, 90)],
            date=TODAY - dt.timedelta(days=40))
        assess(env, env['fire'], [(employee, 90)],
            date=TODAY - dt.timedelta(days=40))

    @with_transaction()
    def test_roster_unqualified_employee(self):
        "An unqualified employee cannot be rostered on the post"
        pool = Pool()
        Line = pool.get('property.roster.line')
        env = create_hr()
        roster = self._roster(env)
        with self.assertRaisesRegex(ValidationError,
                'cannot work as "Receptionist".*Fire safety'):
            Line.create([{'roster': roster.id, 'date': MONTH,
                        'shift': shift('A').id,
                        'employee': env['employee'].id}])

    @with_transaction()
    def test_roster_overlap(self):
        "Two shifts of one employee that overlap are refused"
        pool = Pool()
        Line = pool.get('property.roster.line')
        env = create_hr()
        self._qualify(env, env['employee'])
        roster = self._roster(env)
        employee = env['employee'].id
        day = MONTH + dt.timedelta(days=3)
        # Morning then evening: back to back, allowed
        Line.create([
                {'roster': roster.id, 'date': day, 'shift': shift('A').id,
                    'employee': employee},
                {'roster': roster.id, 'date': day, 'shift': shift('B').id,
                    'employee': employee},
                ])
        # The night before runs until 07:00: allowed too
        Line.create([{'roster': roster.id, 'date': day - dt.timedelta(1),
                    'shift': shift('C').id, 'employee': employee}])
        with self.assertRaisesRegex(ValidationError, 'overlap'):
            Line.create([{'roster': roster.id, 'date': day,
                        'shift': shift('B').id, 'employee': employee}])

    @with_transaction()
    def test_publish_after_deadline(self):
        "After the 25th only a manager publishes next month's roster"
        pool = Pool()
        Roster = pool.get('property.roster')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        env = create_hr()
        late = self._roster(env, month=MONTH)  # due the 25th of last month
        early = self._roster(env, month=MONTH + relativedelta(months=2))
        supervisor, = User.create([{'name': "Supervisor",
                    'login': 'supervisor',
                    'groups': [('add', [ModelData.get_id(
                                    'property_hr',
                                    'group_property_supervisor')])],
                    'property_sites': [('add', [env['site'].id])]}])
        with Transaction().set_user(supervisor.id):
            with self.assertRaisesRegex(UserError, 'only a manager'):
                Roster.publish([late])
            Roster.publish([early])
        self.assertEqual((late.state, early.state), ('draft', 'published'))
        Roster.publish([late])  # the administrator is a manager
        self.assertEqual(late.state, 'published')

    @with_transaction()
    def test_remind_publication(self):
        "From the 20th the unpublished rosters of next month are reminded"
        pool = Pool()
        Roster = pool.get('property.roster')
        env = create_hr()
        self.assertEqual(Roster.remind_publication(MONTH.replace(day=10)),
            [])
        self.assertEqual(Roster.remind_publication(MONTH.replace(day=21)),
            [env['site']])

    @with_transaction()
    def test_roster_reminder_opened_by_hr(self):
        "HR opens the roster reminder as themselves and finds the rosters"
        env = create_hr()
        hr = create_staff("HR Wu", 'hr', 'property_hr.group_property_hr',
            env['company'], [env['site']])
        self.assertEqual(run_cron('property.roster|remind_publication',
                MONTH.replace(day=21), subscribers=[hr]), [env['site']])
        (text, _), = open_notifications(hr)
        self.assertIn(env['site'].rec_name, text)

    @with_transaction()
    def test_swap_approval(self):
        "An approved swap gives the shift to the replacement"
        pool = Pool()
        Line = pool.get('property.roster.line')
        Swap = pool.get('property.roster.swap')
        env = create_hr()
        other = create_employee(env['company'], "Wu Ting")
        for employee in [env['employee'], other]:
            self._qualify(env, employee)
        roster = self._roster(env)
        line, = Line.create([{'roster': roster.id, 'date': MONTH,
                    'shift': shift('A').id,
                    'employee': env['employee'].id}])
        swap, = Swap.create([{'line': line.id, 'employee': other.id,
                    'reason': "Family matter"}])
        Swap.approve([swap])
        self.assertEqual(Line(line.id).employee, other)

    @with_transaction()
    def test_attendance(self):
        "The roster is compared with the attendance clocked"
        pool = Pool()
        Line = pool.get('property.roster.line')
        Attendance = pool.get('attendance.line')
        env = create_hr()
        self._qualify(env, env['employee'])
        roster = self._roster(env)
        day1, day2 = MONTH, MONTH + dt.timedelta(days=1)
        lines = Line.create([{'roster': roster.id, 'date': d,
                    'shift': shift('A').id,
                    'employee': env['employee'].id} for d in [day1, day2]])
        # Clocked in at 07:20 office time (stored in UTC) for 07:00
        Attendance.create([{'company': env['company'].id,
                    'employee': env['employee'].id, 'type': 'in',
                    'at': office_to_utc(
                        dt.datetime.combine(day1, dt.time(7, 20))),
                    'date': day1}])
        # The second day's shift is planned till 07:00 office time, then
        # absent (07:30 office time is the day before in UTC)
        for time, expected in [
                (dt.time(6, 50), 'planned'), (dt.time(7, 30), 'absent'),
                (dt.time(23, 30), 'absent')]:
            with office_clock(dt.datetime.combine(day2, time)):
                attendance = [l.attendance for l in Line.browse(lines)]
            self.assertEqual(attendance, ['late', expected])

    def _template(self, env, weights):
        Template = Pool().get('property.appraisal.template')
        template, = Template.create([{'name': "Receptionist",
                    'post': env['post'].id,
                    'lines': [('create', [
                                {'name': n, 'weight': w, 'source': s}
                                for n, w, s in weights])]}])
        return template

    @with_transaction()
    def test_appraisal_weights(self):
        "An appraisal whose weights do not sum to 100 % is refused"
        pool = Pool()
        Appraisal = pool.get('property.appraisal')
        env = create_hr()
        with self.assertRaisesRegex(ValidationError, 'sum to 90 %'):
            self._template(env, [("Attitude", 50, 'manual'),
                    ("Exam", 40, 'exam')])
        template = self._template(env, [("Attitude", 60, 'manual'),
                ("Exam", 40, 'exam')])
        with self.assertRaisesRegex(ValidationError, 'sum to 110 %'):
            Appraisal.create([{'employee': env['employee'].id,
                        'site': env['site'].id, 'template': template.id,
                        'month': MONTH,
                        'lines': [('create', [
                                    {'name': "Attitude", 'weight': 70,
                                        'score': 90},
                                    {'name': "Exam", 'weight': 40,
                                        'score': 80}])]}])

    @with_transaction()
    def test_appraisal_scoring_and_ranking(self):
        "Criteria are filled from exams and helpdesk, weighted and ranked"
        pool = Pool()
        Appraisal = pool.get('property.appraisal')
        env = create_hr()
        other = create_employee(env['company'], "Wu Ting")
        template = self._template(env, [("Attitude", 30, 'manual'),
                ("Exam", 40, 'exam'),
                ("On time", 30, 'helpdesk_on_time')])
        assess(env, env['rules'], [(env['employee'], 90), (other, 70)],
            date=MONTH)
        appraisals = Appraisal.create([{'employee': e.id,
                    'site': env['site'].id, 'template': template.id,
                    'month': MONTH} for e in [env['employee'], other]])
        Appraisal.fill(appraisals)
        for appraisal, attitude in zip(appraisals, [100, 100]):
            Appraisal.write([appraisal], {'lines': [('write',
                            [appraisal.lines[0].id],
                            {'score': attitude})]})
        first, second = Appraisal.browse(appraisals)
        self.assertEqual([l.score for l in first.lines],
            [Decimal(100), Decimal(90), None])
        # 30 % × 100 + 40 % × 90 (no tickets: no on-time score)
        self.assertEqual(first.total, Decimal('66.00'))
        self.assertEqual(second.total, Decimal('58.00'))
        self.assertEqual((first.rank, first.star), (1, True))
        self.assertEqual((second.rank, second.star), (2, False))
        Appraisal.review([first])
        self.assertEqual(first.state, 'reviewed')
        # the review is on the record's trail: who, when, from, to
        change = first.state_changes[0]
        self.assertEqual((change.from_state, change.to_state),
            ('draft', 'reviewed'))
        self.assertEqual(change.user.id, Transaction().user)
        self.assertTrue(change.date)

    @with_transaction()
    def test_unqualified_cannot_take_tickets(self):
        "With helpdesk, an unqualified employee cannot be assigned tickets"
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Category = pool.get('property.ticket.category')
        Department = pool.get('property.department')
        env = create_hr()
        department, = Department.create([{'name': "Service",
                    'company': env['company'].id,
                    'employees': [('add', [env['employee'].id])]}])
        category, = Category.create([{'name': "Fees", 'code': 'FEE',
                    'department': department.id}])
        ticket, = Ticket.create([{'company': env['company'].id,
                    'site': env['site'].id, 'kind': 'enquiry',
                    'channel': 'phone', 'category': category.id,
                    'description': "Bill question"}])
        with self.assertRaisesRegex(ValidationError, 'not passed'):
            Ticket.write([ticket], {'assignee': env['employee'].id})
        self._qualify(env, env['employee'])
        Ticket.write([ticket], {'assignee': env['employee'].id})


del ModuleTestCase
