# This file is part of the property-management suite.
"""Mentors of the new employees (seed 004: 新员工由指定的老员工帮带, 坚持
不培训、培训不合格不上岗): an experienced, qualified colleague looks after
the newcomer until the newcomer qualifies for the post"""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, office_today
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval


class Mentorship(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL,
        ModelView):
    __name__ = 'property.mentorship'
    __string__ = "Mentorship"
    _maintained_fields = ('ended_on',)
    _states = {'readonly': Eval('state') != 'mentoring'}
    employee = fields.Many2One('company.employee', "New Employee",
        required=True, ondelete='CASCADE', states=_states)
    mentor = fields.Many2One('company.employee', "Mentor", required=True,
        ondelete='RESTRICT', states=_states,
        help="An experienced colleague, qualified for the post.")
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    start = fields.Date("From", required=True, states=_states)
    ended_on = fields.Date("Ended on", readonly=True,
        help="The day the new employee was found qualified.")
    qualified = fields.Function(fields.Boolean("Qualified"),
        'get_qualified')
    state = fields.Selection([
            ('mentoring', "Mentoring"),
            ('ended', "Ended"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('mentoring', 'ended')}
        cls._buttons.update({
                'end': {
                    'invisible': Eval('state') != 'mentoring',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'mentoring'

    @classmethod
    def default_start(cls):
        return Pool().get('ir.date').today()

    @fields.depends('employee', 'site', '_parent_employee.property_sites')
    def on_change_employee(self):
        if self.employee and not self.site and self.employee.property_sites:
            self.site = self.employee.property_sites[0]

    def get_rec_name(self, name):
        return f'{self.employee.rec_name} ← {self.mentor.rec_name}'

    def get_qualified(self, name):
        return bool(self.employee.qualified)

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if not field_names & {'employee', 'mentor'}:
            return
        for record in records:
            if record.mentor == record.employee:
                raise ValidationError(gettext(
                        'property_hr.msg_mentor_self',
                        employee=record.employee.rec_name))
            if not record.mentor.qualified:
                raise ValidationError(gettext(
                        'property_hr.msg_mentor_not_qualified',
                        mentor=record.mentor.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('ended')
    def end(cls, records):
        "The new employee qualified: the mentoring ends"
        for record in records:
            if not record.employee.qualified:
                raise UserError(gettext(
                        'property_hr.msg_mentorship_not_qualified',
                        employee=record.employee.rec_name,
                        reasons=record.employee.qualification or ''))
        for record in records:
            record.ended_on = office_today(record.employee.company)
        cls.save(records)
