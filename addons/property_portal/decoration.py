# This file is part of the property-management suite.
"""With the renovations: the gate's Check Pass of the workers' passes
reads a guest pass of the portal too (one scanner at the gate)"""
from trytond.model import fields
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


class Application(metaclass=PoolMeta):
    """The office sees which renovation applications the owners sent from
    the portal (as the front desk sees the tickets of the channel App)"""
    __name__ = 'property.decoration.application'
    channel = fields.Selection([
            ('office', "Management Office"),
            ('portal', "Owner Portal"),
            ], "Channel", required=True, readonly=True,
        help="Where the owner applied: at the management office or in the "
        "owner portal.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # set when applied, never changed afterwards
        if 'channel' not in cls._maintained_fields:
            cls._maintained_fields += ('channel',)

    @staticmethod
    def default_channel():
        return 'office'

    @classmethod
    def copy(cls, applications, default=None):
        default = dict(default or {})
        default.setdefault('channel', 'office')
        return super().copy(applications, default=default)
