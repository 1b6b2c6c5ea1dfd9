# This file is part of the property-management suite.
"""Incident reports (事故报告单): the customer service supervisor patrols
the common areas and deals with emergencies, writing an incident report
(seed 001, 客服主管工作内容 3: 每日巡视公共区域的情况,警惕闲杂人员进入,
处理紧急事故,填写事故报告单): what, where, who, the actions taken and the
photos taken on site. Filed the same office day, or later with the reason
(the suite's default, the seed says no delay); level 1 by default, its
responsible told when it is filed; printed for the file."""
import json

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, now, office_date, reader_language)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .ticket import LEVELS


class Incident(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    "Incident Report"
    __name__ = 'property.incident'
    __string__ = "Incident Report"
    _maintained_fields = ('filed_at', 'filed_by', 'late')
    _states = {'readonly': Eval('state') != 'draft'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    building = fields.Many2One('property.building', "Building",
        ondelete='RESTRICT', domain=[('site', '=', Eval('site', -1))],
        states=_states)
    location = fields.Char("Where", required=True, states=_states,
        help="The place of the incident, e.g. \"B2 car park, column 17\".")
    occurred_at = fields.DateTime("Occurred at", required=True,
        states=_states)
    title = fields.Char("What", required=True, states=_states)
    description = fields.Text("What Happened", required=True, states=_states)
    persons = fields.Text("Who", states=_states,
        help="The people involved, hurt or witnessing, with how to reach "
        "them.")
    actions = fields.Text("Actions Taken", states=_states,
        help="What was done on site and who was called; required to file.")
    reporter = fields.Many2One('company.employee', "Reported by",
        required=True, ondelete='RESTRICT', states=_states)
    level = fields.Selection(LEVELS, "Information Level", required=True,
        sort=False, states=_states,
        help="An incident is level 1 unless the reporter says otherwise: "
        "the manager is told when it is filed.")
    photos = fields.One2Many('property.incident.photo', 'incident',
        "Photos", states=_states, help="The photos taken on site.")
    late_reason = fields.Text("Reason for Filing Late", states=_states,
        help="Required to file the report after the day of the incident.")
    filed_at = fields.DateTime("Filed at", readonly=True)
    filed_by = fields.Many2One('res.user', "Filed by", readonly=True)
    late = fields.Boolean("Filed Late", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('filed', "Filed"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('occurred_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'filed')}
        cls._buttons.update({
                'file': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_level():
        return '1'

    @staticmethod
    def default_occurred_at():
        return now()

    @staticmethod
    def default_reporter():
        return Transaction().context.get('employee')

    @staticmethod
    def default_late():
        return False

    def get_rec_name(self, name):
        return f'{self.title} {office_date(self.occurred_at, self.site.company)}'

    @classmethod
    def validate_fields(cls, incidents, field_names):
        super().validate_fields(incidents, field_names)
        if field_names and 'occurred_at' not in field_names:
            return
        current = clock()
        for incident in incidents:
            if incident.occurred_at and incident.occurred_at > current:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_incident_future',
                        incident=incident.rec_name))

    def notified_employee(self):
        "Who is told of the filed report: the responsible of its level"
        if self.level == '1':
            return self.site.manager
        if self.level == '2':
            return self.site.supervisor or self.site.manager

    @classmethod
    @ModelView.button
    @Workflow.transition('filed')
    def file(cls, incidents):
        """Filed with the actions taken, the same office day as the
        incident or with the reason it is late"""
        current = clock()
        for incident in incidents:
            if not (incident.actions or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_incident_actions',
                        incident=incident.rec_name))
            company = incident.site.company
            late = (office_date(current, company)
                > office_date(incident.occurred_at, company))
            if late and not (incident.late_reason or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_incident_late',
                        incident=incident.rec_name))
            incident.late = late
        cls.save(incidents)
        cls.write(incidents, {
                'filed_at': current,
                'filed_by': Transaction().user,
                })
        cls.notify(incidents)

    @classmethod
    def notify(cls, incidents):
        "Tell the responsible of each report's level in the client"
        pool = Pool()
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        notifications = []
        for incident in incidents:
            employee = incident.notified_employee()
            if not employee:
                continue
            for user in User.search([('employees', '=', employee.id)]):
                with reader_language(user):
                    text = gettext('property_helpdesk.msg_incident_notice',
                        incident=incident.rec_name, level=incident.level,
                        location=incident.location,
                        description=(incident.description or '')[:120])
                notifications.append(Notification(user=user,
                        label=incident.rec_name, description=text,
                        icon='tryton-warning', model=cls.__name__,
                        records=json.dumps([incident.id])))
        Notification.save(notifications)


class IncidentPhoto(CheckValuesMixin, ModelSQL, ModelView):
    "Incident Photo"
    __name__ = 'property.incident.photo'
    __string__ = "Incident Photo"
    incident = fields.Many2One('property.incident', "Incident Report",
        required=True, ondelete='CASCADE')
    photo = fields.Binary("Photo", filename='photo_name', required=True)
    photo_name = fields.Char("Photo File")
    caption = fields.Char("Caption")
    taken_at = fields.DateTime("Taken at")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('taken_at', 'ASC NULLS LAST'), ('id', 'ASC')]

    @staticmethod
    def default_taken_at():
        return now()

    @classmethod
    def check_modification(cls, mode, photos, values=None, external=False):
        super().check_modification(
            mode, photos, values=values, external=external)
        for photo in photos:
            if photo.incident.state != 'draft':
                raise UserError(gettext(
                        'property_helpdesk.msg_incident_photo_filed',
                        incident=photo.incident.rec_name))


class IncidentReport(HTMLReport):
    "Incident Report"
    __name__ = 'property.incident.report'
