# This file is part of the property-management suite.
"""Billing runs: a month of fees billed to posted customer invoices

Exactly once: every billed fee is a property.billing.line whose key (unit,
fee type, service period, payer) is unique in the database, a unit's
lines and draft invoices are written in one transaction (its batch's
drafting) and all its invoices are posted in one other (its batch's
posting). A rerun, a run that crashed midway or two runs at once
therefore bill every fee once and never leave a unit half billed: a batch
that meets lines committed meanwhile by another run starts over on a
fresh snapshot and skips them; a crash between the two leaves whole draft
invoices that resuming the run posts.

What a fee costs and who pays it are the fee rate's (fee.py), how the
fees are grouped on invoices the billed line's (billing_line.py), how the
invoices are written and posted the run's invoicing (invoicing.py), how
the units are cut into queued batches the batch's (batch.py)."""
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from trytond.modules.account_invoice.exceptions import InvoiceNumberError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, MonthMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin

from . import bulk
from .fee import month_end

STATES = [
    ('draft', "Draft"),
    ('processing', "Processing"),
    ('failed', "Failed"),
    ('done', "Done"),
    ]


class Run(WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin, MonthMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.billing.run'
    __string__ = "Billing Run"
    _maintained_fields = ('started_at', 'done_at', 'units_total', 'failure')
    _month_fields = ('month',)
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE', states=_states)
    month = fields.Date("Month", required=True, states=_states,
        help="The month billed: fees in advance for it, fees in arrears "
        "(meters) for the month before.")
    invoice_date = fields.Date("Invoice Date", required=True,
        states=_states,
        help="The date of the run's invoices; billing what is missing "
        "later dates the new invoices anew (the service month stays).")
    site = fields.Many2One('property.site', "Site", ondelete='RESTRICT',
        states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty to bill every site of the company.")
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    failure = fields.Text("Failure", readonly=True,
        states={'invisible': ~Eval('failure')},
        help="Why a batch of the run failed: fix the cause, then retry.")
    batches = fields.One2Many('property.billing.run.batch', 'run',
        "Batches", readonly=True)
    lines = fields.One2Many('property.billing.line', 'run', "Billed Lines",
        readonly=True)
    units_total = fields.Integer("Units", readonly=True)
    progress = fields.Function(fields.Float("Progress", digits=(1, 4)),
        'get_figures')
    units_billed = fields.Function(fields.Integer("Units Billed"),
        'get_figures')
    invoice_count = fields.Function(fields.Integer("Invoices"),
        'get_figures')
    amount = fields.Function(fields.Numeric("Amount", digits=(16, 2)),
        'get_figures')
    held = fields.Function(fields.Integer("Held Fees",
            help="Metered fees held out because a reading awaits review."),
        'get_figures')
    started_at = fields.DateTime("Started at", readonly=True)
    done_at = fields.DateTime("Done at", readonly=True)
    del _states

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        # Migration: the billed month was called "period"
        table_h.column_rename('period', 'month')
        super().__register__(module_name)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range()),
                (t.month, Index.Range())))
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'processing'),
            ('processing', 'done'),
            ('processing', 'failed'),
            ('failed', 'processing'),
            ('done', 'processing'),
            }
        cls._buttons.update({
                'process': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': ~Eval('state').in_(['processing', 'done']),
                    'depends': ['state'],
                    },
                'retry': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                'open_invoices': {
                    'invisible': Eval('state') == 'draft',
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
    def default_month():
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_invoice_date():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        name = self.month.strftime('%Y-%m')
        if self.site:
            name += f' {self.site.rec_name}'
        return name

    @classmethod
    def get_figures(cls, runs, names):
        pool = Pool()
        Batch = pool.get('property.billing.run.batch')
        Line = pool.get('property.billing.line')
        cursor = Transaction().connection.cursor()
        batch = Batch.__table__()
        line = Line.__table__()
        ids = [r.id for r in runs]
        result = {n: {i: None for i in ids} for n in names}
        done = defaultdict(int)
        held = defaultdict(int)
        cursor.execute(*batch.select(batch.run, Sum(batch.unit_count),
                Sum(batch.held),
                where=(batch.run.in_(ids)) & (batch.state == 'done'),
                group_by=[batch.run]))
        for run_id, count, held_count in cursor:
            done[run_id] = count or 0
            held[run_id] = held_count or 0
        figures = {}
        cursor.execute(*line.select(line.run,
                Count(line.unit, distinct=True),
                Count(line.invoice, distinct=True), Sum(line.amount),
                where=line.run.in_(ids), group_by=[line.run]))
        for run_id, units, invoices, amount in cursor:
            figures[run_id] = (units, invoices, amount)
        for run in runs:
            units, invoices, amount = figures.get(run.id, (0, 0, 0))
            if 'progress' in names:
                result['progress'][run.id] = (
                    done[run.id] / run.units_total
                    if run.units_total else
                    (1.0 if run.state == 'done' else 0.0))
            if 'units_billed' in names:
                result['units_billed'][run.id] = units
            if 'invoice_count' in names:
                result['invoice_count'][run.id] = invoices
            if 'amount' in names:
                result['amount'][run.id] = Decimal(amount or 0).quantize(
                    Decimal('0.01'))
            if 'held' in names:
                result['held'][run.id] = held[run.id]
        return result

    @classmethod
    def check_modification(cls, mode, runs, values=None, external=False):
        super().check_modification(
            mode, runs, values=values, external=external)
        if mode == 'delete':
            for run in runs:
                if run.state != 'draft':
                    raise ValidationError(gettext(
                            'property_billing.msg_run_delete',
                            run=run.rec_name))

    def check_period(self):
        "The invoices of the run are posted in an open accounting period"
        Period = Pool().get('account.period')
        periods = Period.search([
                ('company', '=', self.company.id),
                ('start_date', '<=', self.invoice_date),
                ('end_date', '>=', self.invoice_date),
                ('type', '=', 'standard'),
                ], limit=1)
        if not periods:
            raise ValidationError(gettext(
                    'property_billing.msg_run_no_period',
                    run=self.rec_name, date=self.invoice_date))
        period, = periods
        if period.state != 'open':
            raise ValidationError(gettext(
                    'property_billing.msg_run_period_closed',
                    run=self.rec_name, period=period.rec_name))

    def check_not_billed(self):
        "A month is billed by one run; what it missed is billed by resuming"
        others = self.search([
                ('id', '!=', self.id),
                ('company', '=', self.company.id),
                ('month', '=', self.month),
                ('state', '!=', 'draft'),
                ['OR',
                    ('site', '=', None),
                    ('site', '=', self.site.id if self.site else None),
                    ] if self.site else (),
                ], limit=1)
        if others:
            raise ValidationError(gettext(
                    'property_billing.msg_run_period_billed',
                    run=self.rec_name, other=others[0].rec_name))

    def _unit_domain(self):
        domain = [('site.company', '=', self.company.id)]
        if self.site:
            domain.append(('site', '=', self.site.id))
        return domain

    def check_invoice_date(self):
        """Tryton's numbering rule, checked before anything is billed: no
        invoice of the sequence is dated after the run's invoice date"""
        bulk.Plan(self).check_date()

    def last_numbered_date(self):
        "The latest date of the company's numbered customer invoices"
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.search([
                ('company', '=', self.company.id),
                ('type', '=', 'out'),
                ('number', '!=', None),
                ('invoice_date', '!=', None),
                ], order=[('invoice_date', 'DESC')], limit=1)
        return invoices[0].invoice_date if invoices else None

    def next_invoice_date(self):
        """The invoice date of what is billed now: today in the company's
        time zone, never before the last numbered invoice"""
        Date = Pool().get('ir.date')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        last = self.last_numbered_date()
        return max(today, last) if last else today

    @classmethod
    def _before_bill(cls, runs):
        "Prepare what the runs bill (extended by the modules of the suite)"

    @classmethod
    @ModelView.button
    @Workflow.transition('processing')
    def process(cls, runs):
        Batch = Pool().get('property.billing.run.batch')
        for run in runs:
            run.check_period()
            run.check_not_billed()
            run.check_invoice_date()
        cls._before_bill(runs)
        batches = []
        for run in runs:
            new = run._new_batches()
            run.units_total = sum(b.unit_count for b in new)
            run.started_at = dt.datetime.now().replace(microsecond=0)
            batches.extend(new)
        cls.save(runs)
        Batch.save(batches)
        cls._enqueue(runs)

    def _new_batches(self):
        """The batches of the run's units not in a batch of it yet (all
        of them at first)"""
        pool = Pool()
        Batch = pool.get('property.billing.run.batch')
        Unit = pool.get('property.unit')
        Configuration = pool.get('property.billing.configuration')
        size = Configuration.get_value('batch_size', self.company)
        batched = set()
        number = 0
        for batch in getattr(self, 'batches', None) or []:
            batched.update(json.loads(batch.unit_ids))
            number = max(number, batch.sequence or 0)
        # ids only: records of a 100,000-home search cost Tryton the
        # square of their number to instantiate
        cursor = Transaction().connection.cursor()
        cursor.execute(*Unit.search(self._unit_domain(),
                order=[('id', 'ASC')], query=True))
        unit_ids = [i for i, in cursor if i not in batched]
        batches = []
        for i in range(0, len(unit_ids), size):
            chunk = unit_ids[i:i + size]
            number += 1
            batches.append(Batch(run=self, sequence=number,
                    unit_ids=json.dumps(chunk), unit_count=len(chunk),
                    state='pending', held=0))
        return batches

    @classmethod
    @ModelView.button
    def resume(cls, runs):
        """Bill what the run has not billed yet: batches that did not
        finish, and on a finished run every unit again, where only what
        was missed (a reviewed reading, a late handover) is new.

        Billing a finished run again is a supplementary billing: its new
        invoices are dated today in the company's time zone (never before
        the last numbered invoice), their service month stays the run's.
        An unfinished run keeps its invoice date while the sequence allows
        it, else it moves on the same way; its unnumbered draft invoices
        move with it."""
        pool = Pool()
        Batch = pool.get('property.billing.run.batch')
        Invoice = pool.get('account.invoice')
        Line = pool.get('property.billing.line')
        runs = [r for r in runs if r.state != 'draft']
        for run in runs:
            run.check_period()
            redate = run.state == 'done'
            if not redate:
                try:
                    run.check_invoice_date()
                except InvoiceNumberError:
                    redate = True
            if redate:
                date = run.next_invoice_date()
                if date != run.invoice_date:
                    cls.write([run], {'invoice_date': date})
                    run = cls(run.id)
                    run.check_period()
            run.check_invoice_date()
        runs = cls.browse(runs)
        cls._before_bill(runs)
        for run in runs:
            drafts = {l.invoice for l in Line.search([
                        ('run', '=', run.id),
                        ('invoice.state', '=', 'draft'),
                        ])
                if l.invoice.invoice_date != run.invoice_date}
            if drafts:
                Invoice.write(list(drafts),
                    {'invoice_date': run.invoice_date})
        done = [r for r in runs if r.state == 'done']
        if done:
            Batch.mark_pending([b for r in done for b in r.batches])
            # units added since (a home created after the run) in batches
            # of their own
            for run in done:
                new = run._new_batches()
                if new:
                    Batch.save(new)
                    cls.write([run], {'units_total': (run.units_total or 0)
                            + sum(b.unit_count for b in new)})
        cls.reopen([r for r in runs if r.state in {'done', 'failed'}])
        cls._enqueue(cls.browse(runs))

    @classmethod
    @ModelView.button
    def retry(cls, runs):
        "Bill again what a failed batch left, once its cause is fixed"
        cls.resume(runs)

    @classmethod
    @Workflow.transition('processing')
    def reopen(cls, runs):
        "Bill again: a finished run's done time, a failed one's reason go"
        cls.write(runs, {'done_at': None, 'failure': None})

    @classmethod
    def fail(cls, runs, reason):
        "Show on the runs (ids) that a batch failed, and why"
        cls._fail(cls.browse(runs), reason)

    @classmethod
    @Workflow.transition('failed')
    def _fail(cls, runs, reason):
        cls.write(runs, {'failure': reason})

    @classmethod
    def _enqueue(cls, runs):
        Batch = Pool().get('property.billing.run.batch')
        pending = Batch.search([
                ('run', 'in', [r.id for r in runs]),
                ('state', 'in', ['pending', 'drafted']),
                ], order=[('run', 'ASC'), ('sequence', 'ASC')])
        if not pending:
            cls.finish(runs)
            return
        for batch in pending:
            if batch.state == 'pending':
                # (drafting expected later than posting: a worker posts a
                # drafted batch before it drafts the next one)
                with Transaction().set_context(
                        queue_name='property_billing',
                        queue_expected_at=dt.timedelta(minutes=1)):
                    Batch.__queue__.draft([batch])
            else:
                with Transaction().set_context(
                        queue_name='property_billing'):
                    Batch.__queue__.post([batch])

    @classmethod
    def finish(cls, runs):
        Batch = Pool().get('property.billing.run.batch')
        runs = [r for r in runs if r.state == 'processing']
        pending = {b.run.id for b in Batch.search([
                    ('run', 'in', [r.id for r in runs]),
                    ('state', '!=', 'done'),
                    ])}
        cls.do([r for r in runs if r.id not in pending])

    @classmethod
    @Workflow.transition('done')
    def do(cls, runs):
        "Every batch of the runs is done"
        cls.write(runs, {
                'done_at': dt.datetime.now().replace(microsecond=0),
                })

    def bill(self, units):
        """Bill the units with draft invoices (Batch.post posts them);
        return how many fees were held for review"""
        if not units:
            return 0
        fees, held = self.get_fees(units)
        if fees:
            self.draft_invoices(fees)
        return held

    def get_fee_periods(self):
        """The service period (start, end) the run's month bills of each
        periodic fee type of the company"""
        FeeType = Pool().get('property.fee.type')
        periods = {}
        for fee_type in FeeType.search([
                    ('company', '=', self.company.id),
                    ('method', '!=', 'one_off'),
                    ]):
            period = fee_type.service_period(self.month)
            if period:
                periods[fee_type] = period
        return periods

    def get_fees(self, units):
        """The fees due on the units for the run's month and not billed
        yet, as (values of a billed line, the meter readings it bills): of
        each fee type the most specific rate's (FeeAssignment.get_fees),
        then the unbilled charges (Charge.get_fee); and how many metered
        fees were held for review"""
        pool = Pool()
        Assignment = pool.get('property.fee.assignment')
        Line = pool.get('property.billing.line')
        Reading = pool.get('property.meter.reading')
        Charge = pool.get('property.fee.charge')
        company = self.company
        unit_ids = [u.id for u in units]

        periods = self.get_fee_periods()
        if periods:
            first = min(p[0] for p in periods.values())
            last = max(p[1] for p in periods.values())
            assignments = Assignment.search([
                    ('fee_type', 'in', [f.id for f in periods]),
                    ('site', 'in', list({u.site.id for u in units})),
                    ('start_date', '<=', last),
                    ['OR', ('end_date', '=', None),
                        ('end_date', '>=', first)],
                    ])
        else:
            assignments = []
        by_fee = defaultdict(list)
        for assignment in assignments:
            by_fee[assignment.fee_type].append(assignment)

        billed = set()
        for line in Line.search([
                    ('unit', 'in', unit_ids),
                    ('service_key', 'in',
                        list({p[0] for p in periods.values()}) or [None]),
                    ]):
            billed.add((line.unit.id, line.fee_type.id, line.service_key))
        readings = defaultdict(list)
        metered = [f for f in periods if f.method == 'metered']
        if metered:
            for reading in Reading.search([
                        ('meter.unit', 'in', unit_ids),
                        ('meter.fee_type', 'in', [f.id for f in metered]),
                        ('billing_line', '=', None),
                        ('date', '<=', last),
                        ], order=[('date', 'ASC'), ('id', 'ASC')]):
                readings[(reading.meter.unit.id, reading.meter.fee_type.id)
                    ].append(reading)
        charges = defaultdict(list)
        for charge in Charge.search([
                    ('unit', 'in', unit_ids),
                    ('company', '=', company.id),
                    ('billed', '=', False),
                    ('date', '<=', month_end(self.month)),
                    ], order=[('date', 'ASC'), ('id', 'ASC')]):
            charges[charge.unit.id].append(charge)

        held = 0
        fees = []   # (values, readings)
        for unit in units:
            base = self.get_fee_base(unit)
            for fee_type, (start, end) in periods.items():
                if (unit.id, fee_type.id, start) in billed:
                    continue
                chosen = Assignment.most_specific(
                    by_fee.get(fee_type, []), unit, start, end)
                if not chosen:
                    continue
                assignment, = chosen
                unit_fees = assignment.get_fees(unit, start, end,
                    readings.get((unit.id, fee_type.id), []))
                if unit_fees is None:
                    held += 1
                    continue
                fees.extend((dict(base, **values), fee_readings)
                    for values, fee_readings in unit_fees)
            for charge in charges.get(unit.id, []):
                fees.append((dict(base, **charge.get_fee()), []))
        return fees, held

    def get_fee_base(self, unit):
        "The values the run gives every billed line of the unit"
        return {
            'run': self.id,
            'company': self.company.id,
            'site': unit.site.id,
            'building': unit.building.id,
            'unit': unit.id,
            'month': self.month,
            }

    @classmethod
    @ModelView.button_action('property_billing.act_invoice_fee_form')
    def open_invoices(cls, runs):
        "The invoices of the runs, whatever their state"
        Line = Pool().get('property.billing.line')
        lines = Line.search([('run', 'in', [r.id for r in runs])])
        return {
            'pyson_domain': json.dumps(
                [('id', 'in', list({l.invoice.id for l in lines
                                if l.invoice}))]),
            'domains': [],
            }

    @classmethod
    def bill_month(cls, date=None):
        """Scheduled action: on the billing day, bill the month for every
        company not billed yet; finish runs whose batches all ended"""
        pool = Pool()
        Date = pool.get('ir.date')
        Company = pool.get('company.company')
        Configuration = pool.get('property.billing.configuration')
        if date is None:
            date = Date.today()
        cls.finish(cls.search([('state', '=', 'processing')]))
        month = date.replace(day=1)
        runs = []
        for company in Company.search([]):
            if date.day < Configuration.get_value('billing_day', company):
                continue
            if cls.search([
                        ('company', '=', company.id),
                        ('month', '=', month),
                        ('state', '!=', 'draft'),
                        ], limit=1):
                continue
            with Transaction().set_context(company=company.id):
                runs.append(cls(company=company, month=month,
                        invoice_date=date))
        if runs:
            cls.save(runs)
            cls.process(runs)
        return runs


class CreateRunStart(ModelView):
    __name__ = 'property.billing.run.create.start'
    __string__ = "Run Billing"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    month = fields.Date("Month", required=True,
        help="Any day of the month to bill.")
    invoice_date = fields.Date("Invoice Date", required=True)
    site = fields.Many2One('property.site', "Site",
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty to bill every site.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_month():
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_invoice_date():
        return Pool().get('ir.date').today()


class CreateRun(Wizard):
    "Run Billing"
    __name__ = 'property.billing.run.create'
    start = StateView('property.billing.run.create.start',
        'property_billing.billing_run_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Bill", 'bill', 'tryton-ok', default=True),
            ])
    bill = StateTransition()
    open_ = StateAction('property_billing.act_billing_run_form')

    def transition_bill(self):
        Run = Pool().get('property.billing.run')
        run = Run(company=self.start.company,
            month=self.start.month.replace(day=1),
            invoice_date=self.start.invoice_date,
            site=self.start.site)
        run.save()
        Run.process([run])
        return 'open_'

    def do_open_(self, action):
        Run = Pool().get('property.billing.run')
        runs = Run.search([
                ('company', '=', self.start.company.id),
                ('month', '=', self.start.month.replace(day=1)),
                ], order=[('id', 'DESC')], limit=1)
        action['res_id'] = [r.id for r in runs]
        action['views'].reverse()
        return action, {}
