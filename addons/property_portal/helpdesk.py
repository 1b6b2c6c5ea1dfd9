# This file is part of the property-management suite.
from trytond.pool import PoolMeta


class ReturnVisit(metaclass=PoolMeta):
    __name__ = 'property.return_visit'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the owner confirms and rates the job in the portal
        if ('app', "App") not in cls.method.selection:
            cls.method.selection.append(('app', "App"))
