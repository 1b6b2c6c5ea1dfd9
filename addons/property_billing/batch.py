# This file is part of the property-management suite.
"""Billing run batches: a run's units cut into queued tasks

A batch drafts (its units' fees billed on draft invoices, side by side
with the other batches) then posts (its invoices numbered and posted, one
batch after the other: the strict sequences are locked); a batch that
fails marks its run failed with the reason."""
import datetime as dt
import json
import logging
from collections import defaultdict

from sql import For

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.workflow import WorkflowGuardMixin

from . import bulk

logger = logging.getLogger(__name__)


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
            batch.run.post_drafts(json.loads(batch.unit_ids))
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
