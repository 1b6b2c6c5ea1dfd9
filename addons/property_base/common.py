# This file is part of the property-management suite.
"Small helpers shared by the suite's models"


def rec_name_domain(clause, field_names):
    """The domain that searches the clause of a record name over the
    fields, e.g. a unit by its code, its owner's name or phone"""
    _, operator, operand, *extra = clause
    negative = operator.startswith('!') or operator.startswith('not ')
    return ['AND' if negative else 'OR'] + [
        (name, operator, operand, *extra) for name in field_names]
