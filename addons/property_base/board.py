# This file is part of the property-management suite.
"""Home boards: each office group's board opens at login, and the estate's
occupancy per site for the manager's board"""
from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .common import CheckValuesMixin

# The unit states of a home someone has taken over (its fees run)
TAKEN_STATES = ['handed_over', 'occupied', 'let']


class View(metaclass=PoolMeta):
    __name__ = 'ir.ui.view'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A board of one module with the parts of the others: an extension
        # of a board has no model, as the board itself. Tryton reads such
        # extensions (view_get of a board searches its extensions of no
        # model) but requires a model of every view not typed a board.
        cls.model.states['required'] = (
            (Eval('type') != 'board') & ~Bool(Eval('inherit')))

    @classmethod
    def validate(cls, views):
        super().validate(views)
        for view in views:
            if (view.inherit and not view.model
                    and view.inherit.real_type != 'board'):
                raise ValidationError(gettext(
                        'property_base.msg_view_extension_model',
                        view=view.rec_name))


class GroupHomeAction(CheckValuesMixin, ModelSQL):
    __name__ = 'res.group-ir.action.home'
    __string__ = "Group Home Action"
    group = fields.Many2One('res.group', "Group", required=True,
        ondelete='CASCADE')
    action = fields.Many2One('ir.action', "Action", required=True,
        ondelete='CASCADE')

    @classmethod
    def create(cls, vlist):
        links = super().create(vlist)
        # a board added to a group later (a module activated on an office
        # already running) opens for the group's users too
        Pool().get('res.user').add_home_actions(
            [u for l in links for u in l.group.users])
        return links


class Group(metaclass=PoolMeta):
    __name__ = 'res.group'
    home_actions = fields.Many2Many('res.group-ir.action.home', 'group',
        'action', "Home Actions",
        help="The boards opened at login for the group's users; a user "
        "put into the group gets them among the actions run at login.")


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('res.user').add_home_actions(
            list({r.user for r in records}))
        return records

    @classmethod
    def delete(cls, records):
        users = list({r.user for r in records})
        removed = {a for r in records for a in r.group.home_actions}
        super().delete(records)
        Pool().get('res.user').remove_home_actions(users, removed)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _home_action_users(cls, users):
        "The users whose login opens their groups' boards: staff, not admin"
        ModelData = Pool().get('ir.model.data')
        # The administrator sets the office up from the menu: no board
        admin_id = ModelData.get_id('res', 'user_admin')
        return [u for u in users if u.id and u.id != admin_id]

    @classmethod
    def add_home_actions(cls, users):
        """Put the home actions of the users' groups among the actions run
        at login (Tryton's res.user actions, at most 5, kept in order)"""
        size = cls.actions.size
        to_write = []
        with Transaction().set_context(_check_access=False):
            for user in cls._home_action_users(cls.browse(users)):
                current = [a.id for a in user.actions]
                wanted = [a.id for g in sorted(user.groups, key=lambda g: g.id)
                    for a in g.home_actions]
                new = [a for a in dict.fromkeys(wanted)
                    if a not in current][:max(size - len(current), 0)]
                if new:
                    to_write.extend([[user], {'actions': [('add', new)]}])
            if to_write:
                cls.write(*to_write)

    @classmethod
    def remove_home_actions(cls, users, actions):
        "Take off the boards of groups the users left (unless kept by one)"
        to_write = []
        with Transaction().set_context(_check_access=False):
            for user in cls._home_action_users(cls.browse(users)):
                kept = {a for g in user.groups for a in g.home_actions}
                remove = [a.id for a in user.actions
                    if a in actions and a not in kept]
                if remove:
                    to_write.extend([[user], {'actions': [('remove', remove)]}])
            if to_write:
                cls.write(*to_write)


class SiteOccupancy(ModelSQL, ModelView):
    __name__ = 'property.site.occupancy'
    __string__ = "Site Occupancy"
    site = fields.Many2One('property.site', "Site")
    units = fields.Integer("Units")
    taken = fields.Integer("Taken Over",
        help="Units handed over, occupied or let.")
    vacant = fields.Integer("Vacant")
    occupancy = fields.Function(fields.Float("Occupancy (%)",
            digits=(5, 1)), 'get_occupancy')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('site', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        "One row per site (its id the site's): units counted by state"
        unit = Pool().get('property.unit').__table__()
        taken = unit.state.in_(TAKEN_STATES)
        return unit.select(
            unit.site.as_('id'),
            Literal(0).as_('create_uid'),
            CurrentTimestamp().as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            unit.site.as_('site'),
            Count(unit.id).as_('units'),
            Sum(Case((taken, 1), else_=0)).as_('taken'),
            Sum(Case((unit.state == 'vacant', 1), else_=0)).as_('vacant'),
            where=unit.active == Literal(True),
            group_by=[unit.site])

    def get_occupancy(self, name):
        if self.units:
            return round(100 * (self.taken or 0) / self.units, 1)
