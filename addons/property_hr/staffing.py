# This file is part of the property-management suite.
"""Minimum staffing (服务台内严禁空岗, seed 001): how many staff of a post
must be on duty at a site over a time of day"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin


class Staffing(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.staffing'
    __string__ = "Minimum Staffing"
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')
    post = fields.Many2One('property.post', "Post", required=True,
        ondelete='CASCADE')
    start = fields.Time("From", required=True)
    end = fields.Time("To", required=True,
        help="Before the start for a time running past midnight.")
    minimum = fields.Integer("Minimum on Duty", required=True)
    date = fields.Date("Only on",
        help="A day with its own minimum (e.g. a move-in day at the "
        "signing desk); every day when empty.")
    description = fields.Char("Description", translate=True,
        help="What the staff on duty must cover, e.g. the phone.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('post', 'ASC'),
            ('date', 'ASC NULLS FIRST'), ('start', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_minimum():
        return 1

    def get_rec_name(self, name):
        when = f'{self.date} ' if self.date else ''
        return (f'{self.post.rec_name} {when}'
            f'{self.start:%H:%M}–{self.end:%H:%M} ≥ {self.minimum}')

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.minimum is not None and record.minimum < 1:
                raise ValidationError(gettext(
                        'property_hr.msg_staffing_minimum'))
            if record.start == record.end:
                raise ValidationError(gettext(
                        'property_hr.msg_staffing_times'))

    def applies(self, date):
        return self.date is None or self.date == date

    def window(self, date):
        start = dt.datetime.combine(date, self.start)
        end = dt.datetime.combine(date, self.end)
        if end <= start:
            end += dt.timedelta(days=1)
        return start, end
