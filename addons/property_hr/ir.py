# This file is part of the property-management suite.
from trytond.pool import Pool, PoolMeta

# The models whose record rules read the user's employees
_EMPLOYEES_RULE_MODELS = {
    'property.appraisal', 'property.appraisal.line',
    'property.assessment.line', 'property.training.session.line',
    }


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
        key = super()._get_cache_key(model_names)
        if model_names & _EMPLOYEES_RULE_MODELS:
            key = (*key, User.get_employees())
        return key

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        if model_name in _EMPLOYEES_RULE_MODELS:
            context['employees'] = User.get_employees()
        return context
