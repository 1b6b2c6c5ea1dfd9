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
invoices that resuming the run posts."""
import datetime as dt
import json
import logging
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from sql import For
from sql.aggregate import Count, Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import SQLConstraintError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, TransactionError
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from trytond.modules.account_invoice.exceptions import InvoiceNumberError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin, MonthMixin

from . import bulk
from .fee import MONTHS, VACANT_STATES, month_end, price_of
from .prepayment import apply_prepayments
from trytond.modules.property_base.workflow import WorkflowGuardMixin

logger = logging.getLogger(__name__)

STATES = [
    ('draft', "Draft"),
    ('processing', "Processing"),
    ('failed', "Failed"),
    ('done', "Done"),
    ]


class BillingConflict(TransactionError):
    """Another run committed lines of the batch meanwhile: start the batch
    over on a fresh snapshot, which sees and skips them"""


def _segments(periods, start, end):
    """Split [start, end] by the periods (from_date, to_date, key, rank),
    giving (from, to, key) with the best ranked key covering each day"""
    days = {start, end + dt.timedelta(days=1)}
    for from_date, to_date, _, _ in periods:
        if from_date and start < from_date <= end:
            days.add(from_date)
        if to_date and start <= to_date < end:
            days.add(to_date + dt.timedelta(days=1))
    days = sorted(days)
    result = []
    for begin, after in zip(days, days[1:]):
        finish = after - dt.timedelta(days=1)
        covering = [(rank, key) for f, t, key, rank in periods
            if (f or dt.date.min) <= begin and (t is None or finish <= t)]
        key = max(covering)[1] if covering else None
        if result and result[-1][2] == key and key is not None:
            result[-1] = (result[-1][0], finish, key)
        elif key is not None:
            result.append((begin, finish, key))
    return result


def payer_segments(unit, payer, start, end):
    """The parties paying a unit's fee over [start, end] with their days:
    the main owner (largest share), or for a tenant-paid fee the tenant
    while the lease runs and the owner otherwise"""
    owners = [(o.from_date, o.to_date, o.party.id,
            (o.share, -o.id)) for o in unit.ownerships]
    segments = _segments(owners, start, end)
    if payer == 'tenant':
        tenants = [(r.from_date, r.to_date, r.party.id, (1, -r.id))
            for r in unit.residents if r.role == 'tenant']
        leased = _segments(tenants, start, end)
        if leased:
            result = []
            for begin, finish, owner in segments:
                cursor = begin
                for t_begin, t_finish, tenant in leased:
                    if t_finish < begin or t_begin > finish:
                        continue
                    t_begin, t_finish = max(t_begin, begin), min(
                        t_finish, finish)
                    if cursor < t_begin:
                        result.append(
                            (cursor, t_begin - dt.timedelta(days=1), owner))
                    result.append((t_begin, t_finish, tenant))
                    cursor = t_finish + dt.timedelta(days=1)
                if cursor <= finish:
                    result.append((cursor, finish, owner))
            # tenants' days on units without an owner are billed too
            covered = {d for b, f, _ in result
                for d in range((b - start).days, (f - start).days + 1)}
            for t_begin, t_finish, tenant in leased:
                if (t_begin - start).days not in covered:
                    result.append((t_begin, t_finish, tenant))
            segments = sorted(result)
    days = defaultdict(int)
    for begin, finish, party in segments:
        days[party] += (finish - begin).days + 1
    return sorted(days.items(), key=lambda x: -x[1])


class Run(WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin, MonthMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.billing.run'
    __string__ = "Billing Run"
    _maintained_fields = ('started_at', 'done_at', 'units_total', 'failure')
    _month_fields = ('period',)
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE', states=_states)
    period = fields.Date("Month", required=True, states=_states,
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
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range()),
                (t.period, Index.Range())))
        cls._order = [('period', 'DESC'), ('id', 'DESC')]
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
    def default_period():
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_invoice_date():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        name = self.period.strftime('%Y-%m')
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
                ('period', '=', self.period),
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
        return _bill(self, units)

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
                        ('period', '=', month),
                        ('state', '!=', 'draft'),
                        ], limit=1):
                continue
            with Transaction().set_context(company=company.id):
                runs.append(cls(company=company, period=month,
                        invoice_date=date))
        if runs:
            cls.save(runs)
            cls.process(runs)
        return runs


class Batch(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'property.billing.run.batch'
    __string__ = "Billing Run Batch"
    _maintained_fields = (
        'run', 'sequence', 'unit_ids', 'unit_count', 'held', 'done_at')
    run = fields.Many2One('property.billing.run', "Run", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Number", readonly=True)
    unit_ids = fields.Text("Unit IDs", readonly=True)
    unit_count = fields.Integer("Units", readonly=True)
    held = fields.Integer("Held Fees", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('drafted', "Drafted"),
            ('done', "Done"),
            ], "State", readonly=True, required=True,
        help="Pending: to bill. Drafted: fees billed, invoices to post. "
        "Done: invoices posted.")
    done_at = fields.DateTime("Done at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.run, Index.Range()),
                (t.state, Index.Equality())))
        cls._order = [('run', 'DESC'), ('sequence', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('pending', 'drafted'),
            ('drafted', 'done'),
            # a finished run billed again bills each of its units again
            ('done', 'pending'),
            }

    @staticmethod
    def default_state():
        return 'pending'

    @classmethod
    @Workflow.transition('drafted')
    def mark_drafted(cls, batches):
        "Fees billed, invoices to post"

    @classmethod
    @Workflow.transition('done')
    def mark_done(cls, batches):
        "Invoices posted (each batch's done time set as it posted)"

    @classmethod
    @Workflow.transition('pending')
    def mark_pending(cls, batches):
        "To bill again"

    @classmethod
    def process(cls, batches):
        "Bill the batches and post their invoices in this transaction"
        cls._lock(batches)
        cls._draft(batches)
        cls._post(batches)

    @classmethod
    def draft(cls, batches):
        """Queued: bill the fees of the batches with their draft invoices,
        then queue their posting. Batches draft side by side: nothing is
        locked. A batch that fails marks its run failed (see _failing)"""
        batches = [b for b in batches if b.run.state == 'processing']

        def draft():
            drafted = cls._draft(batches)
            if drafted:
                with Transaction().set_context(
                        queue_name='property_billing'):
                    cls.__queue__.post(drafted)
        cls._failing(batches, draft)

    @classmethod
    def _failing(cls, batches, func):
        """Call func; if it fails, undo what it did and mark the runs of
        the batches failed with the reason, in this transaction, which
        the queue commits: the run never stays processing for a batch
        that cannot be billed. Restarts (a conflict, a lock or a
        serialization failure) are left to the queue, which retries."""
        Run = Pool().get('property.billing.run')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        # (never released: on SQLite releasing a savepoint that began the
        # transaction would commit it)
        cursor.execute('SAVEPOINT property_billing_batch')
        tasks = len(transaction.tasks)
        try:
            return func()
        except (TransactionError, backend.DatabaseOperationalError):
            raise
        except Exception as exception:
            cursor.execute('ROLLBACK TO SAVEPOINT property_billing_batch')
            # what the records and tasks of the undone work left behind
            del transaction.tasks[tasks:]
            for cache in transaction.cache.values():
                cache.clear()
            Run.fail(list({b.run.id for b in batches}),
                _failure_reason(exception, [b.id for b in batches]))

    @classmethod
    def _draft(cls, batches):
        Unit = Pool().get('property.unit')
        drafted = []
        for batch in batches:
            if batch.state != 'pending':
                continue
            units = Unit.search([
                    ('id', 'in', json.loads(batch.unit_ids)),
                    ], order=[('id', 'ASC')])
            batch.held = batch.run.bill(units)
            drafted.append(batch)
        cls.save(drafted)
        cls.mark_drafted(drafted)
        return drafted

    @classmethod
    def post(cls, batches):
        """Queued: number and post the draft invoices of the batches, and
        of every batch of their runs drafted meanwhile.

        Posting draws gapless numbers from the strict invoice and move
        sequences, so batches post one after the other, each in a
        transaction of its own that starts with both locked. A task that
        finds them held does not wait (it would keep a worker from
        drafting): the holder posts, after its own, each batch drafted
        meanwhile, looking again after each commit, so a batch drafted
        while the sequences were held is never left behind. The task is
        queued again a little later all the same, in case the holder was
        not a posting of these runs"""
        cls._failing(batches, lambda: cls._post_queued(batches))

    @classmethod
    def _post_queued(cls, batches):
        if backend.name != 'postgresql':
            # (one transaction at a time: nothing to wait for)
            cls._lock(batches)
            cls._post(batches)
            return
        runs = list({b.run.id for b in batches})
        first = [b.id for b in batches]
        while True:
            with Transaction().new_transaction():
                drafted = cls.search([
                        ('run', 'in', runs),
                        ('run.state', '=', 'processing'),
                        ('state', '=', 'drafted'),
                        ], order=[('run', 'ASC'), ('sequence', 'ASC')])
                # the batches given first, then the others in order
                drafted.sort(key=lambda b: b.id not in first)
                if not drafted:
                    return
                batch = drafted[0]
                locks = {Model._table: [r.id for r in group]
                    for Model, group in cls._locks([batch]).items()}
                batch_id, run_id = batch.id, batch.run.id
            try:
                with Transaction().new_transaction(_lock_records=locks):
                    cls._post(cls.browse([batch_id]))
            except backend.DatabaseOperationalError:
                # another transaction holds the sequences
                if any(b.id in first for b in drafted):
                    with Transaction().set_context(
                            queue_name='property_billing',
                            queue_scheduled_at=RETRY_POSTING):
                        cls.__queue__.post(cls.browse(
                                [b.id for b in drafted if b.id in first]))
                return
            except Exception as exception:
                if isinstance(exception, TransactionError):
                    raise
                # the batch's run fails, the other runs post on
                reason = _failure_reason(exception, [batch_id])
                with Transaction().new_transaction():
                    Pool().get('property.billing.run').fail(
                        [run_id], reason)

    @classmethod
    def _post(cls, batches):
        Run = Pool().get('property.billing.run')
        posted = []
        for batch in batches:
            if batch.state != 'drafted':
                continue
            _post_drafts(batch.run, json.loads(batch.unit_ids))
            batch.done_at = dt.datetime.now().replace(microsecond=0)
            posted.append(batch)
        cls.save(posted)
        cls.mark_done(posted)
        Run.finish(list({b.run for b in batches}))

    @classmethod
    def _locks(cls, batches):
        "What posting the batches locks: the runs' strict sequences"
        records = defaultdict(set)
        for run in {b.run for b in batches
                if b.state in {'pending', 'drafted'}}:
            for record in bulk.Plan(run).locks():
                records[record.__class__].add(record)
        return records

    @classmethod
    def _lock(cls, batches):
        """Lock what posting the batches draws from in this transaction:
        lock() raises to restart it with the locks taken; where another
        transaction holds them, wait for it to end first so that the
        restart finds them free"""
        for Model, group in cls._locks(batches).items():
            try:
                # all of a table at once: a restart locks what it names
                Model.lock(list(group))
            except TransactionError as error:
                # (only the ids this transaction lacks: waiting on one it
                # holds would wait for ever)
                _wait_for(Model, list(getattr(error, '_ids', None) or []))
                raise


def _failure_reason(exception, batch_ids):
    "What a run shows of the failure of its batches"
    if isinstance(exception, (UserError, UserWarning)):
        return exception.message
    logger.error("billing batches %s failed", batch_ids,
        exc_info=exception)
    return f'{exception.__class__.__name__}: {exception}'


# when a posting that found the sequences held is tried again
RETRY_POSTING = dt.timedelta(seconds=5)


def _wait_for(Model, ids):
    """Wait until no other transaction holds a lock on the records (the
    wait happens in a transaction of its own, ended at once)"""
    if not ids or backend.name != 'postgresql':
        return
    table = Model.__table__()
    with Transaction().new_transaction() as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.id.in_(ids), for_=For('UPDATE')))


class Line(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.billing.line'
    __string__ = "Billed Fee"
    run = fields.Many2One('property.billing.run', "Run", required=True,
        ondelete='RESTRICT', readonly=True)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', readonly=True)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', readonly=True)
    building = fields.Many2One('property.building', "Building",
        required=True, ondelete='RESTRICT', readonly=True)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', readonly=True)
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT', readonly=True)
    party = fields.Many2One('party.party', "Payer", required=True,
        ondelete='RESTRICT', readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    period_start = fields.Date("From", required=True, readonly=True)
    period_end = fields.Date("To", required=True, readonly=True)
    period_key = fields.Date("Period Key", readonly=True,
        help="The service period of a periodic fee; empty for charges.")
    charge = fields.Many2One('property.fee.charge', "Charge",
        ondelete='RESTRICT', readonly=True)
    month = fields.Date("Month", required=True, readonly=True,
        help="The month of the run that billed the fee.")
    description = fields.Char("Description", readonly=True)
    quantity = fields.Numeric("Quantity", digits=(16, 2), readonly=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4),
        readonly=True)
    days = fields.Integer("Days", readonly=True)
    period_days = fields.Integer("Days in Period", readonly=True)
    discount = fields.Numeric("Discount (%)", digits=(5, 2), readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice",
        ondelete='RESTRICT', readonly=True)
    invoice_state = fields.Function(fields.Selection(
            'get_invoice_states', "Invoice State"), 'get_invoice_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # The exactly-once guarantee: see the module docstring.
            ('fee_period_unique',
                Unique(t, t.unit, t.fee_type, t.period_key, t.party),
                'property_billing.msg_line_fee_period_unique'),
            ('charge_unique', Unique(t, t.charge),
                'property_billing.msg_line_charge_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.run, Index.Range())),
                Index(t, (t.invoice, Index.Range())),
                Index(t, (t.site, Index.Range()), (t.month, Index.Range())),
                })
        cls._order = [('unit', 'ASC'), ('fee_type', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_invoice_states(cls):
        Invoice = Pool().get('account.invoice')
        return [(None, '')] + Invoice.fields_get(['state'])['state'][
            'selection']

    def get_invoice_state(self, name):
        return self.invoice.state if self.invoice else None

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} {self.fee_type.rec_name} ' \
            f'{self.period_start}'


def _bill(run, units):
    """Bill the fees due on the units for the run's month; return how many
    metered fees were held for review"""
    pool = Pool()
    FeeType = pool.get('property.fee.type')
    Assignment = pool.get('property.fee.assignment')
    Line = pool.get('property.billing.line')
    Reading = pool.get('property.meter.reading')
    Charge = pool.get('property.fee.charge')
    company = run.company
    currency = company.currency
    month = run.period
    unit_ids = [u.id for u in units]
    if not units:
        return 0

    periods = {}
    for fee_type in FeeType.search([
                ('company', '=', company.id),
                ('method', '!=', 'one_off'),
                ]):
        period = fee_type.service_period(month)
        if period:
            periods[fee_type] = period
    if periods:
        first = min(p[0] for p in periods.values())
        last = max(p[1] for p in periods.values())
        assignments = Assignment.search([
                ('fee_type', 'in', [f.id for f in periods]),
                ('site', 'in', list({u.site.id for u in units})),
                ('start_date', '<=', last),
                ['OR', ('end_date', '=', None), ('end_date', '>=', first)],
                ])
    else:
        assignments = []
    by_fee = defaultdict(list)
    for assignment in assignments:
        by_fee[assignment.fee_type].append(assignment)

    billed = set()
    for line in Line.search([
                ('unit', 'in', unit_ids),
                ('period_key', 'in', list({p[0] for p in periods.values()})
                    or [None]),
                ]):
        billed.add((line.unit.id, line.fee_type.id, line.period_key))
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
                ('date', '<=', month_end(month)),
                ], order=[('date', 'ASC'), ('id', 'ASC')]):
        charges[charge.unit.id].append(charge)

    held = 0
    to_create = []   # (values, readings)
    for unit in units:
        base = {
            'run': run.id,
            'company': company.id,
            'site': unit.site.id,
            'building': unit.building.id,
            'unit': unit.id,
            'month': month,
            }
        for fee_type, (start, end) in periods.items():
            if (unit.id, fee_type.id, start) in billed:
                continue
            chosen = Assignment.most_specific(
                by_fee.get(fee_type, []), unit, start, end)
            if not chosen:
                continue
            assignment, = chosen
            period_days = (end - start).days + 1
            label = f'{fee_type.name} {start:%Y-%m}'
            if end.month != start.month or end.year != start.year:
                label += f'~{end:%Y-%m}'
            if fee_type.method == 'metered':
                unit_readings = [r for r in readings.get(
                        (unit.id, fee_type.id), [])
                    if start <= r.date <= end]
                # counted from the last base reading (taken when the owner
                # received the home): not what the meter counted before
                bases = [i for i, r in enumerate(unit_readings) if r.base]
                if bases:
                    unit_readings = unit_readings[bases[-1]:]
                if not unit_readings:
                    continue
                if any(r.state == 'flagged' for r in unit_readings):
                    held += 1
                    continue
                quantity = sum(r.consumption for r in unit_readings)
                payers = payer_segments(
                    unit, assignment.payer, end, end)
                if not payers or quantity <= 0:
                    continue
                party, _ = payers[0]
                unit_price = assignment.rate.quantize(Decimal('0.0001'))
                to_create.append((dict(base,
                            fee_type=fee_type.id, party=party,
                            period_start=start, period_end=end,
                            period_key=start,
                            description=label,
                            quantity=quantity, unit_price=unit_price,
                            days=period_days, period_days=period_days,
                            discount=Decimal(0),
                            amount=currency.round(quantity * unit_price)),
                        unit_readings))
                continue
            if fee_type.method == 'area':
                quantity = unit.area or Decimal(0)
            else:
                quantity = Decimal(1)
            discount = (fee_type.vacant_discount or Decimal(0)
                if unit.state in VACANT_STATES else Decimal(0))
            for party, days in payer_segments(
                    unit, assignment.payer, start, end):
                fraction = Decimal(days) / Decimal(period_days)
                unit_price = price_of(assignment.rate,
                    MONTHS[fee_type.frequency], fraction, discount)
                amount = currency.round(quantity * unit_price)
                if not amount:
                    continue
                description = label
                if days != period_days:
                    description += f' ({days}/{period_days})'
                to_create.append((dict(base,
                            fee_type=fee_type.id, party=party,
                            period_start=start, period_end=end,
                            period_key=start, description=description,
                            quantity=quantity, unit_price=unit_price,
                            days=days, period_days=period_days,
                            discount=discount, amount=amount), []))
        for charge in charges.get(unit.id, []):
            to_create.append((dict(base,
                        fee_type=charge.fee_type.id, party=charge.party.id,
                        period_start=charge.date, period_end=charge.date,
                        period_key=None, charge=charge.id,
                        description=charge.description,
                        quantity=Decimal(1), unit_price=charge.amount,
                        days=None, period_days=None, discount=Decimal(0),
                        amount=charge.amount), []))
    if not to_create:
        return held
    plan = bulk.Plan(run)
    # refused now rather than once drafted
    plan.check_date()
    fast, slow = _split(run, to_create, plan)
    if fast:
        _draft_bulk(plan, fast)
    if slow:
        try:
            lines = Line.create([v for v, _ in slow])
        except SQLConstraintError as exception:
            # Only the exactly-once keys can fail here: another run billed
            # some of these fees since this transaction started.
            raise BillingConflict() from exception
        to_write = []
        for line, (_, line_readings) in zip(lines, slow):
            if line_readings:
                to_write.extend((line_readings, {'billing_line': line.id}))
        if to_write:
            Reading.write(*to_write)
        _invoice(run, lines)
    return held


def _payers(run, to_create):
    """The payers of the fees with an invoice address: owners without an
    address get their unit as invoice address"""
    pool = Pool()
    Party = pool.get('party.party')
    Address = pool.get('party.address')
    Unit = pool.get('property.unit')
    first_unit = {}
    for values, _ in to_create:
        first_unit.setdefault(values['party'], values['unit'])
    parties = Party.browse(list(first_unit))
    missing = [p for p in parties if not p.addresses]
    if missing:
        units = {u.id: u for u in Unit.browse(
                [first_unit[p.id] for p in missing])}
        Address.save([Address(party=p,
                    street=units[first_unit[p.id]].rec_name,
                    city=units[first_unit[p.id]].site.rec_name)
                for p in missing])
        parties = Party.browse(list(first_unit))
    return {p.id: p for p in parties}


def _receivables(company, party_ids):
    """The receivable account of the parties, read at once: the party's
    own for the company, else the default (Party.account_receivable_used,
    one query per party); parties left out get theirs the usual way"""
    pool = Pool()
    PartyAccount = pool.get('party.party.account')
    Configuration = pool.get('account.configuration')
    with Transaction().set_context(company=company.id):
        default = Configuration(1).get_multivalue(
            'default_account_receivable', company=company.id)
    own = {}
    for record in PartyAccount.search([
                ('party', 'in', party_ids),
                ('company', '=', company.id),
                ('account_receivable', '!=', None),
                ]):
        own[record.party.id] = record.account_receivable
    current = {}
    result = {}
    for party_id in party_ids:
        account = own.get(party_id, default)
        if account is None:
            continue
        if account.id not in current:
            current[account.id] = account.current()
        if current[account.id]:
            result[party_id] = current[account.id].id
    return result


def _split(run, to_create, plan):
    """The fees grouped in invoices (one per payer and unit, a line per
    fee in fee code order) that the bulk path writes, and the fees left
    to Tryton's own path"""
    pool = Pool()
    FeeType = pool.get('property.fee.type')
    Unit = pool.get('property.unit')
    Configuration = pool.get('property.billing.configuration')
    payment_term = Configuration.get_value('payment_term', run.company)
    currency = run.company.currency
    fee_types = {f.id: f for f in FeeType.browse(
            list({v['fee_type'] for v, _ in to_create}))}
    products = {}
    for fee_type in fee_types.values():
        product = fee_type.product
        products[fee_type.id] = {
            'product': product.id, 'unit': product.default_uom.id,
            'account': product.account_revenue_used.id,
            'taxes': [t.id for t in product.customer_taxes_used],
            }
    payers = _payers(run, to_create)
    receivables = _receivables(run.company, list(payers))
    units = {u.id: u for u in Unit.browse(
            list({v['unit'] for v, _ in to_create}))}

    def key(item):
        values = item[0]
        return (values['unit'], values['party'])
    items = sorted(to_create, key=lambda i: (key(i),
            fee_types[i[0]['fee_type']].code))
    fast, slow = [], []
    for (unit_id, party_id), group in groupby(items, key=key):
        group = list(group)
        party = payers[party_id]
        unit = units[unit_id]
        lines = []
        for values, _ in group:
            quantity = float(values['quantity'])
            amount = currency.round(
                Decimal(str(quantity)) * values['unit_price'])
            lines.append(dict(products[values['fee_type']],
                    description=values['description'],
                    quantity=quantity, unit_price=values['unit_price'],
                    amount=amount))
        address = party.address_get(type='invoice')
        invoice = {
            'party': party.id,
            'party_tax_identifier': (party.tax_identifier.id
                if party.tax_identifier else None),
            'invoice_address': address.id if address else None,
            'country': (address.country.id
                if address and address.country else None),
            'account': receivables.get(party.id)
            or party.account_receivable_used.id,
            'payment_term': (payment_term
                or party.customer_payment_term),
            'description': f'{unit.rec_name} {run.period:%Y-%m}',
            'property_unit': unit.id,
            'property_site': unit.site.id,
            'property_period': run.period,
            'lines': lines,
            'fees': group,
            }
        if bulk.eligible(invoice, plan):
            fast.append(invoice)
        else:
            slow.extend(group)
    return fast, slow


def _draft_bulk(plan, invoices):
    "Write the fees and their draft invoices set-wise (see bulk.py)"
    pool = Pool()
    Line = pool.get('property.billing.line')
    Reading = pool.get('property.meter.reading')
    transaction = Transaction()

    def origins(invoice_ids):
        rows = []
        for invoice, invoice_id in zip(invoices, invoice_ids):
            for values, _ in invoice['fees']:
                rows.append(dict(values, invoice=invoice_id))
        try:
            line_ids = bulk.insert(Line, rows)
        except backend.DatabaseIntegrityError as exception:
            # Only the exactly-once keys can fail here: another run billed
            # some of these fees since this transaction started.
            raise BillingConflict() from exception
        reading = Reading.__table__()
        cursor = transaction.connection.cursor()
        fees = (f for i in invoices for f in i['fees'])
        for line_id, (_, readings) in zip(line_ids, fees):
            if readings:
                cursor.execute(*reading.update([reading.billing_line],
                        [line_id],
                        where=reading.id.in_([r.id for r in readings])))
        bulk.forget(Reading.__name__)
        return [f'{Line.__name__},{i}' for i in line_ids]
    bulk.draft(plan, invoices, origins=origins)


def _post_drafts(run, unit_ids):
    """Post the draft invoices of the run's fees on the units (set-wise
    those of bulk.py's kind, the others by Tryton's Invoice.post), then
    pay them from prepayments"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Line = pool.get('property.billing.line')
    line = Line.__table__()
    invoice = Invoice.__table__()
    cursor = Transaction().connection.cursor()
    invoice_ids = set()
    for sub_ids in grouped_slice(unit_ids):
        cursor.execute(*line.join(invoice,
                condition=line.invoice == invoice.id).select(invoice.id,
                where=(line.run == run.id) & line.unit.in_(list(sub_ids))
                & (invoice.state == 'draft')))
        invoice_ids.update(i for i, in cursor)
    if not invoice_ids:
        return
    plan = bulk.Plan(run)
    fast, slow = [], []
    for values in bulk.drafts(plan, sorted(invoice_ids)):
        (fast if bulk.eligible(values, plan) else slow).append(values)
    bulk.post(plan, fast)
    if slow:
        Invoice.post(Invoice.browse([v['id'] for v in slow]))
    apply_prepayments(Invoice.browse(sorted(invoice_ids)))


def _invoice(run, lines):
    "One draft invoice per payer and unit with a line per fee"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Line = pool.get('property.billing.line')
    Configuration = pool.get('property.billing.configuration')
    Journal = pool.get('account.journal')
    payment_term = Configuration.get_value('payment_term', run.company)
    journal, = Journal.search([('type', '=', 'revenue')], limit=1)

    def key(line):
        return (line.unit.id, line.party.id)
    lines = sorted(lines, key=lambda l: (key(l), l.fee_type.code, l.id))
    groups = [(k, list(g)) for k, g in groupby(lines, key=key)]

    # (the payers have an invoice address: _payers gave one to those
    # without)
    invoices = []
    for (_, _), group in groups:
        first = group[0]
        party = first.party
        invoice = Invoice(
            company=run.company,
            type='out',
            journal=journal,
            party=party,
            invoice_address=party.address_get(type='invoice'),
            currency=run.company.currency,
            account=party.account_receivable_used,
            payment_term=(payment_term
                or party.customer_payment_term),
            invoice_date=run.invoice_date,
            description=f'{first.unit.rec_name} {run.period:%Y-%m}',
            property_unit=first.unit,
            property_period=run.period,
            )
        invoice_lines = []
        for line in group:
            product = line.fee_type.product
            invoice_lines.append(dict(
                    type='line',
                    product=product.id,
                    description=line.description,
                    quantity=float(line.quantity),
                    unit=product.default_uom.id,
                    unit_price=line.unit_price,
                    account=product.account_revenue_used.id,
                    taxes=[t.id for t in product.customer_taxes_used],
                    origin=str(line),
                    ))
        invoice.lines = invoice_lines
        invoices.append((invoice, group))
    # (saving computes the taxes of the draft invoices)
    Invoice.save([i for i, _ in invoices])
    to_write = []
    for invoice, group in invoices:
        to_write.extend((group, {'invoice': invoice.id}))
    Line.write(*to_write)


class CreateRunStart(ModelView):
    __name__ = 'property.billing.run.create.start'
    __string__ = "Run Billing"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    period = fields.Date("Month", required=True,
        help="Any day of the month to bill.")
    invoice_date = fields.Date("Invoice Date", required=True)
    site = fields.Many2One('property.site', "Site",
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty to bill every site.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_period():
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
            period=self.start.period.replace(day=1),
            invoice_date=self.start.invoice_date,
            site=self.start.site)
        run.save()
        Run.process([run])
        return 'open_'

    def do_open_(self, action):
        Run = Pool().get('property.billing.run')
        runs = Run.search([
                ('company', '=', self.start.company.id),
                ('period', '=', self.start.period.replace(day=1)),
                ], order=[('id', 'DESC')], limit=1)
        action['res_id'] = [r.id for r in runs]
        action['views'].reverse()
        return action, {}
