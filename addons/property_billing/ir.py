# This file is part of the property-management suite.
from trytond.pool import PoolMeta

# the documents printed first for a model: the fee notice before the
# accounting's invoice for the fee invoices
FIRST_PRINTS = {
    'account.invoice': ['property.fee.notice', 'property.invoice.receipt'],
    }


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.billing.run|bill_month', "Bill the Month's Fees"),
                ('property.prepayment.alert|raise_monthly',
                    "Prepayment Alerts"),
                ])
        cls._notifications.add('property.prepayment.alert|raise_monthly')


class ActionKeyword(metaclass=PoolMeta):
    __name__ = 'ir.action.keyword'

    @classmethod
    def get_keyword(cls, keyword, value):
        keywords = super().get_keyword(keyword, value)
        first = FIRST_PRINTS.get(value[0]) if keyword == 'form_print' \
            else None
        if first:
            def key(action):
                name = action.get('report_name')
                return first.index(name) if name in first else len(first)
            keywords = sorted(keywords, key=key)
        return keywords
