# This file is part of the property-management suite.
"Small helpers shared by the suite's models"
import datetime as dt


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
