# This file is part of the property-management suite.
"""Rows written set-wise, as property_billing's bulk.py does for invoices

The planned-maintenance scheduler creates one work order per due job and
one check per checklist item: tens of thousands of rows at once, all
alike, built from plans it has just read. Tryton's create instantiates,
validates and reads back each record (about 2 ms of Python each); these
rows are written with one COPY (SQLite: INSERTs) per table instead, with
the table's defaults for the fields not given."""
import datetime as dt

from trytond import backend
from trytond.model import fields
from trytond.transaction import Transaction


def insert(Model, rows):
    """Insert rows (dicts of field name: value, the same names in every
    row) into Model's table with its defaults for the stored fields not
    given; return the new ids in the order of rows"""
    if not rows:
        return []
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    given = set(rows[0])
    stored = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.One2Many,
                    fields.Many2Many))]
    defaults = {n: v for n, v in Model.default_get(
            [n for n in stored if n not in given and n != 'id'],
            with_rec_name=False).items()
        if v is not None and n in stored}
    names = [n for n in sorted(given | defaults.keys()) if n not in {
            'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}]
    formats = [Model._fields[n].sql_format for n in names]
    columns = [table.create_uid, table.create_date] + [
        getattr(table, n) for n in names]
    now = dt.datetime.now()
    user = transaction.user
    values = [[user, now] + [fmt(row.get(n, defaults.get(n)))
            for n, fmt in zip(names, formats)] for row in rows]
    if backend.name == 'postgresql':
        ids = transaction.database.nextid(transaction.connection,
            Model._table, count=len(rows))
        ids = [ids] if isinstance(ids, int) else list(ids)
        column_names = ', '.join(
            f'"{c.name}"' for c in [table.id] + columns)
        with cursor.copy(f'COPY "{Model._table}" ({column_names}) '
                'FROM STDIN') as copy:
            for id_, row in zip(ids, values):
                copy.write_row([id_] + row)
    else:
        ids = []
        for row in values:
            cursor.execute(*table.insert(columns, [row]))
            ids.append(cursor.lastrowid)
    transaction.create_records[Model.__name__].extend(ids)
    return ids
