# This file is part of the property-management suite.
"""The invoices of a billing run: its fees grouped on customer invoices,
drafted and posted

Each invoice is built by Invoice.property_invoice_values (invoice.py), as
the renovation settlement's are. Invoices of bulk.py's kind are written
and posted set-wise, the others by Tryton's Invoice.save and
Invoice.post; both write the same rows (test_bulk_equals_stock)."""
from itertools import groupby

from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from . import bulk
from .exceptions import BillingConflict
from .prepayment import apply_prepayments


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'

    def draft_invoices(self, fees):
        """Write the fees (values of billed lines, readings) as billed
        lines on draft invoices of the run: set-wise those of bulk.py's
        kind, the others by Tryton's path"""
        plan = bulk.Plan(self)
        # refused now rather than once drafted
        plan.check_date()
        fast, slow = [], []
        for invoice in self.get_invoices(fees):
            (fast if bulk.eligible(invoice, plan) else slow).append(invoice)
        if fast:
            self._draft_bulk(plan, fast)
        if slow:
            self._draft_stock(slow)

    def get_invoices(self, fees):
        """The invoices of the fees (values, readings): values of
        invoices with their 'lines' (values of invoice lines) and their
        'fees', grouped by Line._group_invoice_key, a line per fee in fee
        code order"""
        pool = Pool()
        FeeType = pool.get('property.fee.type')
        Invoice = pool.get('account.invoice')
        Line = pool.get('property.billing.line')
        Unit = pool.get('property.unit')
        currency = self.company.currency
        fee_types = {f.id: f for f in FeeType.browse(
                list({v['fee_type'] for v, _ in fees}))}
        products = {i: f.get_invoice_product() for i, f in fee_types.items()}
        first_unit = {}
        for values, _ in fees:
            first_unit.setdefault(values['party'], values['unit'])
        parties = Invoice.property_invoice_parties(first_unit)
        receivables = self._get_receivables(list(parties))
        units = {u.id: u for u in Unit.browse(
                list({v['unit'] for v, _ in fees}))}
        defaults = Invoice.property_invoice_defaults(
            self.company, self.invoice_date)

        def key(fee):
            return Line._group_invoice_key(fee[0])
        fees = sorted(fees, key=lambda f: (key(f),
                fee_types[f[0]['fee_type']].code))
        invoices = []
        for group_key, group in groupby(fees, key=key):
            group = list(group)
            invoice = self._get_invoice(dict(group_key), defaults,
                parties=parties, units=units, receivables=receivables)
            invoice['lines'] = [Line.get_invoice_line(values,
                    products[values['fee_type']], currency)
                for values, _ in group]
            invoice['fees'] = group
            invoices.append(invoice)
        return invoices

    def _get_invoice(self, key, defaults, parties, units, receivables):
        """The values of the invoice of the group key (a dict of
        Line._group_invoice_key): the unit's fees of the month to the
        payer"""
        Invoice = Pool().get('account.invoice')
        party = parties[key['party']]
        unit = units[key['unit']]
        return Invoice.property_invoice_values(defaults, party, unit,
            description=f'{unit.rec_name} {self.month:%Y-%m}',
            month=self.month, account=receivables.get(party.id))

    def _get_receivables(self, party_ids):
        """The receivable account of the parties, read at once: the
        party's own for the company, else the default
        (Party.account_receivable_used, one query per party); parties left
        out get theirs the usual way"""
        pool = Pool()
        PartyAccount = pool.get('party.party.account')
        Configuration = pool.get('account.configuration')
        company = self.company
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

    def _draft_bulk(self, plan, invoices):
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
                # Only the exactly-once keys can fail here: another run
                # billed some of these fees since this transaction started.
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

    def _draft_stock(self, invoices):
        """Write the fees and their draft invoices (values of get_invoices)
        by Tryton's path: the billed lines created, then the invoices
        saved (which computes their taxes) with a line per fee"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Line = pool.get('property.billing.line')
        Reading = pool.get('property.meter.reading')
        fees = [f for i in invoices for f in i['fees']]
        try:
            lines = Line.create([v for v, _ in fees])
        except SQLConstraintError as exception:
            # Only the exactly-once keys can fail here: another run billed
            # some of these fees since this transaction started.
            raise BillingConflict() from exception
        to_write = []
        for line, (_, line_readings) in zip(lines, fees):
            if line_readings:
                to_write.extend((line_readings, {'billing_line': line.id}))
        if to_write:
            Reading.write(*to_write)
        lines = iter(lines)
        records = []
        for values in invoices:
            group = [next(lines) for _ in values['fees']]
            invoice = Invoice(**{k: v for k, v in values.items()
                    if k not in {'lines', 'fees'}})
            invoice.lines = [dict(
                    {k: v for k, v in line_values.items() if k != 'amount'},
                    origin=str(line))
                for line_values, line in zip(values['lines'], group)]
            records.append((invoice, group))
        Invoice.save([i for i, _ in records])
        to_write = []
        for invoice, group in records:
            to_write.extend((group, {'invoice': invoice.id}))
        Line.write(*to_write)

    def post_drafts(self, unit_ids):
        """Post the draft invoices of the run's fees on the units (set-wise
        those of bulk.py's kind, the others by Tryton's Invoice.post),
        then pay them from prepayments"""
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
                    where=(line.run == self.id)
                    & line.unit.in_(list(sub_ids))
                    & (invoice.state == 'draft')))
            invoice_ids.update(i for i, in cursor)
        if not invoice_ids:
            return
        plan = bulk.Plan(self)
        fast, slow = [], []
        for values in bulk.drafts(plan, sorted(invoice_ids)):
            (fast if bulk.eligible(values, plan) else slow).append(values)
        bulk.post(plan, fast)
        if slow:
            Invoice.post(Invoice.browse([v['id'] for v in slow]))
        apply_prepayments(Invoice.browse(sorted(invoice_ids)))
