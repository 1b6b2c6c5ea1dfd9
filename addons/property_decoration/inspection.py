# This file is part of the property-management suite.
"""Daily inspections (装修施工巡查日志) and the catalogue of prohibited
practices they look for"""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.modules.property_base.workflow import WorkflowGuardMixin

from .violation import SANCTIONS, SEVERITIES, PenaltyMixin


class ViolationType(PenaltyMixin,
        CheckValuesMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    __name__ = 'property.decoration.violation.type'
    __string__ = "Prohibited Practice"
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    severity = fields.Selection(SEVERITIES, "Default Severity",
        required=True)
    sanction = fields.Selection(SANCTIONS, "Default Sanction",
        required=True, sort=False)
    penalty = fields.Numeric("Default Penalty", digits=(16, 2),
        required=True,
        help="The amount deducted from the deposit at acceptance, unless "
        "changed on the violation.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'property_decoration.msg_violation_type_code_unique'),
            ]

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name'])


class Inspection(site_from('application.unit'), WorkflowGuardMixin,
        StateAuditMixin, CheckValuesMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.decoration.inspection'
    __string__ = "Renovation Inspection"
    _states = {'readonly': Eval('state') != 'draft'}
    application = fields.Many2One('property.decoration.application',
        "Job", required=True, ondelete='CASCADE', states=_states,
        domain=[('state', '=', 'in_progress')])
    date = fields.Date("Date", required=True, states=_states)
    inspector = fields.Many2One('res.user', "Inspector", required=True,
        ondelete='RESTRICT', states=_states)
    workers_present = fields.Integer("Workers Present", states=_states)
    lines = fields.One2Many('property.decoration.inspection.line',
        'inspection', "Findings", states=_states,
        help="One line per prohibited practice found.")
    note = fields.Text("Note", states=_states)
    violations = fields.One2Many('property.decoration.violation',
        'inspection', "Violations", readonly=True)
    result = fields.Function(fields.Selection([
                ('ok', "No Violation"),
                ('violations', "Violations Found"),
                ], "Result"), 'get_result')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.application, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_inspector():
        return Transaction().user

    def get_result(self, name):
        return 'violations' if self.lines else 'ok'

    def get_rec_name(self, name):
        return f'{self.application.rec_name} {self.date}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # before the field's domain, with the job's state named
        if values.get('application'):
            Application = Pool().get('property.decoration.application')
            cls.check_in_progress(Application(values['application']))
        return values

    @classmethod
    def check_in_progress(cls, application):
        if application.state != 'in_progress':
            raise ValidationError(gettext(
                    'property_decoration.msg_inspection_not_in_progress',
                    application=application.rec_name,
                    state=application.state_string))

    @classmethod
    def validate(cls, inspections):
        super().validate(inspections)
        for inspection in inspections:
            if inspection.state != 'draft':
                continue
            application = inspection.application
            cls.check_in_progress(application)
            if inspection.date < application.actual_start:
                raise ValidationError(gettext(
                        'property_decoration.msg_inspection_before_start',
                        application=application.rec_name,
                        date=application.actual_start))

    @classmethod
    def delete(cls, inspections):
        for inspection in inspections:
            if inspection.state != 'draft':
                raise AccessError(gettext(
                        'property_decoration.msg_inspection_delete',
                        inspection=inspection.rec_name))
        super().delete(inspections)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, inspections):
        "Record a violation for each finding"
        Violation = Pool().get('property.decoration.violation')
        violations = []
        for inspection in inspections:
            for line in inspection.lines:
                violations.append(Violation(
                        application=inspection.application,
                        inspection=inspection,
                        type=line.type,
                        date=inspection.date,
                        description=line.description,
                        severity=line.type.severity,
                        sanction=line.sanction or line.type.sanction,
                        penalty=line.type.penalty,
                        ))
        Violation.save(violations)

    @classmethod
    def uninspected(cls, date=None):
        """Scheduled action: the jobs in progress not inspected on the date,
        notified to their building managers"""
        pool = Pool()
        Application = pool.get('property.decoration.application')
        Cron = pool.get('ir.cron')
        jobs = Application.search([
                ('state', '=', 'in_progress'),
                ('inspected_today', '=', False),
                ])
        Cron.notify_sites('tryton-warning',
            'property_decoration.act_application_uninspected',
            'property_decoration.msg_uninspected', jobs,
            variables=lambda jobs: {
                'jobs': ', '.join(j.rec_name for j in jobs[:20])})
        return jobs


class InspectionLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.inspection.line'
    __string__ = "Inspection Finding"
    inspection = fields.Many2One('property.decoration.inspection',
        "Inspection", required=True, ondelete='CASCADE')
    type = fields.Many2One('property.decoration.violation.type',
        "Prohibited Practice", required=True, ondelete='RESTRICT')
    description = fields.Char("What Was Found")
    sanction = fields.Selection([(None, "")] + SANCTIONS, "Sanction",
        sort=False, help="Leave empty for the practice's default.")

    @fields.depends('type', 'sanction')
    def on_change_type(self):
        if self.type and not self.sanction:
            self.sanction = self.type.sanction
