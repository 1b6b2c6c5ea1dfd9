# This file is part of the property-management suite.
from collections import defaultdict

from trytond.pool import Pool, PoolMeta
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from .common import clock, company_timezone


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('property.archive.loan|remind_overdue',
                    "Remind Overdue Archive Loans"),
                ('property.vacant.inspection|create_monthly',
                    "Create Monthly Vacant Unit Inspections"),
                ('property.move|notify_completed', "Moves Completed"),
                ])
        cls._notifications.add('property.move|notify_completed')
        cls._notifications.add('property.archive.loan|remind_overdue')
        cls._notifications.add('property.vacant.inspection|create_monthly')

    @classmethod
    def notify_sites(cls, icon, action_id, message_id, records,
            variables=None, site=lambda r: r.site):
        """Notify each subscribed user of the records of their own sites
        (those the notification's window shows them), or of all the
        records when no site is assigned to them. variables(records)
        gives the message's other variables, computed in the readers'
        language (the records' names: "入住 GC/1-103" for a reader of
        中文, whatever the language of the scheduled action)."""
        User = Pool().get('res.user')
        transaction = Transaction()
        method = transaction.context.get('_cron')
        if not method or not records:
            return
        audiences = defaultdict(list)
        for user in User.search([('notifications', 'in', method)]):
            audiences[(frozenset(s.id for s in user.property_sites),
                    user.language.code if user.language else None)
                ].append(user.id)
        for (sites, language), user_ids in audiences.items():
            theirs = [r for r in records
                if not sites or site(r).id in sites]
            if not theirs:
                continue
            values = {}
            if variables:
                with transaction.set_context(language=language):
                    # read again in the language
                    Model = type(theirs[0])
                    values = variables(Model.browse([r.id for r in theirs]))
            cls.notify(icon, action_id, None, message_id,
                n=len(theirs), user_domain=('id', 'in', user_ids),
                count=len(theirs), **values)


class Date(metaclass=PoolMeta):
    __name__ = 'ir.date'

    @classmethod
    def today(cls, timezone=None):
        """Today at the office: in the time zone of the context's company,
        else of the user's or the only company's (the scheduled actions run
        without a company), on the suite's clock"""
        if timezone is None:
            timezone = company_timezone()
        return clock().replace(tzinfo=tz.UTC).astimezone(timezone).date()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "property_sites" as list of ids of the property sites '
            'the current user is assigned to')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_property_sites())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['property_sites'] = User.get_property_sites()
        return context
