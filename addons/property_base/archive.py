# This file is part of the property-management suite.
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If

from .audit import StateAuditMixin
from .common import (
    CheckValuesMixin, OverdueReminderMixin, rec_name_domain)
from .site import site_from
from .workflow import (
    StampMixin, WorkflowGuardMixin, acting_employee, check_first)

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
    __name__ = 'property.archive'
    __string__ = "Archive File"
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


class ArchiveLoan(CheckValuesMixin, site_from('archive'), OverdueReminderMixin,
        StampMixin, WorkflowGuardMixin, StateAuditMixin, Workflow, ModelSQL,
        ModelView):
    __name__ = 'property.archive.loan'
    __string__ = "Archive Loan"
    _overdue_action = 'property_base.act_archive_loan_overdue'
    _overdue_message = 'property_base.msg_loan_overdue_reminder'
    _maintained_fields = (
        'approved_by', 'approved_at', 'lent_by', 'return_date', 'received_by',
        'reminded_on')
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    archive = fields.Many2One('property.archive', "Archive", required=True,
        ondelete='CASCADE', states=_states)
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
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'out'),
            ('out', 'returned'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
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
    def _check_approve(cls, loans):
        cls._check_state(loans, {'draft'}, 'property_base.msg_loan_not_draft')

    @classmethod
    @ModelView.button
    @check_first('_check_approve')
    @Workflow.transition('approved')
    def approve(cls, loans):
        approver = acting_employee(
            'property_base.msg_loan_approver_no_employee')
        cls.stamp(loans, at='approved_at', approved_by=approver.id)

    @classmethod
    def _check_lend(cls, loans):
        for loan in loans:
            if loan.state != 'approved' or not loan.approved_by:
                raise UserError(gettext(
                        'property_base.msg_loan_not_approved',
                        loan=loan.rec_name))

    @classmethod
    @ModelView.button
    @check_first('_check_lend')
    @Workflow.transition('out')
    def lend(cls, loans):
        cls.lock(loans)
        archives = [l.archive.id for l in loans]
        if len(archives) != len(set(archives)) or cls.search([
                    ('archive', 'in', archives),
                    ('state', '=', 'out'),
                    ], limit=1):
            raise UserError(gettext(
                    'property_base.msg_archive_already_out'))
        cls.stamp(loans, by='lent_by')

    @classmethod
    def _check_return(cls, loans):
        for loan in loans:
            if loan.state != 'out':
                raise UserError(gettext(
                        'property_base.msg_loan_return_not_out',
                        archive=loan.archive.rec_name,
                        state=loan.state_string))

    @classmethod
    @ModelView.button
    @check_first('_check_return')
    @Workflow.transition('returned')
    def return_(cls, loans):
        cls.stamp(loans, by='received_by',
            return_date=Pool().get('ir.date').today())

    @classmethod
    def _check_cancel(cls, loans):
        cls._check_state(loans, {'draft', 'approved'},
            'property_base.msg_loan_cancel_state')

    @classmethod
    @ModelView.button
    @check_first('_check_cancel')
    @Workflow.transition('cancelled')
    def cancel(cls, loans):
        pass
