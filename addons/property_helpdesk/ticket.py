# This file is part of the property-management suite.
import datetime as dt
import json
from collections import defaultdict

from sql import Cast, Literal, Null, Table
from sql.conditionals import Case, Least
from sql.aggregate import Count, Max
from sql.operators import Concat

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, now, office_date, reader_language,
    rec_name_domain)
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.mail import send_notification_email
from trytond.modules.property_base.site import user_site
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)

from .configuration import RESPONSIBILITIES
from .kpi import kpi_id, month_column

CHANNELS = [
    ('phone', "Phone"),
    ('walk_in', "Walk-in"),
    ('letter', "Letter"),
    ('email', "E-mail"),
    ('patrol', "Patrol"),
    ('app', "App"),
    ]
KINDS = [
    ('repair_unit', "Repair (in unit)"),
    ('repair_common', "Repair (common area)"),
    ('complaint', "Complaint"),
    ('enquiry', "Enquiry"),
    ('suggestion', "Suggestion"),
    ]
COMPLAINT_TYPES = [
    (None, ""),
    ('effective', "Effective"),
    ('help', "Communicative: help"),
    ('consultation', "Communicative: consultation"),
    ('venting', "Communicative: venting"),
    ]
LEVELS = [
    ('1', "Level 1 (manager in 5 min)"),
    ('2', "Level 2 (supervisor in 10 min)"),
    ('3', "Level 3 (receiver)"),
    ]
STATES = [
    ('draft', "Draft"),
    ('open', "Open"),
    ('assigned', "Assigned"),
    ('in_progress', "In Progress"),
    ('resolved', "Resolved"),
    ('visited', "Visited"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['open', 'assigned', 'in_progress']
VISITED_KINDS = {'repair_unit', 'repair_common', 'complaint'}
ESCALATION_REASONS = [
    ('level', "Information level notice"),
    ('repeat', "Repeated report"),
    ('reply_overdue', "Reply overdue"),
    ('feedback_overdue', "Feedback overdue"),
    ('next_reply_overdue', "Promised reply overdue"),
    ('arrival_overdue', "Not on site in time"),
    ('done_overdue', "Work overdue"),
    ]
OUTCOMES = [
    (None, ""),
    ('solved', "Solved"),
    ('explained', "Not solved, explained"),
    ]
CONTACT_METHODS = [
    ('phone', "Phone"),
    ('visit', "Visit"),
    ('letter', "Letter"),
    ]


class Category(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.ticket.category'
    __string__ = "Ticket Category"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    department = fields.Many2One('property.department',
        "Responsible Department", ondelete='RESTRICT',
        help="The department whose staff handle the category's tickets.")
    default_level = fields.Selection(LEVELS, "Default Level", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_default_level():
        return '3'


class Ticket(StampMixin, WorkflowGuardMixin, StateAuditMixin, CheckValuesMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.ticket'
    __string__ = "Service Ticket"
    _maintained_fields = (
        'number', 'first_receiver', 'is_repeat', 'repeat_of', 'replied_at',
        'resolved_at', 'closed_at', 'target_date', 'reply_deadline',
        'feedback_deadline', 'done_deadline', 'visit_deadline',
        'reply_breached', 'done_breached', 'received_date',
        'replied_by', 'reply_method', 'feedback_at', 'feedback_breached',
        'next_reply_deadline', 'next_reply_breached', 'repeat_responsible',
        'rework_count')
    _rec_name = 'number'
    _states = {
        'readonly': ~Eval('state').in_(['draft', 'open']),
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'draft'})
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))])
    unit = fields.Many2One('property.unit', "Unit", ondelete='RESTRICT',
        states=_states,
        domain=[If(Bool(Eval('site')), ('site', '=', Eval('site', -1)), ())],
        help="Empty for the common areas.")
    reporter = fields.Many2One('party.party', "Reporter",
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Defaults to a resident of the unit.")
    contact_phone = fields.Char("Contact Phone", states=_states)
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    complaint_type = fields.Selection(COMPLAINT_TYPES, "Complaint Type",
        states={
            'invisible': Eval('kind') != 'complaint',
            'required': Eval('kind') == 'complaint',
            'readonly': _states['readonly'],
            },
        help="Effective complaints concern a failure of the service; "
        "communicative ones ask for help, advice or a hearing.")
    category = fields.Many2One('property.ticket.category', "Category",
        required=True, ondelete='RESTRICT', states=_states)
    department = fields.Function(fields.Many2One('property.department',
            "Department"), 'on_change_with_department')
    description = fields.Text("Description", required=True, states=_states)
    property_responsibility = fields.Boolean("Property Responsibility",
        states=_states,
        help="The work falls to the property office: done the same day, "
        "feedback within 2 and done within 5 working days.")
    first_receiver = fields.Many2One('company.employee', "First Receiver",
        readonly=True, ondelete='RESTRICT',
        help="首问负责人: who took the report; never changes.")
    assignee = fields.Many2One('company.employee', "Assignee",
        ondelete='RESTRICT',
        domain=[If(Bool(Eval('department')),
                ('id', 'in', Eval('department_employees', [])), ())],
        states={
            'readonly': ~Eval('state').in_(['draft', 'open', 'assigned']),
            'required': Eval('state').in_(['assigned', 'in_progress']),
            })
    department_employees = fields.Function(fields.Many2Many(
            'company.employee', None, None, "Department Employees"),
        'on_change_with_department_employees')
    level = fields.Selection(LEVELS, "Information Level", required=True,
        sort=False, states={'readonly': Eval('state') != 'draft'})
    anonymous = fields.Boolean("Anonymous", states=_states,
        help="The reporter left no name or address: no return visit, the "
             "result is written on the ticket.")
    is_repeat = fields.Boolean("Repeat", readonly=True)
    repeat_responsible = fields.Many2One('company.employee',
        "Answers for the Repeat", readonly=True, ondelete='RESTRICT',
        help="The first receiver of the first report of the problem: a second "
             "report is his responsibility (同一问题业主二次以上报修投诉，第一接报人责任).")
    repeat_of = fields.Many2One('property.ticket', "Repeat of",
        readonly=True, ondelete='SET NULL')
    collective_issue = fields.Many2One('property.collective_issue',
        "Collective Issue", ondelete='SET NULL',
        domain=[('site', '=', Eval('site', -1))])
    received_at = fields.DateTime("Received at", required=True,
        states=_states)
    received_date = fields.Date("Received on", readonly=True,
        help="The office's date of reception (in the company's time zone): "
        "the month of the ticket in the service KPIs.")
    replied_at = fields.DateTime("Replied at", readonly=True,
        help="When the reporter was first contacted (a contact recorded), "
        "not when the work was dispatched.")
    replied_by = fields.Many2One('company.employee', "Replied by",
        readonly=True, ondelete='RESTRICT')
    reply_method = fields.Selection([(None, "")] + CONTACT_METHODS,
        "Reply Method", readonly=True)
    feedback_at = fields.DateTime("Feedback at", readonly=True,
        help="When the reporter was first told of the work not done on the "
        "day of the report, or the work was done.")
    feedback_breached = fields.Boolean("Feedback Breached", readonly=True)
    next_reply_deadline = fields.DateTime("Next Reply Promised by",
        readonly=True,
        help="The reply promised at the last contact (须承诺何时再给他进一步的回复).")
    next_reply_breached = fields.Boolean("Promised Reply Breached",
        readonly=True)
    rework_count = fields.Integer("Sent Back", readonly=True,
        help="How many times a return visit scored 1 or 2 sent the job "
        "back (返修).")
    contacts = fields.One2Many('property.ticket.contact', 'ticket',
        "Contacts with the Reporter",
        states={'readonly': ~Eval('state').in_(OPEN_STATES + ['resolved'])})
    resolved_at = fields.DateTime("Resolved at", readonly=True)
    closed_at = fields.DateTime("Closed at", readonly=True)
    target_date = fields.Date("Same-day Target", readonly=True,
        help="Work of the property's responsibility is done on the day it is "
             "reported (属物业责任的所有问题应在当日完成).")
    reply_deadline = fields.DateTime("Reply Deadline", readonly=True,
        help="By when the reporter is first contacted: a spoken report within "
             "one working day, a letter within three (口头投诉…一般不应超过一个工作日; "
             "来函…一般不应超过三个工作日); the days are set in the helpdesk "
             "configuration.")
    feedback_deadline = fields.DateTime("Feedback Deadline", readonly=True,
        help="Work not done on the day is reported back to the reporter "
             "within two working days (两天内必须反馈).")
    done_deadline = fields.DateTime("Done Deadline", readonly=True,
        help="Work of the property's responsibility is finished within five "
             "working days (五天内必须完成).")
    visit_deadline = fields.DateTime("Visit Deadline", readonly=True,
        help="By when the reporter is visited after the work is resolved; "
        "the working days are a default of the helpdesk configuration.")
    next_deadline = fields.Function(fields.DateTime("Next Deadline",
            help="The earliest deadline of the ticket still to be met: "
            "reply, feedback, promised reply, work done or return visit."),
        'get_next_deadline')
    time_left = fields.Function(fields.TimeDelta("Time Left",
            help="The time until the next deadline; negative when it has "
            "passed."),
        'get_next_deadline')
    overdue = fields.Function(fields.Boolean("Overdue",
            help="The next deadline has passed."),
        'get_next_deadline', searcher='search_overdue')
    reply_breached = fields.Boolean("Reply Breached", readonly=True)
    done_breached = fields.Boolean("Done Breached", readonly=True)
    visit_required = fields.Boolean("Return Visit Required",
        states={'readonly': ~Eval('state').in_(['draft', 'open', 'assigned',
                    'in_progress', 'resolved'])},
        help="Repairs and effective complaints are visited after "
        "resolution; the ticket cannot close before.")
    resolution = fields.Text("Resolution",
        states={'readonly': Eval('state').in_(['closed', 'cancelled'])})
    cause = fields.Text("Cause",
        states={
            'invisible': Eval('kind') != 'complaint',
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="What caused the complaint, found on site (实地视察, "
             "分析产生问题之原因或责任情况).")
    responsibility = fields.Selection(RESPONSIBILITIES, "Responsibility",
        states={
            'invisible': Eval('kind') != 'complaint',
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="Who answers for what the complaint is about; recorded "
        "before the complaint is closed.")
    outcome = fields.Selection(OUTCOMES, "Outcome",
        states={
            'invisible': Eval('kind') != 'complaint',
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="A complaint that could not be solved is explained to the owner "
             "(不能解决的问题应予以合理解释).")
    root_cause = fields.Text("Root Cause",
        states={
            'invisible': Eval('outcome') != 'explained',
            'readonly': Eval('state').in_(['closed', 'cancelled']),
            },
        help="Why the complaint could not be solved, for the month's "
        "review.")
    work_orders = fields.One2Many('property.work_order', 'ticket',
        "Work Orders",
        states={'readonly': ~Eval('state').in_(OPEN_STATES)})
    visits = fields.One2Many('property.return_visit', 'ticket',
        "Return Visits", readonly=True)
    escalations = fields.One2Many('property.ticket.escalation', 'ticket',
        "Escalations", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(OPEN_STATES + ['resolved'])),
                Index(t, (t.unit, Index.Range()),
                    (t.category, Index.Range()),
                    (t.received_at, Index.Range())),
                Index(t, (t.site, Index.Range()),
                    (t.received_at, Index.Range())),
                # The list and its tabs: the tickets of a state, newest
                # first, found in that order without sorting them all
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.received_at, Index.Range()), (t.id, Index.Range())),
                })
        if backend.name == 'postgresql':
            # The KPIs (kpi.py) of a site and month, searched by site and
            # month and read by id (SQLite cannot index these functions)
            month = month_column(t)
            cls._sql_indexes.update({
                    Index(t, (t.site, Index.Range()),
                        (month, Index.Range())),
                    Index(t, (kpi_id(t.site, month), Index.Range())),
                    })
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'assigned'),
            ('assigned', 'in_progress'),
            ('assigned', 'resolved'),
            ('in_progress', 'resolved'),
            ('open', 'resolved'),
            ('resolved', 'in_progress'),
            ('visited', 'in_progress'),
            ('resolved', 'open'),
            ('visited', 'open'),
            ('resolved', 'visited'),
            ('resolved', 'closed'),
            ('visited', 'closed'),
            ('draft', 'cancelled'),
            ('open', 'cancelled'),
            ('assigned', 'cancelled'),
            ('in_progress', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'assigned',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'resolved',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['resolved', 'visited']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft'] + OPEN_STATES),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_site(cls):
        "The clerk's site when he works at one site only"
        return user_site()

    @staticmethod
    def default_channel():
        return 'phone'

    @staticmethod
    def default_kind():
        return 'repair_unit'

    @staticmethod
    def default_level():
        return '3'

    @staticmethod
    def default_property_responsibility():
        return True

    @staticmethod
    def default_received_at():
        return now()

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls._migrate_history()
        # Fill the office date of the tickets received before it was stored
        pool = Pool()
        Company = pool.get('company.company')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.company,
                table.received_at,
                where=(table.received_date == Null)
                & (table.received_at != Null)))
        for id_, company, received_at in cursor.fetchall():
            if isinstance(received_at, str):
                received_at = dt.datetime.fromisoformat(received_at)
            cursor.execute(*table.update([table.received_date],
                    [office_date(received_at, Company(company))],
                    where=table.id == id_))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'received_at', 'company'} & set(field_names)):
            date = office_date(self.received_at, self.company)
            if self.received_date != date:
                values['received_date'] = date
        if (field_names is None or {'kind', 'complaint_type', 'level',
                    'anonymous', 'visit_required'} & set(field_names)):
            # An effective complaint is office-level information (seed 004
            # 信息分级: 管理服务中心层面的业主投诉 is level 2), whatever the
            # client sends
            if (self.kind == 'complaint'
                    and self.complaint_type == 'effective'
                    and self.level == '3'):
                values['level'] = '2'
            # Repairs and complaints are all visited, an anonymous
            # complaint never (seed 001 回访制度 and 投诉回访规定)
            if self.kind in VISITED_KINDS:
                required = self.needs_visit()
                if self.visit_required != required:
                    values['visit_required'] = required
        return values

    @staticmethod
    def default_first_receiver():
        return Transaction().context.get('employee')

    @staticmethod
    def default_is_repeat():
        return False

    @staticmethod
    def default_anonymous():
        return False

    @staticmethod
    def default_feedback_breached():
        return False

    @staticmethod
    def default_next_reply_breached():
        return False

    @staticmethod
    def default_rework_count():
        return 0

    @staticmethod
    def default_reply_breached():
        return False

    @staticmethod
    def default_done_breached():
        return False

    @classmethod
    def default_visit_required(cls):
        return True

    @fields.depends('category')
    def on_change_with_department(self, name=None):
        return self.category.department if self.category else None

    @fields.depends('category', '_parent_category.department')
    def on_change_with_department_employees(self, name=None):
        if self.category and self.category.department:
            return [e.id for e in self.category.department.employees]
        return []

    @fields.depends('unit', 'reporter', 'site',
        '_parent_unit.site', '_parent_unit.residents',
        '_parent_unit.ownerships',
        methods=['on_change_reporter', 'suggest_category'])
    def on_change_unit(self):
        if not self.unit:
            return
        self.site = self.unit.site
        self.suggest_category()
        if not self.reporter:
            residents = [r for r in self.unit.residents if r.is_current]
            residents.sort(key=lambda r: r.role != 'owner')
            if residents:
                self.reporter = residents[0].party
            elif self.unit.current_ownerships():
                self.reporter = self.unit.current_ownerships()[0].party
            self.on_change_reporter()

    @fields.depends('reporter', 'contact_phone')
    def on_change_reporter(self):
        if self.reporter and not self.contact_phone:
            self.contact_phone = self.reporter.mobile or self.reporter.phone

    @fields.depends('unit', 'kind', 'site', 'category',
        methods=['on_change_category', 'suggested_category'])
    def suggest_category(self):
        """Propose the category most often given to the unit's tickets of
        the kind, else to the latest tickets of the kind at the site"""
        category = self.suggested_category()
        if category:
            self.category = category
            self.on_change_category()

    @fields.depends('id', 'unit', 'kind', 'site')
    def suggested_category(self, recent=200):
        pool = Pool()
        Category = pool.get('property.ticket.category')
        if not self.kind or not (self.unit or self.site):
            return
        table = self.__table__()
        category = Category.__table__()
        cursor = Transaction().connection.cursor()
        where = (table.kind == self.kind) & (category.active == True)  # noqa
        if self.id is not None and self.id >= 0:
            where &= table.id != self.id
        searches = []
        if self.unit:
            searches.append(table.join(category,
                    condition=table.category == category.id).select(
                    table.category,
                    where=where & (table.unit == self.unit.id),
                    group_by=[table.category],
                    order_by=[Count(table.id).desc,
                        Max(table.received_at).desc],
                    limit=1))
        if self.site:
            # the site's latest tickets of the kind: the (site,
            # received_at) index reads them without counting them all
            latest = table.join(category,
                condition=table.category == category.id).select(
                table.category, table.received_at,
                where=where & (table.site == self.site.id),
                order_by=[table.received_at.desc], limit=recent)
            searches.append(latest.select(latest.category,
                    group_by=[latest.category],
                    order_by=[Count(latest.category).desc,
                        Max(latest.received_at).desc],
                    limit=1))
        for query in searches:
            cursor.execute(*query)
            row = cursor.fetchone()
            if row:
                return Category(row[0])

    @classmethod
    def view_attributes(cls):
        # the rows whose next deadline has passed are shown in red
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('overdue', False), 'danger', ''), ['overdue']),
            ]

    @classmethod
    def get_next_deadline(cls, tickets, names):
        now = clock()
        result = {n: {} for n in names}
        for ticket in tickets:
            deadlines = ticket.pending_deadlines()
            deadline = min(deadlines) if deadlines else None
            values = {
                'next_deadline': deadline,
                'time_left': deadline - now if deadline else None,
                'overdue': bool(deadline and deadline < now),
                }
            for name in names:
                result[name][ticket.id] = values[name]
        return result

    @classmethod
    def order_next_deadline(cls, tables):
        "The list sorted by the deadline that pending_deadlines gives"
        table, _ = tables[None]

        def least(a, b):
            # SQLite has no LEAST; NULL is no deadline
            return Case((b == Null, a), (a == Null, b), (a <= b, a),
                else_=b)
        pending = [
            Case((table.replied_at == Null, table.reply_deadline),
                else_=Null),
            Case((table.feedback_at == Null, table.feedback_deadline),
                else_=Null),
            table.next_reply_deadline,
            table.done_deadline,
            ]
        if backend.name == 'postgresql':
            # LEAST skips NULLs; the nested CASEs below grow with each
            # deadline and cost 10 times more on 100,000 open tickets
            open_ = Least(*pending)
        else:
            open_ = pending[0]
            for deadline in pending[1:]:
                open_ = least(open_, deadline)
        return [Case(
                (table.state.in_(OPEN_STATES), open_),
                ((table.state == 'resolved')
                    & (table.visit_required == Literal(True)),
                    table.visit_deadline),
                else_=Null)]

    order_time_left = order_next_deadline

    @classmethod
    def search_overdue(cls, name, clause):
        """The tickets whose next deadline has passed: one of the deadlines
        pending_deadlines gives has passed (the earliest of them then too)"""
        _, operator, value = clause
        now = clock()
        # on the ticket's own columns: the partial index of the open and
        # resolved tickets finds them
        domain = ['OR', [
                ('state', 'in', OPEN_STATES),
                ['OR', [
                        ('replied_at', '=', None),
                        ('reply_deadline', '<', now),
                        ], [
                        ('feedback_at', '=', None),
                        ('feedback_deadline', '<', now),
                        ],
                    ('next_reply_deadline', '<', now),
                    ('done_deadline', '<', now),
                    ],
                ], [
                ('state', '=', 'resolved'),
                ('visit_required', '=', True),
                ('visit_deadline', '<', now),
                ]]
        if (operator == '=') == bool(value):
            return domain
        table = cls.__table__()
        deadline, = cls.order_next_deadline({None: (table, None)})
        return [('id', 'not in', table.select(table.id,
                    where=table.state.in_(OPEN_STATES + ['resolved'])
                    & (deadline < now)))]

    def pending_deadlines(self):
        "The deadlines of the ticket not yet met"
        deadlines = []
        if self.state in OPEN_STATES:
            if not self.replied_at:
                deadlines.append(self.reply_deadline)
            if not self.feedback_at:
                deadlines.append(self.feedback_deadline)
            deadlines.append(self.next_reply_deadline)
            deadlines.append(self.done_deadline)
        elif self.state == 'resolved' and self.visit_required:
            deadlines.append(self.visit_deadline)
        return [d for d in deadlines if d]

    @fields.depends('visit_required', methods=['needs_visit'])
    def on_change_anonymous(self):
        self.visit_required = self.needs_visit()

    @fields.depends('kind', 'complaint_type', 'visit_required',
        methods=['needs_visit', 'on_change_category', 'suggest_category'])
    def on_change_kind(self):
        self.visit_required = self.needs_visit()
        if self.kind != 'complaint':
            self.complaint_type = None
        self.on_change_category()
        self.suggest_category()

    @fields.depends('visit_required', methods=['needs_visit'])
    def on_change_complaint_type(self):
        self.visit_required = self.needs_visit()

    @fields.depends('category', 'level', 'kind', 'complaint_type',
        '_parent_category.default_level')
    def on_change_category(self):
        level = self.category.default_level if self.category else '3'
        # An effective complaint is office-level information (level 2).
        if self.kind == 'complaint' and self.complaint_type == 'effective':
            level = min(level, '2')
        self.level = level

    @fields.depends('kind', 'anonymous')
    def needs_visit(self):
        """Repairs are all visited (seed 001 回访制度: 维修回访率为100%),
        and every handled complaint, communicative ones too (处理完投诉一定
        要回访), except an anonymous one (投诉回访规定 七)"""
        if self.kind == 'complaint':
            return not self.anonymous
        return self.kind in {'repair_unit', 'repair_common'}

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('number', 'unit.code', 'reporter.name'))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('kind') \
                and 'visit_required' not in values:
            values['visit_required'] = cls(
                kind=values['kind'],
                anonymous=values.get('anonymous', False)).needs_visit()
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('property.helpdesk.configuration')
        Company = pool.get('company.company')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('number'):
                company = Company(values.get('company')
                    or cls.default_company())
                with without_check_access():
                    sequence = Configuration(1).get_multivalue(
                        'ticket_sequence', company=company.id)
                values['number'] = sequence.get()
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if mode == 'write' and 'first_receiver' in values:
            for ticket in tickets:
                if (ticket.first_receiver
                        and ticket.first_receiver.id
                        != values['first_receiver']):
                    raise AccessError(gettext(
                            'property_helpdesk.msg_ticket_first_receiver',
                            ticket=ticket.rec_name))
        if mode == 'delete':
            for ticket in tickets:
                if ticket.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'property_helpdesk.msg_ticket_delete',
                            ticket=ticket.rec_name))

    @classmethod
    def _validate(cls, tickets, field_names=None):
        # The business reasons first: they tell the clerk more than the
        # generic domain error of the same fields. As Tryton does for the
        # fields, only when a field they check is written (the escalation
        # cron writes flags and levels of thousands of tickets).
        names = set(field_names) if field_names is not None else None
        unit_site = names is None or bool(names & {'unit', 'site'})
        assignee = names is None or bool(names & {'assignee', 'category'})
        for ticket in tickets:
            if unit_site:
                ticket.check_unit_site()
            if assignee:
                ticket.check_assignee()
        super()._validate(tickets, field_names=field_names)

    def check_unit_site(self):
        if self.unit and self.site and self.unit.site != self.site:
            raise ValidationError(gettext(
                    'property_helpdesk.msg_ticket_unit_site',
                    unit=self.unit.rec_name, site=self.site.rec_name))

    def check_assignee(self):
        department = self.category.department if self.category else None
        if (self.assignee and department
                and self.assignee not in department.employees):
            raise ValidationError(gettext(
                    'property_helpdesk.msg_ticket_assignee_department',
                    employee=self.assignee.rec_name,
                    department=department.rec_name))

    @classmethod
    def _migrate_history(cls):
        "The ticket's own history joins the suite's trail of state changes"
        pool = Pool()
        StateChange = pool.get('property.state.change')
        TableHandler = backend.TableHandler
        if not TableHandler.table_exist('property_ticket_history'):
            return
        history = Table('property_ticket_history')
        change = StateChange.__table__()
        record_type = StateChange.record.sql_type().base
        cursor = Transaction().connection.cursor()
        cursor.execute(*change.insert(
                [change.record, change.from_state, change.to_state,
                    change.user, change.date, change.create_uid,
                    change.create_date],
                history.select(
                    Concat(cls.__name__ + ',',
                        Cast(history.ticket, record_type)),
                    history.from_state, history.to_state, history.user,
                    history.date, history.create_uid, history.create_date,
                    order_by=[history.id])))
        TableHandler.drop_table(
            'property.ticket.history', 'property_ticket_history')

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'replied_at', 'resolved_at', 'closed_at',
                'target_date', 'reply_deadline', 'feedback_deadline',
                'done_deadline', 'visit_deadline', 'repeat_of',
                'work_orders', 'visits', 'escalations',
                'first_receiver', 'resolution', 'replied_by',
                'reply_method', 'feedback_at', 'next_reply_deadline',
                'repeat_responsible', 'contacts', 'cause', 'responsibility',
                'outcome', 'root_cause']:
            default.setdefault(name, None)
        default.setdefault('feedback_breached', False)
        default.setdefault('next_reply_breached', False)
        default.setdefault('rework_count', 0)
        default.setdefault('received_at', clock())
        default.setdefault('is_repeat', False)
        default.setdefault('reply_breached', False)
        default.setdefault('done_breached', False)
        return super().copy(tickets, default=default)

    # Deadlines -----------------------------------------------------------

    def get_policy(self):
        return Pool().get('property.helpdesk.configuration').get_policy(
            self.company)

    def compute_deadlines(self, policy):
        received = self.received_at
        reply_days = (policy.reply_days_letter
            if self.channel in {'letter', 'email'}
            else policy.reply_days_verbal)
        self.reply_deadline = policy.add_working_days(received, reply_days)
        if self.property_responsibility:
            self.target_date = policy.working_date(received, 0)
            self.feedback_deadline = policy.add_working_days(
                received, policy.feedback_days)
            self.done_deadline = policy.add_working_days(
                received, policy.done_days)
        else:
            self.target_date = self.feedback_deadline = None
            self.done_deadline = None

    # Repeats and information levels --------------------------------------

    def find_earlier_reports(self, policy):
        if not self.unit:
            return []
        since = self.received_at - dt.timedelta(days=policy.repeat_window)
        return self.search([
                ('id', '!=', self.id),
                ('unit', '=', self.unit.id),
                ('category', '=', self.category.id),
                ('received_at', '>=', since),
                ('received_at', '<=', self.received_at),
                ('state', 'not in', ['draft', 'cancelled']),
                ], order=[('received_at', 'DESC'), ('id', 'DESC')])

    def escalation_target(self, level):
        "The employee to inform for information of that level"
        if level == '1':
            return self.site.manager
        if level == '2':
            return self.site.supervisor or self.site.manager

    @classmethod
    def notify(cls, escalations):
        "Inform the employees of new escalations: in the client and by mail"
        pool = Pool()
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        now = clock()
        # The users of all the informed employees at once, in the order
        # each employee's own search would give them
        employees = {e.notified.id for e in escalations if e.notified}
        users = defaultdict(list)
        if employees:
            for user in User.search([('employees', 'in', list(employees))]):
                for employee in user.employees:
                    if employee.id in employees:
                        users[employee.id].append(user)
        Escalation = pool.get('property.ticket.escalation')
        reasons = {}  # the reasons' labels per language
        notifications = []
        for escalation in escalations:
            employee = escalation.notified
            if not employee:
                continue
            ticket = escalation.ticket
            for user in users[employee.id]:
                # in the reader's language (the cron writes it)
                with reader_language(user):
                    language = Transaction().language
                    if language not in reasons:
                        reasons[language] = dict(Escalation.fields_get(
                                ['reason'])['reason']['selection'])
                    text = gettext(
                        'property_helpdesk.msg_ticket_escalation_notice',
                        ticket=ticket.rec_name, level=ticket.level,
                        reason=reasons[language][escalation.reason],
                        description=(ticket.description or '')[:120])
                # the client opens the ticket itself (model and records):
                # an action_value would have to be a dictionary
                notifications.append(Notification(user=user,
                        label=ticket.rec_name, description=text,
                        icon='tryton-warning', model=cls.__name__,
                        records=json.dumps([ticket.id])))
            escalation.notified_at = now
        Notification.save(notifications)
        pool.get('property.ticket.escalation').save(escalations)
        # E-mail (the notification 'Ticket Escalation') only when the
        # company has an address to send from
        for escalation in escalations:
            sender = escalation.ticket.company.party.email
            if escalation.notified and sender:
                send_notification_email(
                    'property_helpdesk.notification_ticket_escalation',
                    escalation, sender)

    def new_escalation(self, reason, to_level, minutes=None):
        Escalation = Pool().get('property.ticket.escalation')
        now = clock()
        return Escalation(ticket=self, date=now, reason=reason,
            from_level=self.level, to_level=to_level,
            notified=self.escalation_target(to_level),
            notify_by=(now + dt.timedelta(minutes=minutes)
                if minutes is not None else None))

    @classmethod
    def open_for(cls, sources):
        """Open a ticket for each of other records (a meeting's action, a
        failed item of a patrol or fire check): sources are pairs of the
        record and the ticket's values; the record keeps its ticket (in its
        field `ticket`). Return the tickets."""
        if not sources:
            return []
        tickets = cls.create([v for _, v in sources])
        cls.open(tickets)
        records = [r for r, _ in sources]
        for record, ticket in zip(records, tickets):
            record.ticket = ticket
        records[0].__class__.save(records)
        return tickets

    # Workflow --------------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, tickets):
        escalations = []
        for ticket in tickets:
            policy = ticket.get_policy()
            ticket.compute_deadlines(policy)
            earlier = ticket.find_earlier_reports(policy)
            if earlier:
                ticket.is_repeat = True
                ticket.repeat_of = earlier[0]
                # The first receiver of the first report answers for it
                first = earlier[-1]
                ticket.repeat_responsible = (first.repeat_responsible
                    or first.first_receiver)
                # A second report is level 2 (seed 004 信息分级: 业主重复
                # 报修两次). Seed 001 asks that repeated complaints be
                # reported to the person in charge (上报负责人) without
                # a count: the third report going to the manager (level 1)
                # is the suite's default.
                level = '1' if len(earlier) >= 2 else '2'
                if level < ticket.level:
                    escalations.append(ticket.new_escalation(
                            'repeat', level,
                            policy.level1_minutes if level == '1'
                            else policy.level2_minutes))
                    ticket.level = level
                responsible = ticket.repeat_responsible
                if responsible and responsible not in {
                        e.notified for e in escalations
                        if e.ticket == ticket}:
                    # and is told of the repeat too
                    escalation = ticket.new_escalation('repeat', ticket.level)
                    escalation.notified = responsible
                    escalations.append(escalation)
            elif ticket.level in {'1', '2'}:
                escalations.append(ticket.new_escalation(
                        'level', ticket.level,
                        policy.level1_minutes if ticket.level == '1'
                        else policy.level2_minutes))
        cls.save(tickets)
        cls.notify(escalations)

    @classmethod
    @ModelView.button
    @Workflow.transition('assigned')
    def assign(cls, tickets):
        for ticket in tickets:
            if not ticket.assignee:
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_no_assignee',
                        ticket=ticket.rec_name))
            ticket.check_assignee()
        # Dispatching is not the reply: the reporter is answered by a
        # contact recorded on the ticket (property.ticket.contact)
        cls.save(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        now = clock()
        for ticket in tickets:
            unfinished = [w.rec_name for w in ticket.work_orders
                if w.state not in {'done', 'cancelled'}]
            if unfinished:
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_work_orders_open',
                        ticket=ticket.rec_name,
                        work_orders=', '.join(unfinished)))
            ticket.resolved_at = now
            # The work done is the feedback the reporter waited for
            if ticket.feedback_deadline and not ticket.feedback_at:
                ticket.feedback_at = now
                if now > ticket.feedback_deadline:
                    ticket.feedback_breached = True
            if ticket.done_deadline and now > ticket.done_deadline:
                ticket.done_breached = True
            ticket.visit_deadline = ticket.get_policy().add_working_days(
                now, ticket.get_policy().visit_days)
        cls.save(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def reopen(cls, tickets):
        cls.write(tickets, {'resolved_at': None, 'visit_deadline': None})

    @classmethod
    @Workflow.transition('open')
    def send_back(cls, tickets):
        "A job nobody was assigned, sent back by a low-scored visit"
        cls.write(tickets, {'resolved_at': None, 'visit_deadline': None})

    @classmethod
    @Workflow.transition('visited')
    def visit(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, tickets):
        for ticket in tickets:
            # A visit that sent the job back does not count: the ticket
            # waits for a new one (seed 001 回访: 件件有着落)
            if ticket.visit_required and not any(
                    not v.sent_back for v in ticket.visits):
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_close_no_visit',
                        ticket=ticket.rec_name))
            if ticket.anonymous and not (ticket.resolution or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_close_anonymous',
                        ticket=ticket.rec_name))
            if ticket.kind == 'complaint' and not (
                    ticket.responsibility and ticket.outcome
                    and (ticket.cause or '').strip()):
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_close_cause',
                        ticket=ticket.rec_name))
            if ticket.outcome == 'explained' and not (
                    ticket.root_cause or '').strip():
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_close_root_cause',
                        ticket=ticket.rec_name))
        cls.stamp(tickets, at='closed_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, tickets):
        pass

    # Scheduled actions -----------------------------------------------------

    @classmethod
    def escalate(cls, now=None):
        """Scheduled action: raise tickets whose reply or work is overdue
        one level up the chain and inform the person responsible"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if now is None:
            now = clock()
        query = cls.search([
                ('state', 'in', OPEN_STATES),
                ['OR',
                    [('reply_breached', '=', False),
                        ('replied_at', '=', None),
                        ('reply_deadline', '<', now)],
                    [('feedback_breached', '=', False),
                        ('feedback_at', '=', None),
                        ('feedback_deadline', '<', now)],
                    [('next_reply_breached', '=', False),
                        ('next_reply_deadline', '<', now)],
                    [('done_breached', '=', False),
                        ('done_deadline', '<', now)],
                    ],
                ], query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        ids = [i for i, in cursor]
        # Set-based, by slices of tickets: one policy per company, for each
        # slice the tickets written in one call per new values, the
        # escalations created and their employees' users searched at once
        # (see notify). Slices, because Tryton's records of one batch
        # (browsed together, or the employees of their departments read
        # to validate the assignee of the written tickets) cost the square
        # of its size.
        policies = {}
        escalations = []
        for sub_ids in grouped_slice(ids, 100):
            to_write = defaultdict(list)
            new_escalations = []
            for ticket in cls.browse(list(sub_ids)):
                if ticket.company not in policies:
                    policies[ticket.company] = ticket.get_policy()
                policy = policies[ticket.company]
                values = {}
                for reason, breached, deadline, replied in [
                        ('reply_overdue', 'reply_breached', 'reply_deadline',
                            ticket.replied_at),
                        # seed 004 日未处理工作盘点表: 两天内必须反馈
                        ('feedback_overdue', 'feedback_breached',
                            'feedback_deadline', ticket.feedback_at),
                        # seed 001 投诉处理: the reply promised at a contact
                        ('next_reply_overdue', 'next_reply_breached',
                            'next_reply_deadline', None),
                        ('done_overdue', 'done_breached', 'done_deadline',
                            None)]:
                    limit = getattr(ticket, deadline)
                    if getattr(ticket, breached) or replied or not limit \
                            or limit >= now:
                        continue
                    values[breached] = True
                    level = str(max(1, int(ticket.level) - 1))
                    new_escalations.append(ticket.new_escalation(
                            reason, level,
                            policy.level1_minutes if level == '1'
                            else policy.level2_minutes))
                    # the next escalation starts from the new level
                    ticket.level = values['level'] = level
                if values:
                    to_write[tuple(sorted(values.items()))].append(ticket)
            if to_write:
                cls.write(*(arg for values, records in to_write.items()
                        for arg in (records, dict(values))))
            cls.notify(new_escalations)
            escalations.extend(new_escalations)
        escalations.extend(cls.escalate_late_on_site(now, policies))
        if escalations:
            Cron.notify_sites('tryton-warning',
                'property_helpdesk.act_ticket_escalated',
                'property_helpdesk.msg_tickets_escalated', escalations,
                site=lambda e: e.ticket.site)
        return escalations

    @classmethod
    def escalate_late_on_site(cls, now, policies):
        """The technicians not on site by the appointment or the on-site
        deadline: their tickets go one level up (seed 001: 准时到达现场)"""
        pool = Pool()
        WorkOrder = pool.get('property.work_order')
        orders = WorkOrder.late_on_site(now)
        escalations = []
        for order in orders:
            ticket = order.ticket
            if ticket.company not in policies:
                policies[ticket.company] = ticket.get_policy()
            policy = policies[ticket.company]
            level = str(max(1, int(ticket.level) - 1))
            escalations.append(ticket.new_escalation('arrival_overdue',
                    level, policy.level1_minutes if level == '1'
                    else policy.level2_minutes))
            ticket.level = level
            order.arrival_breached = True
        cls.save(list({o.ticket for o in orders}))
        WorkOrder.save(orders)
        cls.notify(escalations)
        return escalations

    @classmethod
    def list_visits_due(cls, now=None):
        "Scheduled action: tell the front desk which visits are due"
        pool = Pool()
        Cron = pool.get('ir.cron')
        if now is None:
            now = clock()
        due = cls.search([
                ('state', '=', 'resolved'),
                ('visit_required', '=', True),
                ])
        overdue = [t for t in due
            if t.visit_deadline and t.visit_deadline < now]
        Cron.notify_sites('tryton-info', 'property_helpdesk.act_visit_due',
            'property_helpdesk.msg_visits_due', due,
            variables=lambda tickets: {
                'overdue': len(set(tickets) & set(overdue))})
        return due, overdue


class TicketEscalation(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.ticket.escalation'
    __string__ = "Ticket Escalation"
    ticket = fields.Many2One('property.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True)
    reason = fields.Selection(ESCALATION_REASONS, "Reason", required=True)
    reason_string = reason.translated('reason')
    from_level = fields.Selection(LEVELS, "From Level")
    to_level = fields.Selection(LEVELS, "To Level", required=True)
    notified = fields.Many2One('company.employee', "Informed",
        ondelete='RESTRICT')
    notify_by = fields.DateTime("Inform by")
    notified_at = fields.DateTime("Informed at")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class CorrectLevelStart(ModelView):
    __name__ = 'property.ticket.correct_level.start'
    __string__ = "Correct Information Level"
    level = fields.Selection(LEVELS, "Information Level", required=True,
        sort=False)
    reason = fields.Text("Reason", required=True,
        help="Why the level is corrected; kept with the correction.")


class CorrectLevel(Wizard):
    """Correct the information level of tickets: the manager's correction
    of a level the front desk chose or the escalation raised, kept in the
    trail of corrections (the level is not otherwise written once the
    ticket is opened)"""
    __name__ = 'property.ticket.correct_level'
    start = StateView('property.ticket.correct_level.start',
        'property_helpdesk.ticket_correct_level_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Correct", 'correct', 'tryton-ok', default=True),
            ])
    correct = StateTransition()

    def default_start(self, fields):
        levels = {r.level for r in self.records}
        return {'level': levels.pop() if len(levels) == 1 else None}

    def transition_correct(self):
        pool = Pool()
        Ticket = pool.get('property.ticket')
        Correction = pool.get('property.field.correction')
        level = self.start.level
        tickets = [t for t in self.records if t.level != level]
        for ticket in tickets:
            if ticket.state in {'closed', 'cancelled'}:
                raise UserError(gettext(
                        'property_helpdesk.msg_ticket_correct_level_done',
                        ticket=ticket.rec_name))
        changes = [(t, t.level, level) for t in tickets]
        if tickets:
            Ticket.write(tickets, {'level': level})
            Correction.log('level', changes, self.start.reason)
        return 'end'
