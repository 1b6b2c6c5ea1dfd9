# This file is part of the property-management suite.
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_employee
from trytond.modules.property_base.tests.tools import (
    SuiteModuleTestMixin, create_company, create_staff, office_clock,
    office_to_utc, office_today, open_board, open_notifications,
    open_relates,
    pdf_fonts, pdf_text,
    run_cron, set_chinese, suite_extras, with_transaction)
from trytond.modules.property_hr.ir import _EMPLOYEES_RULE_MODELS
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
    extras = suite_extras('property_hr')

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
    def test_own_scores_rule_context(self):
        """Staff read their own assessment scores only: the record rules
        of HR's own models know the user's employees, the rules of other
        models are evaluated without them"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        Line = pool.get('property.assessment.line')
        env = create_hr()
        wu = create_employee(env['company'], "Wu Ting")
        assess(env, env['rules'], [(env['employee'], 90), (wu, 80)])
        chen = create_staff("Chen Jing", 'chen.hr',
            'property_base.group_property_front_desk', env['company'],
            sites=[env['site']], employee=env['employee'])
        with Transaction().set_user(chen.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual([l.employee for l in Line.search([])],
                [env['employee']])
            self.assertEqual(list(
                    Rule._get_context('property.assessment.line')[
                        'employees']), [env['employee'].id])
            self.assertNotIn('employees', Rule._get_context('property.leave'))
        # (Tryton's attendance module gives them to its own models)
        rules = Rule.search([('domain', 'like', '%employees%'),
                ('rule_group.model', 'like', 'property.%')])
        self.assertEqual({r.rule_group.model for r in rules},
            _EMPLOYEES_RULE_MODELS)

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
    def test_appraisal_sources_named_in_chinese(self):
        "The sources of a criterion's score read in the user's language"
        pool = Pool()
        Line = pool.get('property.appraisal.template.line')
        # the selection the client asks for (a method of the model)
        method = Line.fields_get(['source'])['source']['selection']
        english = dict(getattr(Line, method)())
        self.assertEqual(english['helpdesk_repeats'],
            "Repeats Against the First Receiver")
        self.assertEqual(english['exam'], "Exam Score")
        set_chinese(('property_base', 'property_hr'))
        with Transaction().set_context(language='zh_CN'):
            chinese = dict(getattr(Line, method)())
        self.assertEqual(set(chinese), set(english))
        self.assertEqual(chinese['helpdesk_satisfaction'], "回访满意度")
        self.assertEqual(chinese['helpdesk_repeats'], "重复报修（首问责任人）")
        self.assertEqual(chinese['manual'], "人工评分")

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
    def test_repeats_counted_against_first_receiver_001(self):
        """同一问题业主二次以上报修投诉, 第一接报人责任 (seed 001 交接班程序):
        the appraisal counts a repeat report of the month against the first
        receiver of the first report, not against who took the repeat; the
        month is the office's (a repeat at 00:10 on 1 December is
        December's)"""
        from trytond.modules.property_helpdesk.tests.test_module import (
            create_helpdesk, create_ticket)
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Post = pool.get('property.post')
        Template = pool.get('property.appraisal.template')
        Appraisal = pool.get('property.appraisal')
        env = create_helpdesk()
        post, = Post.create([{'name': "Receptionist", 'code': 'REC'}])
        template, = Template.create([{'name': "Front desk", 'post': post.id,
                    'lines': [('create', [{'name': "Repeats",
                                    'weight': 100,
                                    'source': 'helpdesk_repeats'}])]}])
        clerk, supervisor = env['clerk'], env['supervisor']
        for day, hour, minute, receiver in [
                (dt.date(2026, 11, 2), 9, 0, clerk),
                (dt.date(2026, 11, 10), 10, 0, supervisor),
                (dt.date(2026, 11, 30), 23, 50, supervisor),
                (dt.date(2026, 12, 1), 0, 10, supervisor)]:
            ticket = create_ticket(env, first_receiver=receiver.id,
                received_at=office_to_utc(dt.datetime.combine(
                        day, dt.time(hour, minute))))
            Ticket.open([ticket])
        repeats = Ticket.search([('is_repeat', '=', True)])
        self.assertEqual(len(repeats), 3)
        self.assertEqual({t.repeat_responsible for t in repeats}, {clerk})

        def score(employee, month):
            appraisal, = Appraisal.create([{'employee': employee.id,
                        'site': env['site'].id, 'month': month,
                        'template': template.id}])
            Appraisal.fill([appraisal])
            return appraisal.lines[0].score
        November, December = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
        # two repeats in November against the clerk, one in December
        self.assertEqual(score(clerk, November), Decimal(80))
        self.assertEqual(score(clerk, December), Decimal(90))
        # who took the repeats is not charged with them
        self.assertEqual(score(supervisor, November), Decimal(100))
        # no report taken, no repeat charged: nothing to score
        self.assertIsNone(score(env['manager'], November))

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

    # Leave and absence (请销假), minimum staffing, arrival rules

    def _staff(self, env):
        """Chen Jing under the supervisor Li Xiumei (a login), Wu Ting a
        colleague; a supervisor who is not hers (Zhao)"""
        pool = Pool()
        Employee = pool.get('company.employee')
        li = create_employee(env['company'], "Li Xiumei")
        zhao = create_employee(env['company'], "Zhao Lei")
        wu = create_employee(env['company'], "Wu Ting")
        Employee.write([env['employee'], wu], {'supervisor': li.id,
                'property_post': env['post'].id,
                'property_sites': [('add', [env['site'].id])]})
        for employee in [env['employee'], wu]:
            self._qualify(env, employee)
        group = 'property_hr.group_property_supervisor'
        li_user = create_staff("Li Xiumei", 'li', group, env['company'],
            [env['site']], employee=li)
        zhao_user = create_staff("Zhao Lei", 'zhao', group, env['company'],
            [env['site']], employee=zhao)
        return dict(env, wu=Employee(wu.id), li=li_user, zhao=zhao_user)

    def _leave(self, env, start, end, employee=None, request=True):
        Leave = Pool().get('property.leave')
        leave, = Leave.create([{
                    'employee': (employee or env['employee']).id,
                    'site': env['site'].id, 'kind': 'personal',
                    'start': start, 'end': end, 'reason': "Family matter"}])
        if request:
            Leave.request([leave])
        return leave

    def _as(self, user):
        return Transaction().set_user(user.id)

    def _lines(self, roster, employee, days, code):
        Line = Pool().get('property.roster.line')
        return Line.create([{'roster': roster.id, 'date': d,
                    'shift': shift(code).id, 'employee': employee.id}
                for d in days])

    @with_transaction()
    def test_leave_approved_by_superior_001(self):
        """请销假: a leave is approved by the employee's superior, anyone
        else is refused and nothing changes; approved, its shifts are off
        the roster and counted as leave, not absence"""
        pool = Pool()
        Leave = pool.get('property.leave')
        Line = pool.get('property.roster.line')
        env = self._staff(create_hr())
        roster = self._roster(env)
        days = [MONTH + dt.timedelta(days=i) for i in range(4)]
        lines = self._lines(roster, env['employee'], days, 'A')
        leave = self._leave(env, days[1], days[2])
        self.assertEqual((leave.days, leave.superior.rec_name),
            (2, "Li Xiumei"))
        with self._as(env['zhao']):
            with self.assertRaisesRegex(UserError,
                    'Only the superior of the employee, "Li Xiumei"'):
                Leave.approve([leave])
            with self.assertRaisesRegex(UserError, 'Only the superior'):
                Leave.refuse([leave])
        leave = Leave(leave.id)
        self.assertEqual(leave.state, 'requested')
        self.assertEqual([l.leave for l in Line.browse(lines)],
            [None] * 4)
        with self._as(env['li']):
            Leave.approve([leave])
        leave = Leave(leave.id)
        self.assertEqual((leave.state, leave.approved_by), ('approved',
                env['li']))
        self.assertEqual([l.leave for l in Line.browse(lines)],
            [None, leave, leave, None])
        self.assertEqual(sorted(l.date for l in leave.roster_lines),
            days[1:3])
        with office_clock(dt.datetime.combine(days[3], dt.time(20))):
            self.assertEqual([l.attendance for l in Line.browse(lines)],
                ['absent', 'leave', 'leave', 'absent'])
        # nor can the employee be rostered again on those days
        with self.assertRaisesRegex(ValidationError, 'approved leave'):
            self._lines(roster, env['employee'], [days[2]], 'B')
        # the approval is on the trail
        self.assertEqual([(c.from_state, c.to_state)
                for c in reversed(leave.state_changes)],
            [(None, 'draft'), ('draft', 'requested'),
                ('requested', 'approved')])

    @with_transaction()
    def test_leave_no_superior_001(self):
        "An employee without a superior recorded cannot have leave approved"
        pool = Pool()
        Leave = pool.get('property.leave')
        env = self._staff(create_hr())
        loner = create_employee(env['company'], "Sun Li")
        leave = self._leave(env, MONTH, MONTH, employee=loner)
        with self._as(env['li']):
            with self.assertRaisesRegex(UserError, 'no superior'):
                Leave.approve([leave])
        self.assertEqual(Leave(leave.id).state, 'requested')

    @with_transaction()
    def test_leave_overlap_refused_001(self):
        """请销假: a leave overlapping another approved leave of the
        employee is refused and stays requested"""
        pool = Pool()
        Leave = pool.get('property.leave')
        env = self._staff(create_hr())
        first = self._leave(env, MONTH, MONTH + dt.timedelta(days=4))
        second = self._leave(env, MONTH + dt.timedelta(days=4),
            MONTH + dt.timedelta(days=6))
        with self._as(env['li']):
            Leave.approve([first])
            with self.assertRaisesRegex(UserError,
                    'overlaps the approved leave'):
                Leave.approve([second])
        self.assertEqual(Leave(second.id).state, 'requested')
        # a leave whose end is before its start is refused too
        with self.assertRaisesRegex(ValidationError, 'cannot end before'):
            self._leave(env, MONTH + dt.timedelta(days=9), MONTH,
                request=False)

    @with_transaction()
    def test_leave_returned_002(self):
        """销假: back early, the shifts from the day back are the
        employee's again; the leave no longer blocks those days"""
        pool = Pool()
        Leave = pool.get('property.leave')
        Line = pool.get('property.roster.line')
        env = self._staff(create_hr())
        roster = self._roster(env)
        days = [MONTH + dt.timedelta(days=i) for i in range(5)]
        lines = self._lines(roster, env['employee'], days, 'A')
        leave = self._leave(env, days[0], days[4])
        with self._as(env['li']):
            Leave.approve([leave])
        # Reported back on the third day, late in the evening office time
        with office_clock(dt.datetime.combine(days[2], dt.time(23, 30))):
            Leave.resume([leave])
        leave = Leave(leave.id)
        self.assertEqual((leave.state, leave.returned_on),
            ('returned', days[2]))
        self.assertEqual([bool(l.leave) for l in Line.browse(lines)],
            [True, True, False, False, False])
        # an approved leave from the day back does not overlap
        later = self._leave(env, days[2], days[3])
        with self._as(env['li']):
            Leave.approve([later])
        self.assertEqual([bool(l.leave) for l in Line.browse(lines)],
            [True, True, True, True, False])
        # the day back must be within the leave
        other = self._leave(env, days[4] + dt.timedelta(days=3),
            days[4] + dt.timedelta(days=4))
        with self._as(env['li']):
            Leave.approve([other])
        with self.assertRaisesRegex(ValidationError, 'must fall between'):
            Leave.write([other], {'returned_on': days[0]})

    def _service_roster(self, env, month, staffing=True):
        "The front desk's day: someone on the phone 08:00-20:00"
        pool = Pool()
        Staffing = pool.get('property.staffing')
        if staffing:
            Staffing.create([{'site': env['site'].id,
                        'post': env['post'].id,
                        'start': dt.time(8), 'end': dt.time(20),
                        'minimum': 1, 'description': "Phone"}])
        return self._roster(env, month=month)

    @with_transaction()
    def test_front_desk_never_unstaffed_001(self):
        """服务台内严禁空岗: a roster leaving the front desk without
        anyone on duty is refused, the gap named (day, time, post); a
        supervisor cannot publish it, a manager can with a reason"""
        pool = Pool()
        Roster = pool.get('property.roster')
        env = self._staff(create_hr())
        month = MONTH + relativedelta(months=2)
        roster = self._service_roster(env, month)
        days = [month + dt.timedelta(days=i)
            for i in range((month + relativedelta(months=1) - month).days)]
        # the early shift every day, the late shift but on the 3rd: lunch
        # and the evening of the 3rd are uncovered
        self._lines(roster, env['employee'], days, 'CS1')
        self._lines(roster, env['wu'], [d for d in days if d.day != 3],
            'CS2')
        self.assertEqual(roster.staffing_gaps(), [
                (days[2], dt.datetime.combine(days[2], dt.time(12)),
                    dt.datetime.combine(days[2], dt.time(13)), 0, 1),
                (days[2], dt.datetime.combine(days[2], dt.time(17)),
                    dt.datetime.combine(days[2], dt.time(20)), 0, 1),
                ])
        gap = f'{days[2]} 12:00–13:00 "Receptionist": 0 on duty, 1 needed'
        with self._as(env['li']):
            with self.assertRaises(UserError) as cm:
                Roster.publish([roster])
            self.assertIn(gap, cm.exception.message)
            self.assertIn('17:00–20:00', cm.exception.message)
            Roster.write([roster], {'gap_reason': "Two staff on sick leave"})
            with self.assertRaisesRegex(UserError, 'Only a manager'):
                Roster.publish([roster])
        self.assertEqual(Roster(roster.id).state, 'draft')
        Roster.publish([roster])  # the administrator is a manager
        roster = Roster(roster.id)
        self.assertEqual(roster.state, 'published')
        self.assertIn(gap, roster.gaps_accepted)
        self.assertEqual(roster.gap_reason, "Two staff on sick leave")

    @with_transaction()
    def test_move_in_day_signing_desk_001(self):
        """On a move-in day the signing desk needs at least three (seed
        001): a day's own minimum applies on that day only"""
        pool = Pool()
        Staffing = pool.get('property.staffing')
        env = self._staff(create_hr())
        month = MONTH + relativedelta(months=2)
        roster = self._service_roster(env, month, staffing=False)
        move_in = month + dt.timedelta(days=9)
        Staffing.create([{'site': env['site'].id, 'post': env['post'].id,
                    'start': dt.time(8), 'end': dt.time(12),
                    'minimum': 3, 'date': move_in,
                    'description': "Signing desk"}])
        self._lines(roster, env['employee'], [move_in, move_in + dt.timedelta(1)], 'CS1')
        self._lines(roster, env['wu'], [move_in], 'A')
        self.assertEqual(roster.staffing_gaps(), [
                (move_in, dt.datetime.combine(move_in, dt.time(8)),
                    dt.datetime.combine(move_in, dt.time(12)), 2, 3)])

    @with_transaction()
    def test_leave_and_swap_keep_desk_staffed_001(self):
        """服务台内严禁空岗, 有人接替方可离开: approving a leave or a swap
        that leaves a published roster unstaffed is refused; with a
        replacement it goes"""
        pool = Pool()
        Roster = pool.get('property.roster')
        Leave = pool.get('property.leave')
        Swap = pool.get('property.roster.swap')
        Line = pool.get('property.roster.line')
        env = self._staff(create_hr())
        month = MONTH + relativedelta(months=2)
        roster = self._service_roster(env, month)
        days = [month + dt.timedelta(days=i)
            for i in range((month + relativedelta(months=1) - month).days)]
        early = self._lines(roster, env['employee'], days, 'CS1')
        self._lines(roster, env['wu'], days, 'CS2')
        Roster.publish([roster])
        leave = self._leave(env, days[5], days[5])
        with self._as(env['li']):
            with self.assertRaises(UserError) as cm:
                Leave.approve([leave])
        self.assertIn(f'{days[5]} 08:00–12:00 "Receptionist"',
            cm.exception.message)
        self.assertEqual(Leave(leave.id).state, 'requested')
        self.assertIsNone(Line(early[5].id).leave)
        # A third receptionist, Sun, takes Wu's late shift of the 6th, so
        # Wu's leave that day goes; then Wu cannot take Chen's shift then
        sun = create_employee(env['company'], "Sun Fang")
        self._qualify(env, sun)
        late_6, = Line.search([('employee', '=', env['wu'].id),
                ('date', '=', days[6])])
        swap, = Swap.create([{'line': late_6.id, 'employee': sun.id}])
        Swap.approve([swap])
        wu_leave = self._leave(env, days[6], days[6], employee=env['wu'])
        with self._as(env['li']):
            Leave.approve([wu_leave])
        swap, = Swap.create([{'line': early[6].id,
                    'employee': env['wu'].id}])
        with self.assertRaisesRegex(UserError,
                '"Wu Ting" cannot take the shift .* approved leave'):
            Swap.approve([swap])
        self.assertEqual(Line(early[6].id).employee, env['employee'])
        self.assertEqual(Swap(swap.id).state, 'requested')
        # Sun covers Chen's shift of the 5th: her leave then goes
        swap, = Swap.create([{'line': early[5].id, 'employee': sun.id}])
        Swap.approve([swap])
        self.assertEqual(Line(early[5].id).employee, sun)
        with self._as(env['li']):
            Leave.approve([leave])
        self.assertEqual(Leave(leave.id).state, 'approved')

    @with_transaction()
    def test_arrival_before_shift_001(self):
        """Staff arrive 15 minutes before their shift (交接班), the front
        desk 10 (前台): later is late, per post"""
        pool = Pool()
        Post = pool.get('property.post')
        Line = pool.get('property.roster.line')
        Attendance = pool.get('attendance.line')
        env = create_hr()
        self.assertEqual(env['post'].arrive_before, 15)
        self._qualify(env, env['employee'])
        roster = self._roster(env)
        days = [MONTH + dt.timedelta(days=i) for i in range(3)]
        lines = self._lines(roster, env['employee'], days, 'CS1')
        for day, time in zip(days, [
                dt.time(7, 45), dt.time(7, 48), dt.time(7, 51)]):
            Attendance.create([{'company': env['company'].id,
                        'employee': env['employee'].id, 'type': 'in',
                        'at': office_to_utc(dt.datetime.combine(day, time)),
                        'date': day}])
        self.assertEqual([l.attendance for l in Line.browse(lines)],
            ['present', 'late', 'late'])
        Post.write([env['post']], {'arrive_before': 10})
        self.assertEqual([l.attendance for l in Line.browse(lines)],
            ['present', 'present', 'late'])
        with self.assertRaisesRegex(ValidationError, 'between 0 and 120'):
            Post.write([env['post']], {'arrive_before': -5})

    @with_transaction()
    def test_service_shifts_001(self):
        """The customer service shifts of seed 001 are shipped: 早班
        8:00-17:00 with lunch 12:00-13:00 (8 hours), 晚班 12:00-20:00"""
        pool = Pool()
        Shift = pool.get('property.shift')
        early, late = shift('CS1'), shift('CS2')
        self.assertEqual((early.start, early.end, early.break_start,
                early.break_end), (dt.time(8), dt.time(17), dt.time(12),
                dt.time(13)))
        self.assertEqual((late.start, late.end), (dt.time(12), dt.time(20)))
        self.assertEqual((early.hours, late.hours, shift('C').hours),
            (Decimal(8), Decimal(8), Decimal(8)))
        with self.assertRaisesRegex(ValidationError, 'within the shift'):
            Shift.create([{'name': "Bad", 'code': 'X', 'start': dt.time(8),
                        'end': dt.time(12), 'break_start': dt.time(12),
                        'break_end': dt.time(13)}])

    # The monthly attendance report (seed 002 1.1.3)

    @with_transaction()
    def test_attendance_reported_by_25th_002(self):
        """考勤 by the 25th (seed 002 1.1.3): per employee of the site and
        month, shifts rostered, on time, late, absent, on leave, the days
        on leave and the overtime; due the 25th of the month after"""
        pool = Pool()
        Report = pool.get('property.attendance.report')
        Leave = pool.get('property.leave')
        Attendance = pool.get('attendance.line')
        env = self._staff(create_hr())
        month = dt.date(2026, 11, 1)
        roster = self._roster(env, month=month)
        days = [month + dt.timedelta(days=i) for i in range(5)]
        # Chen: early shifts 1-5 Nov; Wu: night shifts the 29th and 30th
        self._lines(roster, env['employee'], days, 'CS1')
        self._lines(roster, env['wu'], [dt.date(2026, 11, 29),
                dt.date(2026, 11, 30)], 'C')
        leave = self._leave(env, days[3], days[4])
        with self._as(env['li']):
            Leave.approve([leave])
        # a leave of Wu across the month's start: two days of November
        wu_leave = self._leave(env, dt.date(2026, 10, 30),
            dt.date(2026, 11, 2), employee=env['wu'])
        with self._as(env['li']):
            Leave.approve([wu_leave])

        def clock_in(employee, when, type_='in'):
            Attendance.create([{'company': env['company'].id,
                        'employee': employee.id, 'type': type_,
                        'at': office_to_utc(when), 'date': when.date()}])
        at = dt.datetime.combine
        # 1st: on time (07:45, due 07:45), out at 18:30: 1.5 h overtime
        clock_in(env['employee'], at(days[0], dt.time(7, 45)))
        clock_in(env['employee'], at(days[0], dt.time(18, 30)), 'out')
        # 2nd: late (07:50); 3rd: absent; 4th-5th: on leave
        clock_in(env['employee'], at(days[1], dt.time(7, 50)))
        clock_in(env['employee'], at(days[1], dt.time(17)), 'out')
        # Sunday the 8th, no shift: came in 09:00-11:15, 2.25 h overtime
        sunday = dt.date(2026, 11, 8)
        clock_in(env['employee'], at(sunday, dt.time(9)))
        clock_in(env['employee'], at(sunday, dt.time(11, 15)), 'out')
        # Wu's night of the 30th: in 22:40, out 07:30 on 1 December
        clock_in(env['wu'], at(dt.date(2026, 11, 30), dt.time(22, 40)))
        clock_in(env['wu'], at(dt.date(2026, 12, 1), dt.time(7, 30)), 'out')
        report, = Report.create([{'site': env['site'].id, 'month': month}])
        self.assertEqual(report.due_date, dt.date(2026, 12, 25))
        with office_clock(dt.datetime(2026, 12, 25, 23, 50)):
            Report.compute([report])
            self.assertFalse(Report(report.id).overdue)
        report = Report(report.id)
        figures = {l.employee.rec_name: (l.rostered, l.present, l.late,
                l.absent, l.leave_shifts, l.leave_days, l.overtime)
            for l in report.lines}
        self.assertEqual(figures, {
                "Chen Jing": (5, 1, 1, 1, 2, 2, Decimal('3.75')),
                "Wu Ting": (2, 1, 0, 1, 0, 2, Decimal('0.50')),
                })
        with office_clock(dt.datetime(2026, 12, 26, 0, 10)):
            self.assertTrue(Report(report.id).overdue)
            hr = create_staff("HR Wu", 'hr', 'property_hr.group_property_hr',
                env['company'], [env['site']])
            with self._as(hr):
                Report.report([report])
        report = Report(report.id)
        self.assertEqual((report.state, report.reported_by, report.overdue),
            ('reported', hr, True))

    @with_transaction()
    def test_attendance_report_pdf(self):
        """The attendance report prints as a PDF in Chinese with each
        employee's figures, a CJK font embedded"""
        pool = Pool()
        Report = pool.get('property.attendance.report')
        Print = pool.get('property.attendance.report.print', type='report')
        env = self._staff(create_hr())
        month = dt.date(2026, 11, 1)
        roster = self._roster(env, month=month)
        self._lines(roster, env['employee'], [month], 'CS1')
        report, = Report.create([{'site': env['site'].id, 'month': month}])
        with office_clock(dt.datetime(2026, 12, 20, 9)):
            Report.compute([report])
        set_chinese(('property_base', 'property_hr'))
        with Transaction().set_context(company=env['company'].id):
            oext, content, _, name = Print.execute([report.id], {})
        self.assertEqual(oext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        text = pdf_text(content)
        for expected in ['月度考勤表', 'Garden Court', '2026-11', '应排班次',
                '迟到', '旷工', '请假天数', '加班(小时)', '2026-12-25',
                '于次月25日前报行政人事部']:
            self.assertIn(expected, text)
        # Chen Jing's line: 1 rostered, none on time or late, 1 absent
        row, = [l for l in text.splitlines() if 'Chen Jing' in l]
        self.assertEqual(row.split()[2:], ['1', '0', '0', '1', '0', '0',
                '0.00'])
        self.assertTrue(any('CJK' in f['name'] and f['emb']
                for f in pdf_fonts(content)), pdf_fonts(content))

    # Daily quality checks and the rewards and penalties register

    @with_transaction()
    def test_unapproved_reward_not_counted_001(self):
        """日检查, 奖惩: a supervisor's daily check finds Chen out of
        uniform; the penalty counts in her appraisal only once the manager
        approved it, and the appraisal is not reviewed while it waits"""
        pool = Pool()
        Check = pool.get('property.quality.check')
        RewardPenalty = pool.get('property.reward_penalty')
        Appraisal = pool.get('property.appraisal')
        env = self._staff(create_hr())
        day = MONTH + dt.timedelta(days=2)
        li = env['li']
        with self._as(li), Transaction().set_context(
                company=env['company'].id):
            check, = Check.create([{'site': env['site'].id, 'date': day,
                        'lines': [('create', [
                                    {'employee': env['employee'].id,
                                        'item': 'uniform',
                                        'result': 'finding',
                                        'finding': "未佩戴工牌"},
                                    {'employee': env['wu'].id,
                                        'item': 'attitude'}])]}])
            Check.done([check])
        check = Check(check.id)
        self.assertEqual((check.checker, check.findings, check.state),
            (li.employee, 1, 'done'))
        finding = check.lines[0]
        penalty = RewardPenalty(check_line=finding, date=day, points=5,
            amount=Decimal(50))
        penalty.on_change_check_line()
        self.assertEqual((penalty.employee, penalty.site,
                penalty.description),
            (env['employee'], env['site'], "未佩戴工牌"))
        penalty.save()
        reward, = RewardPenalty.create([{'employee': env['employee'].id,
                    'site': env['site'].id, 'date': day, 'kind': 'reward',
                    'description': "业主表扬信", 'points': 3}])
        template = self._template(env, [("Attitude", 50, 'manual'),
                ("Rewards and penalties", 50, 'rewards')])
        appraisal, = Appraisal.create([{'employee': env['employee'].id,
                    'site': env['site'].id, 'template': template.id,
                    'month': MONTH}])
        Appraisal.fill([appraisal])
        # nothing approved yet: the base of the criterion, 90
        self.assertEqual([l.score for l in Appraisal(appraisal.id).lines],
            [None, Decimal(90)])
        with self.assertRaisesRegex(UserError,
                'await the manager\'s approval: .*未佩戴工牌'):
            Appraisal.review([appraisal])
        self.assertEqual(Appraisal(appraisal.id).state, 'draft')
        RewardPenalty.approve([penalty])
        RewardPenalty.cancel([reward])
        self.assertEqual(RewardPenalty(penalty.id).approved_by.id,
            Transaction().user)
        Appraisal.fill([appraisal])
        # 90 - 5 (the cancelled reward does not count)
        self.assertEqual([l.score for l in Appraisal(appraisal.id).lines],
            [None, Decimal(85)])
        Appraisal.review([appraisal])
        self.assertEqual(Appraisal(appraisal.id).state, 'reviewed')
        with self.assertRaisesRegex(ValidationError, 'cannot be negative'):
            RewardPenalty.create([{'employee': env['employee'].id,
                        'site': env['site'].id, 'date': day,
                        'kind': 'penalty', 'description': "迟到",
                        'points': -2}])

    # Mentors of new employees (seed 004)

    @with_transaction()
    def test_new_employee_mentor_004(self):
        """新员工由指定的老员工帮带: a qualified colleague mentors the
        newcomer until the newcomer qualifies; an unqualified mentor or
        oneself is refused"""
        pool = Pool()
        Mentorship = pool.get('property.mentorship')
        env = create_hr()
        veteran = create_employee(env['company'], "Wu Ting")
        newcomer = env['employee']
        with self.assertRaisesRegex(ValidationError, 'not qualified'):
            Mentorship.create([{'employee': newcomer.id,
                        'mentor': veteran.id, 'site': env['site'].id,
                        'start': MONTH}])
        veteran.property_post = env['post']
        veteran.save()
        self._qualify(env, veteran)
        with self.assertRaisesRegex(ValidationError, 'their own mentor'):
            Mentorship.create([{'employee': veteran.id,
                        'mentor': veteran.id, 'site': env['site'].id,
                        'start': MONTH}])
        mentorship, = Mentorship.create([{'employee': newcomer.id,
                    'mentor': veteran.id, 'site': env['site'].id,
                    'start': MONTH}])
        self.assertFalse(mentorship.qualified)
        with self.assertRaisesRegex(UserError, 'is not qualified yet'):
            Mentorship.end([mentorship])
        self.assertEqual(Mentorship(mentorship.id).state, 'mentoring')
        self._qualify(env, newcomer)
        with office_clock(dt.datetime.combine(TODAY, dt.time(23, 50))):
            Mentorship.end([mentorship])
        mentorship = Mentorship(mentorship.id)
        self.assertEqual((mentorship.state, mentorship.ended_on,
                mentorship.qualified), ('ended', TODAY, True))

    @with_transaction()
    def test_post_rotation_every_half_year_001(self):
        """岗位每半年轮换一次 (seed 001): six months on a post, the
        employee is listed as due to rotate; a new post starts again"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Post = pool.get('property.post')
        env = create_hr()
        start = dt.date(2026, 6, 30)
        with office_clock(dt.datetime.combine(start, dt.time(23, 30))):
            employee = create_employee(env['company'], "Wu Ting")
            Employee.write([employee], {'property_post': env['post'].id})
        self.assertEqual(Employee(employee.id).post_since, start)
        for day, due in [(dt.date(2026, 12, 29), False),
                (dt.date(2026, 12, 30), True),
                (dt.date(2027, 1, 1), True)]:
            with office_clock(dt.datetime.combine(day, dt.time(0, 5))):
                self.assertEqual(Employee(employee.id).rotation_due, due)
                self.assertEqual(employee in Employee.search(
                        [('rotation_due', '=', True)]), due)
                self.assertEqual(employee in Employee.search(
                        [('rotation_due', '=', False)]), not due)
        other, = Post.create([{'name': "Archivist", 'code': 'ARC'}])
        with office_clock(dt.datetime(2027, 1, 4, 9)):
            Employee.write([employee], {'property_post': other.id})
            employee = Employee(employee.id)
            self.assertEqual((employee.post_since, employee.rotation_due),
                (dt.date(2027, 1, 4), False))


    @with_transaction()
    def test_training_rhythm_per_department_004(self):
        """客户服务部、维修班、环境维护部每周组织1-2次业务培训, 公共秩序部每周
        组织3-5次 (seed 004): shipped as the rhythms; the weeks of a month
        short of the minimum are listed per site and department, a week
        running over the month end counted whole in the month it starts"""
        pool = Pool()
        Rhythm = pool.get('property.training.rhythm')
        Session = pool.get('property.training.session')
        Shortfall = pool.get('property.training.shortfall')
        Site = pool.get('property.site')
        self.assertEqual(sorted((r.department, r.min_per_week,
                    r.max_per_week) for r in Rhythm.search([])), [
                ('customer_service', 1, 2), ('environment', 1, 2),
                ('public_order', 3, 5), ('repair', 1, 2)])
        env = create_hr()
        other, = Site.create([{'name': "Lake View", 'code': 'LV',
                    'company': env['company'].id}])

        def session(day, department, site=env['site']):
            return {'course': env['rules'].id, 'site': site.id,
                'date': day, 'department': department}
        June = dt.date
        Session.create([
                # week of Monday 1 June: public order trained 3 times
                session(June(2026, 6, 1), 'public_order'),
                session(June(2026, 6, 3), 'public_order'),
                session(June(2026, 6, 7), 'public_order'),
                # week of 8 June: twice, one short; the repair team once
                session(June(2026, 6, 8), 'public_order'),
                session(June(2026, 6, 14), 'public_order'),
                session(June(2026, 6, 9), 'repair'),
                # a session of no department counts for none
                session(June(2026, 6, 10), None),
                # week of Monday 29 June runs to Sunday 5 July
                session(June(2026, 7, 2), 'customer_service'),
                # Sunday 31 May is the week before
                session(June(2026, 5, 31), 'environment'),
                ])
        with Transaction().set_context(month=June(2026, 6, 17)):
            rows = Shortfall.search([('site', '=', env['site'].id)])
            self.assertEqual(sorted({(r.week, r.week_end) for r in rows}), [
                    (June(2026, 6, d), June(2026, 6, d) + dt.timedelta(6))
                    for d in [1, 8, 15, 22, 29]])
            held = {(r.week.day, r.department): (r.sessions, r.short)
                for r in rows}
            self.assertEqual(len(held), 5 * 4)
            self.assertEqual(held[1, 'public_order'], (3, False))
            self.assertEqual(held[8, 'public_order'], (2, True))
            self.assertEqual(held[8, 'repair'], (1, False))
            self.assertEqual(held[8, 'customer_service'], (0, True))
            self.assertEqual(held[29, 'customer_service'], (1, False))
            self.assertEqual(held[1, 'environment'], (0, True))
            short = Shortfall.search([('short', '=', True)])
            # 5 weeks, 4 departments, 2 sites; 3 weeks trained enough
            self.assertEqual(len(short), 5 * 4 * 2 - 3)
            self.assertTrue(all(r.short for r in Shortfall.search(
                        [('site', '=', other.id)])))
            row, = Shortfall.browse([rows[0].id])
            self.assertEqual(row.site, rows[0].site)
        with Transaction().set_context(month=June(2026, 7, 1)):
            rows = Shortfall.search([('site', '=', env['site'].id),
                    ('department', '=', 'customer_service')])
            # July's first week starts on Monday 6 July: the session of
            # 2 July was June's
            self.assertEqual([(r.week, r.sessions) for r in rows],
                [(June(2026, 7, d), 0) for d in [6, 13, 20, 27]])
        with self.assertRaises(ValidationError):
            Rhythm.write(Rhythm.search(
                    [('department', '=', 'repair')]), {'min_per_week': 3})

    @with_transaction()
    def test_skill_contest_every_half_year_004(self):
        """半年组织各部门岗位练兵、技术比武 (seed 004): the departments of a
        site with no skill contest this half year are listed as due; the
        half year turns at midnight of 1 July in the office"""
        pool = Pool()
        Course = pool.get('property.training.course')
        Session = pool.get('property.training.session')
        ContestDue = pool.get('property.training.contest_due')
        env = create_hr()
        contest, = Course.create([{'name': "Guard contest",
                    'code': 'CT-GUARD', 'kind': 'contest'}])
        Session.create([
                {'course': contest.id, 'site': env['site'].id,
                    'date': dt.date(2026, 3, 10),
                    'department': 'public_order'},
                # a contest of no department, an in-service session:
                # no department's contest
                {'course': contest.id, 'site': env['site'].id,
                    'date': dt.date(2026, 7, 1)},
                {'course': env['rules'].id, 'site': env['site'].id,
                    'date': dt.date(2026, 7, 1), 'department': 'repair'},
                ])

        def due():
            return {r.department: (r.half_from, r.half_to, r.last_contest)
                for r in ContestDue.search(
                    [('site', '=', env['site'].id)])}
        with office_clock(dt.datetime(2026, 6, 30, 23, 59)):
            self.assertEqual(due(), {d: (dt.date(2026, 1, 1),
                        dt.date(2026, 6, 30), None) for d in [
                        'customer_service', 'repair', 'environment']})
        with office_clock(dt.datetime(2026, 7, 1, 0, 1)):
            self.assertEqual(due()['public_order'], (dt.date(2026, 7, 1),
                    dt.date(2026, 12, 31), dt.date(2026, 3, 10)))
            self.assertEqual(len(due()), 4)
            Session.create([{'course': contest.id,
                        'site': env['site'].id, 'date': dt.date(2026, 7, 1),
                        'department': 'public_order'}])
            self.assertNotIn('public_order', due())
            self.assertEqual(len(due()), 3)
        with office_clock(dt.datetime(2026, 12, 31, 23, 59)):
            self.assertEqual(due().keys(),
                {'customer_service', 'repair', 'environment'})
        with office_clock(dt.datetime(2027, 1, 1, 0, 1)):
            self.assertEqual(due()['public_order'][2], dt.date(2026, 7, 1))
            # the list opened for a day of another half year
            with Transaction().set_context(date=dt.date(2026, 4, 30)):
                self.assertEqual(due().keys(),
                    {'customer_service', 'repair', 'environment'})
                self.assertEqual(due()['repair'][:2],
                    (dt.date(2026, 1, 1), dt.date(2026, 6, 30)))

    @with_transaction()
    def test_roster_calendar(self):
        """The roster's shifts open in a calendar at their hours on the
        office's clock: a night shift ends the next morning; the
        calendar's search finds a shift exactly when its times match, at
        the edges of each shift and of the office's days; the building
        manager sees their site's rosters only"""
        pool = Pool()
        Line = pool.get('property.roster.line')
        env = create_hr()
        self._qualify(env, env['employee'])
        roster = self._roster(env)
        employee = env['employee'].id
        day = MONTH + dt.timedelta(days=3)
        morning, evening, night = Line.create([
                {'roster': roster.id, 'date': day, 'shift': shift('A').id,
                    'employee': employee},
                {'roster': roster.id, 'date': day, 'shift': shift('B').id,
                    'employee': employee},
                {'roster': roster.id, 'date': day - dt.timedelta(1),
                    'shift': shift('C').id, 'employee': employee},
                ])

        def at(date, hour, minute=0):
            return office_to_utc(dt.datetime.combine(
                    date, dt.time(hour, minute)))
        next_day = day + dt.timedelta(1)
        self.assertEqual((morning.start, morning.end), (at(day, 7), at(day, 15)))
        self.assertEqual((night.start, night.end),
            (at(day - dt.timedelta(1), 23), at(day, 7)))
        self.assertEqual(morning.roster_state, 'draft')
        # each edge: the shifts' times, a minute around, the office's
        # midnights (16:00 UTC the day before)
        edges = [at(day, 0), at(day, 6, 59), at(day, 7), at(day, 7, 1),
            at(day, 15), at(day, 23), at(day - dt.timedelta(1), 23),
            at(day - dt.timedelta(1), 23, 1), at(next_day, 0)]
        lines = [morning, evening, night]
        compare = {
            '<': lambda a, b: a < b, '<=': lambda a, b: a <= b,
            '>': lambda a, b: a > b, '>=': lambda a, b: a >= b,
            '=': lambda a, b: a == b, '!=': lambda a, b: a != b}
        for name in ['start', 'end']:
            for operator, test in compare.items():
                for value in edges:
                    with self.subTest(name=name, operator=operator,
                            value=value):
                        self.assertEqual(
                            sorted(Line.search([
                                        ('roster', '=', roster.id),
                                        (name, operator, value)])),
                            sorted(l for l in lines
                                if test(getattr(l, name), value)))
        self.assertEqual(Line.search([('roster', '=', roster.id),
                    ('start', '=', None)]), [])
        self.assertEqual(len(Line.search([('roster', '=', roster.id),
                        ('end', '!=', None)])), 3)
        building = create_staff("Building Manager", 'building',
            'property_base.group_property_building_manager', env['company'],
            sites=[env['site']])
        stranger = create_staff("Stranger", 'stranger',
            'property_base.group_property_building_manager', env['company'])
        # the calendar's week as the web client asks for it
        first, last = at(day, 0), at(next_day, 0)
        week = ['OR',
            [('start', '>=', first), ('start', '<', last)],
            [('end', '>=', first), ('end', '<', last)],
            [('start', '<', first), ('end', '>', last)],
            ]
        transaction = Transaction()
        with transaction.set_user(building.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            self.assertEqual(sorted(Line.search(week)), sorted(lines))
            self.assertEqual(sorted(open_relates('property.roster', [roster])[
                        'property_hr.act_roster_line_roster_relate']),
                sorted(lines))
        with transaction.set_user(stranger.id), \
                transaction.set_context(_check_access=True,
                    company=env['company'].id):
            self.assertEqual(Line.search(week), [])


    @with_transaction()
    def test_hr_board_training_gaps_shifts_and_requests(self):
        """HR's board opens at login with the training sessions of the
        next three weeks, the staff on a post lacking one of its courses,
        the shifts of the next seven office days and the swaps and leave
        to decide"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Session = pool.get('property.training.session')
        Swap = pool.get('property.roster.swap')
        ActWindow = pool.get('ir.action.act_window')
        env = self._staff(create_hr())
        newcomer = create_employee(env['company'], "Zhang Min")
        Employee.write([newcomer], {'property_post': env['post'].id})
        hr = create_staff("HR", 'hr.board', 'property_hr.group_property_hr',
            env['company'], [env['site']])
        self.assertEqual([a.id for a in hr.actions],
            [ActWindow.get('property_hr.act_hr_board')['id']])
        day = MONTH + dt.timedelta(days=8)
        past, first, last, later = Session.create([{
                    'course': env['rules'].id, 'site': env['site'].id,
                    'date': day + dt.timedelta(days=d)}
                for d in [-1, 0, 20, 21]])
        roster = self._roster(env)
        before, today, sixth, seventh = self._lines(roster, env['employee'],
            [day + dt.timedelta(days=d) for d in [-1, 0, 6, 7]], 'A')
        swap, = Swap.create([{'line': sixth.id, 'employee': env['wu'].id,
                    'reason': "Family matter"}])
        leave = self._leave(env, day + dt.timedelta(days=2),
            day + dt.timedelta(days=3), employee=env['wu'])
        self._leave(env, day, day, request=False)  # a draft
        with office_clock(dt.datetime.combine(day, dt.time(0, 1))):
            board = open_board('property_hr.act_hr_board', hr)
        self.assertEqual(board['property_hr.act_training_session_coming'],
            [first, last])
        self.assertEqual(board['property_hr.act_qualification_gap'],
            [newcomer])
        self.assertEqual(board['property_hr.act_roster_line_week'],
            [today, sixth])
        self.assertEqual(board['property_hr.act_roster_swap_requested'],
            [swap])
        self.assertEqual(board['property_hr.act_leave_requested'], [leave])
        # a minute earlier the office day before
        with office_clock(dt.datetime.combine(day, dt.time(0, 0))
                - dt.timedelta(minutes=1)):
            board = open_board('property_hr.act_hr_board', hr)
        self.assertEqual(board['property_hr.act_training_session_coming'],
            [past, first])
        self.assertEqual(board['property_hr.act_roster_line_week'],
            [before, today])

    @with_transaction()
    def test_appraisal_collection_rate_source(self):
        """With property_billing: the "Collection rate" source scores the
        collector's appraisal with his collection rate of the month (seed
        001: 工资与收费率直接挂钩); nothing billed to his debtors, no score.
        (The rate itself is computed and tested by property_billing.)"""
        from unittest.mock import patch
        pool = Pool()
        Appraisal = pool.get('property.appraisal')
        Rate = pool.get('property.collection.rate.collector')
        env = create_hr()
        template = self._template(env, [("Collection", 100,
                    'collection_rate')])
        appraisal, = Appraisal.create([{'employee': env['employee'].id,
                    'site': env['site'].id, 'template': template.id,
                    'month': MONTH}])
        Appraisal.fill([appraisal])
        self.assertIsNone(appraisal.lines[0].score)
        with patch.object(Rate, 'rates', return_value={
                    env['employee'].id: 87.5}) as rates:
            Appraisal.fill([appraisal])
        rates.assert_called_once_with([env['employee']], MONTH)
        self.assertEqual(appraisal.lines[0].score, Decimal('87.5'))
        self.assertEqual(appraisal.total, Decimal('87.50'))


del ModuleTestCase
