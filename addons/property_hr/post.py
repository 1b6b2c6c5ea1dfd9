# This file is part of the property-management suite.
from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.modules.property_base.common import CheckValuesMixin


# Seed 001 (客服部组织架构): 岗位每半年轮换一次
ROTATION_MONTHS = 6


class Post(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.post'
    __string__ = "Post"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    requirements = fields.One2Many('property.post.requirement', 'post',
        "Required Courses",
        help="不培训、培训不合格不上岗: the courses to pass before working "
        "on the post.")
    employees = fields.One2Many('company.employee', 'property_post',
        "Employees", readonly=True)
    arrive_before = fields.Integer("Arrive Before (min)", required=True,
        help="How many minutes before the shift the staff of the post must be "
             "there; later is late (usually 15 minutes, the front desk 10).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'property_hr.msg_post_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_arrive_before():
        # seed 001, 交接班: 各班人员应提前15分钟到岗
        return 15

    @classmethod
    def validate_fields(cls, posts, field_names):
        super().validate_fields(posts, field_names)
        for post in posts:
            if post.arrive_before is not None and not (
                    0 <= post.arrive_before <= 120):
                raise ValidationError(gettext(
                        'property_hr.msg_post_arrive_before'))


class PostRequirement(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.post.requirement'
    __string__ = "Post Required Course"
    post = fields.Many2One('property.post', "Post", required=True,
        ondelete='CASCADE')
    course = fields.Many2One('property.training.course', "Course",
        required=True, ondelete='RESTRICT')
    validity_months = fields.Integer("Valid for (months)", required=True,
        help="How long a pass counts before the course must be taken "
        "again; 0 for ever.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('post_course_unique', Unique(t, t.post, t.course),
                'property_hr.msg_post_requirement_unique'),
            ]

    @staticmethod
    def default_validity_months():
        return 0

    @classmethod
    def validate_fields(cls, requirements, field_names):
        super().validate_fields(requirements, field_names)
        for requirement in requirements:
            if requirement.validity_months < 0:
                raise ValidationError(gettext(
                        'property_hr.msg_post_requirement_validity'))


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    property_post = fields.Many2One('property.post', "Post",
        ondelete='RESTRICT')
    property_sites = fields.Many2Many(
        'company.employee-property.site', 'employee', 'site', "Sites",
        help="The sites where the employee works.")
    post_since = fields.Date("On the Post Since",
        help="Set when the post changes; the post rotates every half year "
             "(岗位每半年轮换一次).")
    rotation_due = fields.Function(fields.Boolean("Rotation Due",
            help="Six months or more on the same post."),
        'get_rotation_due', searcher='search_rotation_due')
    qualified = fields.Function(fields.Boolean("Qualified",
            help="Has passed, and not let expire, every course the post "
            "requires."), 'get_qualification',
        searcher='search_qualified')
    qualification = fields.Function(fields.Char("Qualification"),
        'get_qualification')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (values.get('property_post') and not values.get('post_since')
                and (mode == 'create' or 'post_since' not in values)):
            values['post_since'] = Pool().get('ir.date').today()
        return values

    def get_rotation_due(self, name):
        today = Pool().get('ir.date').today()
        return bool(self.property_post and self.post_since
            and self.post_since + relativedelta(months=ROTATION_MONTHS)
            <= today)

    @classmethod
    def search_rotation_due(cls, name, clause):
        _, operator, value = clause[:3]
        today = Pool().get('ir.date').today()
        limit = today - relativedelta(months=ROTATION_MONTHS)
        due = [('property_post', '!=', None), ('post_since', '<=', limit)]
        if (operator == '=') == bool(value):
            return due
        return ['OR', ('property_post', '=', None),
            ('post_since', '=', None), ('post_since', '>', limit)]

    @classmethod
    def search_qualified(cls, name, clause):
        "The employees on a post who have passed its courses (or not)"
        _, operator, value = clause[:3]
        # The passes are checked per employee (validity months included):
        # the staff on a post of the office are read once
        with_post = cls.search([('property_post', '!=', None)])
        ids = [e.id for e in with_post if not e.qualification_problems()]
        if (operator == '=') == bool(value):
            return [('id', 'in', ids)]
        return [('id', 'not in', ids)]

    def qualification_problems(self, post=None, date=None):
        """Return the (course, expired_on) the employee lacks for the post
        on the date; expired_on is None for a course never passed"""
        pool = Pool()
        Line = pool.get('property.assessment.line')
        if post is None:
            post = self.property_post
        if date is None:
            date = pool.get('ir.date').today()
        if not post or not post.requirements:
            return []
        passes = Line.search([
                ('employee', '=', self.id),
                ('passed', '=', True),
                ('assessment.state', '=', 'done'),
                ('assessment.date', '<=', date),
                ('assessment.course', 'in',
                    [r.course.id for r in post.requirements]),
                ], order=[('assessment.date', 'DESC')])
        problems = []
        for requirement in post.requirements:
            dates = [l.assessment.date for l in passes
                if l.assessment.course == requirement.course]
            if not dates:
                problems.append((requirement.course, None))
            elif requirement.validity_months:
                expiry = dates[0] + relativedelta(
                    months=requirement.validity_months)
                if expiry < date:
                    problems.append((requirement.course, expiry))
        return problems

    def check_qualified(self, post=None, date=None):
        problems = self.qualification_problems(post, date)
        if problems:
            post = post or self.property_post
            raise ValidationError(gettext(
                    'property_hr.msg_employee_not_qualified',
                    employee=self.rec_name, post=post.rec_name,
                    reasons=self.format_problems(problems)))

    @staticmethod
    def format_problems(problems):
        return '; '.join(
            gettext('property_hr.msg_course_expired',
                course=course.rec_name, date=expiry)
            if expiry else
            gettext('property_hr.msg_course_not_passed',
                course=course.rec_name)
            for course, expiry in problems)

    @classmethod
    def get_qualification(cls, employees, names):
        result = {n: {} for n in names}
        for employee in employees:
            problems = employee.qualification_problems()
            if 'qualified' in names:
                result['qualified'][employee.id] = (
                    bool(employee.property_post) and not problems)
            if 'qualification' in names:
                result['qualification'][employee.id] = (
                    cls.format_problems(problems) if problems else None)
        return result


class EmployeeSite(CheckValuesMixin, ModelSQL):
    __name__ = 'company.employee-property.site'
    __string__ = "Employee - Site"
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')
