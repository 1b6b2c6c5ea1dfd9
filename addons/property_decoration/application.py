# This file is part of the property-management suite.
"Renovation applications (装修申请) and their permits"
from decimal import Decimal

from trytond.i18n import gettext
from sql.operators import Equal

from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.modules.property_base.printing import HTMLReport
from trytond.transaction import Transaction, without_check_access
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin, check_first)

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('in_progress', "In Progress"),
    ('completed', "Completed"),
    ('settled', "Settled"),
    ('closed', "Closed"),
    ('rejected', "Rejected"),
    ]
# An application holds its unit from submission until it is closed
OPEN_STATES = ['draft', 'submitted', 'approved', 'in_progress', 'completed',
    'settled']
DOCUMENT_KINDS = [
    ('owner_authorisation', "Owner Authorisation"),
    ('owner_identity', "Owner Identity Copy"),
    ('worker_identity', "Worker Identity Copies"),
    ('business_licence', "Contractor Business Licence"),
    ('qualification', "Qualification Certificate"),
    ('drawings', "Drawings"),
    ('other', "Other"),
    ]
SCOPE_KINDS = [
    ('walls', "Walls and Partitions"),
    ('floors', "Floors"),
    ('ceiling', "Ceilings"),
    ('electrical', "Electrical"),
    ('plumbing', "Plumbing"),
    ('waterproofing', "Waterproofing"),
    ('kitchen_bath', "Kitchen and Bathroom"),
    ('doors_windows', "Doors and Windows"),
    ('air_conditioning', "Air Conditioning"),
    ('other', "Other"),
    ]


def settlement(deposit, deductions):
    """Split approved deductions against a deposit: (taken from the deposit,
    shortfall to invoice, remainder to refund)"""
    deposit = Decimal(deposit or 0)
    deductions = Decimal(deductions or 0)
    taken = min(deposit, deductions)
    return taken, deductions - taken, deposit - taken


class Application(site_from('unit'), StampMixin,
        WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.decoration.application'
    __string__ = "Renovation Application"
    _maintained_fields = (
        'number', 'permit_number', 'approved_by', 'actual_start',
        'actual_end', 'deposit_invoice', 'settlement_invoice', 'settled_date')
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    number = fields.Char("Number", readonly=True)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('site.company', '=', Eval('company', -1))])
    owner = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The owner of the unit on the application date.")
    phone = fields.Char("Phone", states=_states)
    contractor = fields.Many2One('party.party', "Contractor",
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The decoration company; leave empty when the owner's own "
        "workers do the works.")
    contractor_licence = fields.Function(fields.Char("Business Licence"),
        'on_change_with_contractor_licence')
    contractor_qualification = fields.Function(
        fields.Char("Qualification Certificate"),
        'on_change_with_contractor_qualification')
    date = fields.Date("Application Date", required=True, states=_states)
    planned_start = fields.Date("Planned Start", required=True,
        states=_states)
    planned_end = fields.Date("Planned End", required=True, states=_states)
    hours_from = fields.Time("Working Hours From", required=True,
        states=_states)
    hours_to = fields.Time("Working Hours To", required=True,
        states=_states)
    description = fields.Text("Description", states=_states)
    scope_items = fields.One2Many('property.decoration.application.scope',
        'application', "Scope", states=_states)
    documents = fields.One2Many('property.decoration.application.document',
        'application', "Documents",
        states={'readonly': ~Eval('state').in_(['draft', 'submitted'])})
    workers = fields.One2Many('property.decoration.worker', 'application',
        "Workers and Passes",
        states={'readonly': Eval('state').in_(
                ['completed', 'settled', 'closed', 'rejected'])})
    management_fee = fields.Numeric("Management Fee", digits=(16, 2),
        required=True, states=_states)
    waste_fee = fields.Numeric("Waste Removal Fee", digits=(16, 2),
        required=True, states=_states)
    deposit = fields.Numeric("Deposit", digits=(16, 2), required=True,
        states=_states)
    charges = fields.One2Many('property.fee.charge', 'origin', "Fees",
        readonly=True)
    deposit_invoice = fields.Many2One('account.invoice', "Deposit Invoice",
        readonly=True, ondelete='RESTRICT')
    deposit_received = fields.Function(fields.Boolean("Deposit Received"),
        'get_deposit_received')
    settlement_invoice = fields.Many2One('account.invoice',
        "Settlement Invoice", readonly=True, ondelete='RESTRICT')
    deposit_balance = fields.Function(fields.Numeric("Deposit Held",
            digits=(16, 2)), 'get_deposit_balance')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True,
        ondelete='RESTRICT')
    rejection_reason = fields.Text("Rejection Reason",
        states={
            'invisible': ~Eval('state').in_(['submitted', 'rejected']),
            'readonly': Eval('state') != 'submitted',
            })
    permit_number = fields.Char("Permit Number", readonly=True)
    actual_start = fields.Date("Started", readonly=True)
    actual_end = fields.Date("Finished", readonly=True)
    settled_date = fields.Date("Settled", readonly=True)
    inspections = fields.One2Many('property.decoration.inspection',
        'application', "Inspections", readonly=True)
    violations = fields.One2Many('property.decoration.violation',
        'application', "Violations", readonly=True)
    acceptances = fields.One2Many('property.decoration.acceptance',
        'application', "Acceptances", readonly=True)
    stopped = fields.Function(fields.Boolean("Work Stopped",
            help="A stop-work order of an open violation is in force: the "
            "passes are blocked."), 'get_stopped')
    inspected_today = fields.Function(fields.Boolean("Inspected Today"),
        'get_inspected_today', searcher='search_inspected_today')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.unit, Index.Equality())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['approved', 'in_progress',
                            'completed'])),
                })
        cls._sql_constraints += [
            # one open application per unit, also under concurrency
            ('unit_open_unique', Exclude(t, (t.unit, Equal),
                    where=t.state.in_(OPEN_STATES)),
                'property_decoration.msg_one_open_constraint'),
            ('settlement_invoice_unique', Unique(t, t.settlement_invoice),
                'property_decoration.msg_settled_once'),
            ('deposit_invoice_unique', Unique(t, t.deposit_invoice),
                'property_decoration.msg_settled_once'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('rejected', 'draft'),
            ('approved', 'in_progress'),
            ('in_progress', 'completed'),
            ('completed', 'settled'),
            ('settled', 'closed'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['submitted',
                            'rejected']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'approved',
                    'readonly': ~Eval('deposit_received', False),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'deposit_received'],
                    },
                'complete': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'settle': {
                    'invisible': Eval('state') != 'completed',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'settled',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @classmethod
    def _policy(cls, name, company=None):
        "The value name of the renovation policy of the company"
        Configuration = Pool().get('property.decoration.configuration')
        return Configuration.get_value(name, company or cls.default_company())

    @classmethod
    def default_hours_from(cls):
        return cls._policy('decoration_hours_from')

    @classmethod
    def default_hours_to(cls):
        return cls._policy('decoration_hours_to')

    @classmethod
    def default_deposit(cls):
        return cls._policy('decoration_deposit')

    @staticmethod
    def default_management_fee():
        return Decimal(0)

    @classmethod
    def default_waste_fee(cls):
        return cls._policy('decoration_waste_fee')

    @staticmethod
    def default_documents():
        return [{'kind': kind, 'required': kind != 'other'}
            for kind, _ in DOCUMENT_KINDS if kind != 'other']

    @fields.depends('contractor')
    def on_change_with_contractor_licence(self, name=None):
        return self.contractor.business_licence if self.contractor else None

    @fields.depends('contractor')
    def on_change_with_contractor_qualification(self, name=None):
        return (self.contractor.qualification_number
            if self.contractor else None)

    @fields.depends('unit', 'date', 'company', 'owner')
    def on_change_unit(self):
        if not self.unit:
            return
        owners = self.unit.current_ownerships(self.date)
        if owners and not self.owner:
            self.owner = owners[0].party
        rate = self._policy('decoration_management_rate', self.company)
        self.management_fee = (Decimal(self.unit.area or 0)
            * rate).quantize(Decimal('0.01'))

    @fields.depends('owner', 'phone')
    def on_change_owner(self):
        if self.owner and not self.phone:
            self.phone = self.owner.phone

    def get_rec_name(self, name):
        number = self.number or f'({self.id})'
        return f'{number} {self.unit.rec_name}' if self.unit else number

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'permit_number',
                'unit.rec_name', 'owner.name'])

    @classmethod
    def get_deposit_received(cls, applications, name):
        return {a.id: bool(a.deposit_invoice
                and a.deposit_invoice.state == 'paid')
            for a in applications}

    def deposit_lines(self):
        "The posted move lines of the job on the deposit account"
        lines = []
        for invoice in (self.deposit_invoice, self.settlement_invoice):
            if invoice and invoice.move:
                lines.extend(l for l in invoice.move.lines
                    if l.account.type.deposit)
        return lines

    @classmethod
    def get_deposit_balance(cls, applications, name):
        return {a.id: sum((l.credit - l.debit for l in a.deposit_lines()),
                Decimal(0)) for a in applications}

    @classmethod
    def get_stopped(cls, applications, name):
        Violation = Pool().get('property.decoration.violation')
        stopped = {v.application.id for v in Violation.search([
                    ('application', 'in', [a.id for a in applications]),
                    ('state', '=', 'open'),
                    ('sanction', '=', 'stop_work'),
                    ])}
        return {a.id: a.id in stopped for a in applications}

    @classmethod
    def get_inspected_today(cls, applications, name):
        pool = Pool()
        Inspection = pool.get('property.decoration.inspection')
        today = pool.get('ir.date').today()
        done = {i.application.id for i in Inspection.search([
                    ('application', 'in', [a.id for a in applications]),
                    ('date', '=', today),
                    ])}
        return {a.id: a.id in done for a in applications}

    @classmethod
    def search_inspected_today(cls, name, clause):
        pool = Pool()
        Inspection = pool.get('property.decoration.inspection')
        today = pool.get('ir.date').today()
        inspection = Inspection.__table__()
        query = inspection.select(inspection.application,
            where=inspection.date == today)
        _, operator, value = clause[:3]
        inspected = (operator == '=') == bool(value)
        return [('id', 'in' if inspected else 'not in', query)]

    @classmethod
    def validate_fields(cls, applications, field_names):
        super().validate_fields(applications, field_names)
        for application in applications:
            if application.planned_end < application.planned_start:
                raise ValidationError(gettext(
                        'property_decoration.msg_planned_end_before_start',
                        application=application.rec_name,
                        start=application.planned_start,
                        end=application.planned_end))
            if application.hours_to <= application.hours_from:
                raise ValidationError(gettext(
                        'property_decoration.msg_hours',
                        application=application.rec_name))
            for name in ['management_fee', 'waste_fee', 'deposit']:
                if getattr(application, name) < 0:
                    raise ValidationError(gettext(
                            'property_decoration.msg_amount_negative',
                            application=application.rec_name,
                            field=cls._fields[name].string))

    @classmethod
    def validate(cls, applications):
        super().validate(applications)
        cls.check_owner(applications)
        cls.check_one_open(applications)

    @classmethod
    def check_owner(cls, applications):
        for application in applications:
            if application.state not in {'draft', 'submitted'}:
                continue
            owners = application.unit.current_ownerships(application.date)
            if application.owner not in {o.party for o in owners}:
                raise ValidationError(gettext(
                        'property_decoration.msg_not_owner',
                        party=application.owner.rec_name,
                        unit=application.unit.rec_name,
                        date=application.date))

    @classmethod
    def check_one_open(cls, applications):
        "One open application per unit (the database enforces it too)"
        units = {a.unit.id for a in applications if a.state in OPEN_STATES}
        if not units:
            return
        others = cls.search([
                ('unit', 'in', list(units)),
                ('state', 'in', OPEN_STATES),
                ('id', 'not in', [a.id for a in applications if a.id]),
                ])
        for application in applications:
            if application.state not in OPEN_STATES:
                continue
            for other in others:
                if other.unit == application.unit:
                    raise ValidationError(gettext(
                            'property_decoration.msg_one_open',
                            unit=application.unit.rec_name,
                            other=other.rec_name,
                            state=other.state_string))
            others.append(application)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        Unit = pool.get('property.unit')
        # the types of the values are checked first (CheckValuesMixin)
        values = super().preprocess_values(mode, values)
        if mode != 'create':
            return values
        # the workflow starts in draft: approval is not a value to send
        if values.get('state', 'draft') != 'draft':
            raise AccessError(gettext('property_decoration.msg_create_draft'))
        if values.get('unit'):
            unit = Unit(values['unit'])
            # before the database's constraint, with the other one named
            cls.check_one_open([cls(unit=unit, state='draft')])
            if 'management_fee' not in values:
                rate = cls._policy('decoration_management_rate',
                    unit.site.company)
                values['management_fee'] = (Decimal(unit.area or 0)
                    * rate).quantize(Decimal('0.01'))
        if not values.get('number'):
            with without_check_access():
                values['number'] = Sequence(ModelData.get_id(
                        'property_decoration', 'sequence_application')).get()
        return values

    @classmethod
    def copy(cls, applications, default=None):
        default = dict(default or {})
        for name in ['number', 'deposit_invoice', 'settlement_invoice',
                'approved_by', 'permit_number', 'actual_start', 'actual_end',
                'settled_date', 'charges', 'inspections', 'violations',
                'acceptances', 'workers']:
            default.setdefault(name, None)
        return super().copy(applications, default=default)

    @classmethod
    def delete(cls, applications):
        for application in applications:
            if application.state not in {'draft', 'rejected'}:
                raise AccessError(gettext(
                        'property_decoration.msg_delete_draft',
                        application=application.rec_name))
        super().delete(applications)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, applications):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, applications):
        for application in applications:
            if application.contractor and not (
                    application.contractor.business_licence):
                raise ValidationError(gettext(
                        'property_decoration.msg_contractor_licence',
                        contractor=application.contractor.rec_name))
        # the owner and the unit are checked again on the day of submission
        cls.check_owner(applications)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, applications):
        for application in applications:
            missing = [d.kind_string for d in application.documents
                if d.required and not d.received]
            if missing:
                raise ValidationError(gettext(
                        'property_decoration.msg_document_missing',
                        application=application.rec_name,
                        documents=', '.join(missing)))
        cls.stamp(applications, by='approved_by')
        # the manager's approval bills the deposit and the fees
        with without_check_access():
            cls.invoice_deposit(applications)
            cls.charge_fees(applications)

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, applications):
        for application in applications:
            if not (application.rejection_reason or '').strip():
                raise ValidationError(gettext(
                        'property_decoration.msg_rejection_reason',
                        application=application.rec_name))

    @classmethod
    def _check_start(cls, applications):
        for application in applications:
            if application.state != 'approved':
                raise ValidationError(gettext(
                        'property_decoration.msg_start_not_approved',
                        application=application.rec_name,
                        state=application.state_string))
            if application.deposit and not application.deposit_received:
                raise ValidationError(gettext(
                        'property_decoration.msg_deposit_not_received',
                        application=application.rec_name,
                        amount=application.deposit))

    @classmethod
    @ModelView.button
    @check_first('_check_start')
    @Workflow.transition('in_progress')
    def start(cls, applications):
        "Issue the permit (装修许可证): the works may start"
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        Date = pool.get('ir.date')
        sequence = Sequence(ModelData.get_id(
                'property_decoration', 'sequence_permit'))
        today = Date.today()
        for application in applications:
            with without_check_access():
                number = sequence.get()
            cls.write([application], {
                    'permit_number': number,
                    'actual_start': today,
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('completed')
    def complete(cls, applications):
        cls.write(applications, {
                'actual_end': Pool().get('ir.date').today(),
                })

    @classmethod
    def _check_settle(cls, applications):
        # Two clerks settling one job at once: the second waits, then finds
        # it settled
        cls.lock(applications)
        applications = cls.browse([a.id for a in applications])
        for application in applications:
            if application.state != 'completed' or (
                    application.settlement_invoice):
                raise ValidationError(gettext(
                        'property_decoration.msg_settle_state',
                        application=application.rec_name,
                        state=application.state_string))
            open_violations = [v for v in application.violations
                if v.state == 'open']
            if open_violations:
                raise ValidationError(gettext(
                        'property_decoration.msg_settle_open_violations',
                        application=application.rec_name,
                        violations=', '.join(
                            v.rec_name for v in open_violations)))
            acceptance = application.accepted_acceptance()
            if not acceptance:
                raise ValidationError(gettext(
                        'property_decoration.msg_settle_no_acceptance',
                        application=application.rec_name))
            acceptance.check_deductions(application.deposit_balance)

    @classmethod
    @ModelView.button
    @check_first('_check_settle')
    @Workflow.transition('settled')
    def settle(cls, applications):
        """Take the approved deductions from the deposit, invoice a shortfall
        and refund the remainder, as one posted invoice per job"""
        today = Pool().get('ir.date').today()
        for application in applications:
            with without_check_access():
                invoice = application._settlement_invoice()
            values = {'settled_date': today}
            if invoice:
                values['settlement_invoice'] = invoice.id
            cls.write([application], values)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, applications):
        for application in applications:
            invoice = application.settlement_invoice
            if invoice and invoice.state != 'paid':
                raise ValidationError(gettext(
                        'property_decoration.msg_close_unpaid',
                        application=application.rec_name,
                        invoice=invoice.rec_name,
                        amount=invoice.amount_to_pay))

    def accepted_acceptance(self):
        for acceptance in self.acceptances:
            if acceptance.state == 'accepted':
                return acceptance

    # -- accounting -----------------------------------------------------

    def _invoice(self, description):
        "The owner's invoice, built as the fee invoices are (property_billing)"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        # as for the fee invoices: the unit is the owner's address if none
        self.owner = Invoice.property_invoice_parties(
            {self.owner.id: self.unit.id})[self.owner.id]
        defaults = Invoice.property_invoice_defaults(
            self.company, pool.get('ir.date').today())
        invoice = Invoice(**Invoice.property_invoice_values(
                defaults, self.owner, self.unit, description))
        invoice.lines = []
        return invoice

    def _line(self, invoice, account, description, amount):
        Line = Pool().get('account.invoice.line')
        line = Line(invoice=invoice, company=self.company, type='line',
            account=account, description=description, quantity=1,
            unit_price=amount, currency=self.company.currency)
        line.on_change_account()
        return line

    def _deposit_account(self):
        account = self._policy('decoration_deposit_account', self.company)
        if not account:
            raise ValidationError(gettext(
                    'property_decoration.msg_no_deposit_account',
                    company=self.company.rec_name))
        return account

    @classmethod
    def invoice_deposit(cls, applications):
        "Post the deposit invoice of each approved application"
        Invoice = Pool().get('account.invoice')
        invoices = []
        for application in applications:
            if not application.deposit or application.deposit_invoice:
                continue
            account = application._deposit_account()
            description = gettext('property_decoration.msg_deposit_line',
                application=application.rec_name)
            invoice = application._invoice(description)
            invoice.lines = [application._line(invoice, account,
                    description, application.deposit)]
            invoice.save()
            application.deposit_invoice = invoice
            invoices.append(invoice)
        if invoices:
            Invoice.post(invoices)
            cls.save(applications)

    @classmethod
    def charge_fees(cls, applications):
        "Charge the management and waste removal fees, billed by the next run"
        pool = Pool()
        Charge = pool.get('property.fee.charge')
        Date = pool.get('ir.date')
        charges = []
        for application in applications:
            company = application.company
            for fee_type, amount in [
                    (application._policy('decoration_management_fee_type',
                            company), application.management_fee),
                    (application._policy('decoration_waste_fee_type',
                            company), application.waste_fee)]:
                if not fee_type or not amount:
                    continue
                charges.append(Charge(company=application.company,
                        unit=application.unit, fee_type=fee_type,
                        party=application.owner, date=Date.today(),
                        description=f'{fee_type.name} '
                        f'{application.number}',
                        amount=amount, origin=application))
        Charge.save(charges)

    def _settlement_invoice(self):
        """The posted invoice of the settlement: the deductions on the
        deduction account and the deposit recalled from the deposit account;
        its total is the shortfall (positive) or the refund (negative)"""
        Invoice = Pool().get('account.invoice')
        deduction_account = self._policy(
            'decoration_deduction_account', self.company)
        acceptance = self.accepted_acceptance()
        held = self.deposit_balance
        if not held and not acceptance.deductions:
            return None
        description = gettext('property_decoration.msg_settlement_line',
            application=self.rec_name)
        invoice = self._invoice(description)
        lines = []
        if acceptance.deductions:
            if not deduction_account:
                raise ValidationError(gettext(
                        'property_decoration.msg_no_deduction_account',
                        company=self.company.rec_name))
            for deduction in acceptance.deductions:
                lines.append(self._line(invoice,
                        deduction_account,
                        deduction.description, deduction.amount))
        if held:
            lines.append(self._line(invoice, self._deposit_account(),
                    gettext('property_decoration.msg_deposit_recall',
                        application=self.rec_name), -held))
        invoice.lines = lines
        invoice.save()
        Invoice.post([invoice])
        return invoice


class Charge(metaclass=PoolMeta):
    __name__ = 'property.fee.charge'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.decoration.application']


class ScopeItem(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.application.scope'
    __string__ = "Renovation Scope Item"
    application = fields.Many2One('property.decoration.application',
        "Application", required=True, ondelete='CASCADE')
    kind = fields.Selection(SCOPE_KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    description = fields.Char("Description", required=True)
    quantity = fields.Char("Quantity",
        help="e.g. 12 m², 3 rooms.")

    @staticmethod
    def default_kind():
        return 'other'


class Document(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.decoration.application.document'
    __string__ = "Renovation Document"
    application = fields.Many2One('property.decoration.application',
        "Application", required=True, ondelete='CASCADE')
    kind = fields.Selection(DOCUMENT_KINDS, "Document", required=True,
        sort=False)
    kind_string = kind.translated('kind')
    required = fields.Boolean("Required")
    received = fields.Boolean("Received")
    received_date = fields.Date("Received on",
        states={'invisible': ~Eval('received')})
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'ASC'))

    @staticmethod
    def default_required():
        return True

    @fields.depends('received', 'received_date')
    def on_change_received(self):
        if self.received and not self.received_date:
            self.received_date = Pool().get('ir.date').today()


class Permit(HTMLReport):
    "Renovation Permit (装修许可证)"
    __name__ = 'property.decoration.permit'

    @classmethod
    def execute(cls, ids, data):
        Application = Pool().get('property.decoration.application')
        for application in Application.browse(ids):
            if not application.permit_number:
                raise ValidationError(gettext(
                        'property_decoration.msg_permit_not_issued',
                        application=application.rec_name))
        return super().execute(ids, data)
