# This file is part of the property-management suite.
"""Materials from real stock: the site's storeroom is a Tryton warehouse,
a work order's materials are issued from it as stock moves (their cost on
the work order), stock-taking is Tryton's inventory and the reorder list
comes from minimum quantities (仓库物料管理,做好物料的领用记录及盘点工作:
seed 001)"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.exceptions import UserError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction


class Site(metaclass=PoolMeta):
    __name__ = 'property.site'
    storeroom = fields.Many2One('stock.location', "Storeroom",
        ondelete='RESTRICT', domain=[('type', '=', 'warehouse')],
        help="The warehouse the site's materials are issued from.")


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.work_order.material']


class WorkOrderMaterial(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.work_order.material'
    __string__ = "Work Order Material"
    _states = {'readonly': Bool(Eval('move'))}
    work_order = fields.Many2One('property.work_order', "Work Order",
        required=True, ondelete='CASCADE', states=_states)
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('type', '=', 'goods')])
    quantity = fields.Float("Quantity", required=True, states=_states,
        digits='unit')
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    move = fields.Many2One('stock.move', "Stock Move", readonly=True,
        ondelete='RESTRICT')
    cost = fields.Function(fields.Numeric("Cost", digits=(16, 2)),
        'get_cost')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.work_order, Index.Range())))

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    def get_cost(self, name):
        if not self.move or self.move.state != 'done':
            return None
        return (Decimal(str(self.move.quantity))
            * (self.move.cost_price or 0)).quantize(Decimal('0.01'))

    @classmethod
    def validate(cls, materials):
        super().validate(materials)
        for material in materials:
            if material.quantity <= 0:
                raise UserError(gettext(
                        'property_maintenance.msg_material_quantity',
                        product=material.product.rec_name))

    @classmethod
    def delete(cls, materials):
        for material in materials:
            if material.move:
                raise UserError(gettext(
                        'property_maintenance.msg_material_issued',
                        product=material.product.rec_name))
        super().delete(materials)

    @classmethod
    def issue(cls, materials):
        """Issue the materials from the storeroom of their work order's
        site as done stock moves to the maintenance use location; more
        than the storeroom holds is refused by Tryton's assignation"""
        pool = Pool()
        Move = pool.get('stock.move')
        ModelData = pool.get('ir.model.data')
        Date = pool.get('ir.date')
        Location = pool.get('stock.location')
        use = Location(ModelData.get_id(
                'property_maintenance', 'location_maintenance_use'))
        materials = [m for m in materials if not m.move]
        moves = []
        for material in materials:
            order = material.work_order
            site = order.site
            if not site or not site.storeroom:
                raise UserError(gettext(
                        'property_maintenance.msg_site_no_storeroom',
                        work_order=order.rec_name,
                        site=site.rec_name if site else ''))
            with Transaction().set_context(company=site.company.id):
                today = Date.today()
            moves.append(Move(
                    product=material.product,
                    unit=material.product.default_uom,
                    quantity=material.quantity,
                    from_location=site.storeroom.storage_location,
                    to_location=use,
                    company=site.company,
                    planned_date=today,
                    effective_date=today,
                    origin=material))
        Move.save(moves)
        if not Move.assign_try(moves, grouping=('product',)):
            short = [m for m in Move.browse(moves) if m.state != 'assigned']
            product = short[0].product
            with Transaction().set_context(
                    locations=[short[0].from_location.id],
                    stock_date_end=short[0].effective_date):
                available = product.__class__(product.id).quantity
            raise UserError(gettext(
                    'property_maintenance.msg_material_not_in_stock',
                    product=product.rec_name,
                    storeroom=short[0].from_location.warehouse.rec_name,
                    available=available))
        Move.do(moves)
        for material, move in zip(materials, moves):
            material.move = move
        cls.save(materials)
        return moves


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'
    materials_issued = fields.One2Many('property.work_order.material',
        'work_order', "Materials Issued",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])})
    materials_cost = fields.Function(fields.Numeric("Cost of Materials",
            digits=(16, 2)), 'get_materials_cost')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'issue_materials': {
                    'invisible': Eval('state') != 'dispatched',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    def get_materials_cost(self, name):
        costs = [m.cost for m in self.materials_issued if m.cost is not None]
        return sum(costs, Decimal(0)) if costs else None

    @classmethod
    @ModelView.button
    def issue_materials(cls, orders):
        Material = Pool().get('property.work_order.material')
        Material.issue([m for o in orders for m in o.materials_issued])


class StockMinimum(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.stock.minimum'
    __string__ = "Storeroom Minimum"
    warehouse = fields.Many2One('stock.location', "Storeroom",
        required=True, ondelete='CASCADE',
        domain=[('type', '=', 'warehouse')])
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='CASCADE', domain=[('type', '=', 'goods')])
    minimum = fields.Float("Minimum Quantity", required=True,
        help="Below it the product is on the reorder list.")
    quantity = fields.Function(fields.Float("On Hand"), 'get_quantities')
    reorder = fields.Function(fields.Boolean("To Reorder"),
        'get_quantities', searcher='search_reorder')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_unique', Unique(t, t.warehouse, t.product),
                'property_maintenance.msg_minimum_unique'),
            ]
        cls._order = [('warehouse', 'ASC'), ('product', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def get_quantities(cls, minimums, names):
        pool = Pool()
        Product = pool.get('product.product')
        Date = pool.get('ir.date')
        result = {n: {} for n in names}
        by_warehouse = {}
        for minimum in minimums:
            by_warehouse.setdefault(minimum.warehouse, []).append(minimum)
        for warehouse, records in by_warehouse.items():
            with Transaction().set_context(stock_date_end=Date.today()):
                quantities = Product.products_by_location(
                    [warehouse.id], with_childs=True,
                    grouping_filter=([r.product.id for r in records],))
            for record in records:
                quantity = quantities.get(
                    (warehouse.id, record.product.id), 0)
                if 'quantity' in names:
                    result['quantity'][record.id] = quantity
                if 'reorder' in names:
                    result['reorder'][record.id] = quantity < record.minimum
        return result

    @classmethod
    def search_reorder(cls, name, clause):
        _, operator, value = clause[:3]
        records = cls.search([])
        below = [r.id for r in records if r.reorder]
        if (operator == '=') == bool(value):
            return [('id', 'in', below)]
        return [('id', 'not in', below)]
