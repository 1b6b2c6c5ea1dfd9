# This file is part of the property-management suite.
"""Developer defects (工程遗留问题, seed 001 工作总结 5、工程遗留问题处理工作):
the defects of a unit found at the handover inspection, reported by its
owner or on patrol are repaired by the builder or the developer (a party,
not our staff); the building manager chases them (督促维修进度), checks the
work (监督施工质量) and calls or visits the owner after the repair (电话回访
或登门回访). The warranty of each building component ends on a date; the
office is reminded a month before (the suite's default: no seed gives the
delay)."""
from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, now)
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

# The warranty reminder comes this long before the end (the suite's default)
WARRANTY_NOTICE = relativedelta(months=1)


class Defect(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    "Developer Defect"
    __name__ = 'property.defect'
    __string__ = "Developer Defect"
    _maintained_fields = ('sent_on', 'repaired_on', 'closed_on')
    _draft = {'readonly': Eval('state') != 'open'}
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_draft)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('building.site', '=', Eval('site', -1))])
    found_on = fields.Date("Found on", required=True, states=_draft)
    source = fields.Selection([
            ('handover', "Handover Inspection"),
            ('owner', "Owner's Report"),
            ('patrol', "Patrol"),
            ], "Found at", required=True, states=_draft)
    description = fields.Text("Defect", required=True, states=_draft)
    warranty = fields.Many2One('property.warranty', "Warranty",
        ondelete='RESTRICT', states=_draft,
        domain=[('site', '=', Eval('site', -1))],
        help="The building component's warranty the repair falls under.")
    party = fields.Many2One('party.party', "Repaired by", required=True,
        ondelete='RESTRICT', states=_draft,
        help="The builder or the developer who repairs it: not our staff.")
    promised_date = fields.Date("Promised Date",
        states={'readonly': Eval('state').in_(['repaired', 'closed'])},
        help="The day the party promised the repair by: the building "
        "manager chases it from then.")
    sent_on = fields.Date("Sent on", readonly=True)
    progress = fields.One2Many('property.defect.progress', 'defect',
        "Progress", states={'readonly': Eval('state') == 'closed'},
        help="Each call to the party or visit to the works, with what was "
        "found.")
    repaired_on = fields.Date("Repaired on", readonly=True)
    quality = fields.Text("Quality Check",
        states={'readonly': Eval('state') == 'closed'},
        help="What the building manager found checking the repair.")
    visit_method = fields.Selection([
            (None, ""),
            ('phone', "Phone"),
            ('door', "Door-to-door"),
            ], "Visit", states={'readonly': Eval('state') == 'closed'})
    visit_result = fields.Text("Owner's Opinion",
        states={'readonly': Eval('state') == 'closed'})
    closed_on = fields.Date("Closed on", readonly=True)
    overdue = fields.Function(fields.Boolean("Overdue",
            help="Sent to the party and not repaired by the promised date."),
        'get_overdue')
    state = fields.Selection([
            ('open', "Open"),
            ('sent', "Sent to the Party"),
            ('repaired', "Repaired"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('found_on', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'sent'), ('sent', 'repaired'),
            ('repaired', 'sent'), ('repaired', 'closed')}
        cls._buttons.update({
                'send': {
                    'invisible': ~Eval('state').in_(['open', 'repaired']),
                    'icon': If(Eval('state') == 'open',
                        'tryton-forward', 'tryton-back'),
                    'depends': ['state'],
                    },
                'repaired': {
                    'invisible': Eval('state') != 'sent',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'repaired',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_source():
        return 'handover'

    @staticmethod
    def default_found_on():
        return Pool().get('ir.date').today()

    @fields.depends('unit', 'site', '_parent_unit.building')
    def on_change_unit(self):
        if self.unit and not self.site:
            self.site = self.unit.building.site

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.found_on}'

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return bool(self.state == 'sent' and self.promised_date
            and self.promised_date < today)

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, defects):
        "Sent to the party with the date it promised, or sent back"
        for defect in defects:
            if not defect.promised_date:
                raise UserError(gettext(
                        'property_helpdesk.msg_defect_promised_date',
                        defect=defect.rec_name))
        cls.write(defects, {
                'sent_on': Pool().get('ir.date').today(),
                'repaired_on': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('repaired')
    def repaired(cls, defects):
        "The repair checked by the building manager"
        for defect in defects:
            if not (defect.quality or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_defect_quality',
                        defect=defect.rec_name))
        cls.write(defects, {'repaired_on': Pool().get('ir.date').today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, defects):
        "Closed after the owner's visit (电话回访或登门回访)"
        for defect in defects:
            if not defect.visit_method or not (
                    defect.visit_result or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_defect_visit',
                        defect=defect.rec_name))
        cls.write(defects, {'closed_on': Pool().get('ir.date').today()})


class DefectProgress(CheckValuesMixin, ModelSQL, ModelView):
    "Developer Defect Progress"
    __name__ = 'property.defect.progress'
    __string__ = "Defect Follow-up"
    defect = fields.Many2One('property.defect', "Defect", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    employee = fields.Many2One('company.employee', "By", required=True,
        ondelete='RESTRICT')
    method = fields.Selection([
            ('phone', "Phone"),
            ('site', "On Site"),
            ], "How", required=True)
    note = fields.Text("What Was Found", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_date():
        return now()

    @staticmethod
    def default_employee():
        return Transaction().context.get('employee')

    @staticmethod
    def default_method():
        return 'phone'


class Warranty(CheckValuesMixin, ModelSQL, ModelView):
    "Warranty"
    __name__ = 'property.warranty'
    __string__ = "Warranty"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    building = fields.Many2One('property.building', "Building",
        ondelete='RESTRICT', domain=[('site', '=', Eval('site', -1))],
        help="Empty for the whole site.")
    component = fields.Char("Component", required=True,
        help="The building component under warranty, e.g. \"roof "
        "waterproofing\".")
    party = fields.Many2One('party.party', "Warrantor", required=True,
        ondelete='RESTRICT',
        help="The builder or developer who repairs it under warranty.")
    start = fields.Date("Start", required=True)
    end = fields.Date("End", required=True)
    remind_on = fields.Function(fields.Date("Reminder on",
            help="A month before the end of the warranty."),
        'get_remind_on')
    reminded_on = fields.Date("Reminded on", readonly=True)
    ending = fields.Function(fields.Boolean("Ending",
            help="The warranty ends within a month."),
        'get_ending', searcher='search_ending')
    defects = fields.One2Many('property.defect', 'warranty', "Defects",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('end', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        if self.building:
            return f'{self.building.rec_name} {self.component}'
        return f'{self.site.rec_name} {self.component}'

    def get_remind_on(self, name):
        if self.end:
            return self.end - WARRANTY_NOTICE

    def get_ending(self, name):
        today = Pool().get('ir.date').today()
        return bool(self.end and today <= self.end <= today + WARRANTY_NOTICE)

    @classmethod
    def search_ending(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        domain = [('end', '>=', today), ('end', '<=', today + WARRANTY_NOTICE)]
        if (operator == '=') != bool(value):
            return ['OR', ('end', '<', today),
                ('end', '>', today + WARRANTY_NOTICE)]
        return domain

    @classmethod
    def validate_fields(cls, warranties, field_names):
        super().validate_fields(warranties, field_names)
        for warranty in warranties:
            if warranty.end < warranty.start:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_warranty_dates',
                        warranty=warranty.rec_name))

    @classmethod
    def remind(cls, today=None):
        """Scheduled action: tell the office of the warranties ending within
        a month, once each"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if today is None:
            today = pool.get('ir.date').today()
        ending = cls.search([
                ('end', '>=', today),
                ('end', '<=', today + WARRANTY_NOTICE),
                ('reminded_on', '=', None),
                ])
        Cron.notify_sites('tryton-info',
            'property_helpdesk.act_warranty_ending',
            'property_helpdesk.msg_warranties_ending', ending)
        cls.write(ending, {'reminded_on': today})
        return ending
