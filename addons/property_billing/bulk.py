# This file is part of the property-management suite.
"""Posted fee invoices for a batch of a billing run, written set-wise

Tryton's own path (Invoice.create then Invoice.post) costs about 60 ms
of Python per invoice: every record is instantiated, validated against
its domains, saved and read back field by field, and each step is done
once per invoice (numbers, moves, checks). A billing batch builds its
invoices itself from data it has just checked, all alike: one customer
invoice per payer and home, one line per fee, no tax, in the company's
currency, on one date, one journal and one open period. For those the
batch writes the same rows Tryton's path writes -- the invoice posted
with its number from the invoice sequence, its lines, its move posted
with its number from the period's sequence, the move's lines with their
maturity dates from the payment term -- with one INSERT per table for
the whole batch, numbers drawn in one call per sequence, and the checks
done once per batch instead of once per record:

- the period is open and the journal and accounts usable: once;
- no invoice of the sequence dated after the batch's date (Tryton's
  numbering rule): once;
- each move balanced and not empty: by construction (the receivable
  lines are the payment term's split of the invoice total, the total the
  sum of the lines);
- every foreign key: by the database.

Invoices that are not of that kind (taxes, a total of zero or less, a
zero line, another currency) go through Tryton's path. The test
test_bulk_equals_stock compares the rows of both paths column by column.

Left out compared with Invoice.post: the invoice report is not rendered
and cached at posting (Tryton renders and caches it at its first print).
"""
import datetime as dt
from decimal import Decimal

from sql.conditionals import Case
from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.account_invoice.exceptions import InvoiceNumberError
from trytond.pool import Pool
from trytond.transaction import Transaction

# Moves per UPDATE statement setting their origins
CHUNK = 200


def _ids(Model, count):
    "count new ids of Model's table, or None where the database has none"
    transaction = Transaction()
    database = transaction.database
    if count and backend.name == 'postgresql':
        ids = database.nextid(transaction.connection, Model._table,
            count=count)
        return [ids] if isinstance(ids, int) else list(ids)
    return None


def insert(Model, rows):
    """Insert rows (dicts of field name: value) into Model's table, with
    its defaults for the stored fields not given; return the new ids in
    the order of rows"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    if not rows:
        return []
    given = set().union(*(r.keys() for r in rows))
    stored = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.One2Many,
                    fields.Many2Many))]
    defaults = {n: v for n, v in Model.default_get(
            [n for n in stored if n not in given and n != 'id'],
            with_rec_name=False).items()
        if v is not None and n in stored}
    names = sorted(given | defaults.keys())
    names = [n for n in names if n not in {
            'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}]
    columns = [table.id, table.create_uid, table.create_date] + [
        getattr(table, n) for n in names]
    formats = [Model._fields[n].sql_format for n in names]
    now = dt.datetime.now()
    user = transaction.user
    ids = _ids(Model, len(rows))
    result = []
    if ids is not None:
        # COPY: rows streamed as they are, no statement to parse
        column_names = ', '.join(f'"{c.name}"' for c in columns)
        with cursor.copy(f'COPY "{Model._table}" ({column_names}) '
                'FROM STDIN') as copy:
            for id_, row in zip(ids, rows):
                copy.write_row([id_, user, now] + [
                        fmt(row.get(n, defaults.get(n)))
                        for n, fmt in zip(names, formats)])
        transaction.create_records[Model.__name__].extend(ids)
        return ids
    for row in rows:
        cursor.execute(*table.insert(columns[1:], [[user, now] + [
                        fmt(row.get(n, defaults.get(n)))
                        for n, fmt in zip(names, formats)]]))
        result.append(cursor.lastrowid)
    transaction.create_records[Model.__name__].extend(result)
    return result


class Plan:
    """What the batch needs once: journal, period, sequences, accounts"""

    def __init__(self, run):
        pool = Pool()
        Period = pool.get('account.period')
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        Journal = pool.get('account.journal')
        User = pool.get('res.user')
        transaction = Transaction()
        self.company = company = run.company
        self.currency = company.currency
        self.date = run.invoice_date
        with transaction.set_context(company=company.id):
            self.today = Date.today()
        self.period = Period.find(company, date=self.date, test_state=True)
        self.journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        template = Invoice(company=company, type='out',
            invoice_date=self.date, accounting_date=None, journal=self.journal,
            currency=self.currency, lines=[])
        self.sequence_type = 'invoice'
        template.sequence_type_cache = self.sequence_type
        self.sequence, _ = template._number_sequence()
        self._tax_identifiers = {}
        PaymentMeanRule = pool.get('account.invoice.payment.mean.rule')
        # invoices that get payment means go Tryton's way
        self.payment_means = bool(PaymentMeanRule.search([], limit=1))
        self.move_sequence = self.period.move_sequence_used
        user = User(transaction.user) if transaction.user else None
        self.employee = (transaction.context.get('employee')
            or (user.employee.id if user and user.employee else None))

    def tax_identifier(self, country):
        "The company's tax identifier for an invoice address's country"
        if country not in self._tax_identifiers:
            pattern = {'country': country} if country else {}
            identifier = self.company.get_tax_identifier(pattern)
            self._tax_identifiers[country] = (
                identifier.id if identifier else None)
        return self._tax_identifiers[country]

    def locks(self):
        "The records the batch locks: taken first, before any work"
        return [self.sequence, self.move_sequence]

    def check_date(self):
        "Tryton's rule: no invoice of the sequence dated after this one"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Lang = pool.get('ir.lang')
        after = Invoice.search([
                ('sequence', '=', self.sequence.id),
                ('invoice_date', '>', self.date),
                ], limit=1, order=[('invoice_date', 'DESC')])
        if after:
            raise InvoiceNumberError(gettext(
                    'account_invoice.msg_invoice_number_after',
                    invoice=after[0].rec_name,
                    sequence=self.sequence.rec_name,
                    date=Lang.get().strftime(self.date),
                    after_invoice=after[0].rec_name))


def eligible(invoice, plan):
    """Whether an invoice (values with lines) is of the kind written here:
    no tax, no zero line, a total above zero, an invoice address, and no
    payment means to find for it"""
    lines = invoice['lines']
    if any(l['taxes'] for l in lines):
        return False
    if any(not l['amount'] for l in lines):
        return False
    return (sum(l['amount'] for l in lines) > 0
        and invoice['invoice_address'] is not None
        and not plan.payment_means)


def forget(*names):
    "Drop what this transaction cached of the records of the models"
    for cache in Transaction().cache.values():
        for name in names:
            if name in cache:
                cache[name].clear()


def post(plan, invoices, origins=None):
    """Write the invoices posted, as Tryton's Invoice.post would; invoices
    are dicts: party, invoice_address, account (receivable),
    payment_term, description, property_unit, property_site and lines
    (dicts: product, description, quantity, unit, unit_price, account,
    amount, origin, taxes); origins, if given, is called with the new
    invoice ids and returns the lines' origins in order, e.g. records
    written with the invoices' ids. Returns the new invoice ids in order"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    Move = pool.get('account.move')
    MoveLine = pool.get('account.move.line')
    Account = pool.get('account.account')
    transaction = Transaction()
    if not invoices:
        return []
    assert not plan.payment_means, "payment means: Tryton's path"
    plan.check_date()
    company, currency, date = plan.company, plan.currency, plan.date

    party_required = {a.id: a.party_required for a in Account.browse(
            list({l['account'] for i in invoices for l in i['lines']}
                | {i['account'] for i in invoices}))}
    with transaction.set_context(date=date, company=company.id):
        numbers = list(plan.sequence.get_many(len(invoices)))
    move_numbers = list(plan.move_sequence.get_many(len(invoices)))

    move_ids = insert(Move, [{
                'company': company.id, 'journal': plan.journal.id,
                'period': plan.period.id, 'date': date,
                'number': number, 'post_date': plan.today,
                'state': 'posted',
                } for number in move_numbers])
    invoice_rows = []
    terms = []
    for invoice, number, move_id in zip(invoices, numbers, move_ids):
        total = currency.round(sum(l['amount'] for l in invoice['lines']))
        term = invoice['payment_term']
        if term:
            term_lines = term.compute(total, currency, date)
        else:
            term_lines = [(plan.today, total)]
        terms.append(term_lines)
        number_digits = ''.join(c for c in number if c.isdigit())
        invoice_rows.append({
                'company': company.id, 'type': 'out',
                'number': number,
                'number_alnum': ''.join(c for c in number if c.isalnum()),
                'number_digit': (int(number_digits[-18:])
                    if number_digits else None),
                'sequence': plan.sequence.id,
                'sequence_type_cache': plan.sequence_type,
                'tax_identifier': plan.tax_identifier(
                    invoice['country']),
                'party_tax_identifier': invoice['party_tax_identifier'],
                'journal': plan.journal.id,
                'party': invoice['party'],
                'invoice_address': invoice['invoice_address'],
                'currency': currency.id,
                'account': invoice['account'],
                'payment_term': term.id if term else None,
                'invoice_date': date,
                'description': invoice['description'],
                'state': 'posted',
                'move': move_id,
                'untaxed_amount_cache': total,
                'tax_amount_cache': currency.round(Decimal(0)),
                'total_amount_cache': total,
                'posted_by': plan.employee,
                'property_unit': invoice['property_unit'],
                'property_site': invoice['property_site'],
                'property_period': invoice['property_period'],
                })
    invoice_ids = insert(Invoice, invoice_rows)

    if origins is not None:
        origins = iter(origins(invoice_ids))
    line_rows = []
    for invoice, invoice_id in zip(invoices, invoice_ids):
        for line in invoice['lines']:
            line_rows.append({
                    'invoice': invoice_id, 'type': 'line',
                    'company': company.id, 'currency': currency.id,
                    'product': line['product'],
                    'description': line['description'],
                    'quantity': line['quantity'], 'unit': line['unit'],
                    'unit_price': line['unit_price'],
                    'account': line['account'],
                    'origin': (next(origins) if origins is not None
                        else line.get('origin')),
                    })
    line_ids = iter(insert(InvoiceLine, line_rows))

    move_line_rows = []
    for invoice, move_id, term_lines in zip(invoices, move_ids, terms):
        party = invoice['party']
        for line in invoice['lines']:
            amount = line['amount']
            move_line_rows.append({
                    'move': move_id, 'account': line['account'],
                    'debit': Decimal(0) if amount >= 0 else -amount,
                    'credit': amount if amount >= 0 else Decimal(0),
                    'party': (party if party_required[line['account']]
                        else None),
                    'origin': f'account.invoice.line,{next(line_ids)}',
                    'state': 'valid',
                    })
        for maturity, amount in term_lines:
            move_line_rows.append({
                    'move': move_id, 'account': invoice['account'],
                    'debit': amount if amount >= 0 else Decimal(0),
                    'credit': Decimal(0) if amount >= 0 else -amount,
                    'party': (party if party_required[invoice['account']]
                        else None),
                    'maturity_date': maturity,
                    'description': invoice['description'],
                    'state': 'valid',
                    })
    insert(MoveLine, move_line_rows)

    # the moves' origins, now that the invoices have ids
    move = Move.__table__()
    cursor = transaction.connection.cursor()
    for start in range(0, len(move_ids), CHUNK):
        pairs = list(zip(move_ids, invoice_ids))[start:start + CHUNK]
        cursor.execute(*move.update([move.origin], [Case(*[
                            (move.id == m, f'account.invoice,{i}')
                            for m, i in pairs])],
                where=move.id.in_([m for m, _ in pairs])))
    return invoice_ids
