# This file is part of the property-management suite.
"""With the renovations: the gate's Check Pass of the workers' passes
reads a guest pass of the portal too (one scanner at the gate)"""
from trytond.pool import Pool, PoolMeta

from .guest import PASS_PREFIX


class Worker(metaclass=PoolMeta):
    __name__ = 'property.decoration.worker'

    @classmethod
    def check_pass(cls, number, date=None, at=None):
        # a guest pass's QR code starts with its prefix; a worker's pass
        # number never does
        if (number or '').strip().upper().startswith(PASS_PREFIX):
            Guest = Pool().get('property.portal.guest')
            valid, message, _ = Guest.check_pass(number, date)
            return valid, message
        return super().check_pass(number, date=date, at=at)
