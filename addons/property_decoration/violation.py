# This file is part of the property-management suite.
"Renovation violations and rectification notices (违章整改通知单)"
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access

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


class PenaltyMixin:
    """The severity, sanction and penalty of a prohibited practice and
    of each violation of it (which starts from the practice's): the same
    defaults, and no negative penalty"""
    __slots__ = ()

    @staticmethod
    def default_severity():
        return 'minor'

    @staticmethod
    def default_sanction():
        return 'education'

    @staticmethod
    def default_penalty():
        return Decimal(0)

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.penalty < 0:
                raise ValidationError(gettext(
                        'property_decoration.msg_penalty_negative',
                        name=record.rec_name))


class Violation(site_from('application.unit'), PenaltyMixin,
        StampMixin, WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.decoration.violation'
    __string__ = "Renovation Violation"
    _maintained_fields = ('inspection', 'approved_by', 'rectified_date')
    _states = {'readonly': Eval('state') != 'open'}
    application = fields.Many2One('property.decoration.application',
        "Job", required=True, ondelete='RESTRICT', states=_states,
        domain=[('state', 'in', ['in_progress', 'completed'])])
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

    @fields.depends('type')
    def on_change_type(self):
        if self.type:
            self.severity = self.type.severity
            self.sanction = self.type.sanction
            self.penalty = self.type.penalty

    @fields.depends('sanction')
    def on_change_with_needs_approval(self, name=None):
        return self.sanction in APPROVAL_SANCTIONS

    def get_rec_name(self, name):
        return f'{self.type.code} {self.application.rec_name} {self.date}'

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
        cls.stamp([v for v in violations if v.needs_approval],
            by='approved_by')

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
        Notice.rectify([n for v in violations for n in v.notices])

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


class Notice(site_from('violation.application.unit'),
        WorkflowGuardMixin, StateAuditMixin, CheckValuesMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'property.decoration.notice'
    __string__ = "Rectification Notice"
    _maintained_fields = ('number', 'sanction', 'escalations')
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    violation = fields.Many2One('property.decoration.violation',
        "Violation", required=True, ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    application = fields.Function(fields.Many2One(
            'property.decoration.application', "Job"),
        'get_application', searcher='search_application')
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
    @Workflow.transition('overdue')
    def mark_overdue(cls, notices):
        "Past their deadline: counted as one more escalation"
        for notice in notices:
            notice.escalations = (notice.escalations or 0) + 1
        cls.save(notices)

    @classmethod
    @Workflow.transition('rectified')
    def rectify(cls, notices):
        "Their violation is rectified (a rectified notice stays so)"

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
        cls.mark_overdue(notices)
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
