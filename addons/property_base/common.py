# This file is part of the property-management suite.
"Small helpers shared by the suite's models"
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError


def rec_name_domain(clause, field_names):
    """The domain that searches the clause of a record name over the
    fields, e.g. a unit by its code, its owner's name or phone"""
    _, operator, operand, *extra = clause
    negative = operator.startswith('!') or operator.startswith('not ')
    return ['AND' if negative else 'OR'] + [
        (name, operator, operand, *extra) for name in field_names]


def now():
    """The current date-time as stored, without microseconds: for the
    defaults of date-time fields, since the web client drops them when it
    saves a form and would then take the record for changed"""
    return dt.datetime.now().replace(microsecond=0)


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
        return (isinstance(value, int) and not isinstance(value, bool)
            and 0 < value <= _INT_MAX)
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
