# This file is part of the property-management suite.
"""The price list of paid services (seed 001, 便民服务: 有偿服务按收费标准收费)

Each company lists its paid services with their price, for all its sites
or for one site (a site's own price comes before the company's). A paid
work order names its service: it takes the listed price times the
quantity, whatever the client sends, unless the property manager sets a
price of his own on it (the override is the manager's field only). The
charge to the owner (property_billing) takes the work order's amount."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

# The work order's fields the listed amount is computed from
PRICE_FIELDS = {'paid_service', 'service', 'quantity', 'price_override'}


class PaidService(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.paid_service'
    __string__ = "Paid Service"
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    site = fields.Many2One('property.site', "Site", ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for a price of all the company's sites.")
    code = fields.Char("Code")
    name = fields.Char("Service", required=True)
    category = fields.Many2One('property.ticket.category', "Category",
        ondelete='SET NULL',
        help="The kind of job the service is offered for.")
    uom = fields.Char("Unit", required=True,
        help="What the price is for: a job, an hour, a metre…")
    price = fields.Numeric("Price", digits=(16, 2), required=True)
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('code', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_uom():
        return "次"

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}' if self.code else self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, services, field_names):
        super().validate_fields(services, field_names)
        for service in services:
            if service.price is not None and service.price < 0:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_paid_service_price',
                        service=service.rec_name))
            if service.site and service.site.company != service.company:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_paid_service_site',
                        service=service.rec_name,
                        site=service.site.rec_name))


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'
    service = fields.Many2One('property.paid_service', "Listed Service",
        ondelete='RESTRICT',
        # (the company of the ticket is checked by _validate)
        domain=[If(Bool(Eval('site')),
                ['OR', ('site', '=', None), ('site', '=', Eval('site', -1))],
                [])],
        states={
            'invisible': ~Eval('paid_service'),
            'readonly': Eval('state').in_(['done', 'cancelled']),
            },
        help="The service of the price list (有偿服务收费标准) the owner "
        "pays for.")
    quantity = fields.Numeric("Quantity", digits=(16, 2),
        states={
            'invisible': ~Eval('paid_service'),
            'readonly': Eval('state').in_(['done', 'cancelled']),
            })
    listed_amount = fields.Function(fields.Numeric("Listed Amount",
            digits=(16, 2), states={'invisible': ~Eval('paid_service')}),
        'on_change_with_listed_amount')
    price_override = fields.Boolean("Manager's Price",
        states={
            'invisible': ~Eval('paid_service'),
            'readonly': Eval('state').in_(['done', 'cancelled']),
            },
        help="The property manager charges an amount of his own instead "
        "of the listed price.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The amount of a listed service is the price list's
        readonly = cls.amount.states.get('readonly')
        cls.amount.states['readonly'] = (readonly
            | (Bool(Eval('service')) & ~Eval('price_override')))
        cls.amount.depends |= {'service', 'price_override'}

    @staticmethod
    def default_quantity():
        return Decimal(1)

    @fields.depends('service', 'quantity')
    def on_change_with_listed_amount(self, name=None):
        if self.service and self.service.price is not None:
            return (self.service.price * (self.quantity or 0)).quantize(
                Decimal('0.01'))

    @fields.depends('service', 'quantity', 'price_override', 'amount',
        'paid_service', methods=['on_change_with_listed_amount'])
    def on_change_service(self):
        if self.service and not self.price_override:
            self.amount = self.on_change_with_listed_amount()

    on_change_quantity = on_change_service
    on_change_price_override = on_change_service

    @classmethod
    def _listed_values(cls, values, order=None):
        "The values with the amount of the listed service, if it applies"
        def value(name):
            if name in values:
                return values[name]
            return getattr(order, name, None) if order else None
        service, override = value('service'), value('price_override')
        if not service or override or not value('paid_service'):
            return values
        PaidService = Pool().get('property.paid_service')
        service = PaidService(int(service))
        quantity = value('quantity')
        values = values.copy()
        values['amount'] = (service.price * Decimal(
                quantity if quantity is not None else 1)).quantize(
            Decimal('0.01'))
        return values

    @classmethod
    def _guard_write(cls, records, values):
        # While the job is open, an amount sent for a listed service (the
        # form sends what its on_change computed) is replaced by the
        # server's listed amount (write), not refused
        if 'amount' in values and all(
                r.state not in {'done', 'cancelled'}
                for r in cls.browse(records)):
            values = {k: v for k, v in values.items() if k != 'amount'}
        super()._guard_write(records, values)

    @classmethod
    def create(cls, vlist):
        return super().create([cls._listed_values(v) for v in vlist])

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for orders, values in zip(actions, actions):
            if PRICE_FIELDS.intersection(values) or 'amount' in values:
                # each order its own quantity and service
                for order in orders:
                    args.extend([[order], cls._listed_values(values, order)])
            else:
                args.extend([orders, values])
        super().write(*args)

    @classmethod
    def _validate(cls, orders, field_names=None):
        # Before the generic domain error of the service
        for order in orders:
            if not order.service:
                continue
            company = order.ticket.company if order.ticket else None
            if ((company and order.service.company != company)
                    or (order.service.site and order.ticket
                        and order.service.site != order.ticket.site)):
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_service_site',
                        work_order=order.rec_name,
                        service=order.service.rec_name))
            if order.quantity is not None and order.quantity <= 0:
                raise ValidationError(gettext(
                        'property_helpdesk.msg_work_order_quantity',
                        work_order=order.rec_name))
        super()._validate(orders, field_names=field_names)
