# This file is part of the property-management suite.
from trytond.model import (
    Check, DeactivableMixin, ModelSQL, ModelView, Unique, fields)

from .common import CheckValuesMixin, NaturalCodeMixin, rec_name_domain

BUILDING_TYPES = [
    ('residential', "Residential"),
    ('commercial', "Commercial"),
    ('office', "Office"),
    ('villa', "Villa"),
    ('parking', "Parking"),
    ]


class Building(NaturalCodeMixin, CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.building'
    __string__ = "Building"

    site = fields.Many2One(
        'property.site', "Site", required=True, ondelete='RESTRICT')
    code = fields.Char("Code", required=True, strip=True,
        help="The building number, e.g. \"A1\"; it prefixes the unit codes.")
    name = fields.Char("Name", required=True, translate=True)
    type = fields.Selection(BUILDING_TYPES, "Type", required=True)
    floors = fields.Integer("Floors", required=True,
        help="Number of floors above ground.")
    units = fields.One2Many('property.unit', 'building', "Units")
    unit_count = fields.Function(fields.Integer("Units"), 'get_unit_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_code_unique', Unique(t, t.site, t.code),
                'property_base.msg_building_code_unique'),
            ('floors_positive', Check(t, t.floors > 0),
                'property_base.msg_building_floors_positive'),
            ]
        cls._order = [('site', 'ASC'), ('sort_code', 'ASC'), ('code', 'ASC'),
            ('id', 'ASC')]

    @staticmethod
    def default_type():
        return 'residential'

    @staticmethod
    def default_floors():
        return 1

    def get_rec_name(self, name):
        return f'{self.site.code}-{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'code'))

    @classmethod
    def get_unit_count(cls, buildings, name):
        counts = {b.id: 0 for b in buildings}
        for building in buildings:
            counts[building.id] = len(building.units)
        return counts
