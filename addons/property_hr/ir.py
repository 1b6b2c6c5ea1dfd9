# This file is part of the property-management suite.
from trytond.pool import Pool, PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.roster|remind_publication',
                "Remind Unpublished Rosters"))
        cls._notifications.add('property.roster|remind_publication')


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "employees" as list of ids of the current user\'s employees')

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        return (*super()._get_cache_key(model_names), User.get_employees())

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context['employees'] = User.get_employees()
        return context
