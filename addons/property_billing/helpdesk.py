# This file is part of the property-management suite.
"With property_helpdesk: finished paid work orders (有偿服务) are billed"
from trytond.model import ModelView, fields
from trytond.modules.property_base.common import office_date
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Charge(metaclass=PoolMeta):
    __name__ = 'property.fee.charge'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.work_order']


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'property.work_order'
    charges = fields.One2Many('property.fee.charge', 'origin', "Charges",
        readonly=True)

    @classmethod
    @ModelView.button
    def finish(cls, orders):
        # (a button overridden is decorated again: the user's access is
        # checked first, then the charges are made whoever finishes)
        super().finish(orders)
        cls.create_charges(orders)

    @classmethod
    def create_charges(cls, orders):
        """Charge the payer of each finished paid work order once, with the
        paid service fee of its company's billing policy"""
        Charge = Pool().get('property.fee.charge')
        charges = []
        for order in orders:
            if not order.amount or order.charges:
                continue
            charge = order.paid_service_charge(order.amount, origin=order)
            if charge:
                charges.append(charge)
        Charge.save(charges)
        return charges

    def paid_service_charge(self, amount, origin, description=None):
        """A charge of amount to the payer of the work order if it is a
        finished paid service (with the paid service fee type of its
        company's billing policy, dated the office day it was done),
        described by description (else the fee type and the listed
        service) and the ticket; None
        when there is nothing to charge"""
        pool = Pool()
        Charge = pool.get('property.fee.charge')
        Configuration = pool.get('property.billing.configuration')
        ticket = self.ticket
        if (self.state != 'done' or not self.paid_service
                or not ticket or not ticket.unit or not ticket.reporter):
            return None
        company = ticket.unit.site.company
        fee_type = Configuration.get_value('service_fee_type', company)
        if not fee_type:
            return None
        done_at = self.done_at or ticket.create_date
        if description is None:
            # the fee type and the service of the price list, if listed
            description = ' '.join(filter(None, [fee_type.name,
                        self.service and self.service.name]))
        return Charge(company=company, unit=ticket.unit, fee_type=fee_type,
            party=ticket.reporter, date=office_date(done_at, company),
            description=f'{description} {ticket.rec_name}',
            amount=amount, origin=origin)


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'

    @classmethod
    def _before_bill(cls, runs):
        # Work orders finished before the paid service fee was configured
        # are charged now, so the run bills them. (Called by the billing
        # buttons once the user's access to the runs is checked: the
        # billing reads the work orders for its own computation, whoever
        # presses the button.)
        super()._before_bill(runs)
        WorkOrder = Pool().get('property.work_order')
        for run in runs:
            domain = [
                ('state', '=', 'done'),
                ('paid_service', '=', True),
                ('charges', '=', None),
                ('ticket.unit.site.company', '=', run.company.id),
                ]
            if run.site:
                domain.append(('ticket.unit.site', '=', run.site.id))
            with Transaction().set_context(company=run.company.id):
                WorkOrder.create_charges(WorkOrder.search(domain))


class Ticket(metaclass=PoolMeta):
    "The front desk sees on a new ticket that finance holds the payer"
    __name__ = 'property.ticket'
    payer_hold = fields.Function(fields.Char("Payer on Hold",
            states={'invisible': ~Eval('payer_hold')},
            help="A payer of the home that finance holds (催缴)."),
        'on_change_with_payer_hold')

    @fields.depends('unit')
    def on_change_with_payer_hold(self, name=None):
        if self.unit:
            return self.unit.payer_hold
