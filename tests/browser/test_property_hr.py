"""Browser end-to-end test of property_hr: a receptionist who lacks the
fire-safety course is not qualified for her post; the exam she passes is
recorded and confirmed in the sao forms by HR, which qualifies her. The scores
are then checked in the database."""
import time
from decimal import Decimal

from .harness import (OFFICE_TODAY, SETUP_COMPANY, STAFF, SUITE_MODULES,
    Browser, BrowserTestCase, TrytonServer, setup_staff)

HR = STAFF['hr'][0]

EMPLOYEE = 'E2E Receptionist Chen'
SITE = 'E2E Staff Garden'

# The post, its courses and the employee, who has passed one of the two
# courses, created with proteus before the browser session (they are not
# the subject of this flow).
SETUP_HR = SETUP_COMPANY + OFFICE_TODAY + f"""
import datetime as dt
from decimal import Decimal
Site = Model.get('property.site')
site = Site(name={SITE!r}, code='SG')
site.save()
Course = Model.get('property.training.course')
rules = Course(name='Company rules', code='ON-RULES')
rules.save()
fire = Course(name='Fire safety', code='ON-FIRE', pass_mark=80)
fire.save()
Post = Model.get('property.post')
post = Post(name='Receptionist', code='REC')
post.requirements.new(course=rules)
post.requirements.new(course=fire)
post.save()

Party = Model.get('party.party')
party = Party(name={EMPLOYEE!r})
party.save()
Employee = Model.get('company.employee')
employee = Employee(party=party, property_post=post)
employee.property_sites.append(Site(site.id))
employee.save()

Assessment = Model.get('property.assessment')
exam = Assessment(course=rules, site=site,
    date=office_today - dt.timedelta(days=7))
exam.lines.new(employee=employee, score=Decimal(75))
exam.click('confirm')
assert exam.state == 'done' and exam.lines[0].passed
employee.reload()
assert not employee.qualified, employee.qualification
""" + setup_staff('hr', sites=['SG']) + f"""
result = {{'employee': employee.id, 'site': site.id, 'fire': fire.id,
    'rules': rules.id}}
"""

CHECK_HR = """
Employee = Model.get('company.employee')
Assessment = Model.get('property.assessment')
employee = Employee(%(employee)d)
result = {
    'qualified': bool(employee.qualified),
    'qualification': employee.qualification,
    'assessments': [{
            'course': a.course.id, 'site': a.site.id, 'state': a.state,
            'created_by': a.create_uid.login,
            'confirmed_by': a.write_uid.login,
            'pass_mark': a.pass_mark, 'max_score': a.max_score,
            'lines': [{
                    'employee': l.employee.id, 'score': str(l.score),
                    # (SQLite gives 1 for True)
                    'passed': bool(l.passed), 'attempt': l.attempt,
                    } for l in a.lines],
            } for a in Assessment.find([('course', '=', %(fire)d)])],
    }
"""


class PropertyHrBrowserTestCase(BrowserTestCase):
    "An exam passed in sao qualifies an employee for her post"

    def test_exam_qualifies(self):
        timings = {}
        start = time.monotonic()
        with TrytonServer(SUITE_MODULES, name='property_hr') as server:
            timings['server'] = time.monotonic() - start
            fixtures = server.query(SETUP_HR)
            with Browser() as browser:
                t = time.monotonic()
                sao = browser.open(server, 'property_hr')
                # HR records the exam
                sao.login_as(HR)

                try:
                    # The receptionist lacks fire safety
                    sao.open_menu('Property', 'Staff', 'Employees')
                    sao.open_record(EMPLOYEE)
                    self.assertEqual(sao.value('property_post'),
                        'Receptionist')
                    self.assertFalse(sao.field('qualified').is_checked())
                    qualification = sao.value('qualification')
                    self.assertIn('Fire safety', qualification)
                    self.assertNotIn('Company rules', qualification)
                    sao.close_tab()

                    # Her fire-safety exam
                    sao.open_menu('Property', 'Staff', 'Assessments')
                    sao.new()
                    sao.fill_many2one('course', 'Fire safety')
                    # the pass mark comes from the course
                    sao.wait_value('pass_mark', 80)
                    sao.fill_many2one('site', SITE)
                    rows = sao.add_row('lines', {
                            'employee': EMPLOYEE,
                            'score': 86,
                            })
                    self.assertEqual(rows, 1)
                    self.assertEqual(sao.row_value('lines', 'employee'),
                        fixtures['employee'])
                    self.assertEqual(
                        float(sao.row_value('lines', 'score')), 86)
                    sao.screenshot('assessment-filled')
                    sao.save()
                    sao.click_button('confirm', state='done')

                    # She is now qualified
                    sao.open_menu('Property', 'Staff', 'Employees')
                    sao.open_record(EMPLOYEE)
                    self.assertTrue(sao.field('qualified').is_checked())
                    self.assertEqual(sao.value('qualification'), '')
                    sao.screenshot('employee-qualified')
                    self.assertEqual(sao.errors, [], "JavaScript errors")
                except BaseException:
                    sao.screenshot('failure')
                    raise
                timings['browser'] = time.monotonic() - t

            result = server.query(CHECK_HR % fixtures)
        self.assertTrue(result['qualified'])
        self.assertIsNone(result['qualification'])
        self.assertEqual(len(result['assessments']), 1, result)
        assessment, = result['assessments']
        self.assertEqual(assessment['state'], 'done')
        self.assertEqual(assessment['created_by'], HR)
        self.assertEqual(assessment['confirmed_by'], HR)
        self.assertEqual(assessment['site'], fixtures['site'])
        self.assertEqual(assessment['pass_mark'], 80)
        self.assertEqual(assessment['max_score'], 100)
        line, = assessment['lines']
        self.assertEqual(Decimal(line.pop('score')), Decimal(86))
        self.assertEqual(line, {
                'employee': fixtures['employee'], 'passed': True,
                'attempt': 1,
                })
        timings['total'] = time.monotonic() - start
        print(' [' + ', '.join(
                f'{k} {v:.1f}s' for k, v in timings.items()) + '] ',
            end='', flush=True)
