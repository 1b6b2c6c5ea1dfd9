# This file is part of the property-management suite.
"Small helpers shared by the suite's models"
import datetime as dt
import re
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, without_check_access


def rec_name_domain(clause, field_names):
    """The domain that searches the clause of a record name over the
    fields, e.g. a unit by its code, its owner's name or phone"""
    _, operator, operand, *extra = clause
    negative = operator.startswith('!') or operator.startswith('not ')
    return ['AND' if negative else 'OR'] + [
        (name, operator, operand, *extra) for name in field_names]


def _utcnow():
    return dt.datetime.now(tz.UTC).replace(tzinfo=None)


def clock():
    """The current date-time in UTC, naive as Tryton stores date-times: the
    one source of "now" of the suite (the tests control the clock by
    patching _utcnow, see tests.tools.office_clock)"""
    return _utcnow()


def now():
    """The current date-time as stored (UTC), without microseconds: for the
    defaults of date-time fields, since the web client drops them when it
    saves a form and would then take the record for changed"""
    return clock().replace(microsecond=0)


# The office's clock: the dates of the suite (working days, deadlines,
# breaches, due dates, months, "today") are those of the company's time
# zone; the date-times stay stored as naive UTC.

def company_timezone(company=None):
    """The time zone of the company (a record or an id), else of the
    context's company, else of the user's, else of the only company of the
    database; UTC when none has one"""
    pool = Pool()
    Company = pool.get('company.company')
    if company is None:
        context = Transaction().context
        company = context.get('company')
        if company is None or company < 0:
            company = None
            User = pool.get('res.user')
            user = Transaction().user
            if user:
                company = User(user).company
        if company is None:
            with without_check_access():
                companies = Company.search([], limit=2)
            if len(companies) == 1:
                company, = companies
    if company is None:
        return tz.UTC
    if isinstance(company, int):
        company = Company(company)
    return tz.get_tzinfo(company.timezone) if company.timezone else tz.UTC


def to_office(value, company=None):
    "The office's wall-clock time (naive) of a stored UTC date-time"
    if value is None:
        return None
    return value.replace(tzinfo=tz.UTC).astimezone(
        company_timezone(company)).replace(tzinfo=None)


def office_date(value, company=None):
    "The office's date of a stored UTC date-time"
    if value is None:
        return None
    return to_office(value, company).date()


def to_utc(value, company=None):
    """The stored (naive UTC) date-time of an office wall-clock time
    (naive); a time skipped by a change to summer time counts as after it"""
    if value is None:
        return None
    return value.replace(tzinfo=company_timezone(company)).astimezone(
        tz.UTC).replace(tzinfo=None)


def office_now(company=None):
    "The office's wall-clock time now"
    return to_office(clock(), company)


def office_today(company=None):
    "The office's date today"
    return office_now(company).date()


def end_of_office_day(date, company=None):
    "The stored (UTC) date-time of 23:59:59 of an office day"
    return to_utc(dt.datetime.combine(date, dt.time(23, 59, 59)), company)


def start_of_office_day(date, company=None):
    "The stored (UTC) date-time of 00:00 of an office day"
    return to_utc(dt.datetime.combine(date, dt.time()), company)


class MonthMixin:
    "Stores the date fields listed in _month_fields as first of their month"
    __slots__ = ()
    _month_fields = ('month',)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in cls._month_fields:
            if values.get(name):
                values[name] = values[name].replace(day=1)
        return values


class OverdueReminderMixin:
    """Reminds the office once a day of the records past their time: the
    Boolean `_overdue_field` (searchable) says which are, `reminded_on`
    keeps the day of the last reminder, and the users subscribed to the
    scheduled action hear of those of their sites by `_overdue_message`,
    with the `_overdue_action` window that lists them"""
    __slots__ = ()
    _overdue_field = 'overdue'
    _overdue_action = None
    _overdue_message = None
    reminded_on = fields.Date("Last Reminder", readonly=True)

    @classmethod
    def remind_overdue(cls):
        "Scheduled action: remind the office of the records overdue"
        pool = Pool()
        Cron = pool.get('ir.cron')
        today = pool.get('ir.date').today()
        records = cls.search([
                (cls._overdue_field, '=', True),
                ['OR',
                    ('reminded_on', '=', None),
                    ('reminded_on', '<', today),
                    ],
                ])
        if records:
            cls.write(records, {'reminded_on': today})
            Cron.notify_sites('tryton-warning', cls._overdue_action,
                cls._overdue_message, records)
        return records


# Values a client may send for each kind of field, checked before the
# database sees them: a wrong type is the caller's error (a user error),
# not the server's.
_INT_MAX = 2 ** 31 - 1


def _valid_value(field, value):
    if value is None:
        return True
    if isinstance(field, fields.Function):
        return True
    if isinstance(field, (fields.One2Many, fields.Many2Many)):
        return isinstance(value, (list, tuple))
    if isinstance(field, fields.Boolean):
        return isinstance(value, bool)
    if isinstance(field, fields.Many2One):
        # the user 0 is root: the scheduled actions and the setup act as it
        lowest = 0 if field.model_name == 'res.user' else 1
        return (isinstance(value, int) and not isinstance(value, bool)
            and lowest <= value <= _INT_MAX)
    if isinstance(field, fields.Integer):
        return (isinstance(value, int) and not isinstance(value, bool)
            and -_INT_MAX <= value <= _INT_MAX)
    if isinstance(field, (fields.Numeric, fields.Float)):
        if isinstance(value, bool) or not isinstance(
                value, (int, float, Decimal)):
            return False
        try:
            return Decimal(value).is_finite() and abs(value) < 10 ** 15
        except (ArithmeticError, ValueError):
            return False
    if isinstance(field, fields.DateTime):
        return isinstance(value, dt.datetime)
    if isinstance(field, fields.Date):
        return isinstance(value, dt.date) and not isinstance(
            value, dt.datetime)
    if isinstance(field, (fields.Char, fields.Text, fields.Selection,
                fields.Reference)):
        return isinstance(value, str) and '\x00' not in value
    return True


class CheckValuesMixin:
    """Refuse, with a user error, values of the wrong type for their field
    (from the RPC interface: strings for numbers, lists for dates, NUL
    characters, numbers beyond the database's integers)"""
    __slots__ = ()

    @classmethod
    def preprocess_values(cls, mode, values):
        for name, value in values.items():
            field = cls._fields.get(name)
            if field is None or not _valid_value(field, value):
                raise ValidationError(gettext(
                        'property_base.msg_wrong_value',
                        field=field.string if field else name,
                        model=cls.__string__,
                        value=repr(value)[:40]))
        return super().preprocess_values(mode, values)


class SingletonRowMixin:
    """A configuration singleton (ModelSingleton) whose one row exists from
    the activation of its module.

    Tryton creates a singleton's row at its first save and gives it then
    the defaults of every field: for a value per company (MultiValue) that
    sets the default for the company in the context, replacing what the
    company had, e.g. its own receipt sequence by the shipped one. With
    the row there from the start, a save writes only what was changed.

    A singleton that replaced settings of one row per company names in
    `_company_rows_table` where that old table is kept aside at the update
    (its value models copy from it: copy_company_rows); `get_value` reads
    a setting of a company."""
    __slots__ = ()
    _company_rows_table = None

    @classmethod
    def __register__(cls, module):
        from sql.functions import CurrentTimestamp
        from trytond import backend
        if cls._company_rows_table and column_exist(cls._table, 'company'):
            backend.TableHandler.table_rename(
                cls._table, cls._company_rows_table)
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, limit=1))
        if not cursor.fetchone():
            cursor.execute(*table.insert(
                    [table.create_uid, table.create_date],
                    [[0, CurrentTimestamp()]]))

    @classmethod
    def get_value(cls, name, company=None):
        """The value of the setting name for the company (id or record),
        by default the context's"""
        if company is None:
            company = Transaction().context.get('company')
        company = int(company) if company is not None else None
        with without_check_access():
            return cls(1).get_multivalue(name, company=company)


# -- configuration singletons with values per company ------------------------

def column_exist(table_name, column_name):
    """Whether the table has the column, read without caching a table
    handler under the name of a model whose table is renamed"""
    from trytond import backend
    TableHandler = backend.TableHandler
    return (TableHandler.table_exist(table_name)
        and TableHandler(type(f'_{table_name}', (), {
                    '_table': table_name}))
        .column_exist(column_name))


def multivalue_default(field_name):
    """The configuration's default of a value per company: its value
    model's default (as Tryton's sale configuration does)"""
    @classmethod
    def default(cls, **pattern):
        return getattr(
            cls.multivalue_model(field_name),
            'default_%s' % field_name, lambda: None)()
    return default


def give_companies_sequence(companies, configuration, field,
        sequence_model='ir.sequence'):
    """Give each new company a sequence of its own for the configuration's
    value per company `field`: a copy of the shipped default sequence,
    named after the company (as each company numbers its own records)"""
    pool = Pool()
    Configuration = pool.get(configuration)
    Sequence = pool.get(sequence_model)
    with without_check_access():
        template = getattr(Configuration, 'default_' + field)()
        if template is None:
            return
        config = Configuration(1)
        template = Sequence(template)
        for company in companies:
            sequence, = Sequence.copy([template], default={
                    'company': company.id,
                    'name': f'{template.name} ({company.rec_name})',
                    })
            config.set_multivalue(field, sequence.id, company=company.id)


def copy_company_rows(Value, old_table, columns):
    """Copy the columns of a policy's old rows, one per company, from
    old_table to the value table of Value just created (migration to the
    singleton); the required fields the old table did not have (added
    since) take their default"""
    from sql import Column, Literal, Table
    from trytond import backend
    from trytond.model import fields
    if not backend.TableHandler.table_exist(old_table):
        return
    cursor = Transaction().connection.cursor()
    table = Value.__table__()
    old = Table(old_table)
    added = [name for name, field in Value._fields.items()
        if field.required and name not in columns
        and type(field) in {fields.Integer, fields.Float, fields.Numeric,
            fields.Char, fields.Selection, fields.Boolean}
        and hasattr(Value, f'default_{name}')]
    cursor.execute(*table.insert(
            [table.company] + [Column(table, c) for c in columns]
            + [Column(table, c) for c in added],
            old.select(old.company, *[Column(old, c) for c in columns],
                *[Literal(getattr(Value, f'default_{c}')()) for c in added])))


def natural_key(code):
    """The sort key of a code: its digit runs zero-padded so that text order
    is the order a reader expects ("B2" before "B10", "1-103" before
    "1-1001"), letters compared without case"""
    if code is None:
        return None
    return re.sub(r'\d+', lambda m: m.group().zfill(10), code.upper())


class NaturalCodeMixin:
    """A stored `sort_code` computed from `code` on create and write, for
    the lists to order the records naturally; filled for the records of
    an older database when the module is updated"""
    __slots__ = ()
    sort_code = fields.Char("Sort Code", readonly=True,
        help="The code with its numbers zero-padded, to list the records "
        "in natural order.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.code,
                where=table.sort_code == Null))
        for id_, code in cursor.fetchall():
            cursor.execute(*table.update([table.sort_code],
                    [natural_key(code)], where=table.id == id_))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'code' in field_names:
            key = natural_key(self.code)
            if getattr(self, 'sort_code', None) != key:
                values['sort_code'] = key
        return values


def reader_language(user):
    """The context in which to write what a user will read (a
    notification's title and text): the user's language, as Tryton's own
    scheduled-action notifications are, not the language of whoever or
    whichever scheduled action wrote it"""
    return Transaction().set_context(
        language=user.language.code if user.language else None)
