# This file is part of the property-management suite.
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .common import CheckValuesMixin, clock, rec_name_domain
from .workflow import WorkflowGuardMixin

ARCHIVE_KINDS = [
    ('owner', "Owner File"),
    ('move_in', "Move-in Documents"),
    ('deed', "Deed Copy"),
    ('decoration', "Decoration File"),
    ('contract', "Contract"),
    ('inspection', "Inspection Records"),
    ('other', "Other"),
    ]
ARCHIVE_STATES = [
    ('in_office', "In Office"),
    ('out', "Lent Out"),
    ]
LOAN_STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('out', "Out"),
    ('returned', "Returned"),
    ('cancelled', "Cancelled"),
    ]


class Archive(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    "Archive"
    __name__ = 'property.archive'
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    number = fields.Char("Number", required=True, strip=True,
        help="The file number on the folder.")
    name = fields.Char("Name", required=True)
    kind = fields.Selection(ARCHIVE_KINDS, "Kind", required=True)
    unit = fields.Many2One('property.unit', "Unit", ondelete='RESTRICT',
        domain=[('site', '=', Eval('site', -1))])
    party = fields.Many2One('party.party', "Party", ondelete='RESTRICT')
    location = fields.Char("Location", help="Cabinet and shelf.")
    loans = fields.One2Many('property.archive.loan', 'archive', "Loans",
        readonly=True)
    state = fields.Function(fields.Selection(ARCHIVE_STATES, "State"),
        'get_state', searcher='search_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_number_unique', Unique(t, t.site, t.number),
                'property_base.msg_archive_number_unique'),
            ]
        cls._order = [('site', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'owner'

    @fields.depends('unit', 'site', '_parent_unit.site')
    def on_change_unit(self):
        if self.unit:
            self.site = self.unit.site

    def get_rec_name(self, name):
        return f'{self.number} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('number', 'name'))

    @classmethod
    def get_state(cls, archives, name):
        Loan = Pool().get('property.archive.loan')
        out = {l.archive.id for l in Loan.search([
                    ('archive', 'in', [a.id for a in archives]),
                    ('state', '=', 'out'),
                    ])}
        return {a.id: 'out' if a.id in out else 'in_office' for a in archives}

    @classmethod
    def search_state(cls, name, clause):
        _, operator, value = clause
        out = operator == '=' and value == 'out' or (
            operator == '!=' and value == 'in_office')
        return [('loans', 'where' if out else 'not where',
                [('state', '=', 'out')])]


class ArchiveLoan(CheckValuesMixin, WorkflowGuardMixin, ModelSQL, ModelView):
    "Archive Loan"
    __name__ = 'property.archive.loan'
    _maintained_fields = (
        'approved_by', 'approved_at', 'lent_by', 'return_date', 'received_by',
        'reminded_on')
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    archive = fields.Many2One('property.archive', "Archive", required=True,
        ondelete='CASCADE', states=_states)
    site = fields.Function(fields.Many2One('property.site', "Site"),
        'on_change_with_site', searcher='search_site')
    borrower = fields.Many2One('company.employee', "Borrower", required=True,
        ondelete='RESTRICT', states=_states)
    purpose = fields.Char("Purpose", states=_states)
    loan_date = fields.Date("Loan Date", required=True, states=_states)
    due_date = fields.Date("Due Date", required=True,
        domain=[If(Bool(Eval('loan_date')),
                ('due_date', '>=', Eval('loan_date')), ())],
        states={
            'readonly': Eval('state').in_(['returned', 'cancelled']),
            })
    approved_by = fields.Many2One('company.employee', "Approved by",
        readonly=True, ondelete='RESTRICT',
        help="The manager who agreed to the loan (项目经理同意).")
    approved_at = fields.DateTime("Approved at", readonly=True)
    lent_by = fields.Many2One('res.user', "Lent by", readonly=True)
    return_date = fields.Date("Return Date", readonly=True)
    received_by = fields.Many2One('res.user', "Received by", readonly=True)
    reminded_on = fields.Date("Last Reminder", readonly=True)
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue',
        searcher='search_overdue')
    state = fields.Selection(LOAN_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality(
                        cardinality='low')),
                where=t.state.in_(['draft', 'approved', 'out'])))
        cls._order = [('loan_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'lend': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                # Shown before the loan is out too, so that a clerk who
                # tries gets the reason rather than a hidden button.
                'return_': {
                    'invisible': Eval('state').in_(['returned', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_loan_date():
        return Pool().get('ir.date').today()

    @classmethod
    def default_due_date(cls):
        return cls.default_loan_date() + dt.timedelta(days=7)

    @fields.depends('archive', '_parent_archive.site')
    def on_change_with_site(self, name=None):
        return self.archive.site if self.archive else None

    @classmethod
    def search_site(cls, name, clause):
        return [('archive.' + clause[0], *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.archive.rec_name} → {self.borrower.rec_name}'

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return self.state == 'out' and self.due_date < today

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        domain = [('state', '=', 'out'), ('due_date', '<', today)]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def _check_state(cls, loans, states, message):
        for loan in loans:
            if loan.state not in states:
                raise UserError(gettext(message, loan=loan.rec_name,
                        state=loan.state_string))

    @classmethod
    @ModelView.button
    def approve(cls, loans):
        pool = Pool()
        User = pool.get('res.user')
        cls._check_state(loans, {'draft'}, 'property_base.msg_loan_not_draft')
        user = User(Transaction().user)
        employee = user.employee
        if not employee:
            raise UserError(gettext(
                    'property_base.msg_loan_approver_no_employee',
                    user=user.rec_name))
        cls.write(loans, {
                'state': 'approved',
                'approved_by': employee.id,
                'approved_at': clock(),
                })

    @classmethod
    @ModelView.button
    def lend(cls, loans):
        for loan in loans:
            if loan.state != 'approved' or not loan.approved_by:
                raise UserError(gettext(
                        'property_base.msg_loan_not_approved',
                        loan=loan.rec_name))
        cls.lock(loans)
        archives = [l.archive.id for l in loans]
        if len(archives) != len(set(archives)) or cls.search([
                    ('archive', 'in', archives),
                    ('state', '=', 'out'),
                    ], limit=1):
            raise UserError(gettext(
                    'property_base.msg_archive_already_out'))
        cls.write(loans, {
                'state': 'out',
                'lent_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    def return_(cls, loans):
        today = Pool().get('ir.date').today()
        for loan in loans:
            if loan.state != 'out':
                raise UserError(gettext(
                        'property_base.msg_loan_return_not_out',
                        archive=loan.archive.rec_name,
                        state=loan.state_string))
        cls.write(loans, {
                'state': 'returned',
                'return_date': today,
                'received_by': Transaction().user,
                })

    @classmethod
    @ModelView.button
    def cancel(cls, loans):
        cls._check_state(loans, {'draft', 'approved'},
            'property_base.msg_loan_cancel_state')
        cls.write(loans, {'state': 'cancelled'})

    @classmethod
    def remind_overdue(cls):
        "Scheduled action: remind the archive keeper of overdue loans"
        pool = Pool()
        Cron = pool.get('ir.cron')
        today = pool.get('ir.date').today()
        loans = cls.search([
                ('overdue', '=', True),
                ['OR',
                    ('reminded_on', '=', None),
                    ('reminded_on', '<', today),
                    ],
                ])
        if loans:
            cls.write(loans, {'reminded_on': today})
            Cron.notify_sites(
                'tryton-warning', 'property_base.act_archive_loan_overdue',
                'property_base.msg_loan_overdue_reminder', loans)
        return loans
