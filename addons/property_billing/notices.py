# This file is part of the property-management suite.
"""Print Fee Notices: every fee notice of a billing run in one print-ready
PDF, one notice after the other (each from a new page), ordered by
building and unit, for the office to print and slip under the doors

The PDF is made by a task of Tryton's queue, in batches of notices (the
billing policy's batch size): each batch is rendered to one HTML document
(one notice per page) and made into a PDF file of its own by WeasyPrint,
in processes of the printing's own working side by side (the
`print_processes` option of trytond's configuration, section
`property_billing`; by default the machine's cores, at most 4), then the
files are joined in order with pdfunite (poppler-utils) and the result is
moved into Tryton's file store as the run's PDF. The memory used is that
of one batch per process, whatever the number of homes. Run by a worker, each batch commits the
progress shown on the run."""
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor

from trytond.config import config
from trytond.exceptions import UserError
from trytond.filestore import filestore
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.property_base.printing import pdf_from_html
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

NOTICE_STATES = [
    (None, ''),
    ('queued', "Queued"),
    ('printing', "Printing"),
    ('done', "Printed"),
    ('failed', "Failed"),
    ]


def _natural(text):
    "A sort key reading the numbers in the text as numbers (2 before 10)"
    return [(0, int(part), '') if part.isdigit() else (1, 0, part)
        for part in re.split(r'(\d+)', text or '') if part]


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'
    notices_state = fields.Selection(NOTICE_STATES, "Fee Notices",
        readonly=True,
        help="Where the printing of the run's fee notices stands.")
    notices_total = fields.Integer("Notices to Print", readonly=True)
    notices_done = fields.Integer("Notices Printed", readonly=True)
    notices_progress = fields.Function(fields.Float("Printing Progress",
            digits=(1, 4)), 'get_notices_progress')
    notices = fields.Binary("Fee Notices PDF", readonly=True,
        filename='notices_filename', file_id='notices_file_id',
        states={'invisible': Eval('notices_state') != 'done'},
        help="Every fee notice of the run, ordered by building and unit, "
        "in one PDF to print.")
    notices_file_id = fields.Char("Fee Notices PDF ID", readonly=True)
    notices_filename = fields.Function(fields.Char("Fee Notices File Name"),
        'get_notices_filename')
    notices_failure = fields.Text("Printing Failure", readonly=True,
        states={'invisible': ~Eval('notices_failure')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._maintained_fields += ('notices_state', 'notices_total',
            'notices_done', 'notices', 'notices_file_id', 'notices_failure')
        cls._buttons.update({
                'print_notices': {
                    'invisible': ((Eval('state') != 'done')
                        | Eval('notices_state').in_(['queued', 'printing'])),
                    'depends': ['state', 'notices_state'],
                    },
                })

    @classmethod
    def copy(cls, runs, default=None):
        default = dict(default or {})
        for name in ['notices_state', 'notices_total', 'notices_done',
                'notices', 'notices_file_id', 'notices_failure']:
            default.setdefault(name, None)
        return super().copy(runs, default=default)

    def get_notices_progress(self, name):
        if not self.notices_total:
            return 1.0 if self.notices_state == 'done' else 0.0
        return min((self.notices_done or 0) / self.notices_total, 1.0)

    def get_notices_filename(self, name):
        return 'fee-notices-%s.pdf' % re.sub(r'[^\w-]+', '-',
            self.rec_name).strip('-')

    def notice_invoices(self):
        """The posted invoices of the run, ordered by site, building and
        unit (numbers read as numbers: 2 before 10)"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = Invoice.search([
                ('property_lines.run', '=', self.id),
                ('state', 'in', ['posted', 'paid']),
                ])

        def key(invoice):
            unit = invoice.property_unit
            if not unit:
                return ((1,), [], [], invoice.id)
            return ((0, unit.site.code), _natural(unit.building.code),
                _natural(unit.number), invoice.id)
        return sorted(invoices, key=key)

    @classmethod
    @ModelView.button
    def print_notices(cls, runs):
        """Queue the printing of the runs' fee notices into one PDF each,
        shown on the run when done"""
        for run in runs:
            if run.state != 'done':
                raise UserError(gettext(
                        'property_billing.msg_notices_run_not_done',
                        run=run.rec_name))
        for run in runs:
            cls.write([run], {
                    'notices_state': 'queued',
                    'notices_total': len(run.notice_invoices()),
                    'notices_done': 0,
                    'notices': None,
                    'notices_failure': None,
                    })
        with Transaction().set_context(queue_name='property_billing',
                property_notices_commit=True):
            cls.__queue__.render_notices(runs)

    @classmethod
    def render_notices(cls, runs):
        """Render the runs' fee notices batch by batch into PDF files,
        join them into one PDF and store it on the run. Queued with
        property_notices_commit, each batch commits the progress."""
        for run in runs:
            if run.notices_state not in {'queued', 'printing'}:
                continue
            cls._render_notices(run)

    @classmethod
    def notice_processes(cls):
        """How many processes make the batches' PDFs side by side: the
        `print_processes` option of the `property_billing` section of
        trytond's configuration; by default the suite's: the machine's
        cores, at most 4. 1 makes them in the task's process."""
        default = min(os.cpu_count() or 1, 4)
        return max(config.getint('property_billing', 'print_processes',
                default=default), 1)

    @classmethod
    def _render_notices(cls, run):
        """The batches' HTML is rendered here (it reads the database), one
        after the other; WeasyPrint makes each batch's PDF in a process of
        the printing's own while the next batch's HTML is rendered, up to
        notice_processes() batches at once (most of the time goes to
        WeasyPrint's layout of the pages). The parts are joined in the
        order of the notices."""
        pool = Pool()
        Configuration = pool.get('property.billing.configuration')
        ActionReport = pool.get('ir.action.report')
        Report = pool.get('property.fee.notice', type='report')
        transaction = Transaction()
        commit = transaction.context.get('property_notices_commit')
        size = Configuration.get_value('batch_size', run.company)
        invoice_ids = [i.id for i in run.notice_invoices()]
        action, = ActionReport.search([
                ('report_name', '=', 'property.fee.notice')], limit=1)
        cls.write([run], {'notices_state': 'printing', 'notices_done': 0,
                'notices_total': len(invoice_ids)})
        if commit:
            transaction.commit()
        run_id, company = run.id, run.company
        batches = [invoice_ids[i:i + size]
            for i in range(0, len(invoice_ids), size)]
        processes = min(cls.notice_processes(), len(batches))
        executor = None
        try:
            if processes > 1:
                # spawned: nothing of this process (its database
                # connections) is shared with them
                executor = ProcessPoolExecutor(processes,
                    mp_context=multiprocessing.get_context('spawn'))
            with tempfile.TemporaryDirectory(
                    prefix='property-notices-') as directory:
                parts, pending = [], deque()
                done = 0

                def store(content, count):
                    nonlocal done
                    content = Report.check_pdf(action, content)
                    path = os.path.join(directory, f'{len(parts):06d}.pdf')
                    with open(path, 'wb') as fp:
                        fp.write(content)
                    parts.append(path)
                    done += count
                    cls.write([cls(run_id)], {'notices_done': done})
                    if commit:
                        transaction.commit()

                def collect():
                    future, count = pending.popleft()
                    try:
                        content = future.result()
                    except Exception as exception:
                        raise Report.pdf_error(action, exception
                            ) from exception
                    store(content, count)

                for ids in batches:
                    records = Report._get_records(ids, 'account.invoice', {})
                    html = Report.render_html(records, {'company': company},
                        {}, action)
                    del records
                    if executor:
                        pending.append(
                            (executor.submit(pdf_from_html, html), len(ids)))
                        while len(pending) >= processes:
                            collect()
                    else:
                        store(Report.convert(action, html)[1], len(ids))
                    del html
                while pending:
                    collect()
                file_id = cls._store_notices(
                    cls._join_pdf(parts, directory))
            cls.write([cls(run_id)], {
                    'notices_state': 'done',
                    'notices_file_id': file_id,
                    'notices_done': len(invoice_ids),
                    })
        except Exception as exception:
            if not commit:
                raise
            transaction.rollback()
            message = (exception.message if isinstance(exception, UserError)
                else str(exception))
            cls.write([cls(run_id)], {
                    'notices_state': 'failed',
                    'notices_failure': message,
                    })
            transaction.commit()
        finally:
            if executor:
                executor.shutdown(cancel_futures=True)

    @classmethod
    def _store_notices(cls, path):
        """The file at path stored in Tryton's file store as the runs'
        notices PDF, by its file id. With trytond's own file store (files
        under the database path) the file is moved into place and never
        read into memory, so the memory of the printing does not grow with
        the number of homes; a store of another class gets its content."""
        field = cls.notices
        prefix = field.store_prefix
        if prefix is None:
            prefix = Transaction().database.name
        if type(filestore).__module__ == 'trytond.filestore':
            file_id = filestore._id(None)
            filename = filestore._filename(file_id, prefix)
            os.makedirs(os.path.dirname(filename), mode=0o770,
                exist_ok=True)
            shutil.move(path, filename)
            return os.path.basename(filename)
        with open(path, 'rb') as fp:
            return filestore.set(fp.read(), prefix)

    @classmethod
    def _join_pdf(cls, parts, directory):
        "The path of the PDF files joined into one, in order"
        if not parts:
            raise UserError(gettext('property_billing.msg_notices_none'))
        if len(parts) == 1:
            return parts[0]
        pdfunite = shutil.which('pdfunite')
        if not pdfunite:
            raise UserError(gettext(
                    'property_billing.msg_notices_pdfunite_missing'))
        output = os.path.join(directory, 'notices.pdf')
        process = subprocess.run([pdfunite, *parts, output],
            capture_output=True)
        if process.returncode:
            raise UserError(gettext(
                    'property_billing.msg_notices_join_failed',
                    error=process.stderr.decode('utf-8', 'replace')[-500:]))
        return output
