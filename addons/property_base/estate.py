# This file is part of the property-management suite.
from sql import Cast, Literal, Union
from sql.functions import CurrentTimestamp
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.wizard import StateAction, StateTransition, Wizard

from .unit import UNIT_STATES

NODE_KINDS = [
    ('site', "Site"),
    ('building', "Building"),
    ('unit', "Unit"),
    ]


class EstateNode(ModelSQL, ModelView):
    __name__ = 'property.estate.node'
    __string__ = "Estate Structure"
    # One tree over three tables: site > building > unit. The ids are
    # interleaved (3n, 3n+1, 3n+2) so that each record keeps its own id.
    name = fields.Char("Name")
    kind = fields.Selection(NODE_KINDS, "Kind")
    parent = fields.Many2One('property.estate.node', "Parent")
    children = fields.One2Many('property.estate.node', 'parent', "Children")
    site = fields.Many2One('property.site', "Site")
    record = fields.Reference("Record", selection=[
            ('property.site', "Site"),
            ('property.building', "Building"),
            ('property.unit', "Unit"),
            ])
    area = fields.Numeric("Gross Floor Area (m²)", digits=(16, 2))
    state = fields.Selection([(None, "")] + UNIT_STATES, "State")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('kind', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        site = pool.get('property.site').__table__()
        building = pool.get('property.building').__table__()
        unit = pool.get('property.unit').__table__()
        null_int = Cast(Literal(None), cls.id.sql_type().base)
        null_area = Cast(Literal(None), cls.area.sql_type().base)
        null_char = Cast(Literal(None), cls.name.sql_type().base)

        def columns(table, offset, name, kind, parent, site_id, area, state):
            return [
                (table.id * 3 + offset).as_('id'),
                Literal(0).as_('create_uid'),
                CurrentTimestamp().as_('create_date'),
                null_int.as_('write_uid'),
                CurrentTimestamp().as_('write_date'),
                name.as_('name'),
                Literal(kind).as_('kind'),
                parent.as_('parent'),
                site_id.as_('site'),
                Concat(f'property.{kind},', Cast(table.id, 'VARCHAR')).as_(
                    'record'),
                area.as_('area'),
                state.as_('state'),
                ]
        sites = site.select(*columns(
                site, 0, site.name, 'site', null_int, site.id,
                null_area, null_char),
            where=site.active == Literal(True))
        buildings = building.select(*columns(
                building, 1,
                Concat(Concat(building.code, ' '), building.name),
                'building', building.site * 3, building.site,
                null_area, null_char),
            where=building.active == Literal(True))
        units = unit.select(*columns(
                unit, 2, unit.code, 'unit', unit.building * 3 + 1,
                unit.site, unit.area, unit.state),
            where=unit.active == Literal(True))
        return Union(Union(sites, buildings, all_=True), units, all_=True)


class OpenEstateNode(Wizard):
    "Open the site, building or unit of the estate tree's row, on its form"
    __name__ = 'property.estate.node.open'
    _readonly = True
    start = StateTransition()
    site = StateAction('property_base.act_site_form')
    building = StateAction('property_base.act_building_form')
    unit = StateAction('property_base.act_unit_form')

    def transition_start(self):
        return self.record.kind if self.record else 'end'

    def _open(self, action):
        # the row's own record, on its form first
        action['res_id'] = [self.record.record.id]
        action['views'] = sorted(action['views'],
            key=lambda v: v[1] != 'form')
        action['domains'] = []
        action['name'] = self.record.record.rec_name
        return action, {}

    do_site = _open
    do_building = _open
    do_unit = _open
