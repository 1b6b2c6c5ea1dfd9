# This file is part of the property-management suite.
from sql.aggregate import Count, Sum
from sql.conditionals import Case
from sql.functions import Lower

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import CheckValuesMixin, NaturalCodeMixin, rec_name_domain


class Site(NaturalCodeMixin, CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.site'
    __string__ = "Site"
    _rec_name = 'name'

    name = fields.Char("Name", required=True, translate=True,
        help="The estate or project managed by the office (管理处).")
    code = fields.Char("Code", required=True, strip=True,
        help="Short code used as prefix of the unit codes.")
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT')
    address = fields.Text("Address")
    manager = fields.Many2One(
        'company.employee', "Manager", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The site manager approves archive loans and receives "
        "level 1 information.")
    service_phone = fields.Char("Service Phone",
        help="The 24-hour customer-service line of the site.")
    buildings = fields.One2Many('property.building', 'site', "Buildings")
    unit_count = fields.Function(
        fields.Integer("Units"), 'get_counts')
    vacant_count = fields.Function(
        fields.Integer("Vacant Units"), 'get_counts')
    total_area = fields.Function(
        fields.Numeric("Total Area (m²)", digits=(16, 2)), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'property_base.msg_site_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (Lower(t.name), Index.Similarity())))
        cls._order[:0] = [('sort_code', 'ASC'), ('code', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_counts(cls, sites, names):
        pool = Pool()
        Unit = pool.get('property.unit')
        unit = Unit.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {s.id: 0 for s in sites} for n in names}
        ids = [s.id for s in sites]
        cursor.execute(*unit.select(
                unit.site, Count(unit.id),
                Sum(Case((unit.state == 'vacant', 1), else_=0)),
                Sum(unit.area),
                where=unit.site.in_(ids) & (unit.active == True),  # noqa: E712
                group_by=[unit.site]))
        for site_id, count, vacant, area in cursor:
            if 'unit_count' in result:
                result['unit_count'][site_id] = count
            if 'vacant_count' in result:
                result['vacant_count'][site_id] = vacant or 0
            if 'total_area' in result:
                result['total_area'][site_id] = area
        return result

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'code'))


class UserSite(CheckValuesMixin, ModelSQL):
    __name__ = 'res.user-property.site'
    __string__ = "User - Site"
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    site = fields.Many2One(
        'property.site', "Site", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('user_site_unique', Unique(t, t.user, t.site),
                'property_base.msg_user_site_unique'),
            ]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        User = Pool().get('res.user')
        User._get_property_sites_cache.clear()
        Pool().get('ir.rule')._domain_get_cache.clear()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    property_sites = fields.Many2Many(
        'res.user-property.site', 'user', 'site', "Property Sites",
        help="The sites whose records the user works on. "
        "Staff outside the administration group see only these sites.")
    _get_property_sites_cache = Cache(
        'res_user.get_property_sites', context=False)

    @classmethod
    def get_property_sites(cls):
        "Return a tuple of the site ids the current user is assigned to"
        user_id = Transaction().user
        sites = cls._get_property_sites_cache.get(user_id)
        if sites is not None:
            return sites
        user = cls(user_id)
        sites = tuple(s.id for s in user.property_sites)
        cls._get_property_sites_cache.set(user_id, sites)
        return sites

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._get_property_sites_cache.clear()


def user_site():
    "The user's site when the user works at one site only, else None"
    User = Pool().get('res.user')
    sites = User.get_property_sites()
    if len(sites) == 1:
        return sites[0]


class UnitSiteMixin:
    """A record of the site of its unit (a stored `site` and `unit`): the
    site defaults to the user's only site and follows the unit chosen"""
    __slots__ = ()

    @classmethod
    def default_site(cls):
        return user_site()

    @fields.depends('unit', 'site', '_parent_unit.site')
    def on_change_unit(self):
        if self.unit:
            self.site = self.unit.site


def site_from(path):
    """Return a mixin giving the model the site of the record at `path` (a
    Many2One, or a dotted path of them, to a record with a `site`: 'unit',
    'ticket', 'application.unit'): a `site` Function field, shown in the
    form as soon as the path is filled in, that the site record rules and
    the lists search on"""
    first, _, rest = path.partition('.')
    # The client sends one level of the parent's fields
    parent_field = rest.split('.')[0] if rest else 'site'

    class SiteFromMixin:
        __slots__ = ()
        site = fields.Function(fields.Many2One('property.site', "Site"),
            'on_change_with_site', searcher='search_site')

        @fields.depends(first, f'_parent_{first}.{parent_field}')
        def on_change_with_site(self, name=None):
            record = self
            for name_ in path.split('.'):
                record = getattr(record, name_, None)
                if not record:
                    return None
            return record.site

        @classmethod
        def search_site(cls, name, clause):
            return [(f'{path}.{clause[0]}', *clause[1:])]
    return SiteFromMixin
