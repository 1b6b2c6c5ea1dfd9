# This file is part of the property-management suite.
"""Fee invoices for a batch of a billing run, drafted and posted set-wise

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
maturity dates from the payment term -- with one COPY (SQLite: INSERTs)
per table for the whole batch and one UPDATE statement sent for the
invoices, numbers drawn in one call per sequence, and the checks
done once per batch instead of once per record:

- the period is open and the journal and accounts usable: once;
- no invoice of the sequence dated after the batch's date (Tryton's
  numbering rule): once;
- each move balanced and not empty: by construction (the receivable
  lines are the payment term's split of the invoice total, the total the
  sum of the lines);
- every foreign key: by PostgreSQL's foreign keys (SQLite has none in
  Tryton's tables: there the ids come from the records just read).

The rows' creation and write times are the suite's clock (UTC, as
Tryton's CURRENT_TIMESTAMP), so that the tests control them.

Invoices that are not of that kind (taxes, a total of zero or less, a
zero line, another currency) go through Tryton's path. So do all the
invoices when an activated module overrides invoice or move posting
(POSTING) and is not on the REVIEWED list: what it adds to the posting
would be skipped here. The test
test_bulk_equals_stock compares the rows of both paths column by column.

A batch works in two steps, as Tryton's own invoices do: draft() writes
the fees' draft invoices and their lines (no lock needed: batches draft
side by side), post() numbers them and writes their moves (the strict
invoice and move sequences locked: batches post one after the other, a
short step). Drafts that are not of the kind above when they are posted
(a line with a tax added in between, say) are posted by Tryton's
Invoice.post.

Left out compared with Invoice.post: the invoice report is not rendered
and cached at posting (Tryton renders and caches it at its first print).
"""
from decimal import Decimal

from sql import Flavor
from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.account_invoice.exceptions import InvoiceNumberError
from trytond.modules.property_base.common import clock
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# The methods of Tryton's posting that the rows written here stand for
POSTING = {
    'account.invoice': {'post', '_post', 'set_number', 'get_move',
        '_get_move_line', 'set_payment_means', '_store_cache'},
    'account.invoice.line': {'get_move_lines'},
    'account.move': {'post', '_post'},
    }
# The modules whose overrides of those methods were reviewed: the rows
# written here are theirs, for the invoices written here
REVIEWED = {
    'account': "Tryton's moves: the rows written here",
    'account_invoice': "Tryton's invoices: the rows written here",
    'account_deposit': "Invoice._post checks the lines on a deposit "
    "account: fee invoices never touch a deposit account (their lines are "
    "on the fee products' revenue accounts)",
    }


def overriders():
    "The activated modules that define or override invoice or move posting"
    pool = Pool()
    modules = set()
    for name, methods in POSTING.items():
        for klass in pool.get(name).__mro__:
            parts = klass.__module__.split('.')
            if (parts[:2] == ['trytond', 'modules'] and len(parts) > 2
                    and methods & vars(klass).keys()):
                modules.add(parts[2])
    return modules


def unreviewed():
    """The activated modules that override invoice or move posting and are
    not on the REVIEWED list"""
    return sorted(overriders() - REVIEWED.keys())


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
    now = clock()
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
        User = pool.get('res.user')
        transaction = Transaction()
        self.company = company = run.company
        self.currency = company.currency
        self.date = run.invoice_date
        with transaction.set_context(company=company.id):
            self.today = Date.today()
        self.period = Period.find(company, date=self.date, test_state=True)
        template = Invoice(company=company, type='out',
            invoice_date=self.date, accounting_date=None,
            currency=self.currency, lines=[])
        template.set_journal()
        self.journal = template.journal
        self.sequence_type = 'invoice'
        template.sequence_type_cache = self.sequence_type
        self.sequence, _ = template._number_sequence()
        self._tax_identifiers = {}
        PaymentMeanRule = pool.get('account.invoice.payment.mean.rule')
        # invoices that get payment means go Tryton's way
        self.payment_means = bool(PaymentMeanRule.search([], limit=1))
        # with an unreviewed override of the posting: Tryton's path
        self.unreviewed = unreviewed()
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
    a customer invoice of the plan's date and currency, no tax, no zero
    line, a total above zero, an invoice address, no payment means to
    find for it and no unreviewed override of the posting"""
    lines = invoice['lines']
    if any(l['taxes'] or l.get('type', 'line') != 'line' for l in lines):
        return False
    if any(not l['amount'] for l in lines):
        return False
    return (sum(l['amount'] for l in lines) > 0
        and invoice.get('type', 'out') == 'out'
        and invoice.get('currency', plan.currency.id) == plan.currency.id
        and invoice.get('invoice_date', plan.date) == plan.date
        and invoice['invoice_address'] is not None
        and not plan.payment_means
        and not plan.unreviewed)


def forget(*names):
    "Drop what this transaction cached of the records of the models"
    for cache in Transaction().cache.values():
        for name in names:
            if name in cache:
                cache[name].clear()


def update(Model, rows):
    """Write rows (dicts of id and field name: value, the same names in
    every row) into Model's table, one statement sent for all"""
    if not rows:
        return
    transaction = Transaction()
    names = sorted(n for n in rows[0] if n != 'id')
    formats = [Model._fields[n].sql_format for n in names]
    param = Flavor.get().param
    assignments = ', '.join(f'"{n}" = {param}'
        for n in names + ['write_uid', 'write_date'])
    query = f'UPDATE "{Model._table}" SET {assignments} WHERE id = {param}'
    now = clock()
    cursor = transaction.connection.cursor()
    cursor.executemany(query, [
            [fmt(row[n]) for n, fmt in zip(names, formats)]
            + [transaction.user, now, row['id']] for row in rows])
    forget(Model.__name__)


def draft(plan, invoices, origins=None):
    """Write the draft invoices, as Tryton's Invoice.create would; invoices
    are dicts: party, party_tax_identifier, invoice_address, account
    (receivable), payment_term, description, property_unit,
    property_site, property_month and lines (dicts: product,
    description, quantity, unit, unit_price, account, origin); origins,
    if given, is called with the new invoice ids and returns the lines'
    origins in order, e.g. records written with the invoices' ids.
    Returns the new invoice ids in order"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    if not invoices:
        return []
    company, currency = plan.company, plan.currency
    invoice_ids = insert(Invoice, [{
                'company': company.id, 'type': 'out',
                'journal': plan.journal.id,
                'party': invoice['party'],
                'party_tax_identifier': invoice['party_tax_identifier'],
                'invoice_address': invoice['invoice_address'],
                'currency': currency.id,
                'account': invoice['account'],
                'payment_term': (invoice['payment_term'].id
                    if invoice['payment_term'] else None),
                'invoice_date': plan.date,
                'description': invoice['description'],
                'state': 'draft',
                'property_unit': invoice['property_unit'],
                'property_site': invoice['property_site'],
                'property_month': invoice['property_month'],
                } for invoice in invoices])
    if origins is not None:
        origins = iter(origins(invoice_ids))
    insert(InvoiceLine, [{
                'invoice': invoice_id, 'type': 'line',
                'company': company.id, 'currency': currency.id,
                'product': line['product'],
                'description': line['description'],
                'quantity': line['quantity'], 'unit': line['unit'],
                'unit_price': line['unit_price'],
                'account': line['account'],
                'origin': (next(origins) if origins is not None
                    else line.get('origin')),
                }
            for invoice, invoice_id in zip(invoices, invoice_ids)
            for line in invoice['lines']])
    return invoice_ids


def drafts(plan, invoice_ids):
    """The draft invoices among invoice_ids, in the order of their ids, as
    the dicts eligible() and post() take: id, type, currency,
    invoice_date, party, invoice_address, country (of the address),
    account, payment_term, description and lines (dicts: id, type,
    account, amount, taxes)"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    LineTax = pool.get('account.invoice.line-account.tax')
    Address = pool.get('party.address')
    PaymentTerm = pool.get('account.invoice.payment_term')
    invoice = Invoice.__table__()
    line = InvoiceLine.__table__()
    line_tax = LineTax.__table__()
    address = Address.__table__()
    cursor = Transaction().connection.cursor()
    currency = plan.currency
    result = {}
    for sub_ids in grouped_slice(invoice_ids):
        cursor.execute(*invoice.join(address, 'LEFT',
                condition=invoice.invoice_address == address.id
                ).select(invoice.id, invoice.type, invoice.currency,
                invoice.invoice_date, invoice.party,
                invoice.invoice_address, address.country, invoice.account,
                invoice.payment_term, invoice.description,
                where=invoice.id.in_(list(sub_ids))
                & (invoice.state == 'draft')))
        for row in cursor:
            values = dict(zip(['id', 'type', 'currency', 'invoice_date',
                        'party', 'invoice_address', 'country', 'account',
                        'payment_term', 'description'], row))
            values['lines'] = []
            result[values['id']] = values
    taxed = set()
    for sub_ids in grouped_slice(list(result)):
        sub_ids = list(sub_ids)
        cursor.execute(*line.join(line_tax,
                condition=line_tax.line == line.id).select(line.id,
                where=line.invoice.in_(sub_ids)))
        taxed.update(i for i, in cursor)
        cursor.execute(*line.select(line.id, line.invoice, line.type,
                line.account, line.quantity, line.unit_price,
                where=line.invoice.in_(sub_ids),
                order_by=[line.invoice, line.id]))
        for id_, invoice_id, type_, account, quantity, unit_price in cursor:
            unit_price = Decimal(str(unit_price or 0))
            result[invoice_id]['lines'].append({
                    'id': id_, 'type': type_, 'account': account,
                    'amount': currency.round(Decimal(str(quantity or 0))
                        * unit_price),
                    'taxes': [id_] if id_ in taxed else [],
                    })
    terms = {t.id: t for t in PaymentTerm.browse(list(
                {v['payment_term'] for v in result.values()
                    if v['payment_term']}))}
    for values in result.values():
        values['payment_term'] = terms.get(values['payment_term'])
    return [result[i] for i in sorted(result)]


def post(plan, invoices):
    """Post the draft invoices (dicts of drafts()), as Tryton's
    Invoice.post would: numbers from the invoice sequence, their moves
    posted with numbers from the period's sequence, the move lines' maturity
    dates from the payment term. The caller holds the sequences' locks
    (Plan.locks)"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Move = pool.get('account.move')
    MoveLine = pool.get('account.move.line')
    Account = pool.get('account.account')
    transaction = Transaction()
    if not invoices:
        return
    assert not plan.payment_means, "payment means: Tryton's path"
    assert not plan.unreviewed, "unreviewed posting: Tryton's path"
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
                'origin': f'{Invoice.__name__},{invoice["id"]}',
                } for invoice, number in zip(invoices, move_numbers)])
    invoice_rows = []
    move_line_rows = []
    for invoice, number, move_id in zip(invoices, numbers, move_ids):
        total = currency.round(sum(l['amount'] for l in invoice['lines']))
        term = invoice['payment_term']
        if term:
            term_lines = term.compute(total, currency, date)
        else:
            term_lines = [(plan.today, total)]
        number_digits = ''.join(c for c in number if c.isdigit())
        invoice_rows.append({
                'id': invoice['id'],
                'number': number,
                'number_alnum': ''.join(c for c in number if c.isalnum()),
                'number_digit': (int(number_digits[-18:])
                    if number_digits else None),
                'sequence': plan.sequence.id,
                'sequence_type_cache': plan.sequence_type,
                'tax_identifier': plan.tax_identifier(invoice['country']),
                'state': 'posted',
                'move': move_id,
                'untaxed_amount_cache': total,
                'tax_amount_cache': currency.round(Decimal(0)),
                'total_amount_cache': total,
                'posted_by': plan.employee,
                })
        party = invoice['party']
        for line in invoice['lines']:
            amount = line['amount']
            move_line_rows.append({
                    'move': move_id, 'account': line['account'],
                    'debit': Decimal(0) if amount >= 0 else -amount,
                    'credit': amount if amount >= 0 else Decimal(0),
                    'party': (party if party_required[line['account']]
                        else None),
                    'origin': f'account.invoice.line,{line["id"]}',
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
    update(Invoice, invoice_rows)
