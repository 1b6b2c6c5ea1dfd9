# This file is part of the property-management suite.
"""Daily inspections (装修施工巡查日志), the catalogue of prohibited practices,
violations and rectification notices (违章整改通知单)"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.modules.property_base.printing import HTMLReport
from trytond.transaction import Transaction, without_check_access
from trytond.modules.property_base.workflow import WorkflowGuardMixin

SEVERITIES = [
    ('minor', "Minor"),
    ('major', "Major"),
    ('serious', "Serious"),
    ]
# The seed's ladder of sanctions, mildest first
SANCTIONS = [
    ('education', "Education and Persuasion"),
    ('stop_work', "Stop Work"),
    ('restore', "Restore to Original"),
    ('confiscate', "Confiscate Tools"),
    ('cut_utilities', "Cut Water and Electricity"),
    ('compensation', "Compensation"),
    ('penalty', "Penalty"),
    ]
# Sanctions the site manager must approve (须报管理处经理批准)
APPROVAL_SANCTIONS = {'cut_utilities', 'compensation'}


class ViolationType(
        CheckValuesMixin, DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "Prohibited Practice"
    __name__ = 'property.decoration.violation.type'
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

    @staticmethod
    def default_severity():
        return 'minor'

    @staticmethod
    def default_sanction():
        return 'education'

    @staticmethod
    def default_penalty():
        return Decimal(0)

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name'])

    @classmethod
    def validate_fields(cls, types, field_names):
        super().validate_fields(types, field_names)
        for type_ in types:
            if type_.penalty < 0:
                raise ValidationError(gettext(
                        'property_decoration.msg_penalty_negative',
                        name=type_.rec_name))


class Inspection(WorkflowGuardMixin, CheckValuesMixin, Workflow, ModelSQL,
        ModelView):
    "Renovation Inspection"
    __name__ = 'property.decoration.inspection'
    _states = {'readonly': Eval('state') != 'draft'}
    application = fields.Many2One('property.decoration.application',
        "Job", required=True, ondelete='CASCADE', states=_states,
        domain=[('state', '=', 'in_progress')])
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'get_site', searcher='search_site')
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

    def get_site(self, name):
        return self.application.unit.site.id

    @classmethod
    def search_site(cls, name, clause):
        return [('application.unit.site' + clause[0][len(name):],
                *clause[1:])]

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
    "Inspection Finding"
    __name__ = 'property.decoration.inspection.line'
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


class Violation(WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    "Renovation Violation"
    __name__ = 'property.decoration.violation'
    _maintained_fields = ('inspection', 'approved_by', 'rectified_date')
    _states = {'readonly': Eval('state') != 'open'}
    application = fields.Many2One('property.decoration.application',
        "Job", required=True, ondelete='RESTRICT', states=_states,
        domain=[('state', 'in', ['in_progress', 'completed'])])
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'get_site', searcher='search_site')
    inspection = fields.Many2One('property.decoration.inspection',
        "Inspection", readonly=True, ondelete='RESTRICT')
    type = fields.Many2One('property.decoration.violation.type',
        "Prohibited Practice", required=True, ondelete='RESTRICT',
        states=_states)
    date = fields.Date("Date", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    severity = fields.Selection(SEVERITIES, "Severity", required=True,
        states=_states)
    sanction = fields.Selection(SANCTIONS, "Sanction", required=True,
        sort=False, states=_states)
    sanction_string = sanction.translated('sanction')
    needs_approval = fields.Function(fields.Boolean("Needs Approval"),
        'on_change_with_needs_approval')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': ~Eval('needs_approval')})
    penalty = fields.Numeric("Deduction", digits=(16, 2), required=True,
        states=_states,
        help="Deducted from the deposit at acceptance once approved.")
    notices = fields.One2Many('property.decoration.notice', 'violation',
        "Notices", readonly=True)
    rectified_date = fields.Date("Rectified on", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('rectified', "Rectified"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.application, Index.Equality()), (t.state, Index.Equality())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'rectified'),
            ('open', 'cancelled'),
            ('cancelled', 'open'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': (~Eval('needs_approval')
                        | Bool(Eval('approved_by'))
                        | (Eval('state') != 'open')),
                    'icon': 'tryton-ok',
                    'depends': ['needs_approval', 'approved_by', 'state'],
                    },
                'notify': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-print',
                    'depends': ['state'],
                    },
                'rectify': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_severity():
        return 'minor'

    @staticmethod
    def default_sanction():
        return 'education'

    @staticmethod
    def default_penalty():
        return Decimal(0)

    @fields.depends('type')
    def on_change_type(self):
        if self.type:
            self.severity = self.type.severity
            self.sanction = self.type.sanction
            self.penalty = self.type.penalty

    @fields.depends('sanction')
    def on_change_with_needs_approval(self, name=None):
        return self.sanction in APPROVAL_SANCTIONS

    def get_site(self, name):
        return self.application.unit.site.id

    @classmethod
    def search_site(cls, name, clause):
        return [('application.unit.site' + clause[0][len(name):],
                *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.type.code} {self.application.rec_name} {self.date}'

    @classmethod
    def validate_fields(cls, violations, field_names):
        super().validate_fields(violations, field_names)
        for violation in violations:
            if violation.penalty < 0:
                raise ValidationError(gettext(
                        'property_decoration.msg_penalty_negative',
                        name=violation.rec_name))

    @classmethod
    def write(cls, *args):
        # a change of sanction needs a new approval
        actions = iter(args)
        args = []
        for violations, values in zip(actions, actions):
            if 'sanction' in values and 'approved_by' not in values:
                values = dict(values, approved_by=None)
            args.extend((violations, values))
        super().write(*args)

    @classmethod
    def copy(cls, violations, default=None):
        default = dict(default or {})
        for name in ['notices', 'approved_by', 'rectified_date',
                'inspection']:
            default.setdefault(name, None)
        return super().copy(violations, default=default)

    @classmethod
    @ModelView.button
    def approve(cls, violations):
        "The site manager approves cutting utilities or compensation"
        cls.write([v for v in violations if v.needs_approval], {
                'approved_by': Transaction().user or None,
                })

    def check_approved(self):
        if self.needs_approval and not self.approved_by:
            raise ValidationError(gettext(
                    'property_decoration.msg_sanction_approval',
                    violation=self.rec_name,
                    sanction=self.sanction_string))

    @classmethod
    @ModelView.button
    def notify(cls, violations):
        "Issue a rectification notice (违章整改通知单) with a deadline"
        cls.issue_notices(violations)

    @classmethod
    def issue_notices(cls, violations):
        "Return the rectification notices issued for the open violations"
        pool = Pool()
        Notice = pool.get('property.decoration.notice')
        Configuration = pool.get('property.decoration.configuration')
        Date = pool.get('ir.date')
        today = Date.today()
        notices = []
        for violation in violations:
            if violation.state != 'open':
                continue
            violation.check_approved()
            days = Configuration.get_value('decoration_notice_days',
                violation.application.company)
            notices.append(Notice(violation=violation, date=today,
                    deadline=today + dt.timedelta(days=days),
                    sanction=violation.sanction))
        Notice.save(notices)
        return notices

    @classmethod
    @ModelView.button
    @Workflow.transition('rectified')
    def rectify(cls, violations):
        pool = Pool()
        Notice = pool.get('property.decoration.notice')
        cls.write(violations, {
                'rectified_date': pool.get('ir.date').today()})
        Notice.write([n for v in violations for n in v.notices
                if n.state in {'issued', 'overdue'}], {'state': 'rectified'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, violations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, violations):
        pass


class Notice(WorkflowGuardMixin, CheckValuesMixin, Workflow, ModelSQL,
        ModelView):
    "Rectification Notice"
    __name__ = 'property.decoration.notice'
    _maintained_fields = ('number', 'sanction', 'escalations')
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    violation = fields.Many2One('property.decoration.violation',
        "Violation", required=True, ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    application = fields.Function(fields.Many2One(
            'property.decoration.application', "Job"),
        'get_application', searcher='search_application')
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'get_site', searcher='search_site')
    date = fields.Date("Date", required=True,
        states={'readonly': Eval('state') != 'issued'})
    deadline = fields.Date("Deadline", required=True,
        domain=[('deadline', '>=', Eval('date', None))],
        states={'readonly': Eval('state') != 'issued'})
    sanction = fields.Selection(SANCTIONS, "Sanction", required=True,
        sort=False, readonly=True)
    sanction_string = sanction.translated('sanction')
    requirements = fields.Text("Requirements",
        states={'readonly': Eval('state') != 'issued'})
    escalations = fields.Integer("Escalations", readonly=True)
    state = fields.Selection([
            ('issued', "Issued"),
            ('overdue', "Overdue"),
            ('rectified', "Rectified"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.state, Index.Equality()), (t.deadline, Index.Range()),
                where=t.state == 'issued'))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('issued', 'overdue'),
            ('issued', 'rectified'),
            ('overdue', 'rectified'),
            }

    @staticmethod
    def default_state():
        return 'issued'

    @staticmethod
    def default_escalations():
        return 0

    def get_application(self, name):
        return self.violation.application.id

    @classmethod
    def search_application(cls, name, clause):
        return [('violation.application' + clause[0][len(name):],
                *clause[1:])]

    def get_site(self, name):
        return self.violation.application.unit.site.id

    @classmethod
    def search_site(cls, name, clause):
        return [('violation.application.unit.site' + clause[0][len(name):],
                *clause[1:])]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        sequence = Sequence(ModelData.get_id(
                'property_decoration', 'sequence_notice'))
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            with without_check_access():
                values['number'] = sequence.get()
        return super().create(vlist)

    @classmethod
    def escalate(cls, date=None):
        """Scheduled action: notices past their deadline become overdue and
        their violation goes up the ladder to at least a stop-work order,
        which blocks the job's passes"""
        pool = Pool()
        Violation = pool.get('property.decoration.violation')
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today()
        notices = cls.search([
                ('state', '=', 'issued'),
                ('deadline', '<', date),
                ])
        if not notices:
            return []
        order = [s for s, _ in SANCTIONS]
        to_stop = [n.violation for n in notices
            if n.violation.state == 'open'
            and order.index(n.violation.sanction) < order.index('stop_work')]
        for notice in notices:
            notice.state = 'overdue'
            notice.escalations = (notice.escalations or 0) + 1
        cls.save(notices)
        if to_stop:
            Violation.write(to_stop, {'sanction': 'stop_work'})
        Cron.notify_sites('tryton-warning',
            'property_decoration.act_notice_form',
            'property_decoration.msg_notices_overdue', notices,
            variables=lambda notices: {
                'notices': ', '.join(n.rec_name for n in notices[:20])})
        return notices


class NoticeReport(HTMLReport):
    "Rectification Notice (违章整改通知单)"
    __name__ = 'property.decoration.notice.report'
