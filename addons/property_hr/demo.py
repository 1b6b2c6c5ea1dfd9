# This file is part of the property-management suite.
"""Demo part of property_hr: posts, onboarding courses, a training plan,
exam results with a fail and a retake, next month's roster and this
month's appraisals. Called by scripts/demo.py."""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

# The onboarding content of seed 004 (岗前培训)
COURSES = [
    ('ON-RULES', "公司规章制度", 'onboarding', 60),
    ('ON-BOOK', "员工手册", 'onboarding', 60),
    ('ON-ETIQ', "服务礼仪", 'onboarding', 60),
    ('ON-ORG', "组织架构", 'onboarding', 60),
    ('ON-ETH', "职业道德", 'onboarding', 60),
    ('ON-FIRE', "消防安全", 'onboarding', 80),
    ('ON-BASIC', "物业管理基础知识", 'onboarding', 60),
    ('IS-COMPL', "投诉处理技巧", 'in_service', 60),
    ('IS-ELEC', "电工安全操作规程", 'in_service', 80),
    ]
ALL_ONBOARDING = ['ON-RULES', 'ON-BOOK', 'ON-ETIQ', 'ON-ORG', 'ON-ETH',
    'ON-FIRE', 'ON-BASIC']
POSTS = [
    # code, name, extra required courses, employees (by name)
    ('CSM', "客服经理", ['IS-COMPL'], ["孙建国", "刘海燕"]),
    ('SUP', "客服主管", ['IS-COMPL'], ["李秀梅"]),
    ('REC', "前台接待", ['IS-COMPL'], ["周敏", "吴婷", "陈静"]),
    ('BLD', "楼管员", [], ["郑强"]),
    ('ARC', "档案管理员", [], ["何丽"]),
    ('TEC', "维修技工", ['IS-ELEC'], ["赵德明", "钱永刚", "孙立军", "李国庆"]),
    ('SEC', "秩序维护员", [], ["郑大伟", "王志刚"]),
    ('CLN', "保洁员", [], ["周桂兰", "吴秀珍"]),
    ]


def build(pool, company, rng, log):
    Post = pool.get('property.post')
    if Post.search([], limit=1):
        log("HR demo already loaded")
        return
    Course = pool.get('property.training.course')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    Site = pool.get('property.site')
    today = pool.get('ir.date').today()
    month = today.replace(day=1)
    sites = Site.search([('company', '=', company.id)])
    courses = {c.code: c for c in Course.create([{
                    'code': code, 'name': name, 'kind': kind,
                    'pass_mark': mark, 'hours': Decimal(2)}
                for code, name, kind, mark in COURSES])}
    if not Employee.search([('party.name', '=', "陈静")]):
        party, = Party.create([{'name': "陈静"}])
        Employee.create([{'party': party.id, 'company': company.id,
                    'start_date': month}])
    staff = {}
    for code, name, extra, people in POSTS:
        post, = Post.create([{'code': code, 'name': name,
                    'requirements': [('create', [
                                {'course': courses[c].id,
                                    'validity_months': 12
                                    if c in {'ON-FIRE', 'IS-ELEC'} else 0}
                                for c in ALL_ONBOARDING + extra])]}])
        employees = Employee.search([('party.name', 'in', people),
                ('company', '=', company.id)])
        for employee in employees:
            site = sites[1] if employee.party.name in {"刘海燕", "吴婷"} \
                else sites[0]
            Employee.write([employee], {'property_post': post.id,
                    'property_sites': [('add', [site.id])]})
        staff[code] = (post, employees)
    _users(pool, company, sites)
    _training(pool, company, rng, sites[0], courses, staff, month, today)
    log("HR: 8 posts, 9 courses, onboarding exams with a fail and a retake")
    _roster(pool, sites, staff, month)
    _appraisals(pool, sites, staff, month)
    log("HR: next month's rosters and this month's appraisals")


def _users(pool, company, sites):
    "The HR clerk of Garden Court (hr.gc): training, exams, rosters"
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    ModelData = pool.get('ir.model.data')
    party, = Party.create([{'name': "冯淑珍"}])
    employee, = Employee.create([{'party': party.id, 'company': company.id,
                'start_date': dt.date(2020, 3, 1)}])
    User.create([{'name': party.name, 'login': 'hr.gc',
                'password': 'demo-hr-gc',
                'groups': [('add', [ModelData.get_id('property_hr',
                                'group_property_hr')])],
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'property_sites': [('add', [s.id for s in sites
                            if s.code == 'GC'])],
                }])


def _training(pool, company, rng, site, courses, staff, month, today):
    Plan = pool.get('property.training.plan')
    Session = pool.get('property.training.session')
    Assessment = pool.get('property.assessment')
    Employee = pool.get('company.employee')
    everybody = [e for _, employees in staff.values() for e in employees]
    newcomer, = Employee.search([('party.name', '=', "陈静")])
    veterans = [e for e in everybody if e != newcomer]
    trainer = staff['SUP'][1][0] if staff['SUP'][1] else None
    earlier = month - relativedelta(months=2)
    # The staff passed their courses a while ago
    for code, course in courses.items():
        concerned = [e for e in veterans
            if any(r.course == course for r in e.property_post.requirements)]
        if not concerned:
            continue
        assessment, = Assessment.create([{'course': course.id,
                    'site': site.id, 'date': earlier + dt.timedelta(days=3),
                    'pass_mark': course.pass_mark,
                    'lines': [('create', [{'employee': e.id,
                                    'score': Decimal(rng.randint(
                                            course.pass_mark + 2, 99))}
                                for e in concerned])]}])
        Assessment.confirm([assessment])
    # This month's onboarding plan for the newcomer
    plan, = Plan.create([{'name': "本月岗前培训计划", 'site': site.id,
                'department': "客服部", 'month': month}])
    Plan.approve([plan])
    for i, code in enumerate(ALL_ONBOARDING + ['IS-COMPL']):
        course = courses[code]
        date = min(month + dt.timedelta(days=i), today)
        session, = Session.create([{'plan': plan.id, 'course': course.id,
                    'site': site.id, 'date': date,
                    'trainer': trainer.id if trainer else None,
                    'location': "管理处会议室",
                    'lines': [('create', [{'employee': newcomer.id}])]}])
        # Fire safety is failed at the first sitting (72 < 80), then passed
        score = 72 if code == 'ON-FIRE' else rng.randint(70, 95)
        assessment, = Assessment.create([{'course': course.id,
                    'session': session.id, 'site': site.id, 'date': date,
                    'pass_mark': course.pass_mark,
                    'lines': [('create', [{'employee': newcomer.id,
                                    'score': Decimal(score)}])]}])
        Assessment.confirm([assessment])
    retake, = Assessment.create([{'course': courses['ON-FIRE'].id,
                'site': site.id, 'date': today, 'kind': 'session',
                'pass_mark': 80,
                'lines': [('create', [{'employee': newcomer.id,
                                'score': Decimal(86),
                                'note': "补考"}])]}])
    Assessment.confirm([retake])


def _roster(pool, sites, staff, month):
    Roster = pool.get('property.roster')
    Shift = pool.get('property.shift')
    next_month = month + relativedelta(months=1)
    shifts = Shift.search([], order=[('code', 'ASC')])
    days = (next_month + relativedelta(months=1) - next_month).days
    for site in sites:
        for code in ['REC', 'SEC']:
            post, employees = staff[code]
            people = [e for e in employees if site in e.property_sites]
            if not people:
                continue
            lines = []
            for day in range(days):
                date = next_month + dt.timedelta(days=day)
                # Rotating three shifts, each person a day off in turn
                for i, employee in enumerate(people):
                    shift = shifts[(day + i) % len(shifts)]
                    if (day + i) % 7 == 6:
                        continue
                    lines.append({'date': date, 'shift': shift.id,
                            'employee': employee.id})
            roster, = Roster.create([{'site': site.id, 'post': post.id,
                        'month': next_month,
                        'lines': [('create', lines)]}])
            Roster.publish([roster])


def _appraisals(pool, sites, staff, month):
    Template = pool.get('property.appraisal.template')
    Appraisal = pool.get('property.appraisal')
    sources = dict(Appraisal.get_sources())
    helpdesk = 'helpdesk_on_time' in sources
    post, employees = staff['REC']
    criteria = [("服务态度", 25, 'manual'), ("仪容仪表", 15, 'manual'),
        ("劳动纪律", 15, 'manual'), ("月度考试", 15, 'exam')]
    if helpdesk:
        criteria += [("报修及时率", 15, 'helpdesk_on_time'),
            ("回访满意度", 15, 'helpdesk_satisfaction')]
    else:
        criteria += [("工作质量", 30, 'manual')]
    template, = Template.create([{'name': "前台接待月度考核",
                'post': post.id,
                'lines': [('create', [{'sequence': i, 'name': n,
                                'weight': Decimal(w), 'source': s}
                            for i, (n, w, s) in enumerate(criteria)])]}])
    appraisals = Appraisal.create([{'employee': e.id,
                'site': e.property_sites[0].id, 'month': month,
                'template': template.id} for e in employees])
    Appraisal.fill(appraisals)
    for appraisal, base in zip(appraisals, [92, 88, 85]):
        for line in appraisal.lines:
            if line.source == 'manual' or line.score is None:
                line.score = Decimal(base)
        appraisal.lines = appraisal.lines
    Appraisal.save(appraisals)
    Appraisal.review(appraisals[:2])
